"""Top-level URL configuration."""

from django.contrib import admin
from django.urls import include, path

from tracker import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("compliance.api.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
