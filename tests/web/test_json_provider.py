"""The orjson provider answers what Flask's own provider would, only faster."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from explainer.web.json_provider import FastJSON


def _app() -> Flask:
    app = Flask("t")
    app.json = FastJSON(app)
    return app


def test_answers_parse_to_what_the_standard_provider_gives() -> None:
    app = _app()
    doc = {
        "b": [1.5, 1e-06, 1e16, -0.0, 3, None, True],
        "a": {"z": 'Müller ☃ \u2028 "quoted"\n', "y": 2**70},  # past 64 bits: fallback
        "when": datetime(2026, 12, 1, 7, 0, tzinfo=UTC),
    }
    with app.app_context():
        fast = app.json.response(doc).get_data(as_text=True)
    standard = DefaultJSONProvider(app).dumps(doc)
    assert json.loads(fast) == json.loads(standard)
    assert fast.endswith("\n")


def test_dates_keep_flasks_form_and_keys_stay_sorted() -> None:
    app = _app()
    with app.app_context():
        text = app.json.response({"b": 1, "a": datetime(2026, 12, 1, tzinfo=UTC)}).get_data(
            as_text=True
        )
    assert text == '{"a":"Tue, 01 Dec 2026 00:00:00 GMT","b":1}\n'


def test_a_bad_body_is_flasks_own_error() -> None:
    app = _app()

    @app.post("/echo")
    def echo() -> dict[str, object]:
        from flask import request

        return {"got": request.get_json()}

    client = app.test_client()
    assert client.post("/echo", json={"x": "é"}).get_json() == {"got": {"x": "é"}}
    bad = client.post("/echo", data="{not json", content_type="application/json")
    assert bad.status_code == 400
