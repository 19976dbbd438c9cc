"""The customer page's presentation helpers (no Flask): segments, bidi controls, view."""

from __future__ import annotations

from typing import Any

from explainer.web.customer.page import page_view, review_state, segments, visible


def test_segments_mark_merged_spans_and_keep_all_text() -> None:
    text = "my password is wrong today"
    pieces = segments(text, [(3, 14), (12, 20), (40, 50), (5, 5)])
    assert "".join(p["text"] for p in pieces) == text
    assert [p["text"] for p in pieces if p["mark"]] == ["password is wrong"]


def test_segments_of_unmarked_and_empty_text() -> None:
    assert segments("hello", []) == [{"text": "hello", "mark": False}]
    assert segments("", [(0, 3)]) == []


def test_bidi_controls_become_visible_without_moving_offsets() -> None:
    text = "abc\u202eevil\u2066x\u2069 \u200dok"
    shown = visible(text)
    assert len(shown) == len(text)
    assert "\u202e" not in shown and "\u2066" not in shown
    assert "\u200d" in shown  # joiners stay: emoji sequences need them


def test_review_state() -> None:
    assert review_state([]) is None
    pending = {"status": "pending", "detail": None, "comment": None}
    assert review_state([{"status": "pending"}]) == pending
    latest = review_state(
        [{"status": "pending"}, {"status": "reviewed", "outcome": "kept", "comment": "[EMAIL]"}]
    )
    assert latest == {"status": "reviewed", "detail": "kept", "comment": "[EMAIL]"}


def decision(**customer: Any) -> dict[str, Any]:
    """A minimal stored decision."""
    return {
        "ticket": {"subject": "Can't log in", "body": "password is wrong"},
        "intent": {"display": "Account access", "queue": "Accounts team", "confidence": 0.95},
        "priority": {"display": "High", "response_time": "within 4 hours", "confidence": 0.6},
        "customer": {
            "summary": "S",
            "notice": "N",
            "counterfactual": None,
            "reason_details": [
                {"text": f"R{i}", "spans": [["body", 0, 8]] if i == 0 else []} for i in range(6)
            ],
            **customer,
        },
    }


def test_page_view_takes_at_most_four_reasons_and_only_customer_content() -> None:
    view = page_view(decision(), [], [], {"review": "/r", "feedback": "/f"})
    assert view["reasons"] == ["R0", "R1", "R2", "R3"]
    assert view["message"]["body"][0] == {"text": "password", "mark": True}
    assert view["counterfactual"] is None and view["review"] is None
    assert view["feedback"] == {"given": False}
    assert [r["term"] for r in view["outcome"]] == [
        "Topic",
        "Handled by",
        "Priority",
        "First response",
    ]
    assert view["outcome"][0]["note"] == "the system was very sure"
    assert "probabilities" not in str(view) and "explanation" not in view


def test_page_view_counterfactual_text() -> None:
    cf = {"text": "Without \u201cx\u201d, it would be Normal priority.", "model": "priority"}
    view = page_view(decision(counterfactual=cf), [], [{"helpful": True}], {})
    assert view["counterfactual"] == cf["text"]
    assert view["feedback"] == {"given": True}


def test_the_page_says_what_is_kept_and_for_how_long(models_dir: Any, tmp_path: Any) -> None:
    from customer_helpers import customer_app, make

    app = customer_app(models_dir, tmp_path, RETENTION_DAYS=45)
    _, path = make(app, "Charged twice", "Please refund the second charge.")
    page = app.test_client().get(path).get_data(as_text=True)
    assert "for 45 days, then delete them" in page
    widget = app.test_client().get(path, headers={"Accept": "application/json"}).get_json()
    assert "45 days" in widget["kept"]
    app.extensions["explainer"].close()
