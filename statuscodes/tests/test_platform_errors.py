"""Platform errors (Cloudflare 1020, IIS 500.19, Heroku H12): files, loader, pages, and the codes they arrive with."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from statuscodes.content import export_content
from statuscodes.models import PlatformError
from statuscodes.tests.conftest import VENDORS, code_file, error_file

pytestmark = pytest.mark.django_db

HEROKU = [("heroku", "Heroku", "vendor", 65)]


@pytest.fixture
def error_site(write_tree):
    files = {
        "codes/403-iana.md": code_file(403, name="Forbidden", caching="default"),
        "codes/429-iana.md": code_file(429, name="Too Many Requests"),
        "codes/503-iana.md": code_file(503, name="Service Unavailable"),
        "errors/cloudflare/1020.md": error_file(
            "1020", name="Access Denied", related_codes="[403, 429]", related_errors="[cloudflare/1015]",
            aliases="[Error 1020]",
        ),
        "errors/cloudflare/1015.md": error_file("1015", name="You are being rate limited", statuses="[429]"),
        "errors/cloudflare/1033.md": error_file(
            "1033", name="Argo Tunnel error", statuses="[]",
            status_note="The documentation does not say which status comes with it.",
        ),
        "errors/heroku/h12.md": error_file("H12", "heroku", name="Request timeout", statuses="[503]", retry="backoff"),
    }  # fmt: skip
    root = write_tree(extra_sources=VENDORS + HEROKU)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    call_command("load_content", path=root, stdout=io.StringIO())
    return root


def load_errors(root) -> str:
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_content", path=root, stdout=io.StringIO(), stderr=errors)
    return errors.getvalue()


def test_errors_load_with_their_sections_and_statuses(error_site):
    error = PlatformError.objects.get(source__slug="cloudflare", code="1020")
    assert error.statuses == [403] and error.shows_in == ["page"] and error.aliases == ["Error 1020"]
    assert [c.title for c in error.causes.all()] == ["A rule matched"]
    assert [(f.audience, f.title) for f in error.fixes.all()] == [
        ("visitor", "Ask the owner"),
        ("owner", "Change the rule"),
    ]
    assert PlatformError.objects.get(source__slug="heroku").code == "H12"


def test_export_writes_every_error_file_back_byte_for_byte(error_site, tmp_path):
    export_content(tmp_path / "out")
    for name in ("cloudflare/1020.md", "cloudflare/1033.md", "heroku/h12.md"):
        assert (tmp_path / "out/errors" / name).read_text() == (error_site / "errors" / name).read_text(), name


@pytest.mark.parametrize(
    "name, change, message",
    [
        ("cloudflare/1020.md", ("error: '1020'", "error: 1020"), "cloudflare/1020.md:2: error: must be the code"),
        ("cloudflare/1020.md", ("error: '1020'", "error: '403'"), "a three-digit number is a status code"),
        ("cloudflare/1020.md", ("statuses: [403]", "statuses: [404]"), "status 404 has no file in codes/"),
        ("cloudflare/1020.md", ("statuses: [403]", "statuses: [403, 403]"), "lists a status twice"),
        ("cloudflare/1033.md", ("status_note: The documentation does not say which status comes with it.",
                                "status_note: ''"), "no status is listed"),
        ("cloudflare/1020.md", ("cloudflare/1015", "cloudflare/1016"), "related error cloudflare/1016 does not exist"),
        ("cloudflare/1020.md", ("related_codes: [403, 429]", "related_codes: [418]"), "related code 418 does not"),
        ("cloudflare/1020.md", ("shows_in: [page]", "shows_in: [email]"), "must list where the error shows"),
        ("cloudflare/1020.md", ("## Causes", "## Reasons"), "unknown section '## Reasons'"),
        ("heroku/h12.md", ("source: heroku", "source: cloudflare"), "the file name must be cloudflare/h12.md"),
    ],
)  # fmt: skip
def test_a_bad_error_file_is_refused_with_file_line_and_field_and_nothing_is_loaded(error_site, name, change, message):
    path = error_site / "errors" / name
    path.write_text(path.read_text().replace(*change))
    before = PlatformError.objects.get(source__slug="cloudflare", code="1020").updated_at
    assert message in load_errors(error_site)
    assert PlatformError.objects.get(source__slug="cloudflare", code="1020").updated_at == before


def test_a_removed_file_removes_its_error(error_site):
    (error_site / "errors/cloudflare/1033.md").unlink()
    call_command("load_content", path=error_site, stdout=io.StringIO())
    assert not PlatformError.objects.filter(code="1033").exists()
    shutil.rmtree(error_site / "errors/heroku")
    call_command("load_content", path=error_site, stdout=io.StringIO())
    assert not PlatformError.objects.filter(source__slug="heroku").exists()


def test_an_error_has_its_page_with_the_statuses_it_arrives_with(client, error_site):
    response = client.get("/cloudflare/1020")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Cloudflare error 1020: Access Denied. Meaning, causes and fixes</title>" in html
    assert '<link rel="canonical" href="http://testserver/cloudflare/1020">' in html
    assert '<a href="/403">403 Forbidden</a>' in html
    assert '<a href="/cloudflare/1015">' in html and '<a href="/429">' in html
    assert '<h3 id="fix-owner" class="audience-heading aud-owner">Site owners</h3>' in html
    assert "The documentation does not say which status" in client.get("/cloudflare/1033").content.decode()


@pytest.mark.parametrize("path", ["/cloudflare/9999", "/heroku/1020", "/nobody/1020", "/cloudflare/10.20.30"])
def test_an_error_nobody_documents_is_a_404(client, error_site, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("accept", ["text/html", "application/json", "text/plain"])
def test_an_errors_code_is_canonical_as_the_platform_writes_it(client, error_site, accept):
    response = client.get("/heroku/h12", HTTP_ACCEPT=accept)
    assert response.status_code == 301 and response["Location"] == "/heroku/H12"


def test_an_error_page_answers_json_and_text(client, error_site):
    data = client.get("/cloudflare/1020", HTTP_ACCEPT="application/json").json()
    assert data["code"] == "1020" and data["statuses"] == [403] and data["url"] == "/cloudflare/1020"
    assert [e["code"] for e in data["related_errors"]] == ["1015"]
    assert [c["code"] for c in data["related_codes"]] == [403, 429]
    text = client.get("/cloudflare/1020", HTTP_ACCEPT="text/plain").content.decode()
    assert text.startswith("Cloudflare 1020 Access Denied\n") and "Arrives with HTTP 403." in text


def test_a_status_page_lists_the_platform_errors_that_arrive_with_it(client, error_site):
    html = client.get("/403").content.decode()
    assert '<h2 id="platform-errors">Platform errors</h2>' in html and '<a href="#platform-errors">' in html
    assert '<a href="/cloudflare/1020">' in html and "/cloudflare/1015" not in html
    assert '<a href="/heroku/H12">' in client.get("/503").content.decode()


def test_a_source_hub_lists_its_errors(client, error_site):
    html = client.get("/heroku").content.decode()
    assert '<a href="/heroku/H12">' in html and "(HTTP 503)" in html
    assert "H12" in client.get("/heroku", HTTP_ACCEPT="text/plain").content.decode()


def test_a_trailing_slash_is_dropped_from_an_error_address(client, error_site):
    response = client.get("/cloudflare/1020/")
    assert response.status_code == 301 and response["Location"] == "/cloudflare/1020"


def test_the_api_lists_errors_by_source_and_status_and_answers_each(client, error_site):
    data = client.get("/api/v1/errors").json()
    assert [(r["source"], r["code"]) for r in data["results"]] == [
        ("cloudflare", "1015"), ("cloudflare", "1020"), ("cloudflare", "1033"), ("heroku", "H12"),
    ]  # fmt: skip
    assert [r["code"] for r in client.get("/api/v1/errors?status=503").json()["results"]] == ["H12"]
    assert [r["code"] for r in client.get("/api/v1/errors?source=heroku").json()["results"]] == ["H12"]
    bad = client.get("/api/v1/errors?status=5000")
    assert bad.status_code == 400 and "'status'" in bad.json()["error"]
    assert client.get("/api/v1/errors?source=nobody").status_code == 400
    detail = client.get("/api/v1/errors/heroku/H12")
    assert detail.status_code == 200 and detail.json()["url"] == "/heroku/H12"
    assert detail["Access-Control-Allow-Origin"] == "*" and detail["ETag"]
    moved = client.get("/api/v1/errors/heroku/h12")
    assert moved.status_code == 301 and moved["Location"] == "/api/v1/errors/heroku/H12"
    assert client.get("/api/v1/errors/heroku/H99").json() == {"error": "No error 'H99' from 'heroku'.", "status": 404}


def test_the_export_carries_every_error_for_the_same_few_queries(client, error_site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        from django.core.cache import cache

        from statuscodes.caching import forget_process_state

        cache.clear()
        forget_process_state()
        with CaptureQueriesContext(connection) as captured:
            document = client.get("/api/v1/export").json()
        return len(captured), len(document["errors"])

    many, errors = queries()
    assert errors == 4
    for name in ("cloudflare/1033.md", "heroku/h12.md"):
        (error_site / "errors" / name).unlink()
    call_command("load_content", path=error_site, stdout=io.StringIO())
    assert queries() == (many, 2)


def test_the_errors_csv_has_a_row_per_error(client, error_site):
    import csv

    from statuscodes.api import ERROR_CSV_COLUMNS

    response = client.get("/api/v1/errors.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == list(ERROR_CSV_COLUMNS) and len(rows) == 4
    row = next(r for r in rows if r["code"] == "1020")
    assert (row["statuses"], row["related_errors"], row["url"]) == ("403", "cloudflare/1015", "/cloudflare/1020")
    assert row["fixes"].startswith("### [visitor] Ask the owner")


def test_the_sitemap_lists_every_error_and_its_sources_hub(client, error_site):
    xml = client.get("/sitemap.xml").content.decode()
    for path in ("/cloudflare/1020", "/cloudflare/1033", "/heroku/H12", "/heroku"):
        assert f"<loc>http://testserver{path}</loc>" in xml, path


def test_an_error_page_describes_itself_in_json_ld(client, error_site):
    import json
    import re

    html = client.get("/heroku/H12").content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    article, breadcrumbs = data["@graph"]
    assert article["headline"] == "Heroku error H12: Request timeout"
    assert [item["item"] for item in breadcrumbs["itemListElement"]] == [
        "http://testserver/", "http://testserver/heroku", "http://testserver/heroku/H12",
    ]  # fmt: skip
    assert '<a href="/api/v1/errors/heroku/H12">' in html


@pytest.fixture
def editors(db):
    from django.contrib.auth.models import User

    return [User.objects.create_superuser(name, f"{name}@example.com", "x") for name in ("alice", "bob")]


def test_an_error_edited_in_the_admin_is_kept_exported_and_conflict_checked(error_site, editors, tmp_path):
    from reversion.models import Version

    from statuscodes.tests.admin_forms import editor, open_form, submit

    error = PlatformError.objects.get(source__slug="cloudflare", code="1020")
    url = f"/admin/statuscodes/platformerror/{error.pk}/change/"
    alice, bob = editor(editors[0]), editor(editors[1])
    alice_form, bob_form = open_form(alice, url), open_form(bob, url)
    assert alice_form["statuses"] == "403" and alice_form["related_errors"] == "cloudflare/1015"
    assert submit(alice, url, alice_form, summary="Alice's summary.", statuses="403, 429").status_code == 302
    refused = submit(bob, url, bob_form, summary="Bob's summary.")
    assert refused.status_code == 200 and "Someone else saved this" in refused.content.decode()
    error.refresh_from_db()
    assert (error.summary, error.statuses) == ("Alice's summary.", [403, 429])
    assert Version.objects.get_for_object(error).count() == 2  # the load, then Alice
    export_content(tmp_path / "out")
    text = (tmp_path / "out/errors/cloudflare/1020.md").read_text()
    assert "summary: Alice's summary.\n" in text and "statuses: [403, 429]\n" in text


@pytest.mark.parametrize(
    "field, value, message",
    [("shows_in", "email", "must list where the error shows"), ("related_errors", "1015", "must be a list of errors")],
)
def test_the_admin_refuses_what_the_file_could_not_hold(error_site, editors, field, value, message):
    from statuscodes.tests.admin_forms import editor, open_form, submit

    error = PlatformError.objects.get(source__slug="cloudflare", code="1020")
    url = f"/admin/statuscodes/platformerror/{error.pk}/change/"
    alice = editor(editors[0])
    response = submit(alice, url, open_form(alice, url), **{field: value})
    assert response.status_code == 200 and message in response.content.decode().lower()  # "Must list ..."
    error.refresh_from_db()
    assert getattr(error, field) != value


@pytest.mark.parametrize(
    "query, found",
    [
        ("1020", ["1020"]),
        ("error 1020", ["1020"]),
        ("Cloudflare Error 1015", ["1015"]),
        ("h12", ["H12"]),
        ("HTTP Error H12", ["H12"]),
        ("heroku request timeout", ["H12"]),
        ("access denied", ["1020"]),
        ("rate limited", ["1015"]),
        ("9999", []),
        ("gateway timeout", ["H12"]),  # a timeout too, listed apart from 504 in its own section
        ("i am a teapot", []),
        ("cloudflare", []),
    ],
)
def test_errors_are_found_by_code_as_typed_and_by_their_words(error_site, query, found):
    from statuscodes.error_search import search_errors

    assert [hit.error.code for hit in search_errors(query)] == found


def test_the_errors_index_follows_content_that_reuses_a_rolled_back_revision_number(error_site):
    """A rolled-back load leaves the revision's number free for other content: the index must
    not keep answering from what was rolled back (it is keyed on the number and when it changed)."""
    from django.db import transaction

    from statuscodes import caching
    from statuscodes.error_search import search_errors

    renamed = error_site / "errors/cloudflare/1020.md"
    original = renamed.read_text()
    with transaction.atomic():
        renamed.write_text(original.replace("Access Denied", "Blocked by a rule"))
        call_command("load_content", path=error_site, stdout=io.StringIO())
        rolled_back = caching.current_revision()
        assert [hit.error.name for hit in search_errors("1020")] == ["Blocked by a rule"]
        transaction.set_rollback(True)
    renamed.write_text(original.replace("Access Denied", "Denied by the firewall"))
    call_command("load_content", path=error_site, stdout=io.StringIO())
    assert caching.current_revision()[0] == rolled_back[0]  # the same number, other content
    hits = search_errors("1020")
    assert [hit.error.name for hit in hits] == ["Denied by the firewall"]
    assert "Denied by the firewall" in hits[0].listing and "Blocked" not in hits[0].listing  # its row, rendered anew


@pytest.mark.parametrize("query, location", [("1020", "/cloudflare/1020"), ("error h12", "/heroku/H12")])
def test_searching_an_errors_code_goes_to_its_page(client, error_site, query, location):
    response = client.get("/search", {"q": query})
    assert response.status_code == 302 and response["Location"] == location


def test_search_lists_errors_apart_from_the_codes_in_every_form(client, error_site):
    html = client.get("/search", {"q": "access denied"}).content.decode()
    assert '<h2 id="platform-error-results">Platform errors</h2>' in html and '<a href="/cloudflare/1020">' in html
    data = client.get("/api/v1/search", {"q": "rate limited"}).json()
    assert [e["code"] for e in data["errors"]] == ["1015"] and data["errors"][0]["url"] == "/cloudflare/1015"
    assert client.get("/search", {"q": "rate limited"}, HTTP_ACCEPT="application/json").json() == data
    text = client.get("/search", {"q": "h12"}, HTTP_ACCEPT="text/plain").content.decode()
    assert "H12  Request timeout  Heroku  http://testserver/heroku/H12" in text
    assert client.get("/api/v1/search", {"q": "gone"}).json()["errors"] == []


def test_the_count_line_says_platform_errors_are_listed_below_the_codes(client, error_site):
    """On a phone the errors' section is screens below the codes: the first line says it is there."""
    html = client.get("/search", {"q": "forbidden access denied"}).content.decode()
    count = html.split('<p class="search-count" role="status">')[1].split("</p>")[0]
    assert count == (
        '1 code for &ldquo;forbidden access denied&rdquo;, best first, and <a href="#platform-error-results">'
        "1 platform error</a> below."
    )
    html = client.get("/search", {"q": "forbidden"}).content.decode()
    assert "platform-error-results" not in html  # no errors, no link to them


