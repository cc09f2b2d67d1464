"""URL map: pages by number and class, the admin, the health check."""

from django.contrib import admin
from django.urls import path, re_path

from statuscodes import views

urlpatterns = [
    path("", views.home, name="home"),
    re_path(r"^(?P<number>[1-5][0-9]{2})$", views.code_detail, name="code_detail"),
    re_path(r"^(?P<slug>[1-5]xx)$", views.class_detail, name="class_detail"),
    re_path(r"^(?P<page>[1-5][0-9x]{2})/$", views.drop_trailing_slash),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler404 = "statuscodes.views.page_not_found"
