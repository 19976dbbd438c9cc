"""Run by the PREVIOUS release's code (PYTHONPATH points at its checkout): fill a store.

    python previous_release_store.py DATABASE_URL INSTANCE_DIR MODELS_DIR

Trains small demo models, stores decisions with review requests, feedback, a reviewer's
resolution and one erased customer, signs a checkpoint, and prints what it made as JSON
(ids, the reasons each decision showed, which were erased). Imports only what that
release had, so this file must keep working against it, not against today's package.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(database_url: str, instance: str, models: str) -> None:
    from explainer.datasets import demo_data
    from explainer.decide import Decider
    from explainer.registry import load_models

    from explainer import corpus, trainer
    from explainer.schemas import TicketIn
    from explainer.store import Store
    from explainer.store.accounts import recording
    from explainer.store.resolutions import resolve

    quiet = lambda _msg: None  # noqa: E731
    fitted = trainer.fit_all(demo_data(2_000), trainer.DEMO_SPECS, trainer.demo_known(), quiet)
    trainer.write_all(fitted, Path(models), quiet)
    decider = Decider(load_models(Path(models)))
    store = Store.from_config({"DATABASE_URL": database_url, "INSTANCE_PATH": instance})
    store.upgrade()
    made = []
    for i, t in enumerate(corpus.generate(12, seed=21)):
        payload = t.payload()
        payload["customer"]["id"] = "C-GONE" if i < 3 else f"C-{i}"
        decision, _ = store.save_decision(decider.decide(TicketIn.model_validate(payload)))
        made.append(decision)
    first = made[3]["id"]
    store.add_review_request(first, "please have a look")
    store.add_feedback(made[4]["id"], False, "not helpful")
    with recording(store) as rec:
        resolve(rec, first, "reviewer", {"intent": None, "priority": None}, "checked", "confirmed")
    store.erase_customer("C-GONE")
    store.checkpoint()
    store.dispose()
    out = {
        "ids": [d["id"] for d in made],
        "erased": [d["id"] for d in made[:3]],
        "reasons": {d["id"]: d["customer"]["reasons"] for d in made[3:]},
        "reviewed": first,
        "tickets": {d["id"]: d["ticket"].get("ticket_id") for d in made[3:]},
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:4])
