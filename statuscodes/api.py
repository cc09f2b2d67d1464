"""The JSON API under /api/v1/: documents from the models' to_dict(), JSON errors, CORS, caching."""

import csv
import io
import json
import re
from functools import wraps

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from statuscodes import error_search, openapi, search
from statuscodes.caching import cached_page
from statuscodes.compare import SEPARATOR, Redirect, build_comparison
from statuscodes.content import CodeKind, ErrorKind
from statuscodes.links import site_base
from statuscodes.models import PlatformError, Revision, Source, StatusClass, StatusCode

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
CLASS_SLUGS = openapi.CLASS_SLUGS
BOOLEANS = ["true", "false"]


class BadQuery(Exception):
    """A request we cannot answer as asked; the message says what to send instead (a 400)."""


class BadParameter(BadQuery):
    """A query parameter with a value we do not accept; the message names the allowed ones."""

    def __init__(self, name: str, value: str, allowed: list[str]):
        shown = value if len(value) <= 40 else value[:40] + "..."
        super().__init__(f"Invalid value {shown!r} for parameter '{name}': use one of {', '.join(allowed)}.")


# ---------------------------------------------------------------------------------------------
# Responses and decorators


def error_response(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message, "status": status}, status=status)


def json_response(document, request, *args, compact: bool = False, **kwargs) -> HttpResponse:
    """Call a document function and answer its JSON, or the JSON error it raised.

    A document function may return a response of its own instead: a redirect to the canonical
    address of what was asked for.
    """
    try:
        data = document(request, *args, **kwargs)
    except Http404 as exc:
        return error_response(404, str(exc) or "Not found.")
    except BadQuery as exc:
        return error_response(400, str(exc))
    if isinstance(data, HttpResponse):
        return data
    layout = {"separators": (",", ":")} if compact else {"indent": 2}
    return JsonResponse(data, json_dumps_params={**layout, "ensure_ascii": False})


def cors(view):
    """Public, read-only data: any origin may read it, and preflights are answered here.

    A preflight for something that does not exist (/api/v1/codes/600) gets that 404, not a
    204 promising a GET that would fail; query parameters are the GET's to judge. No cookie is
    read and nothing is written, so CSRF protection has nothing to guard: a POST gets the JSON
    405, not Django's HTML 403.
    """

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "OPTIONS" and response.status_code != 404:
            response = HttpResponse(status=204)
            response["Allow"] = ALLOWED_METHODS
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "Accept, Cache-Control, If-Modified-Since, If-None-Match"
            response["Access-Control-Max-Age"] = "86400"
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag"  # not CORS-safelisted, but clients revalidate with it
        return response

    return wrapper


