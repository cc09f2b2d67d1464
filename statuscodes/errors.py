"""The 500 and 503 answers, negotiated like every page: JSON, plain text or a bare HTML page.

They must work when nothing else does, so they read no database and render no base template.
"""

import sys

from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from statuscodes.negotiation import JSON, TEXT, representation

MESSAGES = {
    500: "Something broke on our side. The error has been logged; please try again in a moment.",
    503: "The service is briefly unavailable (its database is not answering). Please try again shortly.",
}


def server_error_response(request, status: int) -> HttpResponse:
    message = MESSAGES[status]
    kind = JSON if request.path.startswith("/api/") else representation(request)
    if kind == JSON:
        response = JsonResponse({"error": message, "status": status}, status=status)
    elif kind == TEXT:
        response = HttpResponse(f"{status}  {message}\n", status=status, content_type="text/plain; charset=utf-8")
    else:
        html = loader.render_to_string("500.html", {"status": status, "message": message})
        response = HttpResponse(html, status=status)
    add_never_cache_headers(response)
    patch_vary_headers(response, ["Accept"])
    return response


def server_error(request):
    """handler500: whatever went wrong, the client gets the error in the form it asked for.

    Django calls it while handling the exception, so a database failure raised outside a view
    (in a middleware reading the session, say) is still told apart as a 503.
    """
    if isinstance(sys.exc_info()[1], DatabaseError):
        return unavailable_response(request)
    return server_error_response(request, 500)


def unavailable_response(request) -> HttpResponse:
    """503 with Retry-After: browsers, crawlers and CDNs come back instead of keeping an error."""
    response = server_error_response(request, 503)
    response["Retry-After"] = "30"
    return response
