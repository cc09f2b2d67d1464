"""The page cache: one canonical host, bounded in bytes, validators only for pages that exist."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from unittest import mock

import pytest
from django.core.cache import cache

from statuscodes.memory_cache import BoundedMemoryCache

pytestmark = pytest.mark.django_db


def test_every_port_and_spelling_of_an_allowed_host_shares_one_cache_entry(client, small_site, settings):
    settings.ALLOWED_HOSTS = ["statuscodes.example", "www.statuscodes.example"]
    first = client.get("/521", HTTP_HOST="statuscodes.example")
    with mock.patch.object(cache, "set", wraps=cache.set) as cache_writes:
        for host in ("statuscodes.example:1", "statuscodes.example:400", "www.statuscodes.example:8080"):
            response = client.get("/521", HTTP_HOST=host)
            assert response.content == first.content and response["ETag"] == first["ETag"]
    assert cache_writes.call_count == 0


def test_links_name_the_canonical_host_whatever_host_or_port_was_asked_for(client, small_site, settings):
    settings.ALLOWED_HOSTS = ["statuscodes.example", ".statuscodes.example"]
    for path in ("/521", "/robots.txt", "/sitemap.xml"):
        body = client.get(path, HTTP_HOST="www.statuscodes.example:1").content.decode()
        assert "statuscodes.example:1" not in body and "www.statuscodes.example" not in body
    assert (
        '<link rel="canonical" href="http://statuscodes.example/521">'
        in client.get("/521", HTTP_HOST="statuscodes.example:1").content.decode()
    )
    robots = client.get("/robots.txt", HTTP_HOST="statuscodes.example:1").content.decode()
    assert "Sitemap: http://statuscodes.example/sitemap.xml" in robots.splitlines()
    sitemap = client.get("/sitemap.xml", HTTP_HOST="statuscodes.example:1").content.decode()
    assert "<loc>http://statuscodes.example/521</loc>" in sitemap


def test_site_url_wins_over_any_host(client, small_site, settings):
    settings.SITE_URL = "https://statuscodes.example"
    html = client.get("/521", HTTP_HOST="testserver").content.decode()
    assert '<link rel="canonical" href="https://statuscodes.example/521">' in html


@pytest.mark.parametrize(
    "path, status",
    [
        ("/999", 404),
        ("/api/v1/codes/999", 404),
        ("/compare/999-vs-998", 404),
        ("/api/v1/codes?class=bogus", 400),
        ("/api/v1/search?q=", 400),
    ],
)
def test_conditional_headers_never_turn_a_missing_page_into_a_304(client, small_site, path, status):
    future = format_datetime(datetime.now(UTC) + timedelta(days=365), usegmt=True)
    for headers in ({"HTTP_IF_NONE_MATCH": "*"}, {"HTTP_IF_MODIFIED_SINCE": future}):
        response = client.get(path, **headers)
        assert response.status_code == status, headers
        assert "public" not in response.get("Cache-Control", "")


def test_if_none_match_star_on_a_page_that_exists_is_a_304(client, small_site):
    assert client.get("/521", HTTP_IF_NONE_MATCH="*").status_code == 304


def test_an_if_modified_since_in_the_future_is_ignored(client, small_site):
    future = format_datetime(datetime.now(UTC) + timedelta(days=1), usegmt=True)
    response = client.get("/521", HTTP_IF_MODIFIED_SINCE=future)
    assert response.status_code == 200 and b"Web Server Is Down" in response.content
    last_modified = client.get("/521")["Last-Modified"]
    assert client.get("/521", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def make_cache(max_bytes: int, name: str) -> BoundedMemoryCache:
    return BoundedMemoryCache(name, {"OPTIONS": {"MAX_BYTES": max_bytes, "MAX_ENTRIES": 1000}})


def test_the_memory_cache_stays_within_its_byte_budget_dropping_the_least_recently_used():
    memory = make_cache(10_000, "bounded-test-budget")
    memory.clear()
    for number in range(50):
        memory.set(f"page-{number}", b"x" * 1000)
        memory.get("page-0")  # kept warm, so it is never the least recently used
        assert memory.stored_bytes() <= 10_000
    assert memory.get("page-0") is not None
    assert memory.get("page-1") is None and memory.get("page-49") is not None


def test_the_memory_cache_counts_a_replaced_value_once_and_skips_one_larger_than_the_budget():
    memory = make_cache(10_000, "bounded-test-replace")
    memory.clear()
    for _ in range(20):
        memory.set("same", b"y" * 2000)
    assert memory.stored_bytes() < 2100
    memory.set("huge", b"z" * 20_000)
    assert memory.get("huge") is None and memory.get("same") is not None
    memory.delete("same")
    assert memory.stored_bytes() == 0


def test_the_default_cache_is_the_bounded_one_when_there_is_no_redis(settings):
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("a shared Redis is bounded by its own maxmemory")
    from django.core.cache import caches

    assert isinstance(caches["default"], BoundedMemoryCache)
    assert caches["default"].max_bytes == 64 * 1024 * 1024
