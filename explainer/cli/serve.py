"""``explainer serve``: gunicorn sync workers (or Flask's server with ``--dev``).

Migrations run and the secret key is settled in the master process before any worker
forks, so workers never race to create either. The app (models included) is built
once in the master and shared copy-on-write; each worker drops the inherited
connection pool right after the fork.
"""

from __future__ import annotations

import gc
from typing import Any

import click

__all__ = ["register"]


def register(group: click.Group) -> None:
    """Add ``serve`` to ``group``."""
    group.add_command(serve)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to bind.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Sync workers."
)
@click.option("--dev", is_flag=True, help="Flask's development server (one process).")
def serve(host: str, port: int, workers: int, dev: bool) -> None:
    """Serve the API, the customer pages and the probes."""
    from explainer.cli.context import fail, serviced
    from explainer.errors import ExplainerError
    from explainer.settings import Settings
    from explainer.web.app import build_app

    try:
        settings = Settings.load()
    except ExplainerError as exc:
        fail(exc)
    with serviced(settings, upgrade=True):
        pass  # migrations run in the master, before any worker forks
    app = build_app(settings)
    if dev:
        app.extensions["explainer"].start_maintenance()
        try:
            app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)
        finally:
            app.extensions["explainer"].shutdown()
        return
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    click.echo(f"serving on http://{bind} with {workers} sync workers", err=True)
    # The loaded app (models, vocabularies, templates) is permanent: out of the collector's
    # reach, a full collection in a worker takes about 1 ms instead of about 40 (the p99
    # of every route), and it no longer writes to the pages the workers share.
    gc.freeze()
    _run_gunicorn(app, bind, workers)


def _run_gunicorn(app: Any, bind: str, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    _drop_server_banner()

    def post_fork(_server: Any, _worker: Any) -> None:
        # Connections must never be shared across processes; threads start after the fork.
        app.extensions["explainer"].close()
        app.extensions["explainer"].start_maintenance()

    def worker_exit(_server: Any, _worker: Any) -> None:
        # A clean stop signs a head over this worker's last records (a kill cannot).
        app.extensions["explainer"].shutdown()

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": bind,
                "workers": workers,
                "worker_class": "sync",  # CPU-bound requests: FINDINGS.md
                "preload_app": True,
                "post_fork": post_fork,
                "worker_exit": worker_exit,
                "proc_name": "explainer",
                "accesslog": None,  # paths carry customer-link tokens
                "errorlog": "-",
                "control_socket_disable": True,  # one shared $HOME socket would collide
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    _Server().run()


def _drop_server_banner() -> None:
    """No ``Server: gunicorn`` line: it tells a scanner which CVEs to try first.

    gunicorn has no setting for it; its response writes the line in ``default_headers``.
    """
    from gunicorn.http import wsgi

    original = wsgi.Response.default_headers
    if getattr(original, "_explainer_no_banner", False):
        return

    def default_headers(self: Any) -> list[str]:
        return [h for h in original(self) if not h.lower().startswith("server:")]

    default_headers._explainer_no_banner = True  # type: ignore[attr-defined]
    wsgi.Response.default_headers = default_headers
