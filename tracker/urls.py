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

# Errors raised before any view (a disallowed Host, a middleware's failure) in the API's one
# problem shape; DRF's views render their own (compliance/api/errors.py).
handler400 = "compliance.api.errors.bad_request"
handler500 = "compliance.api.errors.server_error"
