"""Admin login throttling on django-axes: the client's address, two failure limits, the 429 page."""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


def client_ip(request: HttpRequest) -> str | None:
    """The address the outermost trusted proxy received from, or the socket's peer without one.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it received from to
    X-Forwarded-For, so the client's is that many entries from the right; everything to its left
    was written by the client itself and proves nothing.
    """
    count = settings.TRUSTED_PROXY_COUNT
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [item.strip() for item in header.split(",")] if header else []
    if count and len(forwarded) >= count:
        try:
            return str(ipaddress.ip_address(forwarded[-count]))
        except ValueError:
            pass  # not what a proxy writes: count the connection's peer instead
    return request.META.get("REMOTE_ADDR")


class LoginThrottle(AxesDatabaseHandler):
    """Axes' database handler, with a second and larger limit for one address across usernames."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        # AXES_LOCKOUT_PARAMETERS lists (username, address) first and the address second. Axes
        # compares one number with AXES_FAILURE_LIMIT, so the address's failures are scaled onto
        # that limit: reaching AXES_IP_FAILURE_LIMIT scores exactly AXES_FAILURE_LIMIT.
        per_username, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(per_username, per_address * settings.AXES_FAILURE_LIMIT // settings.AXES_IP_FAILURE_LIMIT)


def paused_response(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None):
    """A 429 saying that logins are paused, for how long and what to do; nothing about the account."""
    minutes = round(get_cool_off(request).total_seconds() / 60)
    response = render(request, "statuscodes/login_paused.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    add_never_cache_headers(response)
    return response
