"""Comparison pages: canonical addresses, the table, the differences, curated notes, the form, sitemap."""

import io
import re

import pytest
from django.core.management import call_command
from django.http import Http404
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from statuscodes.compare import Redirect, build_comparison
from statuscodes.models import Comparison, StatusCode
from statuscodes.tests.conftest import VENDORS, code_file, comparison_file

pytestmark = pytest.mark.django_db

USAGE = "\n## How to use it\n\nUse it.\n\n## Common mistakes\n\nMistakes.\n"


@pytest.fixture
def compare_site(write_tree, db):
    """Codes that differ in class, sender, retry, caching and body, and one curated pair (404 vs 410)."""
    root = write_tree(
        {
            "codes/100-iana.md": code_file(100, name="Continue", extra=USAGE).replace(
                "request_headers: []", "request_headers: [Expect]"
            ),
            "codes/101-iana.md": code_file(101, name="Switching Protocols", extra=USAGE),
            "codes/200-iana.md": code_file(200, name="OK", caching="default", extra=USAGE),
            "codes/204-iana.md": code_file(204, name="No Content", caching="default", extra=USAGE),
            "codes/404-iana.md": code_file(404, name="Not Found", caching="default"),
            "codes/410-iana.md": code_file(410, name="Gone", caching="default"),
            "codes/451-iana.md": code_file(451, name="Unavailable For Legal Reasons", caching="default").replace(
                "sent_by: origin", "sent_by: any"
            ),
            "codes/451-cloudflare.md": code_file(451, "cloudflare", name="Blocked By Rule"),
            "codes/499-nginx.md": code_file(499, "nginx", name="Client Closed Request").replace(
                "sent_by: origin", "sent_by: logs-only"
            ),
            "codes/499-esri.md": code_file(499, "esri", name="Token Required"),
            "codes/503-iana.md": code_file(503, name="Service Unavailable", retry="retry-after").replace(
                "response_headers: []", "response_headers: [Retry-After]"
            ),
            "codes/521-cloudflare.md": code_file(
                521, "cloudflare", name="Web Server Is Down", retry="backoff", when="Cloudflare shows its error page."
            )
            .replace("sent_by: origin", "sent_by: cdn")
            .replace("response_headers: []", "response_headers: [CF-Ray, Server]"),
            "comparisons/404-vs-410.md": comparison_file(
                404,
                410,
                title="404 Not Found vs 410 Gone",
                summary="404 says nothing is here; 410 says it was here and is gone for good.",
                key_difference="Only 410 promises that the removal is *deliberate* and permanent.",
                guidance="Send 410 when you removed the page on purpose.",
            ),
        },
        extra_sources=VENDORS,
    )
    call_command("load_content", path=root, stdout=io.StringIO())
    return root


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


# ---------------------------------------------------------------------------------------------
# Addresses


def test_a_pair_page_has_the_title_and_a_side_by_side_table(client, compare_site):
    html = page(client, "/compare/100-vs-521")
    assert "<title>HTTP 100 Continue vs 521 Web Server Is Down</title>" in html
    assert "<h1>HTTP 100 Continue vs 521 Web Server Is Down</h1>" in html
    assert html.count('<th scope="col">') == 2
    for label in ("Class", "Official or vendor", "Who sends it", "Retry", "Body allowed", "How to fix"):
        assert f'<th scope="row">{label}</th>' in html
    assert '<link rel="canonical" href="http://testserver/compare/100-vs-521">' in html


def test_the_higher_number_first_redirects_permanently_to_the_canonical_order(client, compare_site):
    response = client.get("/compare/521-vs-100")
    assert response.status_code == 301
    assert response["Location"] == "/compare/100-vs-521"


def test_a_code_compared_with_itself_redirects_to_its_own_page(client, compare_site):
    response = client.get("/compare/404-vs-404")
    assert (response.status_code, response["Location"]) == (301, "/404")


