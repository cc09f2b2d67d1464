"""Absolute addresses of this site: SITE_URL, else the first host name in ALLOWED_HOSTS.

Never the Host header as the client sent it: any port on an allowed host passes Django's
check, and a page cached for one spelling of the host is served to everyone.
"""

from django.conf import settings


def site_base(request) -> str:
    """https://statuscodes.example, with no trailing slash: prefix a path to get a link."""
    return settings.SITE_URL or f"{request.scheme}://{canonical_host()}"


def canonical_host() -> str:
    """The first concrete name in ALLOWED_HOSTS (not a wildcard or a `.domain` pattern)."""
    for host in settings.ALLOWED_HOSTS:
        if "*" not in host and not host.startswith("."):
            return host
    return "localhost"
