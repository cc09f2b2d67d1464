"""Page caching keyed by the content revision, with ETag/Last-Modified and 304s for CDNs."""

import hashlib
import time
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag, urlencode

from statuscodes.models import Revision


def current_revision() -> tuple[int, datetime]:
    """(revision number, when it changed), read on every cached request and every search.

    A plain SELECT by primary key: it is the one database touch of a cached page, and the
    ORM's model machinery costs about nine times as much as the query itself.
    """
    table = connection.ops.quote_name(Revision._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, changed_at FROM {table} WHERE id = %s", [1])
        row = cursor.fetchone()
    if row is None:
        revision = Revision.current()
        return revision.number, revision.changed_at
    number, changed_at = row
    if isinstance(changed_at, str):  # SQLite without type detection
        changed_at = datetime.fromisoformat(changed_at)
    if changed_at.tzinfo is None:  # stored in UTC (USE_TZ)
        changed_at = changed_at.replace(tzinfo=UTC)
    return number, changed_at


def cached_page(variant=lambda request: "html", vary=("Accept",), params=()):
    """Serve a GET view from the cache while the content revision is unchanged.

    The revision is read from the database on every request (one primary-key lookup), so an
    edit made through any instance changes every ETag and cache key at once; cached bodies
    of older revisions are simply never asked for again. `variant` names the representation
    (HTML, JSON, text) the request negotiated, so each has its own ETag and cache entry.
    `vary` names the request headers that choose it: API URLs, which always answer JSON, pass
    none so a CDN keeps one copy whatever Accept says. `params` names the query parameters the
    view reads; any other part of the query string is ignored, so `?x=1`, `?x=2`, ... cannot
    fill the cache with copies of one page. The ETag carries the URL's key, so it is per URL.

    Conditional headers are weighed only against a page that exists: `If-None-Match: *` on
    /999 is a 404, not a 304.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            revision, changed_at = current_revision()
            last_modified = int(changed_at.timestamp())
            kind = variant(request)
            url_key = page_key(request, params)
            response = cached_response(request, view, args, kwargs, f"page:{revision}:{kind}:{url_key}")
            if response.status_code == 200:
                etag = quote_etag(f"{revision}-{kind}-{url_key[:12]}")
                ignore_future_if_modified_since(request)
                response = get_conditional_response(request, etag, last_modified, response)
                response["ETag"] = etag
                response["Last-Modified"] = http_date(last_modified)
                patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
            if vary:
                patch_vary_headers(response, vary)
            return response

        return wrapper

    return decorator


def page_key(request, params) -> str:
    """The scheme, the path and the named query parameters: everything that chooses the page.

    Not the Host header: absolute links name the one canonical host (links.site_base), so
    `Host: localhost:1`, `:2`, ... all share one entry.
    """
    query = urlencode(sorted((name, value) for name in params for value in request.GET.getlist(name)))
    return hashlib.sha256(f"{request.scheme}:{request.path}?{query}".encode()).hexdigest()[:32]


def ignore_future_if_modified_since(request) -> None:
    """A date later than now cannot be a Last-Modified we sent: ignore it, as for a bad date.

    Otherwise any page would answer 304 to a client that sends the year 2100.
    """
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    if since is not None and since > time.time():
        del request.META["HTTP_IF_MODIFIED_SINCE"]


def cached_response(request, view, args, kwargs, key: str) -> HttpResponse:
    hit = cache.get(key)
    if hit is not None:
        content, content_type = hit
        return HttpResponse(content, content_type=content_type)
    response = view(request, *args, **kwargs)
    if response.status_code == 200 and not response.streaming:
        cache.set(key, (response.content, response["Content-Type"]), timeout=3600)
    return response
