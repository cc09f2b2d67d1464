"""The sitemap: every number, meaning, source, platform error, class and curated comparison page (never every
possible pair)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db import models
from django.db.models import Max
from django.urls import reverse

from statuscodes.links import canonical_host
from statuscodes.models import Comparison, PlatformError, Source, StatusClass, StatusCode


class SiteSitemap(Sitemap):
    """Absolute addresses from SITE_URL when it is set, like the canonical links; else the canonical host."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme if settings.SITE_URL else super().get_protocol(protocol)

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else canonical_host()


class PageSitemap(SiteSitemap):
    def items(self):
        return ["home", "comparison_list", "retries"]

    def location(self, item):
        return reverse(item)


class CodeSitemap(SiteSitemap):
    """One page per number, however many meanings it has; it changed when any of them did."""

    def items(self):
        return StatusCode.objects.values("number").annotate(updated=Max("updated_at")).order_by("number")

    def location(self, item):
        return reverse("code_detail", args=[item["number"]])

    def lastmod(self, item):
        return item["updated"]


class MeaningSitemap(SiteSitemap):
    """The meanings with an address of their own: every one that is not its number's primary."""

    def items(self):
        return [code for code in StatusCode.objects.listing() if not code.is_primary]

    def lastmod(self, item):
        return item.updated_at


class SourceSitemap(SiteSitemap):
    """Each source's hub that lists at least one meaning or error."""

    def items(self):
        with_pages = Source.objects.filter(models.Q(codes__isnull=False) | models.Q(errors__isnull=False))
        return with_pages.distinct().order_by("slug")

    def location(self, item):
        return reverse("source_detail", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class ErrorSitemap(SiteSitemap):
    """Every platform error's page."""

    def items(self):
        return PlatformError.objects.select_related("source").order_by("source__slug", "code")

    def lastmod(self, item):
        return item.updated_at


class ClassSitemap(SiteSitemap):
    def items(self):
        return StatusClass.objects.all()

    def lastmod(self, item):
        return item.updated_at


class ComparisonSitemap(SiteSitemap):
    def items(self):
        return Comparison.objects.all()

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "codes": CodeSitemap,
    "meanings": MeaningSitemap,
    "sources": SourceSitemap,
    "errors": ErrorSitemap,
    "classes": ClassSitemap,
    "comparisons": ComparisonSitemap,
}