@pytest.mark.parametrize(
    "path", ["/compare/499-nginx-vs-499-esri", "/compare/499-esri-vs-499", "/compare/499-esri-vs-499-nginx"]
)
def test_a_primary_meaning_is_written_as_its_plain_number(client, compare_site, path):
    response = client.get(path)
    assert (response.status_code, response["Location"]) == (301, "/compare/499-vs-499-esri")


def test_three_and_four_codes_are_set_side_by_side(client, compare_site):
    assert page(client, "/compare/404-vs-503-vs-521").count('<th scope="col">') == 3
    html = page(client, "/compare/100-vs-404-vs-503-vs-521")
    assert html.count('<th scope="col">') == 4
    assert "HTTP 100 Continue vs 404 Not Found vs 503 Service Unavailable vs 521 Web Server Is Down" in html
    assert client.get("/compare/521-vs-404-vs-100-vs-503")["Location"] == "/compare/100-vs-404-vs-503-vs-521"


@pytest.mark.parametrize(
    "path",
    [
        "/compare/404-vs-999",  # unknown code
        "/compare/404-vs-418",  # a valid number with no meaning here
        "/compare/100-vs-200-vs-404-vs-503-vs-521",  # five codes
        "/compare/404",  # one code
        "/compare/vs",
        "/compare/-vs-",
        "/compare/404-vs-",
        "/compare/garbage",
        "/compare/404-VS-410",
        "/compare/404-vs-410-nosuchvendor",
        "/compare/600-vs-404",
        "/compare/" + "9" * 5000 + "-vs-404",  # huge numbers
        "/compare/" + "-vs-".join(["404"] * 300),
        "/compare/<script>alert(1)</script>-vs-404",  # HTML in the path
        "/compare/404-vs-410/",
    ],
)
def test_bad_comparison_addresses_get_the_404_page_never_a_500(client, compare_site, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>404: nothing at" in html
    assert "<script>alert(1)" not in html


TOKENS = st.one_of(
    st.sampled_from(["100", "404", "410", "499", "499-esri", "499-nginx", "521", "521-cloudflare", "999", "vs", ""]),
    st.from_regex(r"[0-9]{1,6}(-[a-z]{1,8})?", fullmatch=True),
    st.text(max_size=12),
)


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tokens=st.lists(TOKENS, min_size=1, max_size=6))
def test_any_slug_builds_a_comparison_or_a_redirect_or_a_404(compare_site, tokens):
    slug = "-vs-".join(tokens)
    try:
        comparison = build_comparison(slug)
    except Redirect as redirect:
        target = redirect.target
        assert target.isdigit() or build_comparison(target).slug == target  # one hop to the canonical page
    except Http404:
        pass
    else:
        assert comparison.slug == slug and 2 <= len(comparison.meanings) <= 4
        comparison.to_dict()


def test_build_comparison_raises_http404_and_redirect_for_the_api(compare_site):
    with pytest.raises(Http404):
        build_comparison("404-vs-999")
    with pytest.raises(Redirect) as redirect:
        build_comparison("521-vs-100")
    assert redirect.value.target == "100-vs-521"
    with pytest.raises(Redirect) as redirect:
        build_comparison("410-vs-410")
    assert redirect.value.target == "410"


# ---------------------------------------------------------------------------------------------
# What the generated part says


def test_differences_are_sentences_about_what_is_particular_to_the_codes(compare_site):
    comparison = build_comparison("404-vs-503")
    assert comparison.differences == [
        "The headers that matter differ: Retry-After for 503; none in particular for 404."
    ]
    # Class and retry differ too, but a sentence about a 4xx beside a 5xx, or a code that should not be
    # retried beside one that may be, would read the same on hundreds of pages: the table says it.
    rows = {row.field: row for row in comparison.rows}
    assert [cell.text for cell in rows["class"].cells] == ["4xx Client Error", "5xx Server Error"]
    assert [cell.text.split(".")[0] for cell in rows["retry"].cells] == ["Do not retry", "Retry after Retry-After"]
    # 404 from the origin, 503 from any server, both IANA codes: nowhere else to look, nothing to say.
    assert not any("origin" in sentence or "IANA" in sentence for sentence in comparison.differences)


