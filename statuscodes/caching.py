"""Page caching keyed by the content revision, with ETag/Last-Modified and 304s for CDNs."""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, urlencode

from statuscodes.models import Revision

logger = logging.getLogger(__name__)


# How long an instance may go on serving a revision that another instance has moved past. Read
# from the database at most this often, the revision costs a cached page nothing; an edit made
# through this process is seen at once (Revision.local_changes).
REVISION_TTL = 0.5  # seconds

_memo: tuple | None = None  # (number, changed_at, read at (monotonic), Revision.local_changes then)


def current_revision() -> tuple[int, datetime]:
    """(revision number, when it changed), read on every cached request and every search."""
    global _memo
    now, memo = time.monotonic(), _memo
    if memo and now - memo[2] < REVISION_TTL and memo[3] == Revision.local_changes:
        return memo[0], memo[1]
    local_changes = Revision.local_changes
    number, changed_at = read_revision()
    _memo = (number, changed_at, now, local_changes)
    return number, changed_at


def request_revision(request) -> tuple[int, datetime]:
    """The revision statuscodes.replay read for this request, or a fresh read.

    When that read failed, its error is raised again rather than waiting out a timeout twice.
    """
    if (problem := getattr(request, "revision_error", None)) is not None:
        raise problem
    return getattr(request, "revision", None) or current_revision()


def forget_process_state() -> None:
    """Forget what this process keeps between requests: the revision read, its recent pages, a
    failed cache. For tests, which roll the database back under it."""
    global _memo, _cache_down_until
    _memo, _cache_down_until = None, 0.0
    recent_pages.clear()
    finished_responses.clear()
    vary_names.clear()


def read_revision() -> tuple[int, datetime]:
    """A plain SELECT by primary key: the ORM's model machinery costs nine times the query."""
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
            revision, changed_at = request_revision(request)
            kind = variant(request)
            url_key = page_key(request, params)
            key, etag = f"page:{revision}:{kind}:{url_key}", f'"{revision}-{kind}-{url_key[:12]}"'
            # This runs on every cached request, so it is kept to plain string work.
            last_modified = int(changed_at.timestamp())
            if revalidates(request, etag) and key in recent_pages:
                response = HttpResponseNotModified()  # the commonest revalidation, without the body
            else:
                response = cached_response(request, view, args, kwargs, key)
                if response.status_code == 200 and CONDITIONAL_HEADERS & request.META.keys():
                    ignore_future_if_modified_since(request)
                    response = get_conditional_response(request, etag, last_modified, response)
            if response.status_code in (200, 304):
                response.page_revision = revision  # statuscodes.replay may store it whole
                response["ETag"] = etag
                response["Last-Modified"] = last_modified_header(last_modified)
                response["Cache-Control"] = f"public, max-age={settings.PAGE_MAX_AGE}"
            if vary:
                if "Vary" in response:
                    patch_vary_headers(response, vary)
                else:  # a fresh response: no need to parse and merge
                    response["Vary"] = ", ".join(vary)
            return response

        return wrapper

    return decorator


def revalidates(request, etag: str) -> bool:
    """A GET or HEAD whose only validator is exactly the current ETag, as a CDN or browser sends."""
    meta = request.META
    return (
        meta.get("HTTP_IF_NONE_MATCH") == etag
        and request.method in ("GET", "HEAD")
        and "HTTP_IF_MATCH" not in meta
        and "HTTP_IF_UNMODIFIED_SINCE" not in meta
    )


CONDITIONAL_HEADERS = {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"}


@lru_cache(maxsize=8)  # one per revision in use
def last_modified_header(timestamp: int) -> str:
    return http_date(timestamp)


def page_key(request, params) -> str:
    """The scheme, the path and the named query parameters: everything that chooses the page.

    Not the Host header: absolute links name the one canonical host (links.site_base), so
    `Host: localhost:1`, `:2`, ... all share one entry.
    """
    query_string = request.META.get("QUERY_STRING", "") if params else ""
    return hashed_page_key(request.scheme, request.path, query_string, params)


@lru_cache(maxsize=1024)  # the same few hundred addresses over and over; junk just ages out
def hashed_page_key(scheme: str, path: str, query_string: str, params: tuple) -> str:
    query = QueryDict(query_string)
    chosen = urlencode(sorted((name, value) for name in params for value in query.getlist(name)))
    return hashlib.sha256(f"{scheme}:{path}?{chosen}".encode()).hexdigest()[:32]


def ignore_future_if_modified_since(request) -> None:
    """A date later than now cannot be a Last-Modified we sent: ignore it, as for a bad date.

    Otherwise any page would answer 304 to a client that sends the year 2100.
    """
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    if since is not None and since > time.time():
        del request.META["HTTP_IF_MODIFIED_SINCE"]


class RecentPages:
    """The pages this process served last, bounded in bytes, in front of the configured cache.

    A hit costs a dict lookup, where the configured cache costs a key check, a lock and
    unpickling, or a round trip to Redis. Keys carry the revision, so nothing here goes stale.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes, self.bytes = max_bytes, 0
        self.pages: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self.lock = threading.Lock()

    def __contains__(self, key: str) -> bool:
        return key in self.pages

    def get(self, key: str) -> tuple[bytes, str] | None:
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: tuple[bytes, str]) -> None:
        with self.lock:
            if key in self.pages or len(page[0]) > self.max_bytes // 8:
                return  # the export and its CSV are left to the configured cache
            self.pages[key] = page
            self.bytes += len(page[0])
            while self.bytes > self.max_bytes:
                _, (content, _) = self.pages.popitem(last=False)
                self.bytes -= len(content)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.bytes = 0


recent_pages = RecentPages(max_bytes=8 * 1024 * 1024)
# Whole responses as the middleware stack finished them, for statuscodes.replay, and for each
# page the request headers that its response varies on.
finished_responses = RecentPages(max_bytes=8 * 1024 * 1024)
vary_names: dict[tuple[str, str], tuple[str, ...]] = {}


def cached_response(request, view, args, kwargs, key: str) -> HttpResponse:
    page = recent_pages.get(key)
    if page is None and (page := cache_call(cache.get, key)) is not None:
        recent_pages.put(key, page)
    if page is not None:
        return HttpResponse(page[0], content_type=page[1])
    response = view(request, *args, **kwargs)
    if response.status_code == 200 and not response.streaming:
        page = (response.content, response["Content-Type"])
        recent_pages.put(key, page)
        cache_call(cache.set, key, page, timeout=3600)
    return response


CACHE_RETRY_AFTER = 5.0  # seconds a failed cache is left alone before it is tried again
_cache_down_until = 0.0


def cache_call(method, *args, **kwargs):
    """The cache is a shortcut, never a dependency: when it fails (Redis down, a timeout), pages are
    rendered without it, and it is left alone for a few seconds so that no request pays its
    timeout twice. One warning says so, not one per request."""
    global _cache_down_until
    now = time.monotonic()
    if now < _cache_down_until:
        return None
    try:
        return method(*args, **kwargs)
    except Exception as problem:  # noqa: BLE001 - whatever the backend raises
        _cache_down_until = now + CACHE_RETRY_AFTER
        logger.warning("page cache unavailable, serving without it for %.0f s: %s: %s", CACHE_RETRY_AFTER,
                       type(problem).__name__, problem)  # fmt: skip
        return None
