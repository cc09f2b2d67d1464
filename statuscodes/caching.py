"""Page caching keyed by the content revision, with ETag/Last-Modified and 304s for CDNs."""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag

from statuscodes.models import Revision


def cached_page(variant=lambda request: "html"):
    """Serve a GET view from the cache while the content revision is unchanged.

    The revision is read from the database on every request (one primary-key lookup), so an
    edit made through any instance changes every ETag and cache key at once; cached bodies
    of older revisions are simply never asked for again. `variant` names the representation
    (HTML, JSON, text) the request negotiated, so each has its own ETag and cache entry.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            revision = Revision.current()
            kind = variant(request)
            etag = quote_etag(f"{revision.number}-{kind}")
            last_modified = int(revision.changed_at.timestamp())
            response = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if response is None:
                response = cached_response(request, view, args, kwargs, revision.number, kind)
            if response.status_code in (200, 304):
                response["ETag"] = etag
                response["Last-Modified"] = http_date(last_modified)
                patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
            patch_vary_headers(response, ["Accept"])
            return response

        return wrapper

    return decorator


def cached_response(request, view, args, kwargs, revision: int, kind: str) -> HttpResponse:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    key = f"page:{revision}:{kind}:{path}"
    hit = cache.get(key)
    if hit is not None:
        content, content_type = hit
        return HttpResponse(content, content_type=content_type)
    response = view(request, *args, **kwargs)
    if response.status_code == 200 and not response.streaming:
        cache.set(key, (response.content, response["Content-Type"]), timeout=3600)
    return response
