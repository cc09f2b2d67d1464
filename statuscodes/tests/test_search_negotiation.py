"""/search answers by the Accept header like the other pages: the HTML page, /api/v1/search's JSON
(its errors too), or a plain-text list, each cached apart under `Vary: Accept`."""

import re

import pytest

from statuscodes import search as code_search
from statuscodes.models import StatusCode
from statuscodes.search import EMPTY_QUERY

JSON = {"HTTP_ACCEPT": "application/json"}
TEXT = {"HTTP_ACCEPT": "text/plain"}
CURL = {"HTTP_ACCEPT": "*/*"}
BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(autouse=True)
def fresh_index():
    """Test databases reuse revision numbers: each test builds its own index."""
    code_search.index_cache.clear()
    yield
    code_search.index_cache.clear()


# ---------------------------------------------------------------------------------------------
# JSON: the API's document, errors included


@pytest.mark.parametrize("query", ["gone", "web server", "499", "410", "999", "linkedin", "gatway"])
def test_json_is_the_apis_document(client, small_site, query):
    page = client.get("/search", {"q": query}, **JSON)
    api = client.get("/api/v1/search", {"q": query})
    assert page.status_code == api.status_code == 200
    assert page["Content-Type"] == "application/json"
    assert page.json() == api.json()


def test_json_results_carry_the_vendors_display_name_for_the_suggestions(client, small_site):
    """static/js/search.js labels a vendor's suggestion with source_name, not the slug."""
    first = client.get("/api/v1/search", {"q": "web server"}).json()["results"][0]
    assert (first["code"], first["source"], first["source_name"]) == (521, "cloudflare", "Cloudflare")
    assert client.get("/search", {"q": "web server"}, **JSON).json()["results"][0]["source_name"] == "Cloudflare"


def test_a_number_is_answered_in_json_not_redirected_as_the_api_does(client, small_site):
    response = client.get("/search", {"q": "410"}, **JSON)
    assert response.status_code == 200
    assert response.json()["results"][0]["code"] == 410
    assert client.get("/search", {"q": "410"}).status_code == 302, "the HTML page still goes to /410"


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "\ufeff"}])
def test_an_empty_query_in_json_is_the_apis_400_naming_q(client, small_site, params):
    response = client.get("/search", params, **JSON)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": EMPTY_QUERY, "status": 400}
    assert "'q'" in response.json()["error"]
    assert client.get("/api/v1/search", params).json() == response.json()


def test_an_overlong_query_in_json_is_the_apis_400(client, small_site):
    params = {"q": "x" * 201}
    response = client.get("/search", params, **JSON)
    assert response.status_code == 400
    assert response.json() == {"error": "The search is 201 characters long; the limit is 200.", "status": 400}
    assert client.get("/api/v1/search", params).json() == response.json()


# ---------------------------------------------------------------------------------------------
# Plain text: a line per result, one line when nothing fits, a 400 saying why


def lines(response) -> list[str]:
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return response.content.decode().splitlines()


def test_text_lists_number_name_source_and_url_per_line_best_first(client, small_site):
    response = client.get("/search", {"q": "web server"}, **TEXT)
    assert response.status_code == 200
    rows = [re.split(r" {2,}", line) for line in lines(response)]
    assert rows[0] == ["521", "Web Server Is Down", "Cloudflare", "http://testserver/521"]
    assert all(len(row) == 4 and row[3].startswith("http://testserver/") for row in rows)


def test_text_columns_line_up(client, small_site):
    text = lines(client.get("/search", {"q": "499"}, **TEXT))
    esri = StatusCode.objects.get(number=499, source__slug="esri").get_absolute_url()
    assert text[:2] == [
        "499  Client Closed Request  nginx  http://testserver/499",
        f"499  Token Required         Esri   http://testserver{esri}",
    ]


