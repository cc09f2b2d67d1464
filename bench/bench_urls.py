"""The site's URLs plus /bench-empty: the floor a cached page is measured against."""

from django.http import HttpResponse
from django.urls import path

from statuscodes.urls import handler404  # noqa: F401
from statuscodes.urls import urlpatterns as site_urlpatterns


def empty(request):
    return HttpResponse(b"")


urlpatterns = [path("bench-empty", empty), *site_urlpatterns]
