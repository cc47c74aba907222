"""The Content-Security-Policy holds in a real browser (Debian's Chromium, driven by
Playwright): the API's interactive docs (Swagger UI) and the admin's pages work under it,
and the browser reports no violation of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.utils import quote
from django.contrib.auth.models import User

from compliance.access import access_grant
from compliance.models import Matter, MatterInvestment
from tests.browser.test_admin_entry import page  # noqa: F401
from tests.compliance.scenario import record_deal
from tracker.middleware import CONTENT_SECURITY_POLICY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def violations(page: Any) -> list[str]:  # noqa: F811
    """What the browser refused under the policy, as it reports it on the console."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def test_the_api_docs_work_under_the_policy(
    live_server: Any,
    page: Any,  # noqa: F811
    violations: list[str],
) -> None:
    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    page.wait_for_selector(".opblock", timeout=20_000)  # the operations, read from the schema
    assert page.locator(".opblock").count() > 20
    page.locator(".opblock-summary", has_text="/api/v1/parties/").first.click()
    page.wait_for_selector("text=Try it out")
    assert violations == [], violations


def test_the_admin_works_under_the_policy(
    live_server: Any,
    page: Any,  # noqa: F811
    violations: list[str],
) -> None:
    deal = record_deal(actor="setup")
    access_grant(username="paralegal", role="analyst", matter_code="M-1",
                 matter_name="Matter", create=True)  # fmt: skip
    user = User.objects.get(username="paralegal")
    user.set_password("a long test password")
    user.save()
    MatterInvestment.objects.create(
        matter=Matter.objects.get(code="M-1"), investment_id=deal.investment
    )
    base = live_server.url
    response = page.goto(f"{base}/admin/login/")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    page.fill("#id_username", "paralegal")
    page.fill("#id_password", "a long test password")
    page.click("input[type=submit]")
    page.wait_for_selector("#content")
    page.goto(f"{base}/admin/compliance/investmentposition/")
    page.wait_for_selector("#changelist")
    page.goto(f"{base}/admin/compliance/investmentposition/{quote(deal.investment)}/change/")
    page.click("text=Record an event")
    page.click("text=StakeAcquired")
    page.wait_for_selector("select[name=instrument]")
    # The admin's own scripts ran: the date widget's shortcuts are drawn by JavaScript.
    page.wait_for_selector("text=Today")
    assert violations == [], violations
