"""Page URLs answer HTML, JSON or plain text by the Accept header alone, each with its own ETag."""

import io

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from statuscodes.negotiation import representation
from statuscodes.tests.conftest import CAUSES_AND_FIXES, code_file

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    "accept, expected",
    [
        (None, "html"),  # no header: the canonical page
        ("", "html"),
        (BROWSER, "html"),
        ("text/html", "html"),
        ("*/*", "text"),  # curl and wget
        ("*/*;q=0.8", "text"),
        ("text/plain", "text"),
        ("text/plain, */*;q=0.1", "text"),
        ("application/json", "json"),
        ("application/json, text/plain, */*", "json"),  # axios
        ("application/json, */*;q=0.5", "json"),  # HTTPie
        ("application/*", "json"),
        ("text/*", "html"),  # a tie goes to the page
        ("text/html;q=0.5, application/json", "json"),
        ("application/json;q=0, */*", "html"),  # JSON refused; */* is no longer bare
        ("image/png", "html"),  # nothing we have: the page rather than a 406
        ("application/json;q=oops", "json"),  # a malformed quality counts as 1
        ("nonsense", "html"),
    ],
)
def test_the_accept_header_alone_chooses_the_representation(accept, expected):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    assert representation(RequestFactory().get("/521", **headers)) == expected


@pytest.mark.django_db
def test_curl_gets_a_short_plain_text_page_for_a_code(client, small_site):
    response = client.get("/521", HTTP_ACCEPT="*/*")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("521 Web Server Is Down (Cloudflare)\n===")
    assert "What 521 means in one line." in text
    assert "Class 5xx. Defined by Cloudflare. Retry with backoff." in text
    assert "Causes\n  1. The first cause\n     Explained." in text
    assert "Fixes\n  1. [Visitors] Check the address" in text
    assert "Full page: http://testserver/521" in text
    assert "<" not in text  # no markup leaks into the terminal


@pytest.mark.django_db
def test_the_text_page_is_wrapped_for_a_terminal(client, small_site):
    text = client.get("/404", HTTP_ACCEPT="text/plain").content.decode()
    long_lines = [line for line in text.splitlines() if len(line) > 78 and " " in line.strip()]
    assert long_lines == []
    assert "This meaning is described in enough words" in text  # the first paragraph, wrapped


@pytest.mark.django_db
def test_the_text_page_lists_a_numbers_other_meanings(client, small_site):
    text = client.get("/499", HTTP_ACCEPT="*/*").content.decode()
    assert "499 has 2 meanings; this is nginx's.\n  499  Token Required (Esri)  http://testserver/esri/499" in text


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["application/json", "text/plain"])
def test_a_meaning_page_negotiates_and_a_primary_meaning_redirects_in_every_form(client, small_site, accept):
    response = client.get("/esri/499", HTTP_ACCEPT=accept)
    assert response.status_code == 200 and response["Content-Type"].startswith(accept)
    assert "Token Required" in response.content.decode()
    moved = client.get("/nginx/499", HTTP_ACCEPT=accept)
    assert moved.status_code == 301 and moved["Location"] == "/499"
    missing = client.get("/esri/404", HTTP_ACCEPT=accept)
    assert missing.status_code == 404 and missing["Content-Type"].startswith(accept)


@pytest.mark.django_db
def test_a_source_hub_negotiates(client, small_site):
    data = client.get("/esri", HTTP_ACCEPT="application/json").json()
    assert data["source"]["slug"] == "esri" and data["source"]["page"] == "/esri"
    assert [(r["code"], r["url"]) for r in data["results"]] == [(499, "/esri/499")]
    text = client.get("/esri", HTTP_ACCEPT="text/plain").content.decode()
    assert text.startswith("Status codes defined by Esri\n") and "499  Token Required" in text


