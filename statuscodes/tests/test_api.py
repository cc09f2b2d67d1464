"""The JSON API: listings and filters, every field of a code, errors, export, caching and CORS."""

import csv
import io

import pytest

from statuscodes.api import CSV_COLUMNS
from statuscodes.models import StatusCode

pytestmark = pytest.mark.django_db


def get_json(client, path: str, status: int = 200, **headers) -> dict:
    response = client.get(path, **headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_the_list_has_every_meaning_in_number_order_with_integer_codes(client, small_site):
    data = get_json(client, "/api/v1/codes")
    assert data["count"] == 6
    assert [(r["code"], r["source"]) for r in data["results"]] == [
        (200, "iana"),
        (404, "iana"),
        (410, "iana"),
        (499, "nginx"),
        (499, "esri"),
        (521, "cloudflare"),
    ]
    first = data["results"][1]
    assert first == {
        "code": 404,
        "name": "Not Found",
        "class": "4xx",
        "source": "iana",
        "source_name": "IANA",
        "official": True,
        "status": "current",
        "summary": "What 404 means in one line.",
        "url": "/404",
        "api_url": "/api/v1/codes/404/iana",
    }
    assert data["results"][4]["url"] == "/esri/499"  # not the primary meaning of 499


@pytest.mark.parametrize(
    "query, expected",
    [
        ("class=4xx", [404, 410, 499, 499]),
        ("source=cloudflare", [521]),
        ("official=false", [499, 499, 521]),
        ("official=true&class=2xx", [200]),
        ("class=3xx", []),
    ],
)
def test_the_list_filters_by_class_source_and_official(client, small_site, query, expected):
    data = get_json(client, f"/api/v1/codes?{query}")
    assert [r["code"] for r in data["results"]] == expected
    assert data["count"] == len(expected)


@pytest.mark.parametrize(
    "query, named",
    [
        ("class=6xx", "'class': use one of 1xx, 2xx, 3xx, 4xx, 5xx"),
        ("class=", "'class': use one of 1xx"),
        ("source=apache", "'source': use one of iana, nginx, cloudflare, esri"),
        ("official=yes", "'official': use one of true, false"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter_and_the_allowed_values(client, small_site, query, named):
    data = get_json(client, f"/api/v1/codes?{query}", status=400)
    assert data["status"] == 400
    assert named in data["error"]


def test_a_code_answers_its_primary_meaning_with_every_field_and_its_other_meanings(client, small_site):
    data = get_json(client, "/api/v1/codes/499")
    assert list(data) == [
        "code", "name", "class", "source", "source_name", "official", "status", "summary", "url", "api_url", "aliases",
        "sent_by", "description", "when", "usage", "mistakes", "causes", "fixes", "retry", "caching", "cacheable",
        "request_headers", "response_headers", "headers", "related", "reference", "example", "reviewed", "updated",
        "other_meanings",
    ]  # fmt: skip
    assert (data["code"], data["name"], data["source"]) == (499, "Client Closed Request", "nginx")
    assert [(m["code"], m["source"], m["name"]) for m in data["other_meanings"]] == [(499, "esri", "Token Required")]
    assert data["related"][0]["api_url"] == "/api/v1/codes/499/esri"
    assert data["retry"] == {
        "policy": "never",
        "note": "Asking again gives the same answer.",
        "when": "after-change",  # a 4xx labelled never: change the request (the rule, for programs)
        "methods": "none",
        "not_processed": "",
        "retry_after": False,
        "ratelimit_headers": False,
        "backoff": None,
        "max_retries": 0,
        "circuit_breaker": False,
        "reason": "Asking again gives the same answer.",
    }
    assert data["reference"] == {
        "document": "Vendor docs",
        "section": None,
        "url": "https://www.rfc-editor.org/rfc/rfc9110#section-",
    }
    assert data["usage"] is None and data["example"] is None
    assert data["reviewed"] == "2026-11-21"
    assert data["updated"].startswith("20") and "T" in data["updated"]  # ISO 8601


def test_prose_causes_and_fixes_come_as_markdown_and_sanitised_html(client, small_site):
    code = StatusCode.objects.get(number=404)
    code.description = "Read **this** <script>alert(1)</script> [now](javascript:alert(1))."
    code.save()
    data = get_json(client, "/api/v1/codes/404")
    assert data["description"]["markdown"] == code.description
    html = data["description"]["html"]
    assert "<strong>this</strong>" in html and "<script" not in html and "javascript:" not in html
    assert data["causes"][0] == {
        "title": "The first cause",
        "body": {"markdown": "Explained.", "html": "<p>Explained.</p>"},
    }
    assert [(f["audience"], f["title"]) for f in data["fixes"]] == [
        ("visitor", "Check the address"),
        ("owner", "Add a redirect"),
        ("client", "Stop retrying"),
    ]


def test_one_meaning_answers_by_code_and_source_without_other_meanings(client, small_site):
    data = get_json(client, "/api/v1/codes/499/esri")
    assert (data["code"], data["name"], data["source_name"]) == (499, "Token Required", "Esri")
    assert "other_meanings" not in data


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/codes/999",
        "/api/v1/codes/418",
        "/api/v1/codes/0",
        "/api/v1/codes/999999",
        "/api/v1/codes/1234567",
        "/api/v1/codes/521/esri",
        "/api/v1/codes/521/nobody",
        "/api/v1/classes/6xx",
        "/api/v1/classes/4zz",
        "/api/v1/codes/",
        "/api/v1/nothing",
        "/api/v2/codes",
        "/api/v1/codes/abc",
        "/api/v1/codes/445/%0Ax",  # a newline in the path still gets the JSON 404
    ],
)
def test_unknown_codes_meanings_classes_and_paths_are_json_404s(client, small_site, path):
    data = get_json(client, path, status=404)
    assert data["status"] == 404 and data["error"]


def test_the_json_404_names_what_was_missing(client, small_site):
    assert get_json(client, "/api/v1/codes/418", status=404)["error"] == "No status code 418."
    assert "openapi.json" in get_json(client, "/api/v1/nothing", status=404)["error"]


def test_classes_list_all_five_and_a_class_lists_its_codes(client, small_site):
    data = get_json(client, "/api/v1/classes")
    assert [c["class"] for c in data["results"]] == ["1xx", "2xx", "3xx", "4xx", "5xx"]
    detail = get_json(client, "/api/v1/classes/4xx")
    assert detail["name"] == "Client Error"
    assert detail["overview"]["html"] == "<p>The rules for every 4xx code.</p>"
    assert [c["code"] for c in detail["codes"]] == [404, 410, 499, 499]


def test_the_export_holds_every_source_class_and_meaning_in_full(client, small_site):
    data = get_json(client, "/api/v1/export")
    assert [s["slug"] for s in data["sources"]] == ["iana", "nginx", "cloudflare", "esri"]
    assert len(data["classes"]) == 5
    assert data["count"] == len(data["codes"]) == 6
    by_key = {(c["code"], c["source"]): c for c in data["codes"]}
    assert by_key[(404, "iana")] == get_json(client, "/api/v1/codes/404/iana")
    assert [r["api_url"] for r in by_key[(404, "iana")]["related"]] == [
        "/api/v1/codes/410/iana",
        "/api/v1/codes/521/cloudflare",
    ]


def test_the_export_costs_the_same_few_queries_however_many_codes(client, small_site, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):  # 8 for the codes, 3 for the platform errors with causes and fixes
        client.get("/api/v1/export")


def test_the_csv_export_has_a_row_per_meaning_under_the_documented_columns(client, small_site):
    response = client.get("/api/v1/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert len(rows) == 6
    row = next(r for r in rows if r["code"] == "521")
    assert (row["source"], row["source_name"], row["official"], row["retry"]) == (
        "cloudflare",
        "Cloudflare",
        "false",
        "backoff",
    )
    assert row["related"] == "404"
    assert row["causes"].startswith("### The first cause\n\nExplained.\n\n### The second cause")
    assert "### [client] Stop retrying\n\nGive up." in row["fixes"]


def test_writes_are_refused_with_a_json_405_naming_the_allowed_methods(client, small_site):
    for method in (client.post, client.put, client.delete, client.patch):
        response = method("/api/v1/codes/404")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response.json() == {
            "error": f"{response.request['REQUEST_METHOD']} is not allowed: this API is read-only.",
            "status": 405,
        }
    assert client.head("/api/v1/codes/404").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/codes", "/api/v1/codes/404", "/api/v1/export", "/api/v1/export.csv"])
def test_every_get_carries_validators_and_a_matching_request_gets_a_304(client, small_site, path):
    response = client.get(path)
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["ETag"] and response["Last-Modified"]
    assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304


def test_api_urls_answer_json_whatever_accept_says_so_they_do_not_vary_on_it(client, small_site):
    response = client.get("/api/v1/codes/404", HTTP_ACCEPT="text/html")
    assert response["Content-Type"] == "application/json"
    assert "accept" not in [h.strip().lower() for h in response.get("Vary", "").split(",")]


def test_an_admin_edit_changes_the_etag_and_the_answer_at_once(client, small_site):
    before = client.get("/api/v1/codes/404")
    code = StatusCode.objects.get(number=404)
    code.name = "Not Found Anywhere"
    code.save()
    after = client.get("/api/v1/codes/404", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.json()["name"] == "Not Found Anywhere"


def test_any_origin_may_read_and_preflights_are_answered(client, small_site):
    response = client.get("/api/v1/codes/521", HTTP_ORIGIN="https://dashboard.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert client.get("/api/v1/codes/999")["Access-Control-Allow-Origin"] == "*"  # errors are readable too
    preflight = client.options(
        "/api/v1/codes/521",
        HTTP_ORIGIN="https://dashboard.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    assert int(preflight["Access-Control-Max-Age"]) >= 3600


def test_the_index_points_to_the_docs_and_every_endpoint(client, small_site):
    data = get_json(client, "/api/v1/")
    assert data["openapi"] == "/api/v1/openapi.json"
    assert "/api/v1/codes/{code}" in data["endpoints"]


def test_the_api_page_shows_curl_lines_a_real_sample_and_the_csv_columns(client, small_site):
    response = client.get("/api/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "curl http://testserver/api/v1/codes/404" in html
    assert "&quot;name&quot;: &quot;Not Found&quot;" in html  # a sample built from the real data
    assert "<code>reference_section</code>" in html
    assert client.get("/api")["Location"] == "/api/"


def test_every_page_links_to_the_api_page(client, small_site):
    for path in ("/", "/521", "/4xx"):
        assert '<a href="/api/">' in client.get(path).content.decode()


def test_a_comparison_answers_the_codes_side_by_side(client, small_site):
    data = get_json(client, "/api/v1/compare/404-vs-410")
    assert [(c["code"], c["name"]) for c in data["codes"]] == [(404, "Not Found"), (410, "Gone")]
    assert data["url"] == "/compare/404-vs-410"
    assert data["title"] and data["rows"] and data["guidance"]["text"]


@pytest.mark.parametrize(
    "slug, location",
    [
        ("410-vs-404", "/api/v1/compare/404-vs-410"),  # lowest number first
        ("499-nginx-vs-499-esri", "/api/v1/compare/499-vs-499-esri"),  # the primary meaning goes bare
        ("404-vs-404", "/api/v1/codes/404"),  # one meaning named twice is that code
        ("499-esri-vs-499-esri", "/api/v1/codes/499/esri"),
    ],
)
def test_another_spelling_of_a_comparison_moves_to_its_canonical_api_address(client, small_site, slug, location):
    response = client.get(f"/api/v1/compare/{slug}")
    assert response.status_code == 301
    assert response["Location"] == location
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("slug", ["404-vs-999", "404", "404-vs-410-vs-499-vs-521-vs-200", "abc-vs-def"])
def test_a_comparison_of_codes_that_do_not_exist_is_a_json_404(client, small_site, slug):
    assert get_json(client, f"/api/v1/compare/{slug}", status=404)["status"] == 404


def test_search_answers_the_query_and_the_best_matches_first(client, small_site):
    data = get_json(client, "/api/v1/search?q=gone")
    assert data["query"] == "gone"
    first = data["results"][0]
    assert (first["code"], first["name"], first["source"], first["url"]) == (410, "Gone", "iana", "/410")
    assert first["score"] > 0


@pytest.mark.parametrize("query", ["", "?q=", "?q=%20%20", "?q=" + "x" * 201])
def test_an_empty_missing_or_overlong_search_is_a_400_saying_why(client, small_site, query):
    data = get_json(client, f"/api/v1/search{query}", status=400)
    assert data["status"] == 400 and data["error"]


def test_filtered_listings_are_cached_per_filter_and_ignore_other_parameters(client, small_site):
    fourxx = client.get("/api/v1/codes?class=4xx")
    fivexx = client.get("/api/v1/codes?class=5xx")
    assert fourxx["ETag"] != fivexx["ETag"]
    assert fourxx.json() != fivexx.json()
    assert client.get("/api/v1/codes?class=4xx&junk=1")["ETag"] == fourxx["ETag"]


def test_csv_cells_a_spreadsheet_would_run_as_formulas_start_with_a_quote(client, small_site):
    code = StatusCode.objects.get(number=404)
    code.summary = '=HYPERLINK("http://evil.example","click")'
    code.retry_note = "- a markdown list item"
    code.when = "@SUM(A1:A2)"
    code.save()
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/export.csv").content.decode())))
    row = next(r for r in rows if r["code"] == "404")
    assert row["summary"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["retry_note"] == "'- a markdown list item"
    assert row["when"] == "'@SUM(A1:A2)"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


@pytest.mark.parametrize("value, cell", [("+1", "'+1"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=b", "a=b"), (404, "404")])
def test_the_csv_guard_quotes_only_formula_starts(value, cell):
    from statuscodes.api import csv_value

    assert csv_value(value) == cell


@pytest.mark.parametrize("path", ["/api/v1/codes/0521", "/api/v1/codes/0404", "/api/v1/codes/00404/iana"])
def test_a_number_with_a_leading_zero_is_a_json_404_like_its_page(client, small_site, path):
    assert get_json(client, path, status=404)["status"] == 404
    assert client.get(path.replace("/api/v1/codes", "")).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/codes/600", "/api/v1/codes/999/iana", "/api/v1/compare/404-vs-999",
                                  "/api/v1/nothing"])  # fmt: skip
def test_a_preflight_for_something_that_does_not_exist_answers_404_not_204(client, small_site, path):
    response = client.options(path, HTTP_ORIGIN="https://dashboard.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert response.status_code == 404
    assert response.json()["status"] == 404
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_leaves_query_parameters_to_the_get(client, small_site):
    """A browser's preflight carries the query string; a bad value is for the GET to answer."""
    assert client.options("/api/v1/codes?class=bogus").status_code == 204
    assert client.options("/api/v1/search").status_code == 204
