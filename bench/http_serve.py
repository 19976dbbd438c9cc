"""Serve a baseline app with exactly ``explainer serve``'s gunicorn configuration.

    python -m bench.http_serve floor|pipeline --port N [--workers 2]

Both baselines go through ``explainer.cli_web._run_gunicorn`` (sync workers,
preload, the same post_fork hook), so only the app differs between the cells.
"""

from __future__ import annotations

import argparse

from explainer.cli.serve import _run_gunicorn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.http_serve")
    parser.add_argument("app", choices=["floor", "pipeline"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if args.app == "floor":
        from bench.floor_app import create_app
    else:
        from bench.pipeline_app import create_app
    _run_gunicorn(create_app(), f"127.0.0.1:{args.port}", args.workers)


if __name__ == "__main__":
    main()