@pytest.mark.django_db
def test_a_json_client_gets_the_apis_json_for_a_code_page(client, small_site):
    response = client.get("/499", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    assert response.json() == client.get("/api/v1/codes/499").json()


@pytest.mark.django_db
def test_a_browser_gets_the_html_page(client, small_site):
    response = client.get("/521", HTTP_ACCEPT=BROWSER)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>521 Web Server Is Down" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, api_path, text_start",
    [
        ("/", "/api/v1/codes", "HTTP status codes\n"),
        ("/4xx", "/api/v1/classes/4xx", "4xx Client Error\n"),
    ],
)
def test_the_home_and_class_pages_negotiate_too(client, small_site, path, api_path, text_start):
    assert client.get(path, HTTP_ACCEPT="application/json").json() == client.get(api_path).json()
    text = client.get(path, HTTP_ACCEPT="*/*").content.decode()
    assert text.startswith(text_start)
    assert "  404  Not Found" in text and "  499  Token Required (Esri)" in text
    assert "<html" in client.get(path, HTTP_ACCEPT=BROWSER).content.decode()


@pytest.mark.django_db
def test_each_representation_has_its_own_etag_and_the_pages_vary_on_accept(client, small_site):
    etags = {}
    for accept in (BROWSER, "application/json", "*/*"):
        response = client.get("/521", HTTP_ACCEPT=accept)
        assert "Accept" in [h.strip() for h in response["Vary"].split(",")]
        etags[accept] = response["ETag"]
        assert client.get("/521", HTTP_ACCEPT=accept, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert len(set(etags.values())) == 3
    # The HTML page's ETag does not validate the JSON: a cache must fetch the JSON in full.
    response = client.get("/521", HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=etags[BROWSER])
    assert response.status_code == 200


@pytest.mark.django_db
def test_cached_representations_never_mix(client, small_site):
    for _ in range(2):  # the second round is served from the cache
        assert client.get("/521", HTTP_ACCEPT="application/json")["Content-Type"] == "application/json"
        assert client.get("/521", HTTP_ACCEPT="*/*")["Content-Type"] == "text/plain; charset=utf-8"
        assert client.get("/521")["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/418", "/999", "/7xx", "/nothing/here"])
def test_a_404_negotiates_like_the_pages(client, small_site, path):
    as_json = client.get(path, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 404
    assert as_json.json()["status"] == 404 and as_json.json()["error"]
    as_text = client.get(path, HTTP_ACCEPT="*/*")
    assert as_text.status_code == 404
    assert as_text["Content-Type"] == "text/plain; charset=utf-8"
    assert as_text.content.decode().startswith(f"404: nothing at {path}\n")
    as_html = client.get(path, HTTP_ACCEPT=BROWSER)
    assert "<h1>404: nothing at" in as_html.content.decode()
    for response in (as_json, as_text, as_html):
        assert "Accept" in response["Vary"]


@pytest.mark.django_db
def test_a_json_404_for_a_missing_code_says_which(client, small_site):
    assert client.get("/418", HTTP_ACCEPT="application/json").json()["error"] == "No status code 418."


@pytest.mark.django_db
def test_the_text_404_suggests_the_nearest_codes(client, small_site):
    text = client.get("/411", HTTP_ACCEPT="*/*").content.decode()
    assert "Did you mean:\n  410  Gone\n  404  Not Found" in text


@pytest.mark.django_db
def test_a_comparison_page_negotiates_and_moves_to_its_canonical_page(client, small_site):
    as_json = client.get("/compare/404-vs-410", HTTP_ACCEPT="application/json")
    assert as_json.json() == client.get("/api/v1/compare/404-vs-410").json()
    text = client.get("/compare/404-vs-410", HTTP_ACCEPT="*/*").content.decode()
    assert text.startswith("HTTP 404 Not Found vs 410 Gone\n===")
    assert "  404  Not Found\n" in text and "Full page: http://testserver/compare/404-vs-410" in text
    for accept in ("application/json", "*/*"):
        moved = client.get("/compare/410-vs-404", HTTP_ACCEPT=accept)
        assert (moved.status_code, moved["Location"]) == (301, "/compare/404-vs-410")


@pytest.mark.django_db
def test_the_text_page_shows_prose_not_code_blocks_flattened_into_a_line(client, write_tree):
    fixes = CAUSES_AND_FIXES.replace(
        "Send a 301.", "```nginx\nlocation /old { return 301 /new; }\n```\n\nSend a 301 from the old address."
    )
    root = write_tree({"codes/410-iana.md": code_file(410, name="Gone", extra=fixes)})
    call_command("load_content", path=root, stdout=io.StringIO())
    text = client.get("/410", HTTP_ACCEPT="text/plain").content.decode()
    assert "[Site owners] Add a redirect\n     Send a 301 from the old address." in text
    assert "location /old" not in text
