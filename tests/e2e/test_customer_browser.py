"""The customer flow in a real browser: demo -> why page -> review and feedback; the
widget on another origin; a phone viewport; script injection; accessibility (axe)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
VECTORS = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> "
    '<a href="javascript:alert(3)">click</a> <svg onload=alert(4)> <b><i>broken '
    "\u202eevil\u202c \u200bzero\u200dwidth"
)


class Watch:
    """Collects what must never happen on our pages: dialogs, errors, console errors."""

    def __init__(self, page: Any) -> None:
        self.problems: list[str] = []
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        page.on(
            "console",
            lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None,
        )


def new_page(browser: Any, viewport: dict[str, int]) -> tuple[Any, Watch]:
    """A page in a fresh context, watched."""
    page = browser.new_context(viewport=viewport).new_page()
    return page, Watch(page)


def submit_ticket(page: Any, site: Any, subject: str, body: str, language: str = "en") -> str:
    """Send a ticket through the demo form; the why page's URL."""
    page.goto(site.url + "/demo")
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Your message").fill(body)
    page.get_by_label("Your plan").select_option("business")
    page.get_by_label("Language").select_option(language)
    page.get_by_role("button", name="Send ticket").click()
    page.get_by_role("heading", name="We have your ticket").wait_for(timeout=10_000)
    return str(page.get_by_role("link", name="Why?").get_attribute("href"))