def read_only(view):
    """GET and HEAD (and OPTIONS, which cors answers); anything else is a JSON 405 naming them."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response = error_response(405, f"{request.method} is not allowed: this API is read-only.")
            response["Allow"] = ALLOWED_METHODS
            return response
        return view(request, *args, **kwargs)

    return wrapper


def endpoint(document, variant: str = "json", params: tuple[str, ...] = (), compact: bool = False):
    """Turn a document function into a cached, CORS-enabled, read-only JSON view.

    `params` names the query parameters the document reads; the rest of a query string is ignored.
    `compact` drops the indentation, for documents programs download whole.
    """

    @cors
    @read_only
    @cached_page(variant=lambda request: variant, vary=(), params=params)
    @wraps(document)
    def view(request, *args, **kwargs):
        return json_response(document, request, *args, compact=compact, **kwargs)

    return view


# ---------------------------------------------------------------------------------------------
# Documents: plain functions of the request and URL arguments, returning what to_dict() gives


def choice_param(request, name: str, allowed: list[str]) -> str:
    value = request.GET[name]
    if value not in allowed:
        raise BadParameter(name, value, allowed)
    return value


def index_document(request) -> dict:
    return {
        "docs": "/api/",
        "openapi": "/api/v1/openapi.json",
        "endpoints": list(openapi_document(request)["paths"]),
    }


def codes_document(request) -> dict:
    """Every meaning in number order, filtered by class, source and official."""
    codes = StatusCode.objects.listing()
    if "class" in request.GET:
        codes = codes.in_class(int(choice_param(request, "class", CLASS_SLUGS)[0]))
    if "source" in request.GET:
        codes = codes.filter(source__slug=choice_param(request, "source", source_slugs()))
    if "official" in request.GET:
        codes = codes.filter(official=choice_param(request, "official", BOOLEANS) == "true")
    results = [code.summary_dict() for code in codes]
    return {"count": len(results), "results": results}


def code_document(request, number: str) -> dict:
    """The primary meaning of a number in full, and the short form of its other meanings."""
    meanings = list(meanings_of(number))
    if not meanings:
        raise Http404(f"No status code {number}.")
    primary, others = meanings[0], meanings[1:]
    return {**primary.to_dict(), "other_meanings": [meaning.summary_dict() for meaning in others]}


def meaning_document(request, number: str, source: str) -> dict:
    meaning = meanings_of(number).filter(source__slug=source).first()
    if meaning is None:
        raise Http404(f"No meaning of {number} defined by {source!r}.")
    return meaning.to_dict()


def find_meaning(source: str, number: str) -> tuple[StatusCode, list[StatusCode]] | HttpResponse:
    """The meaning at /<source>/<number> and every meaning of its number, primary first; or, for a
    number's primary meaning, the redirect to its one address, /<number>."""
    meanings = list(meanings_of(number))
    meaning = next((m for m in meanings if m.source.slug == source), None)
    if meaning is None:
        raise Http404(f"No meaning of {number} defined by {source!r}.")
    if meaning is meanings[0]:
        return HttpResponsePermanentRedirect(meaning.get_absolute_url())
    return meaning, meanings


def source_meaning_document(request, source: str, number: str) -> dict | HttpResponse:
    """The JSON of a meaning's page (/esri/499), or the redirect the HTML page answers too."""
    found = find_meaning(source, number)
    return found if isinstance(found, HttpResponse) else found[0].to_dict()


def source_document(request, source: str) -> dict:
    """A source's hub (/nginx) as JSON: who it is and every meaning it defines, short form."""
    found = Source.objects.filter(slug=source).first()
    if found is None:
        raise Http404(f"No source {source!r}.")
    results = [code.summary_dict() for code in StatusCode.objects.listing().filter(source=found)]
    about = {**found.to_dict(), "description": found.prose("description"), "page": f"/{found.slug}"}
    return {"source": about, "count": len(results), "results": results}


def find_error(source: str, code: str):
    """The platform error at /<source>/<code>, or a redirect to its canonical spelling (H12, not h12)."""
    error = PlatformError.objects.filter(source__slug=source, code__iexact=code).select_related("source").first()
    if error is None:
        raise Http404(f"No error {code!r} from {source!r}.")
    if error.code != code:
        return HttpResponsePermanentRedirect(error.get_absolute_url())
    return error


def error_document(request, source: str, code: str) -> dict | HttpResponse:
    """A platform error's page as JSON: the error in full, or the redirect to its canonical spelling.
    The same document as /api/v1/errors/<source>/<code>."""
    error = find_error(source, code)
    return error if isinstance(error, HttpResponse) else error.to_dict()


def classes_document(request) -> dict:
    results = [status_class.to_dict() for status_class in StatusClass.objects.all()]
    return {"count": len(results), "results": results}


def class_document(request, slug: str) -> dict:
    status_class = StatusClass.objects.by_slug(slug) if slug in CLASS_SLUGS else None
    if status_class is None:
        raise Http404(f"No class {slug!r}: classes are {', '.join(CLASS_SLUGS)}.")
    codes = StatusCode.objects.listing().in_class(status_class.digit)
    return {**status_class.to_dict(), "codes": [code.summary_dict() for code in codes]}


def api_error_document(request, source: str, code: str) -> dict | HttpResponse:
    """/api/v1/errors/<source>/<code>; another spelling of the code moves to the canonical one."""
    error = find_error(source, code)
    if isinstance(error, HttpResponse):
        canonical = error["Location"].rsplit("/", 1)[1]
        return HttpResponsePermanentRedirect(reverse("api_error_detail", args=[source, canonical]))
    return error.to_dict()


