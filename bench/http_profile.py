"""Where a request's time goes: cProfile around the app's own WSGI handling.

The app is built as ``explainer serve`` builds it and driven with Flask's test client
in this process, so the profile shows our code (validation, deciding, JSON, the store,
templates, hooks) without gunicorn or the network.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
from pathlib import Path
from typing import Any

from bench.http_setup import api_key
from explainer.web.app import build_app

__all__ = ["profile"]


def _top(prof: cProfile.Profile, limit: int, root: str) -> str:
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(limit)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    return "\n".join(lines[start:]).replace(root, "")


def profile(
    config: dict[str, Any], bodies: list[dict[str, Any]], n: int, limit: int = 14
) -> dict[str, str]:
    """Top functions by own time for ``n`` decisions, then ``n`` why pages."""
    key = api_key(config)
    app = build_app(config)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    root = str(Path.cwd()) + "/"
    site = str(Path(json.__file__).parent.parent) + "/"
    out = {}
    paths = []
    for body in bodies[:20]:  # warm-up, and tokens for the why page
        answer = client.post("/api/v1/decisions", json=body, headers=headers).get_json()
        paths.append(answer["links"])
    prof = cProfile.Profile()
    prof.enable()
    for i in range(n):
        client.post("/api/v1/decisions", json=bodies[i % len(bodies)], headers=headers)
    prof.disable()
    out["POST /api/v1/decisions"] = _top(prof, limit, root).replace(site, "")
    why = ["/why/" + p["why"].rsplit("/why/", 1)[1] for p in paths]
    prof = cProfile.Profile()
    prof.enable()
    for i in range(n):
        client.get(why[i % len(why)])
    prof.disable()
    out["GET /why/{token}"] = _top(prof, limit, root).replace(site, "")
    app.extensions["explainer"].close()
    return out
