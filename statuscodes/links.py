"""Absolute addresses of this site: SITE_URL when it is set, else the host the request named."""

from django.conf import settings


def site_base(request) -> str:
    """https://statuscodes.example, with no trailing slash: prefix a path to get a link."""
    return settings.SITE_URL or f"{request.scheme}://{request.get_host()}"
