"""Wording invariants on generated tickets, through Decider.decide (no Flask)."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.explain.decide import Decider
from explainer.explain.grouping import Group
from explainer.model.text import join_fields, tokenize
from explainer.privacy.redaction import PLACEHOLDER_RE
from explainer.schemas import TicketIn
from explainer.training import corpus, fakes
from explainer.wording import narrative
from explainer.wording.counterfactual import counterfactual, remove_whole
from explainer.wording.function_words import is_function_word
from explainer.wording.render import render
from explainer.wording.words import DE, EN, Words

QUOTE_RE = re.compile("\u201c([^\u201c\u201d]*)\u201d")
QUOTES_OF = {"en": QUOTE_RE, "de": re.compile("\u201e([^\u201e\u201c]*)\u201c")}
SENTENCES = sorted(
    {
        s.strip()
        for t in corpus.generate(300, seed=99)
        for s in re.split(r"(?<=[.!?])\s+", f"{t['subject']}. {t['body']}")
        if s.strip()
    }
)
UNICODE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=60,
)
PIECE = st.one_of(
    st.sampled_from(SENTENCES),
    st.sampled_from(SENTENCES),
    UNICODE,
    st.sampled_from(["[EMAIL]", "[PHONE]", "[NAME]", "URGENT!!", "can't log in", "log-in"]),
    st.sampled_from(["@email", "@phone", "@name"]),  # planted personal values, see _plant
)


def _plant(pieces: list[str], personal: dict[str, str]) -> str:
    return " ".join(personal[p[1:]] if p in ("@email", "@phone", "@name") else p for p in pieces)


@st.composite
def tickets(draw: st.DrawFn) -> tuple[TicketIn, dict[str, str]]:
    rng = random.Random(draw(st.integers(0, 2**32)))
    name = fakes.fake_name(rng)
    personal = {"email": fakes.fake_email(rng, name), "phone": fakes.fake_phone(rng), "name": name}
    subject = _plant(draw(st.lists(PIECE, max_size=3)), personal)
    body = _plant(draw(st.lists(PIECE, min_size=1, max_size=8)), personal)
    if not (subject + body).strip():
        body = "help"
    ticket = TicketIn.model_validate(
        {
            "subject": subject,
            "body": body,
            "channel": draw(st.sampled_from(["email", "chat", "phone", "web", "social"])),
            "customer": {
                "name": name,
                "email": personal["email"],
                "plan": draw(st.sampled_from(["free", "pro", "business", "enterprise"])),
                "account_age_days": draw(st.integers(0, 4_000)),
                "open_tickets": draw(st.integers(0, 12)),
            },
        }
    )
    return ticket, personal


def _account_fact(feature: str, text: str, fields: dict[str, Any]) -> bool:
    name, _, value = feature.partition("=")
    if name not in fields or str(fields[name]) != value:
        return False
    wording = {
        "plan": f"on the {str(value).title()} plan",
        "channel": "you contacted us by",
        "account_age_days": f"your account is {EN.number(value)} day",
        "open_tickets": f"you have {EN.number(value)} open ticket",
    }
    return wording[name] in text[:1].lower() + text[1:]


def _pipeline_label(decider: Decider, model: str, subject: str, body: str, fields: dict) -> str:
    m = decider.models[model]
    frame = pd.DataFrame([{"text": join_fields(subject, body), **fields}])
    return str(m.pipeline.predict(frame[["text", *m.account_fields]])[0])


def _check_spans(ticket: dict[str, Any], quoted: str, spans: list[list[Any]]) -> None:
    assert spans, f"{quoted!r} has no spans"
    pieces = [ticket[f][s:e] for f, s, e in spans]
    assert pieces[0] == quoted  # the first occurrence is the one quoted
    for piece in pieces:  # the others are the same words, perhaps in another case
        assert [t.text for t in tokenize(piece)] == [t.text for t in tokenize(quoted)]


def _deleting_lowers(
    decider: Decider, d: dict[str, Any], detail: dict[str, Any], fields: dict[str, Any]
) -> bool:
    """What a reason states: without its words (or with its account field at the
    baseline) the model, featurized afresh, gives the label a lower probability."""
    m = decider.models[detail["model"]]
    label = m.classes.index(d[detail["model"]]["label"])
    keys = [t.text for t in tokenize(join_fields(d["ticket"]["subject"], d["ticket"]["body"]))]
    full = {**m.baseline_fields, **fields}

    def p(words: list[str], given: dict[str, Any]) -> float:
        logits = m.logits(m.row(" ".join(words), given))
        z = np.exp(logits - logits.max())
        return float(z[label] / z.sum())

    if detail["feature"].startswith("text:"):
        phrase = detail["feature"][5:].split(" ")
        n, gone = len(phrase), set()
        for i in range(len(keys) - n + 1):
            if keys[i : i + n] == phrase:
                gone.update(range(i, i + n))
        assert gone
        return p([w for i, w in enumerate(keys) if i not in gone], full) < p(keys, full)
    name = detail["feature"].split("=")[0]
    return p(keys, {**full, name: m.baseline_fields[name]}) < p(keys, full)


def _check(decider: Decider, ticket: TicketIn, personal: dict[str, str]) -> dict[str, Any]:
    d = decider.decide(ticket).wire()
    red, cust = d["ticket"], d["customer"]
    fields = ticket.account_fields()
    assert len(cust["reasons"]) <= 4
    for text, detail in zip(cust["reasons"], cust["reason_details"], strict=True):
        assert not PLACEHOLDER_RE.search(text), text
        for value in personal.values():
            assert value not in text, f"{value!r} leaked into {text!r}"
        assert _deleting_lowers(decider, d, detail, fields), text
        quoted = QUOTES_OF[cust["language"]].findall(text)
        if detail["feature"].startswith("text:"):
            # The phrase; German quotes the label it made more likely as well.
            assert len(quoted) == 1 + (cust["language"] == "de"), text
            assert quoted[0] in red["subject"] or quoted[0] in red["body"]
            _check_spans(red, quoted[0], detail["spans"])
            words = detail["feature"][5:].split(" ")
            assert not is_function_word(words[0]) and not is_function_word(words[-1]), text
        else:
            assert cust["language"] != "en" or _account_fact(detail["feature"], text, fields), text
            assert detail["feature"].split("=")[0] in fields  # a field not given is no reason
    for name in ("intent", "priority"):
        e = d[name]["explanation"]
        total = e["base_value"] + sum(a["value"] for a in e["attributions"])
        assert abs(total - e["output_value"]) <= 1e-9
        assert abs(e["additivity_error"]) <= 1e-9
        for a in e["attributions"]:
            if a["kind"] == "text":
                _check_spans(red, a["display"][1:-1], a["spans"])
                assert not PLACEHOLDER_RE.search(a["display"])
    cf = cust["counterfactual"]
    if cf is not None:
        assert cf["label"] != d[cf["model"]]["label"]
        for piece in cf["removed"]:
            assert re.search(
                rf"(?<!\w){re.escape(piece)}(?!\w)", red["subject"] + "\n" + red["body"]
            )
        # Each phrase it quotes is a reason shown above it.
        shown = {r["feature"] for r in cust["reason_details"] if r["model"] == cf["model"]}
        quoted_keys = {"text:" + " ".join(t.text for t in tokenize(q)) for q in cf["quoted"]}
        assert quoted_keys <= shown
        subject, body = remove_whole(red["subject"], red["body"], cf["removed"])
        merged = _full_fields(decider, cf["model"], fields)
        assert _pipeline_label(decider, cf["model"], subject, body, merged) == cf["label"]
        assert cf["text"].startswith(
            {"en": "Without \u201c", "de": "Ohne \u201e"}[cust["language"]]
        )
        assert not PLACEHOLDER_RE.search(cf["text"])
    return d


def _full_fields(decider: Decider, model: str, given: dict[str, Any]) -> dict[str, Any]:
    """What the model read: the given fields, the baseline for the rest."""
    return {**decider.models[model].baseline_fields, **given}


@settings(deadline=None, max_examples=150)
@given(case=tickets())
def test_decision_wording_invariants(decider: Decider, case: tuple[TicketIn, dict]) -> None:
    ticket, personal = case
    _check(decider, ticket, personal)


def test_demo_tickets_mostly_get_reasons_and_some_counterfactuals(decider: Decider) -> None:
    with_reasons = with_cf = 0
    for t in corpus.generate(80, seed=5):
        ticket = TicketIn.model_validate(t.payload())
        personal = {"email": str(t["customer_email"]), "name": str(t["customer_name"])}
        d = _check(decider, ticket, personal)
        with_reasons += bool(d["customer"]["reasons"])
        with_cf += d["customer"]["counterfactual"] is not None
    assert with_reasons >= 76
    assert with_cf >= 8  # the invariants above are only worth something if flips happen


def test_remove_whole_deletes_whole_words_only_longest_first() -> None:
    subject, body = remove_whole("Integration", "Integrationen und Integration", ["Integration"])
    assert (subject, body) == ("", "Integrationen und ")
    subject, body = remove_whole("log in", "can't log in", ["log", "can't log in"])
    assert (subject, body) == (" in", "")


def _group(word: str, value: float, body: str = "") -> Group:
    start = body.find(word)
    return Group(f"text:{word}", "text", value, f'"{word}"', [("body", start, start + len(word))])


def test_reasons_follow_the_search_two_per_model_first_at_most_four() -> None:
    ranked = [_group(w, v) for w, v in [("refund", 3), ("money", 1), ("late", 0.5)]]
    ranked.append(Group("plan=pro", "account", 0.5, "your Pro plan", [], "plan", "pro"))
    intent = narrative.Outcome("intent", "refund", "Refund request", 0.9, ranked, ranked=ranked)
    urgent = [_group("asap", 2), _group("x", 1), _group("y", 0.2)]
    prio = narrative.Outcome("priority", "high", "High", 0.6, urgent, ranked=urgent)
    shown = narrative.reasons([intent, prio])
    assert [g.feature for _, g in shown] == ["text:refund", "text:asap", "text:money", "text:x"]
    details = narrative.reason_details(shown)
    told = _told(
        _block("refund", "Refund request", 0.9, ranked, queue="Billing team"),
        _block("high", "High", 0.6, urgent, response_time="within 4 hours"),
        details=details,
    )
    texts = render(told, EN, None)["reasons"]
    assert texts[0] == "You wrote \u201crefund\u201d. That made Refund request more likely."
    assert texts[1].endswith("That made High priority more likely.")
    german = render(told, DE, None)["reasons"]
    assert german[0] == (
        "Sie schrieben \u201erefund\u201c. Das sprach für \u201eRefund request\u201c."
    )
    assert german[1].endswith("Das sprach für die Priorität \u201eHigh\u201c.")


def _block(
    label: str, display: str, confidence: float, groups: Sequence[Group] = (), **names: str
) -> dict[str, Any]:
    """A minimal stored model block for the wording."""
    return {
        "label": label,
        "display": display,
        "confidence": confidence,
        **names,
        "explanation": {"baseline_fields": {}, "attributions": [g.as_dict() for g in groups]},
    }


def _told(
    intent: dict[str, Any] | None = None,
    priority: dict[str, Any] | None = None,
    details: list[dict[str, Any]] | None = None,
    cf: dict[str, Any] | None = None,
    defaulted: list[str] | None = None,
) -> dict[str, Any]:
    """A minimal stored decision: what render() words."""
    customer = {"reason_details": details or [], "counterfactual": cf, "defaulted": defaulted or []}
    return {"intent": intent, "priority": priority, "customer": customer, "handoff": {}}


def _summary(w: Words, **told: Any) -> str:
    return str(render(_told(**told), w, None)["summary"])


def test_counterfactual_removes_shown_reasons_and_is_the_first_verified_flip() -> None:
    body = "asap urgent now"
    groups = [_group("asap", 2.0, body), _group("urgent", 1.0, body), _group("now", 0.5, body)]
    prio = narrative.Outcome("priority", "urgent", "Urgent", 0.8, groups, ranked=groups)
    calls: list[tuple[str, str]] = []

    def rerun(model: str, subject: str, body: str) -> str:
        calls.append((subject, body))
        return "normal" if "urgent" not in body and "asap" not in body else "urgent"

    shown = [(prio, g) for g in groups[:2]]
    cf = counterfactual(shown, "", body, rerun)
    assert cf is not None and cf["label"] == "normal"
    assert cf["removed"] == ["urgent", "asap"]  # longer first
    assert len(calls) == 2
    told = _told(priority=_block("urgent", "Urgent", 0.8), cf={**cf, "display": "Normal"})
    assert render(told, EN, None)["counterfactual"] == (
        "Without \u201casap\u201d and \u201curgent\u201d, "
        "it would most likely have been Normal priority."
    )
    assert render(told, DE, None)["counterfactual"] == (
        "Ohne \u201easap\u201c und \u201eurgent\u201c wäre es wohl die Priorität "
        "\u201eNormal\u201c geworden."
    )
    # Only reasons shown may be removed: with one shown, no flip is claimed.
    assert counterfactual(shown[:1], "", body, rerun) is None


def test_a_model_without_reasons_gets_a_true_sentence() -> None:
    billing = _block("billing", "Billing", 0.4)
    said = _summary(EN, intent=billing, defaulted=["intent"])
    assert "what the system chooses when a message gives it nothing" in said
    assert "No single word stood out" in _summary(EN, intent=billing)
    assert "Kein einzelnes Wort fiel auf" in _summary(DE, intent=billing)


@pytest.mark.parametrize(
    ("p", "word"),
    [
        (0.95, "very sure"),
        (0.75, "fairly sure"),
        (0.55, "not quite sure"),
        (0.3, "unsure"),
    ],
)
def test_confidence_words(p: float, word: str) -> None:
    assert EN.confidence_word(p) == word


@pytest.mark.parametrize(
    ("queue", "priority"),
    [
        ("Incident response", "Urgent"),
        ("billing@example.com", "P1 - critical"),
        ("Tier 2 (EU)", "low"),
    ],
)
def test_the_summary_is_grammatical_for_any_queue_or_label(queue: str, priority: str) -> None:
    intent = _block("outage", "Service outage", 0.9, queue=queue)
    urgency = _block("p1", priority, 0.6, response_time="within 1 hour")
    text = _summary(EN, intent=intent, priority=urgency)
    german = _summary(DE, intent=intent, priority=urgency)
    assert f"Es ging an \u201e{queue}\u201c." in german
    assert f"Die Priorität ist \u201e{priority}\u201c." in german
    assert f"It was routed to \u201c{queue}\u201d." in text
    assert f"Its priority was set to \u201c{priority}\u201d. Expect a first response" in text
    assert "to the " + queue not in text and f"given {priority} priority" not in text
