"""Plain-text pages for terminals: what `curl host/521` prints, wrapped to 78 columns."""

import re
import textwrap

from django.http import Http404, HttpResponsePermanentRedirect

from statuscodes import markup
from statuscodes.compare import Redirect, build_comparison
from statuscodes.links import site_base
from statuscodes.models import PlatformError, Source, StatusClass, StatusCode

WIDTH = 78
TOP = 3  # causes and fixes shown; the page has the rest


def wrap(text: str, indent: str = "", first: str | None = None) -> str:
    """Fill to WIDTH; long words such as URLs are left whole rather than broken."""
    return textwrap.fill(
        text,
        WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


FENCED_CODE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)


LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+", re.MULTILINE)


def first_paragraph(markdown_text: str) -> str:
    """The first paragraph of prose, with the list it introduces when it ends with a colon.

    Code blocks are dropped (they read badly once their lines are joined); list items keep a
    bullet so they stay apart when the paragraph is wrapped.
    """
    paragraphs = FENCED_CODE.sub("", markdown_text).strip().split("\n\n")
    chosen = paragraphs[:2] if paragraphs[0].rstrip().endswith(":") else paragraphs[:1]
    # A no-break space keeps each bullet on the line of its first word when wrapped.
    return markup.plain(LIST_ITEM.sub("\u2022 ", "\n\n".join(chosen))).replace("\u2022 ", "\u2022\u00a0")


def title(text: str) -> str:
    return f"{text}\n{'=' * min(len(text), WIDTH)}"


def code_line(code: StatusCode) -> str:
    vendor = "" if code.official else f" ({code.source.name})"
    return f"  {code.number}  " + textwrap.shorten(f"{code.name}{vendor}", WIDTH - 7, placeholder="...")


def page(lines: list[str], end: str) -> str:
    """Join a page's lines, one blank line before its closing lines."""
    return "\n".join(lines).rstrip("\n") + "\n\n" + end


def footer(request, path: str) -> str:
    url = site_base(request) + path
    return f"Full page: {url}\nAs JSON:   curl -H 'Accept: application/json' {url}\n"


def items(label: str, entries: list[tuple[str, str]], total: int) -> list[str]:
    """A numbered list of titled items, each body cut to a few lines."""
    if not entries:
        return []
    lines = [label]
    for number, (heading, body) in enumerate(entries, 1):
        lines.append(wrap(heading, "     ", first=f"  {number}. "))
        lines.append(wrap(textwrap.shorten(first_paragraph(body), 230, placeholder="..."), "     "))
    if total > len(entries):
        lines.append(f"  ({total - len(entries)} more on the page)")
    return lines + [""]


RULE_WORDS = {
    "later": "do not retry in this process; schedule the request for later",
    "never": "do not retry",
    "after-change": "do not retry the same request; change it first",
    "not-applicable": "nothing to retry",
}


def programs_line(request, record) -> str:
    """The retry rule in one wrapped paragraph, and the API address that applies it."""
    rule = record.retry_rule()
    if rule.retries:
        methods = "any method" if rule.methods == "any" else "idempotent methods only"
        only = "only with Retry-After, " if rule.when == "retry-after" else ""
        words = (
            f"retry {only}{methods}, at most {rule.max_retries} times; wait Retry-After, else up to "
            f"min({rule.backoff['cap']:g} s, {rule.backoff['base']:g} s x 2^(attempt-1)) at random"
        )
    else:
        words = RULE_WORDS[rule.when]
    return wrap(f"For programs: {words}. {site_base(request)}{record.retry_question()}")


def code_page(request, number: str) -> str:
    meanings = list(StatusCode.objects.listing().filter(number=int(number)).prefetch_related("causes", "fixes"))
    if not meanings:
        raise Http404(f"No status code {number}")
    return meaning_text(request, meanings[0], meanings)


