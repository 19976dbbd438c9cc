"""German customers read German; the page's language rule; catalogues complete."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from auditor_helpers import signed_in
from babel.messages.pofile import read_po
from customer_helpers import JSON, customer_app
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import Keys

from explainer.schemas import TicketIn
from explainer.web.i18n import compiled
from explainer.wording.render import render
from explainer.wording.words import SHIPPED, pick, words_for

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("catalogues", ROOT / "tools" / "catalogues.py")
assert _spec is not None and _spec.loader is not None
catalogues = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(catalogues)

GERMAN = {
    "subject": "Kann mich nicht anmelden",
    "body": (
        "Ich kann mich nicht in mein Konto einloggen, das Passwort ist falsch. Das ist dringend!"
    ),
    "customer": {"plan": "pro", "open_tickets": 2},
}
ENGLISH = {
    "subject": "Refund",
    "body": "I was charged twice and want my money back. This is urgent!",
    "customer": {"plan": "pro"},
}


@pytest.fixture
def lapp(models_dir: Path, tmp_path: Path, clean_env: None) -> Iterator[Flask]:
    yield customer_app(models_dir, tmp_path)


def _store(app: Flask, body: dict[str, Any], language: str | None) -> tuple[Any, str]:
    service = app.extensions["explainer"]
    ticket = TicketIn.model_validate({**body, "language": language})
    decision, _ = service.create(ticket, idempotency_key=None, api_key_id=None)
    url = decision.links.why
    return decision, url[url.index("/why/") :]


def _lang(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found
    return found.group(1)


def test_a_german_ticket_is_worded_and_shown_in_german(lapp: Flask) -> None:
    decision, path = _store(lapp, GERMAN, "de-AT")
    customer = decision.customer
    assert customer.language == "de"
    assert customer.summary.startswith("Ihr Ticket wurde als \u201e")
    assert customer.reasons and all("Das sprach für" in r for r in customer.reasons)
    assert customer.notice.startswith("Ein automatisches System (KI)")
    page = lapp.test_client().get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _lang(page) == "de"
    for german in ("Die wichtigsten Gründe", "Eine Person prüfen lassen", "Ja, geholfen"):
        assert german in page
    assert "The main reasons" not in page and "Yes, it helped" not in page
    widget = lapp.test_client().get(path, headers=JSON).get_json()
    assert widget["language"] == "de" and widget["ui"]["yes"] == "Ja, geholfen"
    assert widget["reasons"] == customer.reasons


def test_an_english_ticket_stays_english_whatever_the_browser_asks(lapp: Flask) -> None:
    _, path = _store(lapp, ENGLISH, "en")
    page = lapp.test_client().get(path, headers={"Accept-Language": "de-DE,de;q=0.9"})
    text = page.get_data(as_text=True)
    assert _lang(text) == "en" and "The main reasons" in text
    assert "Accept-Language" in page.headers["Vary"]


@pytest.mark.parametrize("language", [None, "fr"])
def test_a_ticket_in_no_shipped_language_follows_the_browser(
    lapp: Flask, language: str | None
) -> None:
    decision, path = _store(lapp, ENGLISH, language)
    assert decision.customer.language == "en"  # worded at decision time in English
    client: FlaskClient = lapp.test_client()
    page = client.get(path, headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert _lang(page) == "de" and "Die wichtigsten Gründe" in page
    german = client.get(path, headers={**JSON, "Accept-Language": "de"}).get_json()
    assert german["notice"].startswith("Ein automatisches System (KI)")
    assert all("Das sprach für" in r for r in german["reasons"])
    english = client.get(path, headers={**JSON, "Accept-Language": "en"}).get_json()
    assert english["reasons"] == decision.customer.reasons
    # Rendering in another language wrote nothing: the stored record is as it was.
    stored = lapp.extensions["explainer"].get(str(decision.id))
    assert stored.customer == decision.customer


def test_rendering_the_stored_facts_again_gives_the_stored_words(lapp: Flask) -> None:
    service = lapp.extensions["explainer"]
    for body, language in ((GERMAN, "de"), (ENGLISH, "en"), (GERMAN, None)):
        decision, _ = _store(lapp, body, language)
        wire = decision.wire()
        texts = render(wire, words_for(decision.customer.language), service.names)
        assert texts["summary"] == decision.customer.summary
        assert texts["reasons"] == decision.customer.reasons
        assert texts["notice"] == decision.customer.notice
        cf = decision.customer.counterfactual
        assert texts["counterfactual"] == (cf.text if cf else None)


def test_the_language_tag_picks_by_its_primary_subtag() -> None:
    assert pick("de") == pick("de-AT") == pick("DE_ch") == "de"
    assert pick("en-GB") == "en"
    assert pick("fr") is None and pick(None) is None and pick("") is None


def test_every_message_of_a_shipped_catalogue_is_translated() -> None:
    wanted = {m.id for m in catalogues.extract() if m.id}
    assert len(wanted) > 30
    for lang in SHIPPED:
        po = catalogues.TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        if lang == "en":
            assert not po.exists()  # the source language
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        have = {m.id: m for m in catalog if m.id}
        untranslated = sorted(
            str(i) for i in wanted if i not in have or not have[i].string or have[i].fuzzy
        )
        assert not untranslated, f"{lang}: untranslated messages: {untranslated}"
        assert lang in compiled()


def test_through_the_api_a_german_ticket_gets_a_german_page_and_the_auditor_sees_it(
    client: FlaskClient, keys: Keys, app: Flask
) -> None:
    made = client.post(
        "/api/v1/decisions", json={**GERMAN, "language": "de"}, headers=keys.write
    ).get_json()
    assert made["customer"]["language"] == "de"
    assert made["customer"]["notice"].startswith("Ein automatisches System (KI)")
    why = made["links"]["why"]
    page = client.get(why[why.index("/why/") :]).get_data(as_text=True)
    assert _lang(page) == "de" and "Eine Person prüfen lassen" in page
    auditor = signed_in(app, "auditor")
    shown = auditor.get(f"/audit/decisions/{made['id']}").get_data(as_text=True)
    assert "Worded at decision time in German" in shown and 'lang="de"' in shown


def test_after_a_review_a_german_page_leads_with_the_person_in_german(
    client: FlaskClient, keys: Keys, app: Flask
) -> None:
    made = client.post(
        "/api/v1/decisions", json={**GERMAN, "language": "de"}, headers=keys.write
    ).get_json()
    service = app.extensions["explainer"]
    ai = made["priority"]["label"]
    other = next(c for c in service.decider.models["priority"].classes if c != ai)
    service.console.resolve(made["id"], "rita", {"priority": other}, None)
    why = made["links"]["why"]
    view = client.get(why[why.index("/why/") :], headers=JSON).get_json()
    german = service.label_info("priority", other, "de")["display"]
    assert view["decided_by"] == "person"
    assert view["summary"].startswith("Eine Person hat Ihr Ticket geprüft")
    assert f"\u201e{german}\u201c" in view["summary"]
    assert view["review"]["detail"] == (
        "Eine Person hat diese Entscheidung geprüft und die Priorität von "
        f"\u201e{service.label_info('priority', ai, 'de')['display']}\u201c auf "
        f"\u201e{german}\u201c geändert."
    )
    assert {r["term"] for r in view["outcome"]} >= {"Priorität"}


def test_a_dead_link_answers_in_the_browser_language(lapp: Flask) -> None:
    client = lapp.test_client()
    german = client.get("/why/not-a-token", headers={"Accept-Language": "de-CH, en;q=0.5"})
    assert german.status_code == 404
    text = german.get_data(as_text=True)
    assert _lang(text) == "de" and "Dieser Link funktioniert nicht" in text
    english = client.get("/why/not-a-token", headers={"Accept-Language": "fr"})
    assert "This link does not work" in english.get_data(as_text=True)


def test_templates_translate_per_request_and_read_english_outside_one(lapp: Flask) -> None:
    close = lapp.jinja_env.from_string("{{ _('Close') }}")
    with lapp.test_request_context("/why/x", headers={"Accept-Language": "de-CH, en;q=0.5"}):
        assert close.render() == "Schließen"
    with lapp.test_request_context("/why/x", headers={"Accept-Language": "en"}):
        assert close.render() == "Close"
    with lapp.app_context():  # no request: nothing to choose a language from
        assert close.render() == "Close"
