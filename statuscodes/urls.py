"""URL map: pages by number and class, comparisons, the admin, the health check, sitemap, the JSON API."""

import re

from django.contrib import admin
from django.urls import path, re_path

from statuscodes import api, handback, retries_page, retry_api, search_page, views
from statuscodes.addresses import SOURCE_SLUG, reserved_words

urlpatterns = [
    path("", views.home, name="home"),
    re_path(r"^(?P<number>[1-5][0-9]{2})$", views.code_detail, name="code_detail"),
    re_path(r"^(?P<slug>[1-5]xx)$", views.class_detail, name="class_detail"),
    # only the pages above: /50x/ -> /50x would loop with APPEND_SLASH, as /50x is no page
    re_path(r"^(?P<page>[1-5][0-9]{2}|[1-5]xx)/$", views.drop_trailing_slash),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("search", search_page.search, name="search"),
    path("compare", views.comparison_list, name="comparison_list"),
    path("retries", retries_page.retries, name="retries"),
    path("compare/<str:slug>", views.comparison_detail, name="comparison_detail"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    # before admin.site.urls, whose catch-all would answer these with a 404
    path("admin/handback/", admin.site.admin_view(handback.page), name="handback"),
    path("admin/handback/content.patch", admin.site.admin_view(handback.download_patch), name="handback_patch"),
    path("admin/handback/content.zip", admin.site.admin_view(handback.download_zip), name="handback_zip"),
    path("admin/", admin.site.urls),
    # The JSON API; anything unknown under api/ answers a JSON 404, not the HTML page.
    path("api/", api.docs, name="api_docs"),
    path("api/v1/", api.index, name="api_index"),
    path("api/v1/codes", api.codes, name="api_codes"),
    # no leading zero: /0521 is no page, so /api/v1/codes/0521 is no code either
    re_path(r"^api/v1/codes/(?P<number>[1-9][0-9]{0,5})$", api.code_detail, name="api_code_detail"),
    re_path(
        r"^api/v1/codes/(?P<number>[1-9][0-9]{0,5})/(?P<source>[a-z0-9-]+)$", api.meaning_detail, name="api_meaning"
    ),
    path("api/v1/classes", api.classes, name="api_classes"),
    path("api/v1/classes/<str:slug>", api.class_detail, name="api_class_detail"),
    path("api/v1/export", api.export, name="api_export"),
    path("api/v1/export.csv", api.export_csv, name="api_export_csv"),
    path("api/v1/compare/<str:slug>", api.compare, name="api_compare"),
    path("api/v1/search", api.search_results, name="api_search"),
    path("api/v1/openapi.json", api.openapi_json, name="api_openapi"),
    path("api/v1/errors", api.errors, name="api_errors"),
    path("api/v1/retry-policy", retry_api.table, name="api_retry_policy"),
    path("api/v1/retry", retry_api.decision, name="api_retry"),
    path("api/v1/errors.csv", api.errors_csv, name="api_errors_csv"),
    re_path(
        r"^api/v1/errors/(?P<source>[a-z0-9-]+)/(?P<code>[A-Za-z0-9][A-Za-z0-9.]{0,19})$",
        api.error_detail,
        name="api_error_detail",
    ),
    re_path(r"^api/(?P<path>[\s\S]*)$", api.not_found),  # any character, newlines too
]

# The site's own first segments (admin, api, search, ...): no source may be named like one
# (content.py refuses such a slug), and /admin must still reach APPEND_SLASH's /admin/.
RESERVED_WORDS = reserved_words(urlpatterns)
NOT_RESERVED = "(?!(?:" + "|".join(sorted(re.escape(word) for word in RESERVED_WORDS)) + ")$)"

urlpatterns += [
    re_path(rf"^(?P<source>{SOURCE_SLUG})/(?P<number>[1-5][0-9]{{2}})$", views.meaning_detail, name="meaning_detail"),
    # A platform's own error: /cloudflare/1020, /iis/500.19, /heroku/H12 (never three digits: those are meanings).
    re_path(
        rf"^(?P<source>{SOURCE_SLUG})/(?P<code>[A-Za-z0-9][A-Za-z0-9.]{{0,19}})$",
        views.error_detail,
        name="error_detail",
    ),
    re_path(rf"^{NOT_RESERVED}(?P<source>{SOURCE_SLUG})$", views.source_detail, name="source_detail"),
    re_path(rf"^(?P<page>{SOURCE_SLUG}(?:/[A-Za-z0-9][A-Za-z0-9.]{{0,19}})?)/$", views.drop_trailing_slash),
]

handler404 = "statuscodes.views.page_not_found"
handler500 = "statuscodes.errors.server_error"
