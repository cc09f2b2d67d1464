"""Content negotiation for page URLs: the Accept header alone picks HTML, JSON or plain text."""

from functools import lru_cache, wraps

from django.http import HttpResponse

from statuscodes.api import json_response

HTML, JSON, TEXT = "html", "json", "text"

# What each representation answers to; on a tie the earlier one wins, so HTML stays the default.
MEDIA_TYPES = {HTML: "text/html", JSON: "application/json", TEXT: "text/plain"}


def parse_accept(header: str) -> list[tuple[str, float]]:
    """Media ranges with their quality, in header order; malformed qualities count as 1."""
    ranges = []
    for part in header.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if "/" not in media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    pass
        ranges.append((media.lower(), quality))
    return ranges


def representation(request) -> str:
    """html, json or text, from the Accept header alone (so `Vary: Accept` keeps caches right).

    - No Accept header: HTML, the canonical page; link checkers and crawlers that send none want it.
    - A bare `*/*`, as curl, wget and HTTPie's plain mode send: text, so `curl host/521` reads well.
    - Otherwise the highest quality wins, an exact type beating a wildcard (`text/html,...,*/*;q=0.8`
      is HTML, `application/json, text/plain, */*` is JSON); nothing acceptable falls back to HTML.
    """
    return representation_for(request.META.get("HTTP_ACCEPT", "").strip())  # not .headers: it copies them all


@lru_cache(maxsize=256)  # clients send a handful of distinct Accept headers; this runs per request
def representation_for(header: str) -> str:
    if not header:
        return HTML
    ranges = parse_accept(header)
    if len(ranges) == 1 and ranges[0][0] == "*/*" and ranges[0][1] > 0:
        return TEXT
    best, best_score = HTML, (0.0, -1, 0)
    for kind, media_type in MEDIA_TYPES.items():
        score = match(media_type, ranges)
        if score > best_score:
            best, best_score = kind, score
    return best


def match(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int, int]:
    """(quality, specificity, earlier-is-higher) of the most specific range naming media_type.

    Zero quality when nothing names it, or when the most specific range refuses it with q=0.
    """
    main = media_type.split("/")[0]
    found = None
    for position, (media, quality) in enumerate(ranges):
        specificity = {media_type: 2, f"{main}/*": 1, "*/*": 0}.get(media)
        if specificity is not None and (found is None or specificity > found[1]):
            found = (quality, specificity, -position)
    if found is None or found[0] == 0:
        return (0.0, -1, 0)
    return found


def negotiated(json, text):
    """Answer a page's JSON or plain-text alternative when the Accept header asks for it.

    `json(request, **kwargs)` is the API document function for the page (its errors become JSON
    errors), `text(request, **kwargs)` returns the terminal page as a string; either may return a
    response instead, such as a redirect to the canonical address. Put this under
    `cached_page(variant=representation)` so each representation has its own ETag and cache entry.
    """

    def decorator(html_view):
        @wraps(html_view)
        def view(request, *args, **kwargs):
            kind = representation(request)
            if kind == JSON:
                return json_response(json, request, *args, **kwargs)
            if kind == TEXT:
                page = text(request, *args, **kwargs)
                return page if isinstance(page, HttpResponse) else text_response(page)
            return html_view(request, *args, **kwargs)

        return view

    return decorator


def text_response(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
