"""Issue-level defects of the customer wording, each pinned by a test (no Flask)."""

from __future__ import annotations

import re
from collections import Counter

from explainer.explain.decide import Decider
from explainer.model.text import join_fields, tokenize
from explainer.schemas import TicketIn
from explainer.wording.counterfactual import remove_whole
from explainer.wording.function_words import FUNCTION_WORDS, is_function_word

URGENT = {
    "subject": "Production outage, payments failing",
    "body": "Our checkout is down and every payment fails with error 503. Please fix this now.",
}


def test_a_field_not_given_is_no_fact_and_contributes_exactly_zero(decider: Decider) -> None:
    d = decider.decide(TicketIn.model_validate({**URGENT, "customer": {"plan": "enterprise"}}))
    wire = d.wire()
    assert wire["ticket"]["customer"]["account_age_days"] is None  # recorded as not given
    assert wire["ticket"]["channel"] is None
    for _, block in d.models():
        for a in block.explanation.attributions:
            if a.kind == "account" and a.field in ("account_age_days", "open_tickets", "channel"):
                assert a.value == 0.0 and a.field_value is None
    text = " ".join(wire["customer"]["reasons"])
    assert "days old" not in text and "open ticket" not in text and "contacted us" not in text
    e = wire["priority"]["explanation"]
    assert (
        abs(e["base_value"] + sum(a["value"] for a in e["attributions"]) - e["output_value"]) < 1e-9
    )


def test_the_notice_names_exactly_the_inputs_of_the_models_in_service(decider: Decider) -> None:
    both = decider.notice()
    assert "your plan" in both and "open tickets" in both
    text_only = Decider({"intent": decider.models["intent"]})
    assert decider.models["intent"].account_fields == []
    assert "plan" not in text_only.notice() and "open tickets" not in text_only.notice()
    assert "subject and message" in text_only.notice()
    ticket = TicketIn.model_validate(URGENT)
    assert text_only.decide(ticket).customer.notice == text_only.notice()
    assert "Ihren Tarif" in decider.notice("de") and "Tarif" not in text_only.notice("de")


def test_whole_word_removal_leaves_compound_words_alone() -> None:
    subject, body = remove_whole(
        "Integration kaputt", "Die Integrationen und die Integration-API", ["Integration"]
    )
    assert subject == " kaputt"
    assert body == "Die Integrationen und die -API"


def test_german_compounds_counterfactuals_hold_on_the_whole_word_edit(decider: Decider) -> None:
    stated = 0
    for word in ("charge", "export", "Integration"):
        ticket = TicketIn.model_validate(
            {"subject": word, "body": f"Die {word}en and {word}s: {word}problem", "language": "de"}
        )
        d = decider.decide(ticket)
        cf = d.customer.counterfactual
        if cf is None:
            continue
        stated += 1
        subject, body = remove_whole(d.ticket.subject, d.ticket.body, cf.removed)
        # Whole-word edits delete whole tokens: no compound is cut into a new word.
        before = Counter(t.text for t in tokenize(join_fields(d.ticket.subject, d.ticket.body)))
        assert Counter(t.text for t in tokenize(join_fields(subject, body))) <= before
        model = decider.models[cf.model]
        row = model.row(join_fields(subject, body), model.baseline_fields)
        assert model.classes[int(model.logits(row).argmax())] == cf.label
    assert stated >= 1


def test_no_reason_gets_a_true_sentence_not_silence(decider: Decider) -> None:
    d = decider.decide(TicketIn.model_validate({"subject": "hi", "body": "the and of"}))
    assert d.customer.reason_details == []
    assert "stood out" in d.customer.summary


def test_reasons_never_start_or_end_with_function_words_nor_carry_quotes(
    decider: Decider,
) -> None:
    bodies = [
        "My phone crushed and the app 'undefined is not a function' error, 503 Service "
        "Unavailable since Monday",
        "Hallo, bitte die App reparieren und die Rechnung prüfen, sie ist falsch",
        "Hola, la factura está mal y la aplicación no funciona",
    ]
    for body in bodies:
        d = decider.decide(TicketIn.model_validate({"subject": "Help", "body": body}))
        for r in d.customer.reason_details:
            if r.feature.startswith("text:"):
                words = r.feature[5:].split(" ")
                assert not is_function_word(words[0]) and not is_function_word(words[-1])
                quoted = re.findall("\u201c(.*)\u201d", r.text)[0]
                assert not re.search("[\"'\u201c\u201d]", quoted.replace("'t", "")), r.text
    assert {"und", "la", "die", "the"} <= FUNCTION_WORDS


def test_function_word_lists_name_their_source() -> None:
    from importlib.resources import files

    folder = files("explainer.wording").joinpath("function_words")
    for lang in ("en", "de", "fr", "es", "pt"):
        head = folder.joinpath(f"{lang}.txt").read_text("utf-8").splitlines()[:3]
        assert any("snowball" in line.lower() for line in head), lang
        assert any("BSD" in line for line in head), lang


def test_the_phrase_edges_are_tokens_of_the_message(decider: Decider) -> None:
    d = decider.decide(TicketIn.model_validate(URGENT))
    tokens = {t.text for t in tokenize(join_fields(URGENT["subject"], URGENT["body"]))}
    for r in d.customer.reason_details:
        if r.feature.startswith("text:"):
            assert set(r.feature[5:].split(" ")) <= tokens


def test_a_function_word_joins_a_phrase_only_between_two_picked_words() -> None:
    import numpy as np

    from explainer.explain.grouping import Layout, _text_groups
    from explainer.wording.function_words import telling

    text = "\nI use my card and my wallet"
    layout = Layout.of(tokenize(text), text, 0)
    vals = list(np.ones(len(layout.keys)))
    groups = _text_groups(vals, layout, frozenset({"use", "my", "card", "wallet"}), telling)
    quoted = {g.display.strip('"') for g in groups}
    assert "use my card" in quoted  # inside a phrase
    assert "my wallet" not in quoted and "wallet" in quoted  # never at an edge
    assert "my" in quoted  # the second "my" stands alone: never shown (an edge word)


def test_a_reason_is_shown_only_when_deleting_it_lowers_the_label(decider: Decider) -> None:
    """The sentence "made X more likely" holds on exactly the deletion it states,
    featurized afresh (whatever the sign of the word's own attribution)."""
    from explainer.model.linear import softmax

    tickets = [
        URGENT,
        {"subject": "Refund", "body": "Please refund my order, the charge was twice."},
        {"subject": "Login", "body": "I can't log in since the password reset email never came"},
    ]
    for t in tickets:
        d = decider.decide(TicketIn.model_validate(t)).wire()
        red = d["ticket"]
        keys = [k.text for k in tokenize(join_fields(red["subject"], red["body"]))]
        for r in d["customer"]["reason_details"]:
            assert r["text"].endswith(" more likely.")
            if not r["feature"].startswith("text:"):
                continue
            m = decider.models[r["model"]]
            label = m.classes.index(d[r["model"]]["label"])
            phrase = r["feature"][5:].split(" ")
            gone = {
                j
                for i in range(len(keys) - len(phrase) + 1)
                if keys[i : i + len(phrase)] == phrase
                for j in range(i, i + len(phrase))
            }
            kept = " ".join(k for i, k in enumerate(keys) if i not in gone)
            fields = m.baseline_fields

            def p(text: str, m=m, label=label, fields=fields) -> float:  # type: ignore[no-untyped-def]
                return float(softmax(m.logits(m.row(text, fields)))[label])

            assert p(kept) < p(" ".join(keys)), r["text"]
