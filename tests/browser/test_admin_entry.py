"""A paralegal's session in a real browser (Debian's Chromium, driven by Playwright): log in
as an analyst, record a stake acquisition with its source through the form, see it on the
investment's timeline, correct it, and find no edit or delete control on the event.
Screenshots of the key pages go to SCREENSHOT_DIR (default: artifacts/screenshots)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.utils import quote
from django.contrib.auth.models import User

from compliance.access import access_grant
from compliance.models import Matter, MatterInvestment
from events import store
from tests.compliance.scenario import record_deal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        "The browser tests need Debian's chromium (apt-get install chromium)."
    )
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def shot(page: Any, name: str) -> None:
    folder = Path(os.environ.get("SCREENSHOT_DIR", "artifacts/screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_an_analyst_records_a_stake_sees_it_and_corrects_it(live_server: Any, page: Any) -> None:
    deal = record_deal(actor="setup")
    access_grant(username="paralegal", role="analyst", matter_code="M-2024-017",
                 matter_name="Microsoft / Mistral AI", create=True)  # fmt: skip
    user = User.objects.get(username="paralegal")
    user.set_password("a long test password")
    user.save()
    MatterInvestment.objects.create(
        matter=Matter.objects.get(code="M-2024-017"), investment_id=deal.investment
    )
    base = live_server.url

    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "paralegal")
    page.fill("#id_password", "a long test password")
    page.click("input[type=submit]")
    page.wait_for_selector("#content")
    shot(page, "01-admin-home")

    dossier = f"{base}/admin/compliance/investmentposition/{quote(deal.investment)}/change/"
    page.goto(dossier)
    assert page.locator("text=Comments").count() >= 1  # its open deadline, read from the log
    shot(page, "02-investment-dossier")
    page.click("text=Record an event")
    page.click("text=StakeAcquired")
    page.wait_for_selector("select[name=instrument]")
    page.fill("input[name=occurred_at_0]", "2024-03-01")
    page.fill("input[name=occurred_at_1]", "00:00:00")
    page.select_option("select[name=instrument]", "ordinary_shares")
    page.fill("input[name='amount.amount']", "2000000")
    page.fill("input[name='amount.currency']", "EUR")
    page.fill("input[name=equity_pct]", "0.5")
    page.fill("input[name='source.url']", "https://example.org/filing")
    page.fill("input[name='source.publisher']", "Example registry")
    page.select_option("select[name='source.reliability']", "official")
    shot(page, "03-record-stake-form")
    page.click("input[type=submit]")

    page.wait_for_selector("text=Recorded StakeAcquired")
    rows = page.locator("tr.timeline-entry")
    assert rows.filter(has_text="2024-03-01").count() == 1
    shot(page, "04-dossier-after-recording")
    recorded = store.read_stream(deal.investment)[-1]
    assert recorded.type == "StakeAcquired"
    assert recorded.metadata["source"]["publisher"] == "Example registry"

    rows.filter(has_text="2024-03-01").locator("a").first.click()
    page.wait_for_selector("text=Correct")
    assert page.locator("input[name=_save]").count() == 0  # no edit control
    assert page.locator("a.deletelink").count() == 0  # no delete control
    shot(page, "05-event-page")
    page.click("ul.object-tools >> text=Correct")
    page.fill("input[name=equity_pct]", "0.4")
    page.fill("textarea[name=correction_reason]", "The register shows 0.4 %.")
    shot(page, "06-correction-form")
    page.click("input[type=submit]")
    page.wait_for_selector("text=corrected")
    assert page.locator("text=The register shows 0.4 %.").count() >= 1
    assert page.locator("input[name=_save]").count() == 0
    assert page.locator("a.deletelink").count() == 0
    shot(page, "07-event-marked-corrected")
    (stake,) = [e for e in store.read_stream(deal.investment) if e.version == recorded.version]
    assert str(stake.event.equity_pct) == "0.4"
    assert (
        store.read_stream(deal.investment, effective=False)[recorded.version - 1].event.equity_pct
        == recorded.event.equity_pct
    )