def errors_document(request) -> dict:
    """Every platform error, by source then code; filtered by source and by an HTTP status it comes with."""
    errors = all_errors()
    if "source" in request.GET:
        slug = choice_param(request, "source", source_slugs())
        errors = [error for error in errors if error.source.slug == slug]
    if "status" in request.GET:
        value = request.GET["status"]
        if not re.fullmatch(r"[1-5][0-9]{2}", value):
            shown = value if len(value) <= 40 else value[:40] + "..."
            raise BadQuery(f"Invalid value {shown!r} for parameter 'status': use a status code from 100 to 599.")
        errors = [error for error in errors if int(value) in error.statuses]
    results = [error.summary_dict() for error in errors]
    return {"count": len(results), "results": results}


def all_errors() -> list[PlatformError]:
    return list(PlatformError.objects.select_related("source").prefetch_related("causes", "fixes"))


ERROR_CSV_COLUMNS = {
    "source": "slug of the platform (cloudflare, iis, heroku, ...)",
    "source_name": "its display name",
    "code": "the error's code as the platform writes it: 1020, 500.19, H12",
    "name": "the platform's name for it",
    "statuses": "the HTTP statuses it arrives with, joined with '; ' (empty when the platform does not say)",
    "status_note": "what the platform documents about the status, may be empty",
    "shows_in": "page, header and/or log, joined with '; '",
    "aliases": "other names and printed texts, joined with '; '",
    "summary": "one sentence",
    "description": "markdown",
    "when": "markdown: the situations it is met in",
    "compared": "markdown: how it differs from what it is confused with, may be empty",
    "causes": "markdown: one '### Title' section per cause",
    "fixes": "markdown: one '### [audience] Title' section per fix",
    "retry": "not-applicable, safe, retry-after, backoff or never",
    "retry_note": "one or two sentences on retrying",
    "related_codes": "related status codes, joined with '; '",
    "related_errors": "related errors as 'source/code', joined with '; '",
    "reference_document": "the platform's page for it",
    "reference_url": "link to it",
    "url": "path of the page on this site",
    "reviewed": "date the facts were last checked",
}


def error_csv_row(error: PlatformError) -> list[str]:
    items = ErrorKind().data_of(error)  # causes and fixes in the content files' own markdown
    joined = "; ".join
    values = {
        "source": error.source.slug, "source_name": error.source.name, "code": error.code, "name": error.name,
        "statuses": joined(str(n) for n in error.statuses), "status_note": error.status_note,
        "shows_in": joined(error.shows_in), "aliases": joined(error.aliases), "summary": error.summary,
        "description": error.description, "when": error.when, "compared": error.compared,
        "causes": CodeKind.section_markdown("causes", items["causes"]),
        "fixes": CodeKind.section_markdown("fixes", items["fixes"]),
        "retry": error.retry, "retry_note": error.retry_note,
        "related_codes": joined(str(r) for r in error.related_codes), "related_errors": joined(error.related_errors),
        "reference_document": error.spec_document, "reference_url": error.spec_url,
        "url": error.get_absolute_url(), "reviewed": error.reviewed.isoformat(),
    }  # fmt: skip
    return [csv_value(values[name]) for name in ERROR_CSV_COLUMNS]


@cors
@read_only
@cached_page(variant=lambda request: "csv", vary=())
def errors_csv(request):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ERROR_CSV_COLUMNS)
    writer.writerows(error_csv_row(error) for error in all_errors())
    return HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")


def export_document(request) -> dict:
    """The whole dataset in one document; related lists resolved from memory, not per code."""
    codes = full_listing()
    index = numbers_index(codes)
    errors = all_errors()
    by_ref = {error.ref: error for error in errors}
    revision = Revision.current()
    return {
        "revision": revision.number,
        "updated": revision.changed_at.isoformat(),
        "sources": [source.to_dict() for source in Source.objects.all()],
        "classes": [status_class.to_dict() for status_class in StatusClass.objects.all()],
        "count": len(codes),
        "codes": [code.to_dict(related=code.related_codes(index)) for code in codes],
        "errors": [error.to_dict(index, by_ref) for error in errors],
    }


