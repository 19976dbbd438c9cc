"""Console pages: decision search, decision detail with charts, the review queue, export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from auditor_helpers import console_app, decide, page_token, signed_in, why_path
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from explainer.store.tables import log_leaves, review_resolutions
from explainer.web.auditor.reviews import EXPORT_COLUMNS

JSON = {"Accept": "application/json"}
TICKETS = [
    ("Can't log in since this morning", "My password is wrong", "email", "business", "EU"),
    ("Refund for my last order", "Please refund the charge", "chat", "free", "US"),
    ("App crashes on upload", "The app crashes every time", "web", "pro", "EU"),
    ("Where is my parcel", "The delivery is late", "phone", "enterprise", "APAC"),
    ("hello", "", "social", "free", "US"),
]


@pytest.fixture
def app(models_dir: Path, tmp_path: Path, clean_env: None) -> Iterator[Flask]:
    """The console over SQLite with five decisions."""
    application = console_app(f"sqlite:///{tmp_path / 'db.sqlite'}", models_dir, tmp_path)
    for subject, body, channel, plan, region in TICKETS:
        decide(
            application,
            subject,
            body,
            channel=channel,
            language="en" if region != "APAC" else "ja",
            customer={"id": f"C-{plan}", "plan": plan, "region": region},
        )
    yield application
    application.extensions["explainer"].close()


def _ids(html: str) -> list[str]:
    return re.findall(r'href="/audit/decisions/(dec_[A-Z0-9]+)"', html)


def _search(client: FlaskClient, query: str) -> list[str]:
    r = client.get("/audit/?" + query)
    assert r.status_code == 200
    return _ids(r.get_data(as_text=True))


def test_search_filters(app: Flask) -> None:
    client = signed_in(app, "auditor")
    assert len(_search(client, "")) == 5
    assert len(_search(client, "channel=chat")) == 1
    assert len(_search(client, "plan=free")) == 2
    assert len(_search(client, "region=EU&plan=pro")) == 1
    assert len(_search(client, "language=ja")) == 1
    assert len(_search(client, "intent=account_access")) >= 1
    assert len(_search(client, "since=2000-01-01&until=2999-12-31")) == 5
    assert _search(client, "until=2000-01-01") == []
    assert len(_search(client, "conf_min=0&conf_max=1")) == 5
    assert len(_search(client, "conf_model=priority&conf_min=0.999")) == 0
    version = app.extensions["explainer"].cards["intent"]["version"]
    assert len(_search(client, f"model_version={version}")) == 5
    assert _search(client, "model_version=nope") == []
    assert len(_search(client, "review=none")) == 5
    assert _search(client, "review=resolved") == []


def test_search_sorts_and_pages(app: Flask) -> None:
    client = signed_in(app, "auditor")
    newest = _search(client, "")
    assert _search(client, "dir=asc") == newest[::-1]
    by_conf = client.get("/audit/?sort=intent_confidence&dir=asc").get_data(as_text=True)
    confs = [int(p) for p in re.findall(r'<span class="conf">(\d+)%</span>', by_conf)[::2]]
    assert confs == sorted(confs)
    from explainer.web.auditor import pages as auditor_pages

    auditor_pages.PER_PAGE, old = 2, auditor_pages.PER_PAGE
    try:
        first = client.get("/audit/?plan=&dir=asc").get_data(as_text=True)
        assert "page 1 of 3" in first and 'rel="next"' in first
        assert _search(client, "dir=asc&page=3") == newest[::-1][4:]
    finally:
        auditor_pages.PER_PAGE = old


def test_bad_filters_are_reported_not_fatal(app: Flask) -> None:
    client = signed_in(app, "auditor")
    r = client.get("/audit/?since=yesterday&conf_min=2&page=-1&sort=drop")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "must be a date" in html and "from 0 to 1" in html and len(_ids(html)) == 5


def test_decision_detail(app: Flask) -> None:
    client = signed_in(app, "auditor")
    decision_id = _search(client, "channel=email")[0]
    r = client.get(f"/audit/decisions/{decision_id}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    decision = app.extensions["explainer"].store.get_decision(decision_id).wire()
    assert html.count("<svg") == 2 and "<title id=" in html and "<desc id=" in html
    assert "<script" not in html.split("</head>")[1]
    for name in ("intent", "priority"):
        ex = decision[name]["explanation"]
        assert f"{ex['base_value']:.6f}" in html and f"{ex['output_value']:.6f}" in html
        assert f"{ex['additivity_error']:.3e}" in html
        assert decision[name]["model"]["version"] in html
    assert decision["customer"]["summary"].replace("'", "&#39;") in html
    assert "Held-out accuracy" in html  # the model card of the cited version
    assert "after the top-label map" in html  # and how its confidence was calibrated
    assert "Included: the audit path verifies" in html
    assert client.get("/audit/decisions/dec_unknown").status_code == 404
    assert client.get("/audit/decisions/..%2F..").status_code == 404


def _resolve(client: FlaskClient, decision_id: str, **form: str) -> None:
    token = page_token(client, "/audit/reviews")
    r = client.post(f"/audit/reviews/{decision_id}", data={"csrf_token": token, **form})
    assert r.status_code == 303, r.get_data(as_text=True)


def test_queue_holds_hand_offs_then_requests(app: Flask) -> None:
    service = app.extensions["explainer"]
    asked = decide(app, "Refund for order 5", "I want my money back", customer={"id": "C-9"})
    service.store.add_review_request(asked["id"], "Please check")
    reviewer = signed_in(app, "reviewer")
    html = reviewer.get("/audit/reviews").get_data(as_text=True)
    listed = re.findall(r'<a class="mono" href="/audit/decisions/(dec_[A-Z0-9]+)"', html)
    assert asked["id"] in listed and "customer asked" in html
    handed = [service.store.get_decision(d).handoff.required for d in listed]
    # Every hand-off comes before the first decision that is only a customer's request.
    first_request = handed.index(False)
    assert all(handed[:first_request]) and not any(handed[first_request:])
    assert listed[first_request] == asked["id"]


def test_a_correction_is_a_new_record_and_the_customer_sees_it(app: Flask) -> None:
    service = app.extensions["explainer"]
    decision = decide(app, "Refund for order 7", "I want my money back", customer={"id": "C-7"})
    client = app.test_client()
    page = client.get(why_path(decision)).get_data(as_text=True)
    from customer_helpers import csrf_of as customer_csrf

    client.post(why_path(decision) + "/review", data={"csrf_token": customer_csrf(page)})
    before = service.store.get_decision(decision["id"])
    reviewer = signed_in(app, "reviewer")
    new_priority = "urgent" if decision["priority"]["label"] != "urgent" else "low"
    _resolve(
        reviewer,
        decision["id"],
        action="correct",
        intent=decision["intent"]["label"],
        priority=new_priority,
        note="Customer is losing money",
    )
    assert service.store.get_decision(decision["id"]) == before  # never changed
    view = client.get(why_path(decision), headers=JSON).get_json()
    assert view["review"]["status"] == "resolved"
    assert "changed the priority from" in view["review"]["detail"]
    shown = client.get(why_path(decision)).get_data(as_text=True)
    assert "A person reviewed this decision and changed the priority" in shown
    queue = reviewer.get("/audit/reviews").get_data(as_text=True)
    assert (
        decision["id"] not in queue.split("Saved the review")[-1] or "customer asked" not in queue
    )
    detail = reviewer.get(f"/audit/decisions/{decision['id']}").get_data(as_text=True)
    assert "Customer is losing money" in detail and "reviewer-user corrected" in detail
    assert _search(reviewer, "review=resolved") == [decision["id"]]
    with service.store.engine.connect() as conn:
        kinds = conn.execute(select(log_leaves.c.kind)).scalars().all()
        assert conn.execute(select(review_resolutions.c.action)).scalar_one() == "correct"
    assert kinds.count("review_resolution") == 1
    assert service.store.verify_log().ok


def test_confirming_without_a_request_tells_the_customer(app: Flask) -> None:
    decision = decide(app, "hello there", "", customer={"id": "C-8"})
    reviewer = signed_in(app, "reviewer")
    _resolve(reviewer, decision["id"], action="confirm", intent="refund", note="")
    view = app.test_client().get(why_path(decision), headers=JSON).get_json()
    assert view["review"]["detail"] == "A person reviewed this decision and confirmed it."


def test_auditors_cannot_resolve_and_labels_are_checked(app: Flask) -> None:
    decision = decide(app, "hello there", "")
    auditor = signed_in(app, "auditor")
    token = page_token(auditor, "/audit/reviews")
    r = auditor.post(f"/audit/reviews/{decision['id']}", data={"csrf_token": token})
    assert r.status_code == 403
    reviewer = signed_in(app, "reviewer")
    token = page_token(reviewer, "/audit/reviews")
    bad = {"csrf_token": token, "action": "correct", "intent": "<script>", "priority": "low"}
    assert reviewer.post(f"/audit/reviews/{decision['id']}", data=bad).status_code == 422
    gone = reviewer.post("/audit/reviews/dec_nope", data={"csrf_token": token})
    assert gone.status_code == 404


def test_erasure_removes_the_reviewer_note_and_the_log_still_verifies(app: Flask) -> None:
    service = app.extensions["explainer"]
    decision = decide(app, "Refund please", "money back", customer={"id": "C-erase"})
    reviewer = signed_in(app, "reviewer")
    _resolve(reviewer, decision["id"], action="confirm", note="Jane said so")
    service.store.erase_customer("C-erase")
    detail = reviewer.get(f"/audit/decisions/{decision['id']}").get_data(as_text=True)
    assert "Jane said so" not in detail and "personal data erased" in detail
    assert service.store.verify_log().ok


def test_export_is_a_training_csv(app: Flask, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from explainer.cli.main import main

    reviewer = signed_in(app, "reviewer")
    choices = app.extensions["explainer"].cards
    intents = [c["label"] for c in choices["intent"]["classes"]][:3]
    priorities = [c["label"] for c in choices["priority"]["classes"]][:2]
    for i in range(12):
        d = decide(
            app,
            f"=cmd|' /C calc'!A0 ticket {i}"
            if i == 0
            else f"Ticket number {i} about {intents[i % 3]}",
            f"Body {i}, words about {intents[i % 3].replace('_', ' ')}",
            channel="email",
            customer={"plan": "pro", "account_age_days": i, "open_tickets": 1},
        )
        _resolve(
            reviewer,
            d["id"],
            action="correct",
            intent=intents[i % 3],
            priority=priorities[i % 2],
        )
    r = reviewer.get("/audit/reviews/export.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert tuple(rows[0]) == EXPORT_COLUMNS and len(rows) == 12
    assert all(not row["subject"].startswith("=") for row in rows)  # no spreadsheet formulas
    path = tmp_path / "reviewed.csv"
    path.write_bytes(r.get_data())
    out = tmp_path / "retrained"
    result = CliRunner().invoke(
        main,
        [
            "train", "--data", str(path), "--text-col", "subject", "--text-col", "body",
            "--intent-col", "intent", "--priority-col", "priority", "--plan-col", "plan",
            "--channel-col", "channel", "--account-age-col", "account_age_days",
            "--open-tickets-col", "open_tickets", "--out", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (out / "intent" / "current").exists() and (out / "priority" / "current").exists()


HOSTILE = [
    "first line\rsecond line",
    "first\nsecond",
    "first\r\nsecond",
    "=1+1",
    'line\r=HYPERLINK("x")',
    '+cmd|" /C calc"!A0',
    "@SUM(A1)",
    "-2+3",
    "\tindented",
    'quote " inside, and a comma',
    "ok\u2028separator",
]


def test_a_csv_export_cannot_be_split_by_any_reader(app: Flask) -> None:
    reviewer = signed_in(app, "reviewer")
    for i, text in enumerate(HOSTILE):
        d = decide(app, f"Ticket {i}: {text}", text, channel="email")
        _resolve(reviewer, d["id"], action="confirm", note=text)
    raw = reviewer.get("/audit/reviews/export.csv").get_data(as_text=True)
    # Python's csv module: one row per record.
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert len(rows) == len(HOSTILE)
    # A strict RFC 4180 reader: records end with CRLF outside quotes, every field quoted
    # or plain, and no CR or LF inside any field at all.
    records = raw.split("\r\n")
    assert records[-1] == "" and len(records) == len(HOSTILE) + 2
    for record in records[:-1]:
        assert "\r" not in record and "\n" not in record
        fields = _rfc4180_fields(record)
        assert len(fields) == len(EXPORT_COLUMNS)
        assert not any(f.startswith(("=", "+", "-", "@", "\t")) for f in fields)


def _rfc4180_fields(record: str) -> list[str]:
    """Split one record strictly: quoted fields may hold "" and commas, plain ones neither."""
    fields, i = [], 0
    while True:
        if record.startswith('"', i):
            end = i + 1
            while True:
                end = record.index('"', end)
                if record.startswith('""', end):
                    end += 2
                    continue
                break
            fields.append(record[i + 1 : end].replace('""', '"'))
            i = end + 1
        else:
            end = record.find(",", i)
            end = len(record) if end < 0 else end
            plain = record[i:end]
            assert '"' not in plain, f"a quote inside an unquoted field: {record!r}"
            fields.append(plain)
            i = end
        if i == len(record):
            return fields
        assert record[i] == ",", f"junk after a field: {record!r}"
        i += 1


def test_opening_a_customers_message_is_logged_and_exported(app: Flask) -> None:
    made = decide(app, "Refund please", "Charged twice.", customer={"id": "C-seen"})
    store = app.extensions["explainer"].store
    auditor, reviewer = signed_in(app, "auditor"), signed_in(app, "reviewer")
    assert auditor.get(f"/audit/decisions/{made['id']}").status_code == 200
    page = reviewer.get(f"/audit/decisions/{made['id']}").get_data(as_text=True)
    assert "auditor-user (auditor)" in page and "reviewer-user (reviewer)" in page
    seen = store.export_customer("C-seen")["accesses"]
    assert [(a["viewer"], a["role"]) for a in seen] == [
        ("auditor-user", "auditor"),
        ("reviewer-user", "reviewer"),
    ]
    with store.engine.connect() as conn:
        kinds = conn.execute(select(log_leaves.c.kind)).scalars().all()
    assert kinds.count("data_access") == 2 and store.verify_log().ok
    store.erase_customer("C-seen")
    auditor.get(f"/audit/decisions/{made['id']}")  # nothing personal left to open
    with store.engine.connect() as conn:
        kinds = conn.execute(select(log_leaves.c.kind)).scalars().all()
    assert kinds.count("data_access") == 2
