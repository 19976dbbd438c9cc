"""The auditor console in a real browser: sign in, filter, open a decision and its chart,
work a review item and see the customer's page change, sign out for good."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from explainer.schemas import TicketIn
from explainer.store.accounts import Accounts

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "e2e console password"
REGION = "E2E-AUDIT"


OTHERS = (  # more decisions in the same region, so the list has something to filter
    ("Can't log in since this morning", "The app says my password is wrong.", "email"),
    ("Invoice charged twice", "I was billed twice for November.", "web"),
    ("App crashes when I upload a photo", "It closes every time on Android.", "phone"),
    ("Where is my parcel?", "Tracking has not moved for a week.", "email"),
    ("How do I export my data", "I need a copy of everything you hold.", "web"),
    ("Everything is down!!", "None of our team can reach the dashboard, urgent.", "social"),
)


def _decision(site: Any, subject: str, body: str, channel: str) -> dict[str, Any]:
    service = site.app.extensions["explainer"]
    ticket = TicketIn.model_validate(
        {
            "subject": subject,
            "body": body,
            "channel": channel,
            "language": "en",
            "customer": {"id": "C-e2e-audit", "plan": "business", "region": REGION},
        }
    )
    decision, _ = service.create(ticket, idempotency_key=None, api_key_id=None)
    return decision.wire()


def _sign_in(page: Any, site: Any, username: str) -> None:
    page.goto(f"{site.url}/audit/")
    assert "/audit/login" in page.url
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site.url}/audit/")


def _console(message: Any, errors: list[str]) -> None:
    url = str((message.location or {}).get("url", ""))
    if message.type == "error" and not url.endswith("/favicon.ico"):
        errors.append(f"{message.text} ({url})")


def test_console_flow(site: Any, browser: Any) -> None:
    Accounts(site.app.extensions["explainer"].store).create_user(
        "e2e-reviewer", PASSWORD, "reviewer", actor="test"
    )
    for subject, body, channel in OTHERS:
        _decision(site, subject, body, channel)
    decision = _decision(
        site,
        "Refund for my cancelled order",
        "I cancelled last week and still want my money back, please.",
        "chat",
    )
    why = decision["links"]["why"]
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: _console(m, errors))

    page.goto(why)  # the customer asks for a review
    page.click("#review button[type=submit]")
    page.wait_for_selector("#review .state")

    _sign_in(page, site, "e2e-reviewer")
    page.fill("#f-region", REGION)
    page.click("text=Apply filters")
    page.wait_for_url("**region=E2E-AUDIT**")
    rows = page.locator("table.results tbody tr")
    assert rows.count() == len(OTHERS) + 1
    page.screenshot(path=str(SCREENSHOTS / "auditor-search.png"), full_page=True)
    page.select_option("#f-channel", "chat")
    page.click("text=Apply filters")
    page.wait_for_url("**channel=chat**")
    assert rows.count() == 1
    assert "review requested" in rows.first.inner_text()

    rows.first.locator("a").click()
    page.wait_for_url(f"**/audit/decisions/{decision['id']}")
    charts = page.locator("svg.waterfall")
    assert charts.count() == 2
    assert charts.first.locator("rect").count() >= 3
    assert "Included: the audit path verifies" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "auditor-decision.png"), full_page=True)

    page.click("text=Review queue")
    form = page.locator(f"form[aria-label='Review decision {decision['id']}']")
    assert form.count() == 1
    page.screenshot(path=str(SCREENSHOTS / "auditor-reviews.png"), full_page=False)
    new_priority = "urgent" if decision["priority"]["label"] != "urgent" else "low"
    form.locator("select[name=priority]").select_option(new_priority)
    form.locator("input[name=note]").fill("Money is at stake")
    form.locator("button[value=correct]").click()
    page.wait_for_selector("text=Saved the review")

    customer = context.new_page()
    customer.goto(why)
    assert "A person reviewed this decision and changed the priority" in customer.content()

    old = next(c for c in context.cookies() if c["name"] == "explainer_audit")
    page.click("text=Sign out")
    page.wait_for_url("**/audit/login")
    replay = browser.new_context(viewport=DESKTOP)
    replay.add_cookies([old])
    again = replay.new_page()
    again.goto(f"{site.url}/audit/")
    assert "/audit/login" in again.url  # the old session cookie is worthless now
    raw = again.request.get(
        f"{site.url}/audit/", max_redirects=0, headers={"Cookie": f"explainer_audit={old['value']}"}
    )
    assert raw.status == 302 and "/audit/login" in raw.headers["location"]
    assert errors == []
    replay.close()
    context.close()
