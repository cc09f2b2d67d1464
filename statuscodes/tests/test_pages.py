"""The HTML pages: home, code, class, redirects, 404s, health, titles and HTTP caching."""

import re
import time
from unittest import mock

import pytest
from django.db import DatabaseError

from statuscodes.models import StatusCode

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_every_number_by_class_and_marks_vendor_codes(client, small_site):
    html = client.get("/").content.decode()
    for number in (200, 404, 410, 499, 521):
        assert f'<span class="num c{number // 100}">{number}</span>' in html
    assert '<li class="vendor"><a href="/521">' in html
    assert '<li class="official"><a href="/404">' in html


def test_a_code_page_answers_200_without_a_redirect(client, small_site):
    response = client.get("/521")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>521 Web Server Is Down (Cloudflare): meaning, causes and fixes</title>" in html
    assert '<meta name="description" content="What 521 means in one line.">' in html
    assert '<link rel="canonical" href="http://testserver/521">' in html
    assert "The first cause" in html and "Stop retrying" in html
    assert "Client programs" in html  # fixes are labelled by audience


def test_a_trailing_slash_redirects_to_the_page(client, small_site):
    response = client.get("/521/")
    assert response.status_code == 301
    assert response["Location"] == "/521"
    assert client.get("/5xx/")["Location"] == "/5xx"


def test_a_number_with_two_meanings_names_both_before_the_lead_and_describes_the_primary(client, small_site):
    html = client.get("/499").content.decode().split('<main id="main"')[1]
    meanings = html[html.index('<nav class="meanings" aria-label="Meanings of 499">') :]
    meanings = meanings[: meanings.index("</nav>")]
    assert "499 has 2 meanings" in meanings
    assert '<a href="/499" aria-current="page">' in meanings and "Client Closed Request" in meanings
    assert '<a href="/esri/499">' in meanings and "Token Required" in meanings
    assert html.index("<h1>") < html.index('class="meanings"') < html.index('class="lead"')
    assert "What 499 means in one line." in html  # the primary's lead
    assert "ArcGIS wanted a token." not in html.split('id="related"')[0]  # the other meaning has its own page


def test_another_meaning_has_a_page_of_its_own(client, small_site):
    response = client.get("/esri/499")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>499 Token Required (Esri): meaning, causes and fixes</title>" in html
    assert '<link rel="canonical" href="http://testserver/esri/499">' in html
    assert '<a href="/499">' in html and '<a href="/esri/499" aria-current="page">' in html
    assert '<li aria-current="page">Esri</li>' in html  # the breadcrumb trail runs through /499
    assert '<a href="/api/v1/codes/499/esri"><code>/api/v1/codes/499/esri</code></a>' in html


@pytest.mark.parametrize("path", ["/nginx/499", "/cloudflare/521", "/iana/404"])
def test_a_numbers_primary_meaning_has_one_address_the_number_page(client, small_site, path):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == "/" + path.rsplit("/", 1)[1]


@pytest.mark.parametrize("path", ["/esri/404", "/nobody/499", "/esri/999", "/Esri/499", "/esri/0499"])
def test_a_meaning_nobody_defines_is_a_404(client, small_site, path):
    assert client.get(path).status_code == 404


def test_a_source_hub_lists_every_meaning_it_defines(client, small_site):
    html = client.get("/esri").content.decode()
    assert "<h1>Status codes defined by Esri</h1>" in html
    assert '<a href="/esri/499">' in html
    assert '<a href="/api/v1/codes?source=esri">' in html
    assert 'href="/521"' in client.get("/cloudflare").content.decode()  # a primary meaning: its number page
    assert client.get("/nobody").status_code == 404


@pytest.mark.parametrize("path, location", [("/esri/", "/esri"), ("/esri/499/", "/esri/499"), ("/admin", "/admin/")])
def test_a_trailing_slash_is_dropped_from_meaning_and_source_addresses(client, small_site, path, location):
    response = client.get(path)
    assert response.status_code == 301 and response["Location"] == location