def test_in_text_an_error_named_by_its_code_comes_before_the_codes(client, error_site):
    """The page goes straight to it; a terminal, which lists instead, lists it first."""
    lines = client.get("/search", {"q": "1020 forbidden"}, HTTP_ACCEPT="text/plain").content.decode().splitlines()
    assert lines[0].startswith("1020  Access Denied  Cloudflare") and lines[1].startswith("403 ")
    lines = client.get("/search", {"q": "forbidden access denied"}, HTTP_ACCEPT="text/plain").content.decode()
    assert [line.split()[0] for line in lines.splitlines()] == ["403", "1020"]  # found by words: after the codes
    found = client.get("/api/v1/search", {"q": "1020 forbidden"}).json()["errors"]
    assert [(e["code"], e["exact"]) for e in found] == [("1020", True)]  # a program can tell too
    found = client.get("/api/v1/search", {"q": "access denied"}).json()["errors"]
    assert [(e["code"], e["exact"]) for e in found] == [("1020", False)]


def test_look_alike_codes_are_dropped_only_when_the_query_is_nothing_but_codes(client, error_site):
    data = client.get("/api/v1/search", {"q": "1020 forbidden"}).json()
    assert [r["code"] for r in data["results"]] == [403]


def test_a_curated_comparison_is_read_shown_served_and_written_back(client, error_site, tmp_path):
    path = error_site / "errors/cloudflare/1020.md"
    compared = "## Compared with\n\n**1020 and a plain 403.** One is a rule at the edge.\n\n## Causes\n"
    path.write_text(path.read_text().replace("## Causes\n", compared, 1))
    call_command("load_content", path=error_site, stdout=io.StringIO())
    html = client.get("/cloudflare/1020").content.decode()
    assert '<h2 id="compared">Compared with</h2>' in html and '<a href="#compared">Compared with</a>' in html
    assert html.index('id="when"') < html.index('id="compared"') < html.index('id="causes"')
    data = client.get("/api/v1/errors/cloudflare/1020").json()
    assert data["compared"]["markdown"].startswith("**1020 and a plain 403.**")
    assert client.get("/api/v1/errors/cloudflare/1015").json()["compared"] is None
    export_content(tmp_path / "out")
    assert (tmp_path / "out/errors/cloudflare/1020.md").read_text() == path.read_text()