def meaning_page(request, source: str, number: str) -> str | HttpResponsePermanentRedirect:
    """/esri/499 in a terminal; a number's primary meaning redirects to its number page, as in HTML."""
    from statuscodes.api import find_meaning  # api's neighbours import this module; keep the cycle out

    found = find_meaning(source, number)
    return found if isinstance(found, HttpResponsePermanentRedirect) else meaning_text(request, *found)


def meaning_text(request, code: StatusCode, meanings: list[StatusCode]) -> str:
    others = [m for m in meanings if m is not code]
    vendor = "" if code.official else f" ({code.source.name})"
    causes, fixes = list(code.causes.all()), list(code.fixes.all())
    fix_titles = [(f"[{fix.get_audience_display()}] {fix.title}" if fix.audience else fix.title) for fix in fixes]
    retry = "" if code.retry == "not-applicable" else f" {code.get_retry_display()}."
    facts = f"Class {code.class_slug}. Defined by {code.source.name}.{retry}"
    lines = [title(f"{code.number} {code.name}{vendor}"), ""]
    if others:  # first, as on the page: the reader may want another meaning
        lines += [f"{code.number} has {len(meanings)} meanings; this is {code.source.name}'s."]
        lines += [f"{code_line(other)}  {site_base(request)}{other.get_absolute_url()}" for other in others]
        lines.append("")
    lines += [
        wrap(code.summary),
        "",
        wrap(facts),
        wrap(code.retry_note),
        programs_line(request, code),
        "",
        wrap(first_paragraph(code.description)),
        "",
        *items("Causes", [(c.title, c.body) for c in causes[:TOP]], len(causes)),
        *items("Fixes", [(t, f.body) for t, f in zip(fix_titles[:TOP], fixes, strict=False)], len(fixes)),
    ]
    return page(lines, footer(request, code.get_absolute_url()))


def source_page(request, source: str) -> str:
    found = Source.objects.filter(slug=source).first()
    if found is None:
        raise Http404(f"No source {source!r}")
    lines = [title(f"Status codes defined by {found.name}"), ""]
    if found.description:
        lines += [wrap(first_paragraph(found.description)), ""]
    for code in StatusCode.objects.listing().filter(source=found):
        lines += [code_line(code), wrap(code.summary, "       ")]
    errors = list(PlatformError.objects.filter(source=found))
    if errors:
        lines += ["", f"{found.name}'s own errors"]
        for error in errors:
            lines += [f"  {error.code:<7}" + textwrap.shorten(error.name, WIDTH - 9), wrap(error.summary, "         ")]
    return page(lines, footer(request, f"/{found.slug}"))


def error_page(request, source: str, code: str) -> str | HttpResponsePermanentRedirect:
    from statuscodes.api import find_error  # api imports this module's neighbours; keep the cycle out

    error = find_error(source, code)
    if not isinstance(error, PlatformError):
        return error
    statuses = ", ".join(str(number) for number in error.statuses) or error.status_note
    retry = "" if error.retry == "not-applicable" else f" {error.get_retry_display()}."
    causes, fixes = list(error.causes.all()), list(error.fixes.all())
    fix_titles = [(f"[{fix.get_audience_display()}] {fix.title}" if fix.audience else fix.title) for fix in fixes]
    lines = [
        title(f"{error.source.name} {error.code} {error.name}"),
        "",
        wrap(error.summary),
        "",
        wrap(f"Arrives with HTTP {statuses}." if error.statuses else statuses),
        wrap(f"{retry.strip()} {error.retry_note}".strip()),
        programs_line(request, error),
        "",
        wrap(first_paragraph(error.description)),
        "",
        *items("Causes", [(c.title, c.body) for c in causes[:TOP]], len(causes)),
        *items("Fixes", [(t, f.body) for t, f in zip(fix_titles[:TOP], fixes, strict=False)], len(fixes)),
    ]
    return page(lines, footer(request, error.get_absolute_url()))