def compare_document(request, slug: str) -> dict | HttpResponse:
    """Two to four meanings side by side; another spelling of the set moves to its canonical one."""
    try:
        return build_comparison(slug).to_dict()
    except Redirect as canonical:
        return HttpResponsePermanentRedirect(canonical_location(request, canonical))


def search_document(request) -> dict:
    """The meanings that best match `q`, best first; an empty or over-long query is a 400."""
    query = request.GET.get("q", "")
    try:
        results, hits = error_search.search_with_errors(query)
    except search.QueryError as exc:
        raise BadQuery(str(exc)) from None
    return {"query": query, "results": [result.to_dict() for result in results], "errors": [h.to_dict() for h in hits]}


def canonical_location(request, canonical: Redirect) -> str:
    """The page for a page URL; for an API URL, the same thing in the API."""
    if not request.path.startswith("/api/"):
        return canonical.url
    if SEPARATOR in canonical.target:
        return reverse("api_compare", args=[canonical.target])
    if "/" in canonical.target:  # a platform error ("cloudflare/1015"): it is compared on its own page
        return reverse("api_error_detail", args=canonical.target.split("/", 1))
    # Every token named one meaning: its page URL ("/499" or "/esri/499") says which.
    source, _, number = canonical.url.lstrip("/").rpartition("/")
    return reverse("api_meaning", args=[number, source]) if source else reverse("api_code_detail", args=[number])


def openapi_document(request) -> dict:
    return openapi.document(csv_columns=CSV_COLUMNS)


def meanings_of(number: str):
    if not 100 <= int(number) <= 599:  # also keeps huge numbers away from the database
        raise Http404(f"No status code {number}: codes run from 100 to 599.")
    return StatusCode.objects.listing().filter(number=int(number)).prefetch_related("causes", "fixes")


def source_slugs() -> list[str]:
    return list(Source.objects.values_list("slug", flat=True))


def full_listing() -> list[StatusCode]:
    return list(StatusCode.objects.listing().prefetch_related("causes", "fixes"))


def numbers_index(codes: list[StatusCode]) -> dict[int, list[StatusCode]]:
    """number -> its meanings, primary first (codes come in listing order)."""
    index: dict[int, list[StatusCode]] = {}
    for code in codes:
        index.setdefault(code.number, []).append(code)
    return index


# ---------------------------------------------------------------------------------------------
# CSV export: one row per meaning; lists joined with "; ", causes and fixes as markdown sections

CSV_COLUMNS = {
    "code": "the number, 100 to 599",
    "name": "the reason phrase",
    "class": "1xx to 5xx",
    "source": "slug of who defines this meaning (iana, cloudflare, nginx, ...)",
    "source_name": "that source's display name",
    "official": "true when in the IANA registry",
    "status": "current, deprecated, obsolete, unused, experimental or temporary",
    "aliases": "former or alternative names, joined with '; '",
    "sent_by": "origin, proxy, cdn, load-balancer, any or logs-only",
    "summary": "one sentence",
    "description": "markdown",
    "when": "markdown: the situations it is met in",
    "usage": "markdown: how to send it (1xx-3xx), may be empty",
    "mistakes": "markdown: common mistakes (1xx-3xx), may be empty",
    "causes": "markdown: one '### Title' section per cause",
    "fixes": "markdown: one '### [audience] Title' section per fix",
    "retry": "not-applicable, safe, retry-after, backoff or never",
    "retry_note": "one or two sentences on retrying",
    "cacheable": "deprecated, use caching: true when caching is default",
    "caching": "default, explicit, must-not-store, never or not-applicable (what a cache may do)",
    "caching_rule": "the rule the caching policy comes from",
    "headers": "deprecated, use request_headers and response_headers: both, joined with '; '",
    "request_headers": "headers the client sends that matter, joined with '; '",
    "response_headers": "headers the response carries that matter, joined with '; '",
    "related": "related codes as 'number' or 'number/source', joined with '; '",
    "reference_document": "the defining document",
    "reference_section": "its section, may be empty",
    "reference_url": "link to it",
    "example": "an HTTP exchange, may be empty",
    "url": "path of the page on this site",
    "reviewed": "date the facts were last checked, YYYY-MM-DD",
    "updated": "when the record last changed, ISO 8601",
}