def serious_violations(page: Any, context: str | None = None) -> list[str]:
    """axe-core's serious and critical violations on the page (or inside ``context``)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def test_demo_to_why_page_review_and_feedback(browser: Any, site: Any) -> None:
    page, watch = new_page(browser, DESKTOP)
    why = submit_ticket(
        page, site, "Can't log in since this morning", "My password is wrong, please help fast"
    )
    page.get_by_role("link", name="Why?").click()
    page.get_by_role("heading", name="Why your ticket was handled this way").wait_for()
    assert page.url == site.url + why
    reasons = page.locator("ol.reasons li")
    assert 1 <= reasons.count() <= 4
    assert page.locator(".message mark").count() >= 1
    assert "log in" in page.locator(".message").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "why-desktop.png"), full_page=True)
    assert serious_violations(page) == []

    page.get_by_label("Anything the reviewer should know?").fill("I think this is urgent")
    page.get_by_role("button", name="Ask a person to review this").click()
    page.locator("#review [role=status]").wait_for()
    assert "pending" in page.locator("#review").inner_text()
    page.get_by_role("button", name="Yes, it helped").click()
    page.get_by_text("Thank you for your feedback.").wait_for()
    page.reload()
    assert "pending" in page.locator("#review").inner_text()
    assert watch.problems == []


def test_phone_viewport(browser: Any, site: Any) -> None:
    page, watch = new_page(browser, PHONE)
    why = submit_ticket(page, site, "Refund for my order", "I was charged twice, refund please")
    page.goto(site.url + why)
    page.get_by_role("heading", name="Why your ticket was handled this way").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    button = page.get_by_role("button", name="Ask a person to review this").bounding_box()
    assert button is not None and button["height"] >= 44
    page.screenshot(path=str(SCREENSHOTS / "why-phone.png"), full_page=True)
    assert serious_violations(page) == []
    assert watch.problems == []


def test_a_german_ticket_reads_in_german_on_a_phone_and_in_the_widget(
    browser: Any, site: Any
) -> None:
    page, watch = new_page(browser, PHONE)
    why = submit_ticket(
        page,
        site,
        "Kann mich nicht anmelden",
        "Ich komme nicht in mein Konto, das Passwort wird abgelehnt. Das ist dringend!",
        language="de",
    )
    page.goto(site.url + why)
    page.get_by_role("heading", name="Warum Ihr Ticket so bearbeitet wurde").wait_for()
    assert page.evaluate("document.documentElement.lang") == "de"
    text = page.locator("main").inner_text()
    assert "Ein automatisches System (KI)" in text and "Das sprach für" in text
    assert "\u201e" in page.locator("ol.reasons").inner_text()  # German quotation marks
    for english in ("The main reasons", "Ask a person", "Yes, it helped", "The system was"):
        assert english not in text
    page.get_by_role("button", name="Eine Person prüfen lassen").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SCREENSHOTS / "why-phone-de.png"), full_page=True)
    assert serious_violations(page) == []

    page.goto(f"{site.other}/help?why={quote(site.url + why, safe='')}")
    page.get_by_role("button", name="Why?").click()
    panel = page.get_by_role("dialog", name="Warum Ihr Ticket so bearbeitet wurde")
    panel.get_by_role("heading", name="Die wichtigsten Gründe").wait_for()
    assert panel.get_attribute("lang") == "de"
    assert "Ja, geholfen" in panel.inner_text()
    assert watch.problems == []


def test_injection_vectors_stay_inert_text(browser: Any, site: Any) -> None:
    page, watch = new_page(browser, DESKTOP)
    why = submit_ticket(page, site, "Can't log in " + VECTORS, "password wrong " + VECTORS)
    page.goto(site.url + why)
    message = page.locator(".message")
    assert "<script>alert(1)</script>" in message.inner_text()
    assert message.locator("script, img, svg, a, b, i").count() == 0
    assert "\u202e" not in page.content()
    page.goto(f"{site.other}/help?why={quote(site.url + why, safe='')}")
    page.get_by_role("button", name="Why?").click()
    panel = page.get_by_role("dialog")
    panel.get_by_role("heading", name="The main reasons").wait_for()
    assert "<img src=x onerror=alert(2)>" in panel.inner_text()
    assert panel.locator("script, img, svg, a, b, i").count() == 0
    page.wait_for_timeout(300)
    assert watch.problems == []


def test_widget_on_another_origin(browser: Any, site: Any) -> None:
    page, watch = new_page(browser, DESKTOP)
    why = submit_ticket(page, site, "App crashes when I upload", "The app crashes every time")
    page.goto(f"{site.other}/help?why={quote(site.url + why, safe='')}")
    button = page.get_by_role("button", name="Why?")
    button.click()
    panel = page.get_by_role("dialog", name="Why your ticket was handled this way")
    panel.get_by_role("heading", name="The main reasons").wait_for()
    assert page.evaluate("document.activeElement.id").endswith("-title")
    assert 1 <= panel.locator("ol li").count() <= 4
    assert panel.locator("mark").count() >= 1

    panel.get_by_label("Anything the reviewer should know?").fill("from the widget")
    panel.get_by_role("button", name="Ask a person to review this").click()
    panel.get_by_text("Status: pending").wait_for()
    panel.get_by_role("button", name="No, it didn't").click()
    panel.get_by_text("Thank you for your feedback.").wait_for()
    page.keyboard.press("Escape")
    panel.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.textContent") == "Why?"
    assert watch.problems == []
    # Last, because axe itself sets inline styles that this page's strict CSP reports.
    button.click()
    panel.get_by_text("Status: pending").wait_for()
    assert serious_violations(page, "dialog") == []

    same = browser.new_context(viewport=DESKTOP).new_page()
    same.goto(site.url + why)
    assert "pending" in same.locator("#review").inner_text()
    assert "Thank you for your feedback." in same.content()


def test_opting_out_on_the_demo_form_reaches_a_person(browser: Any, site: Any) -> None:
    page, watch = new_page(browser, PHONE)
    page.goto(site.url + "/demo")
    page.get_by_label("Subject").fill("Refund for my order")
    page.get_by_label("Your message").fill("I was charged twice for one order")
    page.get_by_label("I'd rather a person decided (no AI routing)").check()
    page.get_by_role("button", name="Send ticket").click()
    page.get_by_role("heading", name="We have your ticket").wait_for(timeout=10_000)
    page.get_by_role("link", name="Why?").click()
    page.get_by_role("heading", name="Why your ticket was handled this way").wait_for()
    text = page.locator("main").inner_text()
    assert "You asked for a person to decide" in text
    assert "a person from our team" in page.locator("dl.outcome").inner_text()
    assert page.locator("ol.reasons li").count() == 0
    assert watch.problems == []


def test_sensitive_ticket_and_the_page_after_a_correction(browser: Any, site: Any) -> None:
    page, watch = new_page(browser, DESKTOP)
    why = submit_ticket(
        page,
        site,
        "Please close my late mother's account",
        "My mother passed away in March. Please stop charging her card.",
    )
    page.goto(site.url + why)
    page.get_by_role("heading", name="Why your ticket was handled this way").wait_for()
    assert "You mentioned a bereavement" in page.locator(".summary").first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "why-handoff.png"), full_page=True)
    assert serious_violations(page) == []

    plain = submit_ticket(page, site, "App crashes when I upload", "The app crashes every time")
    service = site.app.extensions["explainer"]
    found = service.customers.view(plain.rsplit("/", 1)[-1])  # the link's token
    assert found is not None
    ai = found.decision.priority.label
    other = next(c for c in service.decider.models["priority"].classes if c != ai)
    service.console.resolve(found.decision_id, "rita", {"priority": other}, "Checked it.")
    page.goto(site.url + plain)
    page.get_by_role("heading", name="Why your ticket was handled this way").wait_for()
    summary = page.locator(".summary").first.inner_text()
    assert summary.startswith("A person reviewed your ticket")
    assert page.get_by_role(
        "heading", name="The AI's original decision, before the person's review"
    ).is_visible()
    page.screenshot(path=str(SCREENSHOTS / "why-after-review.png"), full_page=True)
    assert serious_violations(page) == []
    assert watch.problems == []