def test_curl_gets_the_text_and_a_number_is_listed_not_redirected(client, small_site):
    """curl sends `*/*` and follows no redirect unless asked: it gets the list."""
    response = client.get("/search", {"q": "410"}, **CURL)
    assert response.status_code == 200
    assert lines(response)[0] == "410  Gone  IANA  http://testserver/410"


def test_text_says_in_one_line_when_nothing_matches(client, small_site):
    response = client.get("/search", {"q": "xylophone"}, **TEXT)
    assert response.status_code == 200
    assert lines(response) == [
        "No page here mentions \u201cxylophone\u201d, and it is not the name of any source here. "
        "The codes here are defined by IANA, nginx, Cloudflare, Esri."
    ]
    assert lines(client.get("/search", {"q": "the a of"}, **TEXT)) == ["No status code matches \u201cthe a of\u201d."]


def test_text_answers_a_number_that_is_no_status_code_honestly(client, small_site):
    (line,) = lines(client.get("/search", {"q": "999"}, **TEXT))
    assert line.startswith("999 is not a registered HTTP status code: standard codes run from 100 to 599.")
    assert "No source in this reference defines 999." in line
    (line,) = lines(client.get("/search", {"q": "418"}, **TEXT))
    assert (
        line == "Nothing in this reference is numbered 418: none of the registered or vendor codes listed here uses it."
    )


def test_text_never_echoes_control_characters(client, small_site):
    text = client.get("/search", {"q": "zz\x1b[31mqq"}, **TEXT).content.decode()
    assert "\x1b" not in text


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, EMPTY_QUERY),
        ({"q": " "}, EMPTY_QUERY),
        ({"q": "x" * 201}, "The search is 201 characters long; the limit is 200."),
    ],
)
def test_a_bad_query_in_text_is_a_400_saying_why(client, small_site, params, message):
    response = client.get("/search", params, **TEXT)
    assert response.status_code == 400
    assert lines(response) == [message]


# ---------------------------------------------------------------------------------------------
# HTML stays as it was, and each representation is cached apart


@pytest.mark.parametrize("headers", [{}, BROWSER, {"HTTP_ACCEPT": "text/html"}])
def test_html_keeps_the_number_redirect_and_the_page(client, small_site, headers):
    assert client.get("/search", {"q": "410"}, **headers)["Location"] == "/410"
    page = client.get("/search", {"q": "gone"}, **headers)
    assert page["Content-Type"].startswith("text/html")
    assert '<ol class="code-list detailed search-results">' in page.content.decode()


def test_each_representation_has_its_own_cache_entry_and_etag_under_vary_accept(client, small_site):
    params = {"q": "gone"}
    html, json, text = (client.get("/search", params, **headers) for headers in (BROWSER, JSON, TEXT))
    assert len({html["ETag"], json["ETag"], text["ETag"]}) == 3
    assert all(response["Vary"] == "Accept" or "Accept" in response["Vary"] for response in (html, json, text))
    # Served again from the cache, each still in its own form.
    again = {name: client.get("/search", params, **headers) for name, headers in (("json", JSON), ("html", BROWSER))}
    assert again["json"].json() == json.json()
    assert again["html"].content == html.content and again["html"]["Content-Type"].startswith("text/html")
    assert client.get("/search", params, HTTP_IF_NONE_MATCH=json["ETag"], **JSON).status_code == 304
    assert client.get("/search", params, HTTP_IF_NONE_MATCH=json["ETag"], **BROWSER).status_code == 200
    assert client.get("/search", {"q": "gone", "x": "1"}, **JSON)["ETag"] == json["ETag"], "only q keys the page"


def test_errors_are_not_cached_and_methods_other_than_get_are_refused_in_kind(client, small_site):
    assert client.get("/search", {"q": ""}, **JSON).status_code == 400
    assert client.get("/search", {"q": ""}).status_code == 200, "the HTML page shows its examples"
    refused = client.post("/search", {"q": "gone"}, **JSON)
    assert refused.status_code == 405 and refused.json()["status"] == 405
    assert client.head("/search", {"q": "gone"}, **JSON).status_code == 200
