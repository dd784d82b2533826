"""The WSGI app for HTTP mode: ``gunicorn bot.slack.wsgi:app`` (see ``Procfile``).

* ``POST /slack/events``: Events API, interactivity and slash commands, verified with
  ``SLACK_SIGNING_SECRET`` by Bolt (forged or stale requests get 401);
* ``GET /healthz``: 200 when the database answers, 503 otherwise.

``app`` is built on first access (PEP 562 module ``__getattr__``), i.e. inside the
gunicorn worker, never at import time; ``create(settings)`` builds one explicitly (also
usable as ``gunicorn 'bot.slack.wsgi:create()'``).
"""
from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING, Any, Callable, Iterable

from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.slack.server import Runtime

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


class LoketWSGI:
    """Routes ``/healthz`` itself and everything else to Bolt's WSGI adapter."""

    def __init__(self, runtime: "Runtime") -> None:
        self.runtime = runtime
        self.slack = SlackRequestHandler(runtime.app, path=EVENTS_PATH)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self.health(start_response)
        return self.slack(environ, start_response)

    def health(self, start_response: Callable) -> Iterable[bytes]:
        try:
            with self.runtime.store.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            status, body = "200 OK", {"ok": True}
        except Exception as e:  # noqa: BLE001
            log.warning("health check failed: %s", type(e).__name__)
            status, body = "503 Service Unavailable", {"ok": False, "error": "database"}
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]


def create(settings: Settings | None = None, *, runtime: "Runtime | None" = None, start_loop: bool = True) -> LoketWSGI:
    """Build the WSGI app from ``settings`` (default: the environment) and start the retry loop."""
    from bot.slack.server import build_runtime, configure_logging

    if runtime is None:
        settings = settings or Settings.from_env()
        configure_logging(settings)
        runtime = build_runtime(settings)
    if start_loop:
        runtime.loop.start()
    return LoketWSGI(runtime)


_app: LoketWSGI | None = None
_app_lock = threading.Lock()


def __getattr__(name: str) -> Any:
    """``bot.slack.wsgi.app``: built once, on first access (see module docstring)."""
    global _app
    if name != "app":
        raise AttributeError(name)
    with _app_lock:
        if _app is None:
            _app = create()
        return _app
