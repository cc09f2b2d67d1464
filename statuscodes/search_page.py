"""/search: the search page, a number straight to its page, anything else the best meanings."""

import re

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from statuscodes import search as code_search
from statuscodes.caching import cached_page
from statuscodes.views import read_only, site_context

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # never echoed back into a page


@read_only
@cached_page(params=("q",))
def search(request):
    """/search?q=: a number goes straight to its page; anything else lists the best meanings."""
    query = CONTROL_CHARACTERS.sub(" ", request.GET.get("q", ""))
    if not query.strip():
        return render(request, "statuscodes/search_results.html", {"query": ""})
    try:
        results = code_search.search(query)
    except code_search.QueryError as problem:
        context = {"query": query[: code_search.MAX_QUERY_LENGTH], "error": str(problem)}
        return render(request, "statuscodes/search_results.html", context, status=400)
    number = query.strip()
    if re.fullmatch(r"[1-5][0-9]{2}", number) and results and results[0].code == int(number):
        return HttpResponseRedirect(reverse("code_detail", args=[number]))
    # One canonical address per query however it was typed; pages with results may be indexed.
    normalised = " ".join(query.lower().split())
    canonical = site_context(request)["canonical_url"] + "?" + urlencode({"q": normalised})
    context = {"query": query, "results": results, "canonical_search_url": canonical}
    return render(request, "statuscodes/search_results.html", context)
