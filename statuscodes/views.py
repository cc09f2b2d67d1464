"""Pages: home, class pages, code pages (HTML, or JSON and text by Accept), the 404 page, health."""

import re
from functools import wraps

from django.contrib.sitemaps.views import sitemap
from django.db import DatabaseError
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt

from statuscodes import api, database, plaintext
from statuscodes.caching import cached_page
from statuscodes.compare import Redirect, build_comparison, slug_from_choices
from statuscodes.links import site_base
from statuscodes.models import Comparison, PlatformError, Source, StatusClass, StatusCode
from statuscodes.negotiation import JSON, TEXT, negotiated, representation, text_response
from statuscodes.outline import meaning_outline
from statuscodes.sitemaps import SITEMAPS

POPULAR = [404, 500, 502, 503, 301, 429]
SAFE_METHODS = ("GET", "HEAD")


def read_only(view):
    """GET and HEAD only. Any other method gets a 405 naming them, in the form the client asked
    for, and never a CSRF failure page: these views take no form posts, so there is nothing to
    protect, and a client deserves to hear that the method is wrong.
    """

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            return method_not_allowed(request)
        return view(request, *args, **kwargs)

    return wrapper


def method_not_allowed(request) -> HttpResponse:
    message = f"{request.method} is not allowed here: pages answer GET and HEAD."
    if representation(request) == JSON:
        response = api.error_response(405, message)
    else:
        response = text_response(message + "\n", status=405)
    response["Allow"] = ", ".join(SAFE_METHODS)
    patch_vary_headers(response, ["Accept"])
    return response


def site_context(request) -> dict:
    """Every template gets the canonical URL of the page it renders."""
    return {"canonical_url": site_base(request) + request.path}


def primary_meanings() -> list[StatusCode]:
    """The first meaning of each number, for listings: one row per number."""
    return [code for code in StatusCode.objects.listing() if code.is_primary]


@read_only
@cached_page(variant=representation)
@negotiated(json=api.codes_document, text=plaintext.home_page)
def home(request):
    codes = StatusCode.objects.listing()
    classes = [
        (status_class, [c for c in codes if c.digit == status_class.digit])
        for status_class in StatusClass.objects.all()
    ]
    sources = Source.objects.filter(kind=Source.VENDOR, codes__isnull=False).distinct()
    return render(request, "statuscodes/home.html", {"classes": classes, "sources": sources})


@read_only
@cached_page(variant=representation)
@negotiated(json=api.class_document, text=plaintext.class_page)
def class_detail(request, slug: str):
    status_class = StatusClass.objects.by_slug(slug)
    if status_class is None:
        raise Http404(f"No class {slug}")
    codes = StatusCode.objects.listing().in_class(status_class.digit)
    return render(request, "statuscodes/class_detail.html", {"status_class": status_class, "codes": codes})


@read_only
@cached_page(variant=representation)
@negotiated(json=api.code_document, text=plaintext.code_page)
def code_detail(request, number: str):
    """A number's page: its primary meaning in full, its other meanings named first and linked."""
    meanings = meanings_of(number)
    return meaning_page(request, meanings[0], meanings)


@read_only
@cached_page(variant=representation)
@negotiated(json=api.source_meaning_document, text=plaintext.meaning_page)
def meaning_detail(request, source: str, number: str):
    """/esri/499: one meaning at its own address. A number's primary meaning lives at /499, so its
    vendor address redirects there: one canonical address per meaning."""
    found = api.find_meaning(source, number)
    return found if isinstance(found, HttpResponse) else meaning_page(request, *found)


def meanings_of(number: str) -> list[StatusCode]:
    meanings = list(StatusCode.objects.for_number(int(number)).prefetch_related("causes", "fixes"))
    if not meanings:
        raise Http404(f"No status code {number}")
    return meanings


def meaning_page(request, meaning: StatusCode, meanings: list[StatusCode]):
    related = meaning.related_codes()
    comparisons = Comparison.objects.mentioning(meaning.number)
    causes, fixes = list(meaning.causes.all()), list(meaning.fixes.all())
    # errors name a status, not a vendor's meaning of it: they belong on the number's page
    platform_errors = PlatformError.objects.arriving_with(meaning.number) if meaning is meanings[0] else []
    context = {
        "code": meaning,
        "meanings": meanings,
        "others": [m for m in meanings if m is not meaning],
        "number_page": meaning is meanings[0],
        "status_class": StatusClass.objects.filter(digit=meaning.digit).first(),
        "related": related,
        "comparisons": comparisons,
        "platform_errors": platform_errors,
        "outline": meaning_outline(meaning, causes, fixes, bool(comparisons), bool(related), bool(platform_errors)),
        "compare_ref": meaning.number if meaning is meanings[0] else f"{meaning.number}-{meaning.source.slug}",
        "api_url": reverse("api_meaning", args=[meaning.number, meaning.source.slug]),
    }
    return render(request, "statuscodes/code_detail.html", context)