def csv_row(code: StatusCode) -> list:
    items = CodeKind().data_of(code)  # causes and fixes in the content files' own markdown
    values = {
        "code": code.number,
        "name": code.name,
        "class": code.class_slug,
        "source": code.source.slug,
        "source_name": code.source.name,
        "official": code.official,
        "status": code.status,
        "aliases": "; ".join(code.aliases),
        "sent_by": code.sent_by,
        "summary": code.summary,
        "description": code.description,
        "when": code.when,
        "usage": code.usage,
        "mistakes": code.mistakes,
        "causes": CodeKind.section_markdown("causes", items["causes"]),
        "fixes": CodeKind.section_markdown("fixes", items["fixes"]),
        "retry": code.retry,
        "retry_note": code.retry_note,
        "cacheable": code.cacheable,
        "caching": code.caching,
        "caching_rule": code.caching_rule,
        "headers": "; ".join(code.headers),
        "request_headers": "; ".join(code.request_headers),
        "response_headers": "; ".join(code.response_headers),
        "related": "; ".join(str(ref) for ref in code.related),
        "reference_document": code.spec_document,
        "reference_section": code.spec_section,
        "reference_url": code.spec_url,
        "example": code.example,
        "url": code.get_absolute_url(),
        "reviewed": code.reviewed.isoformat(),
        "updated": code.updated_at.isoformat(),
    }
    return [csv_value(values[column]) for column in CSV_COLUMNS]


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value) -> str:
    """The cell's text; one that a spreadsheet would run as a formula gets a leading quote.

    The quote is the usual guard (OWASP): spreadsheets show the text as written and do not
    evaluate it. Markdown lists ("- item") are guarded too, so a program reading the CSV
    strips one leading "'" from a cell that starts with it.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_csv_text() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line endings
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(code) for code in full_listing())
    return out.getvalue()


@cors
@read_only
@cached_page(variant=lambda request: "csv", vary=())
def export_csv(request):
    return HttpResponse(export_csv_text(), content_type="text/csv; charset=utf-8")


# ---------------------------------------------------------------------------------------------
# Views: URL names match the paths in openapi.py

index = endpoint(index_document)
codes = endpoint(codes_document, params=("class", "source", "official"))
code_detail = endpoint(code_document)
meaning_detail = endpoint(meaning_document)
classes = endpoint(classes_document)
class_detail = endpoint(class_document)
export = endpoint(export_document)
compare = endpoint(compare_document)
search_results = endpoint(search_document, params=("q",))
errors = endpoint(errors_document, params=("source", "status"))
error_detail = endpoint(api_error_document)
openapi_json = endpoint(openapi_document, variant="openapi")


@cors
def not_found(request, path: str = ""):
    """Unknown paths under /api/ answer JSON, whatever the method, never the HTML 404 page."""
    return error_response(404, f"No API endpoint at {request.path}: see /api/v1/openapi.json.")


# ---------------------------------------------------------------------------------------------
# The human page at /api/


@csrf_exempt
@read_only
@cached_page()
def docs(request):
    base = site_base(request)
    sample = StatusCode.objects.listing().filter(number=404).first() or StatusCode.objects.listing().first()
    context = {
        "base": base,
        "sample_code": sample.number if sample else 404,
        "sample_detail": sample and pretty(shortened(code_document(request, str(sample.number)))),
        "sample_list": sample and pretty({"count": 1, "results": [shortened(sample.summary_dict())]}),
        "error_example": pretty({"error": "No status code 999.", "status": 404}),
        "csv_columns": CSV_COLUMNS,
    }
    return render(request, "statuscodes/api_docs.html", context)


def pretty(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def shortened(value, limit: int = 90):
    """A sample response with long prose cut, so the docs page shows shape, not essays."""
    if isinstance(value, dict):
        return {key: shortened(item, limit) for key, item in value.items()}
    if isinstance(value, list):
        return [shortened(item, limit) for item in value[:2]]
    if isinstance(value, str) and len(value) > limit:
        return re.sub(r"\s+", " ", value[:limit]).rstrip() + "…"
    return value