def test_no_generic_sentence_is_generated(client, compare_site):
    for slug in ("100-vs-521", "404-vs-410", "404-vs-503", "499-vs-499-esri", "100-vs-200-vs-204-vs-521"):
        main = page(client, f"/compare/{slug}").split('<main id="main"')[1]
        assert "HEAD" not in main, slug  # the same for every status code
        assert "Their recorded facts match" not in main, slug
        assert "Beyond that, each describes a different situation" not in main, slug
        assert "elsewhere the number may differ" not in main, slug


def test_everyday_headers_are_never_said_to_set_a_code_apart(compare_site):
    # 521 names [CF-Ray, Server]: Server is on every response, 100's and 404's too.
    assert (
        "The headers that matter differ: Expect for 100; CF-Ray for 521." in build_comparison("100-vs-521").differences
    )
    assert build_comparison("404-vs-521").differences[-1] == (
        "The headers that matter differ: CF-Ray for 521; none in particular for 404."
    )
    for slug in ("100-vs-521", "404-vs-521", "404-vs-503-vs-521"):
        assert not any("Server" in sentence for sentence in build_comparison(slug).differences), slug


def test_a_value_the_codes_share_is_shown_once_across_the_table(client, compare_site):
    main = page(client, "/compare/404-vs-410").split('<main id="main"')[1]
    assert (
        '<tr class="row-class same"><th scope="row">Class</th>\n      <td colspan="2"><a href="/4xx">4xx Client Error'
        in main
    )
    assert main.count("Yes, explaining the error") == 1
    assert (
        main.count("Nothing: not an error") == 0
        and page(client, "/compare/100-vs-200").count("Nothing: not an error") == 1
    )


def test_when_you_see_it_is_shown_once(client, compare_site):
    main = page(client, "/compare/100-vs-521").split('<main id="main"')[1]
    assert main.count("Cloudflare shows its error page.") == 1
    text = client.get("/compare/100-vs-521", HTTP_ACCEPT="text/plain").content.decode()
    assert "You typically meet" not in text


def test_codes_that_agree_on_every_field_get_no_invented_differences(client, compare_site):
    comparison = build_comparison("404-vs-410")
    assert comparison.differences == []
    assert "class (4xx)" in comparison.shared and "retry (do not retry)" in comparison.shared


def test_no_sentence_splices_a_summary_into_grammar(compare_site):
    for slug in ("100-vs-521", "404-vs-503-vs-521", "499-vs-499-esri", "200-vs-204", "100-vs-200-vs-404-vs-521"):
        for sentence in build_comparison(slug).differences:
            assert "What " not in sentence and "means in one line" not in sentence, sentence
            assert re.match(r"^[A-Z0-9]", sentence) and sentence.endswith("."), sentence


def test_the_vendor_code_is_said_to_come_from_the_cdn_edge(compare_site):
    comparison = build_comparison("404-vs-521")
    text = " ".join(comparison.differences)
    assert "521 Web Server Is Down is a server error used only by Cloudflare" in comparison.summary
    assert "521 comes from the CDN's edge, not from your server" in text
    assert "So look for 404 in the application's own logs and 521 in the CDN's dashboard" in text


def test_one_number_from_two_vendors_is_explained_first(compare_site):
    comparison = build_comparison("499-vs-499-esri")
    assert comparison.title == "HTTP 499 Client Closed Request (nginx) vs 499 Token Required (Esri)"
    assert comparison.differences[0] == (
        "The number 499 is shared, but the meanings are unrelated: nginx uses it for Client Closed Request and "
        "Esri uses it for Token Required."
    )