def test_every_heading_has_an_anchor_and_the_page_lists_them(client, small_site):
    html = client.get("/521").content.decode()
    headings = re.findall(r"<h([2-4])( id=\"([^\"]+)\")?", html.split('<main id="main"')[1])
    assert headings and all(anchor for _, _, anchor in headings), headings
    toc = html[html.index('<nav class="toc" aria-label="On this page">') :]
    toc = toc[: toc.index("</nav>")]
    listed = re.findall(r'href="#([^"]+)"', toc)
    assert listed[:2] == ["meaning", "when"] and "fix" in listed and "compare" in listed
    assert all(f'id="{anchor}"' in html for anchor in listed)
    assert len(set(re.findall(r' id="([^"]+)"', html))) == len(re.findall(r' id="([^"]+)"', html))  # unique


def test_fixes_are_grouped_by_audience_each_group_one_link_away(client, small_site):
    html = client.get("/521").content.decode()
    assert '<h3 id="fix-client" class="audience-heading aud-client">Client programs</h3>' in html
    assert '<a href="#fix-client">Client programs</a>' in html


def test_a_class_page_shows_its_overview_and_only_its_codes(client, small_site):
    html = client.get("/4xx").content.decode()
    assert "The rules for every 4xx code." in html
    assert "Not Found" in html and "Web Server Is Down" not in html


