"""Cached pages answered ahead of the middleware stack, as the stack finished them last time.

A cached page still walks eleven middleware, the URL resolver and the view's wrapper, each
setting headers that come out the same every time. This middleware, first after the health
checks, keeps the finished response (body and every header) of each page served by
`caching.cached_page` and answers the next identical request with a copy. Django's own cache
middleware is not used: it keys on the Host header and the cache backend, where pages here are
keyed by the content revision and kept in process memory.

What makes two requests identical: the scheme, the path, the content revision (so an edit is
seen as soon as caching.current_revision sees it) and every request header the response names
in `Vary`. Only plain reads are answered: GET with no query string, no cookie (an editor's
session goes through the stack) and no conditional header (revalidations keep their fast 304
in caching.cached_page). The Host is still validated: a refused one goes down the stack to its
usual 400.
"""

from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

from statuscodes import caching
from statuscodes.caching import CONDITIONAL_HEADERS, finished_responses, vary_names

# Comparison addresses alone run to millions, so vary_names is emptied when full.
MAX_PATHS = 4096


def replay_cached_pages(get_response):
    def middleware(request):
        meta = request.META
        if (
            request.method != "GET"
            or meta.get("QUERY_STRING")
            or meta.get("HTTP_COOKIE")
            or not CONDITIONAL_HEADERS.isdisjoint(meta)
        ):
            return get_response(request)
        try:
            request.get_host()
        except DisallowedHost:
            return get_response(request)  # refused below, with every header a 400 gets
        try:
            request.revision = caching.current_revision()
        except DatabaseError as problem:
            request.revision_error = problem  # answered below as a 503, without a second wait
            return get_response(request)
        where = (request.scheme, request.path)
        names = vary_names.get(where)
        if names is not None:
            stored = finished_responses.get(key_for(request, where, names))
            if stored is not None:
                return HttpResponse(stored[0], headers=stored[1])
        response = get_response(request)
        if replayable(response):
            names = varied_on(response)
            if len(vary_names) >= MAX_PATHS:
                vary_names.clear()
            vary_names[where] = names
            finished_responses.put(key_for(request, where, names), (response.content, dict(response.items())))
        return response

    return middleware


def key_for(request, where: tuple[str, str], names: tuple[str, ...]) -> str:
    meta = request.META
    values = "\n".join(meta.get(name, "") for name in names)
    return f"{request.revision[0]}\n{where[0]}\n{where[1]}\n{values}"


def replayable(response) -> bool:
    """A whole 200 from cached_page that sets no cookie and varies on named headers only."""
    return (
        response.status_code == 200
        and hasattr(response, "page_revision")
        and not response.streaming
        and not response.cookies
        and "*" not in response.get("Vary", "")
    )


def varied_on(response) -> tuple[str, ...]:
    """`Vary: Accept, Accept-Encoding` -> ("HTTP_ACCEPT", "HTTP_ACCEPT_ENCODING")."""
    header = response.get("Vary", "")
    names = {"HTTP_" + name.strip().upper().replace("-", "_") for name in cc_delim_re.split(header) if name.strip()}
    return tuple(sorted(names))