def test_errors_are_listed_on_the_numbers_page_not_on_another_vendors_meaning_of_it(client, small_site):
    # small_site's 1020 is said to come with 404; only the number's page lists it
    assert '<a href="/cloudflare/1020">' in client.get("/404").content.decode()
    (small_site / "errors/cloudflare/1020.md").write_text(error_file("1020", name="Access Denied", statuses="[499]"))
    call_command("load_content", path=small_site, stdout=io.StringIO())
    assert '<a href="/cloudflare/1020">' in client.get("/499").content.decode()
    assert 'id="platform-errors"' not in client.get("/esri/499").content.decode()


def add_comparison(root, name: str, compared: str) -> None:
    path = root / name
    path.write_text(path.read_text().replace("## Causes\n", f"## Compared with\n\n{compared}\n\n## Causes\n", 1))


@pytest.mark.parametrize(
    "slug, location",
    [
        ("1020-vs-403", "/cloudflare/1020#compared"),  # curated: straight to the section
        ("403-vs-cloudflare-1020", "/cloudflare/1020#compared"),  # any order, with the source
        ("1015-vs-1020", "/cloudflare/1020#compared"),  # of two errors, the one whose section names the other
        ("h12-vs-503", "/heroku/H12"),  # not curated: the page, with the statuses it arrives with
        ("heroku-H12-vs-504-vs-503", "/heroku/H12"),
    ],
)
def test_comparing_an_error_with_a_code_leads_to_the_errors_own_comparison(client, error_site, slug, location):
    add_comparison(
        error_site, "errors/cloudflare/1020.md", "**1020 and a plain 403.** One is a rule.\n\n**1020 and 1015.** Rate."
    )
    call_command("load_content", path=error_site, stdout=io.StringIO())
    response = client.get(f"/compare/{slug}")
    assert response.status_code == 301 and response["Location"] == location
    api = client.get(f"/api/v1/compare/{slug}")
    assert api.status_code == 301 and api["Location"] == location.split("#")[0].replace("/", "/api/v1/errors/", 1)


@pytest.mark.parametrize(
    "slug",
    [
        "1020-vs-9999",
        "cloudflare-9999-vs-403",
        "heroku-1020-vs-403",
        "1020-vs-1020-vs-1020-vs-403-vs-429",
        "10%0020-vs-403",  # a NUL, which PostgreSQL refuses in a query
        "cloud%00flare-1020-vs-403",
    ],
)
def test_a_comparison_naming_an_unknown_error_is_still_a_404(client, error_site, slug):
    assert client.get(f"/compare/{slug}").status_code == 404
    assert client.get(f"/api/v1/compare/{slug}").status_code == 404


def test_the_compare_page_lists_the_errors_with_a_curated_comparison(client, error_site):
    add_comparison(error_site, "errors/cloudflare/1015.md", "**1015 and a plain 429.** Who counted.")
    call_command("load_content", path=error_site, stdout=io.StringIO())
    html = client.get("/compare").content.decode()
    assert (
        '<a href="/cloudflare/1015#compared">Cloudflare 1015 You are being rate limited</a><p>1015 and a plain 429.</p>'
        in html
    )
    assert "/cloudflare/1020#compared" not in html