@pytest.mark.parametrize("path", ["/999", "/abc", "/7xx", "/5211", "/600", "/418", "/0xx", "/521/esri/x"])
def test_unknown_or_malformed_addresses_get_a_real_404_page(client, small_site, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "<h1>404: nothing at" in response.content.decode()


def test_the_404_page_suggests_the_nearest_codes(client, small_site):
    html = client.get("/5211").content.decode()
    assert 'href="/521"' in html
    html = client.get("/411").content.decode()
    assert 'href="/410"' in html and 'href="/404"' in html


def test_the_404_page_escapes_the_path(client, small_site):
    html = client.get("/<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_healthz_answers_200_when_the_database_holds_the_content(client, small_site):
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_503_when_the_database_is_not(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_pages_carry_validators_and_answer_304_to_a_matching_request(client, small_site):
    response = client.get("/521")
    assert response["Cache-Control"] == "public, max-age=300"
    assert "Accept" in response["Vary"]
    assert response["Last-Modified"]
    assert client.get("/521", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get("/521", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304


def test_an_edit_changes_the_etag_and_the_cached_page_at_once(client, small_site):
    before = client.get("/404")
    code = StatusCode.objects.get(number=404)
    code.summary = "Freshly edited summary."
    code.save()
    after = client.get("/404", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "Freshly edited summary." in after.content.decode()


def test_pages_only_answer_get_and_head(client, small_site):
    assert client.post("/521").status_code == 405
    assert client.head("/521").status_code == 200


def test_every_page_sends_a_content_security_policy(client, small_site):
    for path in ("/", "/521", "/5xx", "/999"):
        assert "default-src 'self'" in client.get(path)["Content-Security-Policy"]


def test_the_home_page_is_rendered_with_a_constant_number_of_queries(client, small_site, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        html = client.get("/").content.decode()
    assert 'href="/499"' in html and 'href="/esri/499"' in html


def test_last_modified_is_the_time_of_the_last_content_change(client, small_site):
    from django.utils.http import parse_http_date

    from statuscodes.models import Revision

    revision = Revision.current()
    stamp = parse_http_date(client.get("/521")["Last-Modified"])
    assert stamp == int(revision.changed_at.timestamp())


def test_an_edit_made_through_another_instance_is_seen_here_within_the_revision_ttl(client, small_site):
    """Another gunicorn instance writes only to the shared database; our own cache is never told."""
    from django.db.models import F

    from statuscodes import caching
    from statuscodes.models import Revision

    assert "What 404 means in one line." in client.get("/404").content.decode()  # now in our cache
    StatusCode.objects.filter(number=404).update(summary="Edited through another instance.")
    Revision.objects.filter(pk=1).update(number=F("number") + 1)
    later = time.monotonic() + caching.REVISION_TTL
    with mock.patch.object(caching.time, "monotonic", return_value=later):
        assert "Edited through another instance." in client.get("/404").content.decode()


def test_within_the_revision_ttl_the_revision_costs_no_query(client, small_site, django_assert_num_queries):
    client.get("/521")
    with django_assert_num_queries(0):
        assert client.get("/521").status_code == 200
        assert client.get("/521", HTTP_IF_NONE_MATCH=client.get("/521")["ETag"]).status_code == 304


def test_an_edit_made_through_this_instance_is_seen_at_once(client, small_site):
    client.get("/404")
    code = StatusCode.objects.get(number=404)
    code.summary = "Edited here."
    code.save()
    assert "Edited here." in client.get("/404").content.decode()


def test_pages_are_served_without_the_cache_when_it_fails(client, small_site):
    from django.core.cache import cache

    broken = mock.patch.multiple(cache, get=mock.DEFAULT, set=mock.DEFAULT)
    with broken as methods:
        methods["get"].side_effect = ConnectionError("redis is down")
        methods["set"].side_effect = ConnectionError("redis is down")
        response = client.get("/521")
        client.get("/404")
    assert response.status_code == 200 and b"Web Server Is Down" in response.content
    assert methods["get"].call_count == 1  # then left alone for a while: no request pays the timeout again


def test_every_allowed_host_gets_the_canonical_link_of_the_first(client, small_site, settings):
    """One canonical host: a page cached for one Host header is right for every other one."""
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    assert 'href="http://a.example/521"' in client.get("/521", HTTP_HOST="a.example").content.decode()
    assert 'href="http://a.example/521"' in client.get("/521", HTTP_HOST="b.example").content.decode()


def test_an_unknown_query_string_serves_the_same_cached_page_and_etag(client, small_site):
    from django.core.cache import cache

    plain = client.get("/521")
    with mock.patch.object(cache, "set", wraps=cache.set) as cache_writes:  # any backend: count writes
        for junk in ("?x=1", "?x=2", "?utm_source=mail&y=3"):
            response = client.get(f"/521{junk}")
            assert response["ETag"] == plain["ETag"]
            assert response.content == plain.content
    assert cache_writes.call_count == 0


def test_etags_are_per_url_so_one_page_validator_does_not_answer_for_another(client, small_site):
    etag = client.get("/521")["ETag"]
    assert client.get("/404", HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.parametrize("path", ["/50x", "/50x/", "/4x4", "/5x0/", "/40x"])
def test_a_path_that_looks_like_a_code_but_is_none_is_a_404_not_a_redirect_loop(client, small_site, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "500" in response.content.decode() or "404" in response.content.decode()  # suggestions nearby


def test_every_response_carries_a_permissions_policy(client, small_site):
    for path in ("/", "/521", "/api/v1/codes/521", "/nowhere", "/api/"):
        policy = client.get(path)["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_on_pages_get_a_405_naming_get_and_head(client, small_site, method):
    response = getattr(client, method)("/521")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    json_response = getattr(client, method)("/521", HTTP_ACCEPT="application/json")
    assert json_response.status_code == 405 and json_response.json()["status"] == 405


def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/livez").content == b"ok\n"


def test_readiness_fails_when_nothing_is_loaded(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"prepare_database" in response.content


def test_a_database_error_in_a_page_is_a_503_in_the_negotiated_form(client, small_site):
    with mock.patch("statuscodes.caching.current_revision", side_effect=DatabaseError("gone")):
        html = client.get("/521", HTTP_ACCEPT="text/html")
        data = client.get("/521", HTTP_ACCEPT="application/json")
        api = client.get("/api/v1/codes/521", HTTP_ACCEPT="text/html")
    assert html.status_code == 503 and b"briefly unavailable" in html.content
    assert data.status_code == 503 and data.json()["status"] == 503
    assert api.status_code == 503 and api.json()["status"] == 503
    assert html["Retry-After"] == "30"


def test_a_registry_placeholder_name_is_led_by_the_name_people_search_for(client, write_tree):
    import io

    from django.core.management import call_command

    from statuscodes.tests.conftest import code_file

    text = code_file(418, name="(Unused)", aliases="[I'm a teapot]", extra="")
    call_command("load_content", path=write_tree({"codes/418-iana.md": text}), stdout=io.StringIO())
    html = client.get("/418").content.decode()
    assert "<title>418 I&#x27;m a teapot (Unused): meaning, causes and fixes</title>" in html
    assert StatusCode.objects.get(number=418).name == "(Unused)"  # the registry's name is kept


def test_a_vendor_badge_stays_on_the_line_of_the_name_it_labels(client, small_site):
    """A no-break space ties each badge to the name's last word, so it never wraps onto a line alone."""
    for path in ("/", "/4xx"):
        html = client.get(path).content.decode()
        assert 'Client Closed Request</a>&nbsp;<span class="badge vendor">nginx</span>' in html, path
        assert not re.search(r'</a>\s+<span class="badge', html), path