def test_a_standard_meaning_and_a_vendors_meaning_of_one_number_are_labelled_apart(compare_site):
    comparison = build_comparison("451-vs-451-cloudflare")
    assert comparison.title == "HTTP 451 Unavailable For Legal Reasons vs 451 Blocked By Rule (Cloudflare)"
    assert comparison.differences[0] == (
        "The number 451 is shared, but the meanings are unrelated: the standard uses it for Unavailable For Legal "
        "Reasons and Cloudflare uses it for Blocked By Rule."
    )
    cacheable = {row.field: row for row in comparison.rows}["cacheable"]
    assert [cell.text for cell in cacheable.cells] == [
        "Yes, even without Cache-Control",
        "Only with Cache-Control or Expires",
    ]


def test_the_summary_says_what_the_codes_share_and_where_they_part(compare_site):
    assert build_comparison("404-vs-410").generated_summary == (
        "Both are standard client errors, sent by the origin server; only their meanings set them apart."
    )
    assert build_comparison("404-vs-410-vs-451").generated_summary == (
        "All three are standard client errors; they differ in who sends them."
    )
    assert build_comparison("404-vs-521").generated_summary == (
        "404 Not Found is a standard client error, sent by the origin server; 521 Web Server Is Down is a server "
        "error used only by Cloudflare, sent by a CDN edge."
    )
    # a curated summary wins on the page, the generated one stays available
    curated = "404 says nothing is here; 410 says it was here and is gone for good."
    assert build_comparison("404-vs-410").summary == curated


def test_101_is_not_said_to_be_followed_by_a_final_response(compare_site):
    comparison = build_comparison("101-vs-404")
    assert not any(
        "final response always follows" in p for p in comparison.guidance.paragraphs + comparison.differences
    )


def test_body_allowed_is_derived_from_the_code(compare_site):
    rows = {row.field: row for row in build_comparison("100-vs-200-vs-204-vs-521").rows}
    body = [cell.text for cell in rows["body"].cells]
    assert body == ["No (RFC 9110, section 15.2)", "Yes", "No (RFC 9110, section 15.3.5)", "Yes"]
    assert "200 and 521 can carry content, while 100 and 204 never do (RFC 9110, sections 15.2 and 15.3.5)." in (
        build_comparison("100-vs-200-vs-204-vs-521").differences
    )
    # A 1xx beside a final response is the class row's to show: no 204, 205 or 304, no sentence.
    assert not any("content" in sentence for sentence in build_comparison("100-vs-521").differences)


def test_a_logged_only_code_sends_nothing_and_is_not_compared_on_retry_or_caching(compare_site):
    comparison = build_comparison("499-vs-499-esri")
    body = {row.field: row for row in comparison.rows}["body"]
    assert body.cells[0].text == "Nothing is sent"
    assert not any("retry" in sentence or "cache" in sentence for sentence in comparison.differences)


def test_a_server_authors_choice_gets_when_to_use_which(compare_site):
    guidance = build_comparison("404-vs-503").guidance
    assert guidance.heading == "When to use which"
    assert guidance.paragraphs[0] == (
        "Send 404 when the request itself is at fault and 503 when the request was valid but your side failed."
    )
    assert "If waiting would help, answer 503 with a Retry-After header" in guidance.text
    assert "Typical causes of 404: The first cause. The second cause. The third cause." in guidance.paragraphs
    # each code's meaning is the table's Meaning row, not repeated here
    assert "What 404 means in one line." not in guidance.text


@pytest.mark.parametrize("slug", ["100-vs-521", "499-vs-499-esri", "404-vs-521"])
def test_codes_nobody_chooses_between_are_told_apart_by_the_differences_and_the_table(compare_site, slug):
    comparison = build_comparison(slug)
    assert comparison.guidance.heading == "How to tell them apart"
    # Who answered and where to look are differences; how each is met is the table's "When you see
    # it". Said again here, they would be said twice on the page: what is left is what leads to each.
    assert comparison.guidance.paragraphs
    assert all(p.startswith("Typical causes of ") for p in comparison.guidance.paragraphs)
    assert any("from the CDN's edge" in s or "only appears in logs" in s for s in comparison.differences)
    assert "when" in {row.field for row in comparison.rows}


