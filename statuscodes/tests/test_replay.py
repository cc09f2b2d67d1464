"""Finished responses replayed ahead of the middleware stack: the same bytes, never a stale or wrong one."""

import gzip
from unittest import mock

import pytest
from django.db import OperationalError

from statuscodes import caching
from statuscodes.models import StatusCode

pytestmark = pytest.mark.django_db

WITHOUT_REPLAY = [name for name in __import__("django.conf").conf.settings.MIDDLEWARE if "replay" not in name]


def replays(client, path, **headers) -> bool:
    """Whether this request is answered from a stored response, and so never reaches the view."""
    found, get = [], caching.finished_responses.get

    def recorded_get(key):
        found.append(get(key))
        return found[-1]

    with (
        mock.patch.object(caching.finished_responses, "get", recorded_get),
        mock.patch.object(caching, "cached_response", wraps=caching.cached_response) as rendered,
    ):
        client.get(path, **headers)
    return any(found) and rendered.call_count == 0


def whole(response) -> tuple:
    return response.status_code, sorted(response.items()), response.content


@pytest.mark.parametrize(
    "path, headers",
    [
        ("/521", {}),
        ("/521", {"HTTP_ACCEPT": "application/json"}),
        ("/521", {"HTTP_ACCEPT": "text/plain", "HTTP_ACCEPT_ENCODING": "gzip"}),
        ("/", {"HTTP_ACCEPT_ENCODING": "gzip, br"}),
        ("/5xx", {}),
        ("/api/v1/codes/521", {}),
        ("/sitemap.xml", {}),
    ],
)
def test_a_replayed_response_is_byte_for_byte_what_the_stack_sends(client, small_site, settings, path, headers):
    first = client.get(path, **headers)
    assert first.status_code == 200
    assert replays(client, path, **headers)
    replayed = client.get(path, **headers)
    assert whole(replayed) == whole(first)
    settings.MIDDLEWARE = WITHOUT_REPLAY
    assert whole(client.get(path, **headers)) == whole(first)


def test_each_representation_and_encoding_is_its_own_entry(client, small_site):
    html = client.get("/521", HTTP_ACCEPT="text/html")
    as_json = client.get("/521", HTTP_ACCEPT="application/json")
    zipped = client.get("/521", HTTP_ACCEPT="text/html", HTTP_ACCEPT_ENCODING="gzip")
    for _ in range(2):
        assert client.get("/521", HTTP_ACCEPT="application/json").json() == as_json.json()
        assert client.get("/521", HTTP_ACCEPT="text/html").content == html.content
        again = client.get("/521", HTTP_ACCEPT="text/html", HTTP_ACCEPT_ENCODING="gzip")
        assert again["Content-Encoding"] == "gzip" and gzip.decompress(again.content) == html.content
    assert html.content.startswith(b"<!doctype html>")
    assert zipped["Content-Encoding"] == "gzip"


def test_an_edit_is_served_at_once_not_the_stored_page(client, small_site):
    client.get("/521")
    assert replays(client, "/521")
    code = StatusCode.objects.get(number=521, source__slug="cloudflare")
    code.summary = "A summary written a moment ago."
    code.save()
    assert b"A summary written a moment ago." in client.get("/521").content


def test_a_refused_host_is_refused_even_for_a_stored_page(client, small_site, settings):
    settings.ALLOWED_HOSTS = ["statuscodes.example"]
    assert client.get("/521", HTTP_HOST="statuscodes.example").status_code == 200
    refused = client.get("/521", HTTP_HOST="evil.example")
    assert refused.status_code == 400
    assert refused["X-Content-Type-Options"] == "nosniff"  # the 400 still went through the stack


def test_plain_http_is_still_redirected_when_the_https_page_is_stored(client, small_site, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/521", secure=True).status_code == 200
    assert client.get("/521", secure=True).status_code == 200
    redirect = client.get("/521")
    assert redirect.status_code == 301 and redirect["Location"] == "https://testserver/521"


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_COOKIE": "sessionid=x"}, {"HTTP_IF_MODIFIED_SINCE": "Mon, 30 Nov 2026 00:00:00 GMT"}],
)
def test_requests_with_a_cookie_or_a_condition_go_through_the_stack(client, small_site, headers):
    client.get("/521")
    assert replays(client, "/521")
    assert not replays(client, "/521", **headers)


def test_only_cached_pages_are_stored(client, small_site):
    for path in ("/search?q=521", "/999", "/healthz", "/admin/login/"):
        client.get(path)
        assert not replays(client, path)
    client.head("/521")
    client.post("/521")
    assert not caching.finished_responses.pages


def test_a_failed_revision_read_is_a_503_after_one_attempt(client, small_site):
    client.get("/521")
    caching.forget_process_state()
    with mock.patch.object(caching, "read_revision", side_effect=OperationalError("database is down")) as read:
        response = client.get("/521", HTTP_ACCEPT="application/json")
    assert response.status_code == 503 and "Retry-After" in response
    assert response["Content-Type"].startswith("application/json")
    assert read.call_count == 1


def test_the_paths_it_remembers_are_bounded(client, small_site, monkeypatch):
    from statuscodes import replay

    monkeypatch.setattr(replay, "MAX_PATHS", 3)
    for path in ("/", "/521", "/5xx", "/404", "/200"):
        client.get(path)
        assert len(caching.vary_names) <= 3
