"""/search: the search page, a number straight to its page, anything else the best meanings.

Like the other pages it negotiates on Accept alone: JSON is /api/v1/search's document (and its
400 errors), plain text is one line per result, and each has its own cache entry and ETag.
"""

import re

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from statuscodes import api, error_search
from statuscodes import search as code_search
from statuscodes.caching import cached_page
from statuscodes.links import site_base
from statuscodes.negotiation import negotiated, representation, text_response
from statuscodes.views import read_only, site_context

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # never echoed back into a page


def search_text(request):
    """The terminal's answer: a line per result (number, name, who defines it, its full URL),
    best first, or one line saying why nothing is listed; a bad query is a 400 saying why.

    Columns are padded with at least two spaces (names hold single spaces only), so
    `awk -F '  +'` splits them; a number that is a code is listed, not redirected, since curl
    does not follow redirects unless asked.
    """
    query = request.GET.get("q", "")
    try:
        results, errors = error_search.search_with_errors(query)
    except code_search.QueryError as problem:
        return text_response(f"{problem}\n", status=400)
    if not results and not errors:
        query = " ".join(CONTROL_CHARACTERS.sub(" ", query).split())
        notes = code_search.notes(query, results)
        return " ".join(notes or [f"No status code matches \u201c{query}\u201d."]) + "\n"
    base = site_base(request)

    def error_row(hit):
        return hit.error.code, hit.error.name, hit.error.source.name, base + hit.error.get_absolute_url()

    # Platform errors after the codes, as on the page: the same columns, the code as the platform
    # writes it. An error the query named by its code ("1015", "error 500.19") comes first: the
    # page would have gone straight to it.
    rows = [error_row(hit) for hit in errors if hit.exact]
    rows += [(str(r.code), r.name, r.source_name, base + r.url) for r in results]
    rows += [error_row(hit) for hit in errors if not hit.exact]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "".join(
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[3]]) + "\n"
        for row in rows
    )


@read_only
@cached_page(params=("q",), variant=representation)
@negotiated(json=api.search_document, text=search_text)
def search(request):
    """/search?q=: a number goes straight to its page; anything else lists the best meanings."""
    query = CONTROL_CHARACTERS.sub(" ", request.GET.get("q", ""))
    if not re.search(code_search.SOMETHING, query):  # nothing typed but spaces: the examples
        return render(request, "statuscodes/search_results.html", {"query": ""})
    try:
        results, errors = error_search.search_with_errors(query)
    except code_search.QueryError as problem:
        context = {"query": query[: code_search.MAX_QUERY_LENGTH], "error": str(problem)}
        return render(request, "statuscodes/search_results.html", context, status=400)
    number = query.strip()
    if re.fullmatch(r"[1-5][0-9]{2}", number) and results and results[0].code == int(number):
        return HttpResponseRedirect(reverse("code_detail", args=[number]))
    exact = [hit for hit in errors if hit.exact]
    if len(exact) == 1:  # "1020", "error 500.19", "h12": the one error with that code
        return HttpResponseRedirect(exact[0].error.get_absolute_url())
    # One canonical address per query however it was typed; pages with results may be indexed.
    normalised = " ".join(query.lower().split())
    canonical = site_context(request)["canonical_url"] + "?" + urlencode({"q": normalised})
    context = {
        "query": query,
        "results": results,
        "errors": [hit.listing for hit in errors],  # rows rendered once per revision (error_search.Indexed)
        # a number such as 1016 is no status code, but the platform errors below explain it
        "notes": [] if errors else code_search.notes(query, results),
        "canonical_search_url": canonical,
    }
    return render(request, "statuscodes/search_results.html", context)