def test_an_interim_code_is_told_apart_from_a_final_one(compare_site):
    comparison = build_comparison("100-vs-521")
    assert comparison.summary.startswith("100 Continue is a standard interim response")
    rows = {row.field: row for row in comparison.rows}
    assert [cell.text for cell in rows["body"].cells] == ["No (RFC 9110, section 15.2)", "Yes"]


def test_to_dict_has_the_shape_the_api_documents(compare_site):
    data = build_comparison("100-vs-521").to_dict()
    assert set(data) >= {"codes", "title", "summary", "rows", "differences", "guidance", "curated", "url"}
    assert [c["code"] for c in data["codes"]] == [100, 521]
    assert data["codes"][1] | {"source": "cloudflare", "url": "/521"} == data["codes"][1]
    assert all(len(row["values"]) == 2 and {"field", "label"} <= set(row) for row in data["rows"])
    assert data["guidance"]["heading"] == "How to tell them apart"
    assert data["curated"] is None
    assert data["url"] == "/compare/100-vs-521"
    curated = build_comparison("404-vs-410").to_dict()["curated"]
    assert curated["summary"] == "404 says nothing is here; 410 says it was here and is gone for good."
    assert curated["markdown"].startswith("## Key difference\n\nOnly 410 promises")
    assert "<em>deliberate</em>" in curated["html"]


# ---------------------------------------------------------------------------------------------
# Curated notes against generated content


def test_a_curated_note_appears_above_the_generated_part(client, compare_site):
    html = page(client, "/compare/404-vs-410")
    main = html.split('<main id="main"')[1]
    assert '<p class="lead">404 says nothing is here; 410 says it was here and is gone for good.</p>' in main
    assert main.index("Only 410 promises") < main.index('<h2 id="side-by-side">')
    assert "<em>deliberate</em>" in main
    assert "Send 410 when you removed the page on purpose." in main
    # the curated advice replaces the generated one rather than repeating it
    assert main.count(">When to use which</h2>") == 1
    # nothing particular to these two is left to list point by point; what they share is in the table, once
    assert "Point by point" not in main
    assert '<tr class="row-class same"><th scope="row">Class</th>' in main


def test_a_pair_without_notes_is_generated_in_full(client, compare_site):
    main = page(client, "/compare/100-vs-521").split('<main id="main"')[1]
    assert "Key difference</h2>" not in main
    assert '<h2 id="differences">Key differences</h2>' in main
    assert main.index("Side by side") < main.index("Key differences")
    assert '<h2 id="guidance">How to tell them apart</h2>' in main
    assert "Typical causes of 521: The first cause. The second cause. The third cause." in main
    main = page(client, "/compare/404-vs-503").split('<main id="main"')[1]
    assert main.index("Key differences") < main.index('<h2 id="guidance">When to use which</h2>')


