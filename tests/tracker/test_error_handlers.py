"""Errors raised before any view answer in the API's one problem shape."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from compliance.api import errors
from tracker import urls

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/parties/", "/healthz", "/admin/"])
def test_a_host_not_allowed_is_a_problem_not_a_page(path: str) -> None:
    response = Client().get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "bad_request"


def test_a_failure_outside_the_apis_views_is_a_bare_problem_under_api_only() -> None:
    assert urls.handler500 == "compliance.api.errors.server_error"
    api = errors.server_error(RequestFactory().get("/api/v1/parties/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/problem+json"
    assert b"Traceback" not in api.content
    page = errors.server_error(RequestFactory().get("/admin/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
