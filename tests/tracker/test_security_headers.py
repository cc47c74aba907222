"""Security headers: a Content-Security-Policy on every page (the admin and the API docs
above all; that the pages still work under it is tested in a browser, in
tests/browser/test_content_security_policy.py), and nothing the API answers kept in a cache."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.compliance.api.conftest import World
from tracker.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db


def test_the_admin_and_the_api_docs_carry_the_policy() -> None:
    client = Client()
    for path in ["/admin/login/", "/api/v1/docs/", "/api/v1/docs/?script=", "/api/v1/schema/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY  # no inline script, no eval
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


def test_the_docs_page_runs_no_inline_script() -> None:
    page = Client().get("/api/v1/docs/").content.decode()
    assert "<script>" not in page  # its scripts are files: the policy allows them
    assert 'src="/api/v1/docs/?script="' in page


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/me/",
        "/api/v1/parties/",
        "/api/v1/nothing-here/",  # errors too
        "/api/v1/events/?limit=0",
        "/api/v1/exports/events.csv",
        "/api/v1/exports/events.ndjson",
        "/api/v1/exports/findings.csv",
        "/api/v1/exports/deadlines.csv",
    ],
)
def test_nothing_the_api_answers_is_cached(world: World, path: str) -> None:
    response = world.client("viewer").get(path)
    assert "no-store" in response["Cache-Control"].split(", "), path
    assert "private" in response["Cache-Control"].split(", ")


def test_anonymous_answers_are_not_cached_either() -> None:
    response = Client().get("/api/v1/parties/")
    assert response.status_code == 401
    assert "no-store" in response["Cache-Control"]