def test_editing_a_curated_note_changes_the_page_at_once(client, compare_site):
    before = client.get("/compare/404-vs-410")
    note = Comparison.objects.get(slug="404-vs-410")
    note.summary = "A freshly edited summary."
    note.save()
    after = client.get("/compare/404-vs-410", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "A freshly edited summary." in after.content.decode()


def test_comparison_pages_are_cached_and_answer_304(client, compare_site):
    response = client.get("/compare/100-vs-521")
    assert response["Cache-Control"] == "public, max-age=300"
    assert client.get("/compare/100-vs-521", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.post("/compare/100-vs-521").status_code == 405


def test_a_four_code_page_takes_a_constant_number_of_queries(client, compare_site, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        page(client, "/compare/100-vs-404-vs-503-vs-521")


# ---------------------------------------------------------------------------------------------
# Around it: code pages, the form, the sitemap


def test_a_code_page_links_its_curated_comparisons(client, compare_site):
    html = page(client, "/410")
    assert "Often confused with" in html
    assert '<a href="/compare/404-vs-410">404 Not Found vs 410 Gone</a>' in html


def test_every_code_page_has_a_compare_form_that_works_without_javascript(client, compare_site):
    html = page(client, "/521")
    assert "Often confused with" not in html
    assert '<form class="compare-form" action="/compare" method="get">' in html
    assert '<input name="a" value="521"' in html and '<input name="b" value=""' in html


@pytest.mark.parametrize(
    "query, location",
    [
        ("a=521&b=100", "/compare/100-vs-521"),
        ("a=100&b=521", "/compare/100-vs-521"),
        ("a=+404+&b=410", "/compare/404-vs-410"),
        ("a=499/esri&b=499", "/compare/499-vs-499-esri"),
        ("a=499&b=499+esri", "/compare/499-vs-499-esri"),
        ("a=404&b=404", "/404"),
        ("a=404&b=410&c=503", "/compare/404-vs-410-vs-503"),
    ],
)
def test_the_compare_form_redirects_to_the_canonical_page(client, compare_site, query, location):
    response = client.get(f"/compare?{query}")
    assert (response.status_code, response["Location"]) == (302, location)


def test_the_compare_form_explains_a_missing_second_code(client, compare_site):
    response = client.get("/compare?a=404&b=")
    assert response.status_code == 400
    assert "Choose two codes to compare." in response.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ("a=404&b=999", "There is no status code 999: codes run from 100 to 599."),
        ("a=404&b=418", "There is no status code 418."),
        ("a=404&b=teapot", "A comparison names codes such as 404 or 499-esri."),
        ("a=<script>alert(1)</script>&b=404", "A comparison names codes such as 404 or 499-esri."),
    ],
)
def test_the_compare_form_answers_bad_codes_with_a_clear_message(client, compare_site, query, message):
    response = client.get(f"/compare?{query}")
    assert response.status_code == 404
    html = response.content.decode()
    assert message in html
    assert "<script>alert(1)" not in html


def test_the_compare_page_lists_the_curated_comparisons(client, compare_site):
    html = page(client, "/compare?utm_source=newsletter")
    assert '<a href="/compare/404-vs-410">404 Not Found vs 410 Gone</a>' in html


def test_the_sitemap_lists_number_meaning_source_and_class_pages_and_curated_comparisons_only(client, compare_site):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    xml = response.content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert "http://testserver/404" in locations and "http://testserver/521" in locations
    assert locations.count("http://testserver/499") == 1  # one page per number, however many meanings
    assert "http://testserver/4xx" in locations
    assert "http://testserver/compare/404-vs-410" in locations
    assert not any(loc.endswith("100-vs-521") for loc in locations)
    assert "http://testserver/esri/499" in locations and "http://testserver/nginx/499" not in locations
    assert "http://testserver/esri" in locations and "http://testserver/iana" in locations
    numbers = len(set(StatusCode.objects.values_list("number", flat=True)))
    other_meanings = StatusCode.objects.count() - numbers
    sources = len(set(StatusCode.objects.values_list("source", flat=True)))
    assert "http://testserver/retries" in locations
    assert len(locations) == numbers + other_meanings + sources + 5 + 1 + 3  # + home, /compare, /retries
    assert len(set(locations)) == len(locations)


def test_the_sitemap_uses_site_url_when_it_is_set(client, compare_site, settings):
    settings.SITE_URL = "https://statuscodes.example"
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://statuscodes.example/compare/404-vs-410</loc>" in xml
    assert "testserver" not in xml


def test_robots_txt_points_at_the_sitemap(client, compare_site):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode().splitlines()
    assert "Disallow: /admin/" in response.content.decode()