@read_only
@cached_page(variant=representation)
@negotiated(json=api.source_document, text=plaintext.source_page)
def source_detail(request, source: str):
    """/nginx: a source's hub, every meaning it defines, one line each."""
    found = Source.objects.filter(slug=source).first()
    if found is None:
        raise Http404(f"No source {source!r}")
    codes = StatusCode.objects.listing().filter(source=found)
    errors = PlatformError.objects.filter(source=found)
    return render(request, "statuscodes/source_detail.html", {"source": found, "codes": codes, "errors": errors})


@read_only
@cached_page(variant=representation)
@negotiated(json=api.error_document, text=plaintext.error_page)
def error_detail(request, source: str, code: str):
    """/cloudflare/1020, /iis/500.19, /heroku/H12: a platform's own error and the statuses it comes with."""
    error = api.find_error(source, code)
    if not isinstance(error, PlatformError):
        return error  # the canonical spelling: /heroku/h12 -> /heroku/H12
    causes, fixes = list(error.causes.all()), list(error.fixes.all())
    related = error.related_code_meanings()
    related_errors = error.related_error_list()
    context = {
        "error": error,
        "statuses": error.status_codes(),
        "related": related,
        "related_errors": related_errors,
        "outline": meaning_outline(error, causes, fixes, None, bool(related or related_errors)),
        "api_url": reverse("api_error_detail", args=[error.source.slug, error.code]),
    }
    return render(request, "statuscodes/error_detail.html", context)


@read_only
@cached_page(variant=representation)
@negotiated(json=api.compare_document, text=plaintext.comparison_page)
def comparison_detail(request, slug: str):
    try:
        comparison = build_comparison(slug)
    except Redirect as canonical:
        return HttpResponsePermanentRedirect(canonical.url)
    return render(request, "statuscodes/comparison_detail.html", {"comparison": comparison})


@read_only
def comparison_list(request):
    """/compare lists the curated comparisons; with ?a=401&b=403 (the compare form) it redirects."""
    if not any(name in request.GET for name in ("a", "b", "c", "d")):
        return curated_comparisons(request)
    chosen = [request.GET.get(name, "")[:50] for name in ("a", "b", "c", "d")]
    if sum(1 for value in chosen if value.strip()) < 2:
        return comparison_list_page(request, chosen, "Choose two codes to compare.", status=400)
    try:
        build_comparison(slug_from_choices(chosen))
    except Redirect as canonical:
        return HttpResponseRedirect(canonical.url)
    except Http404 as problem:
        return comparison_list_page(request, chosen, str(problem), status=404)
    return HttpResponseRedirect(reverse("comparison_detail", args=[slug_from_choices(chosen)]))


@cached_page()
def curated_comparisons(request):
    return comparison_list_page(request, ["", ""])


def comparison_list_page(request, chosen: list[str], error: str = "", status: int = 200):
    context = {
        "comparisons": Comparison.objects.all(),
        "error_comparisons": PlatformError.objects.exclude(compared="").select_related("source"),
        "chosen": chosen,
        "error": error,
    }
    return render(request, "statuscodes/comparison_list.html", context, status=status)


@read_only
@cached_page(variant=lambda request: "xml")
def sitemap_xml(request):
    return sitemap(request, sitemaps=SITEMAPS).render()


@read_only
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {site_base(request)}{reverse('sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@read_only
@cache_control(public=True, max_age=86400)
def favicon(request):
    """/favicon.ico: browsers and crawlers ask for it even though pages link the SVG icon."""
    return HttpResponseRedirect(static("favicon.svg"))


@read_only
def drop_trailing_slash(request, page: str):
    """/521/ -> /521, /esri/499/ -> /esri/499: pages answer without a slash so `curl host/521` works."""
    return HttpResponsePermanentRedirect(f"/{page}")


@read_only
@never_cache
def healthz(request):
    """Readiness: 200 only when pages can be served (the database answers and holds the content)."""
    problem = database.readiness_problem()
    if problem:
        return HttpResponse(f"{problem}\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@read_only
@never_cache
def livez(request):
    """Liveness: the process answers HTTP. Touches nothing else, so a database outage does not
    get healthy processes restarted; readiness (/healthz) is what takes an instance out of service.
    """
    return HttpResponse("ok\n", content_type="text/plain")


def suggestions_for(path: str, limit: int = 6) -> list[StatusCode]:
    """Codes near whatever number the path held, or the codes people look up most."""
    try:
        codes = primary_meanings()
    except DatabaseError:
        return []
    digits = re.sub(r"\D", "", path)[:3]
    if not digits:
        by_number = {c.number: c for c in codes}
        return [by_number[n] for n in POPULAR if n in by_number][:limit]
    target = int(digits.ljust(3, "0"))
    return sorted(codes, key=lambda c: (abs(c.number - target), c.number))[:limit]


def page_not_found(request, exception=None):
    """The 404 negotiates like the pages: a JSON error, a few lines of text, or the HTML page."""
    kind = representation(request)
    if kind == JSON:
        message = exception.args[0] if exception and exception.args and isinstance(exception.args[0], str) else ""
        response = api.error_response(404, message or f"Nothing at {request.path}.")
    elif kind == TEXT:
        response = text_response(plaintext.not_found_page(request, suggestions_for(request.path)), status=404)
    else:
        context = {"suggestions": suggestions_for(request.path), "path": request.path}
        response = render(request, "404.html", context, status=404)
    patch_vary_headers(response, ["Accept"])
    return response
