"""Response headers every page gets, and clean answers when the database fails."""

import logging

from django.conf import settings
from django.db import DatabaseError

from statuscodes import theme
from statuscodes.errors import unavailable_response

logger = logging.getLogger("statuscodes")


def health_checks(get_response):
    """/healthz and /livez answer whatever Host the probe sends.

    Probes call an instance by its own address (127.0.0.1, a container IP) which is rarely in
    ALLOWED_HOSTS; their answers name no host, so skipping the Host check leaks nothing.
    """
    from statuscodes import views  # views import this package's models; middleware loads earlier

    probes = {"/healthz": views.healthz, "/livez": views.livez}

    def middleware(request):
        probe = probes.get(request.path_info)
        return probe(request) if probe else get_response(request)

    return middleware


def content_security_policy(get_response):
    """Send the CSP and Permissions-Policy from settings; the admin keeps inline style attributes."""

    def middleware(request):
        response = get_response(request)
        if "Content-Security-Policy" not in response:
            # The inline theme script is allowed by its hash; no other inline script runs.
            allowed = f"script-src 'self' {theme.csp_source()}"
            policy = settings.CONTENT_SECURITY_POLICY.replace("script-src 'self'", allowed)
            if request.path.startswith("/admin/"):
                policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


class DatabaseUnavailable:
    """A database that is down, locked, hung past its timeout or broken answers 503, not 500.

    The page is not wrong, the service is briefly unable to serve it: a 503 with Retry-After
    tells browsers, crawlers and CDNs to come back, in the representation the client asked for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError):
            return None
        logger.error("database unavailable for %s: %s: %s", request.path, type(exception).__name__, exception)
        return unavailable_response(request)
