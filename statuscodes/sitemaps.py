"""The sitemap: every code page, class page and curated comparison (never every possible pair)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from statuscodes.links import canonical_host
from statuscodes.models import Comparison, StatusClass, StatusCode


class SiteSitemap(Sitemap):
    """Absolute addresses from SITE_URL when it is set, like the canonical links; else the canonical host."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme if settings.SITE_URL else super().get_protocol(protocol)

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else canonical_host()


class PageSitemap(SiteSitemap):
    def items(self):
        return ["home", "comparison_list"]

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


SITEMAPS = {"pages": PageSitemap, "codes": CodeSitemap, "classes": ClassSitemap, "comparisons": ComparisonSitemap}