def class_page(request, slug: str) -> str:
    status_class = StatusClass.objects.by_slug(slug)
    if status_class is None:
        raise Http404(f"No class {slug}")
    lines = [
        title(f"{status_class.slug} {status_class.name}"),
        "",
        wrap(status_class.summary),
        "",
        wrap(first_paragraph(status_class.overview)),
        "",
    ]
    for code in StatusCode.objects.listing().in_class(status_class.digit):
        lines += [code_line(code), wrap(code.summary, "       ")]
    return page(lines, footer(request, f"/{status_class.slug}"))


# The table rows a terminal shows, and only where the codes differ: the prose rows (meaning,
# retry) are under each code, the headers in "What differs", the rest on the full page.
FACT_ROWS = ("class", "source", "status", "sent_by", "spec", "cacheable", "body")


def side_by_side(comparison) -> list[str]:
    """The facts that differ, one line per code under its row's label, each value wrapped in its column."""
    rows = [row for row in comparison.rows if row.field in FACT_ROWS and not row.same]
    if not rows:
        return []
    labels = [comparison.label(meaning) for meaning in comparison.meanings]
    label_width, code_width = max(len(row.label) for row in rows) + 2, max(map(len, labels)) + 2
    column = 2 + label_width + code_width
    lines = ["Side by side"]
    for row in rows:
        for index, (label, cell) in enumerate(zip(labels, row.cells, strict=True)):
            start = f"  {row.label if index == 0 else '':<{label_width}}{label:<{code_width}}"
            value = textwrap.wrap(cell.text, WIDTH - column, break_long_words=False) or [""]
            lines += [start + value[0], *(" " * column + more for more in value[1:])]
    return lines + [""]


def notes(markdown_text: str) -> list[str]:
    """The first paragraph of curated notes; a list keeps one item per bullet."""
    text = first_paragraph(markdown_text)
    items = [item.strip() for item in text.split("\u2022\u00a0") if item.strip()]
    if len(items) == 1 and not text.startswith("\u2022"):
        return [wrap(text)]
    return [wrap(item, "    ", first="  - ") for item in items]


def comparison_page(request, slug: str) -> str | HttpResponsePermanentRedirect:
    try:
        comparison = build_comparison(slug)
    except Redirect as canonical:
        return HttpResponsePermanentRedirect(canonical.url)
    lines = [title(comparison.title), "", wrap(comparison.summary), ""]
    for meaning in comparison.meanings:
        retry = f"Retry: {meaning.get_retry_display()}. {meaning.retry_note}".strip()
        lines += [code_line(meaning), wrap(meaning.summary, "       "), wrap(retry, "       ")]
    lines.append("")
    curated = comparison.curated
    if curated:
        lines += ["Key difference", *notes(curated.key_difference), ""]
    lines += side_by_side(comparison)
    if comparison.differences:
        lines += ["What differs", *(wrap(sentence, "    ", first="  - ") for sentence in comparison.differences), ""]
    # As on the page: curated advice replaces the generated one, which is left out when empty.
    if curated:
        lines += [curated.guidance_heading, *notes(curated.guidance), ""]
    elif comparison.guidance.paragraphs:
        guidance = comparison.guidance
        lines += [guidance.heading, *(wrap(markup.plain(p)) + "\n" for p in guidance.paragraphs)]
    return page(lines, footer(request, comparison.url))


def home_page(request) -> str:
    intro = f"Every HTTP status code explained. Try: curl {site_base(request)}/404"
    lines = [title("HTTP status codes"), "", wrap(intro)]
    codes = list(StatusCode.objects.listing())
    for status_class in StatusClass.objects.all():
        lines += ["", f"{status_class.slug} {status_class.name}"]
        lines += [code_line(code) for code in codes if code.digit == status_class.digit]
    return page(lines, footer(request, "/"))


def not_found_page(request, suggestions: list[StatusCode]) -> str:
    lines = [f"404: nothing at {request.path}", ""]
    if suggestions:
        lines += ["Did you mean:", *(code_line(code) for code in suggestions), ""]
    return page(lines, f"All codes: {site_base(request)}/\n")
