"""The WSGI app for HTTP mode: ``gunicorn bot.slack.wsgi:app`` (see ``Procfile``).

* ``POST /slack/events``: Events API, interactivity and slash commands, verified with
  ``SLACK_SIGNING_SECRET`` by Bolt (forged or stale requests get 401);
* ``GET /healthz``: 200 while the process is up (liveness: restart it when this fails);
* ``GET /readyz``: 200 when the database answers and the index is loaded, 503 otherwise
  (readiness: send traffic only when this succeeds);
* ``GET /metrics``: Prometheus metrics (see :mod:`bot.slack.metrics`).

``app`` is built on first access (PEP 562 module ``__getattr__``), i.e. inside the
gunicorn worker, never at import time; ``create(settings)`` builds one explicitly (also
usable as ``gunicorn 'bot.slack.wsgi:create()'``).
"""
from __future__ import annotations

import atexit
import json
import logging
import threading
import time
from typing import Any, Callable, Iterable

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.core.delivery.inbox import DRAIN_SECONDS
from bot.logsafe import configure_logging
from bot.settings import Settings
from bot.slack.metrics import CONTENT_TYPE
from bot.slack.server import Runtime, build_runtime

log = logging.getLogger(__name__)

GUNICORN_THREADS = 8

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"


class LoketWSGI:
    """Routes the operations endpoints itself and everything else to Bolt's WSGI adapter."""

    def __init__(self, runtime: "Runtime") -> None:
        self.runtime = runtime
        self.slack = SlackRequestHandler(runtime.app, path=EVENTS_PATH)
        self.routes = {HEALTH_PATH: self.health, READY_PATH: self.ready, METRICS_PATH: self.metrics}

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path in self.routes and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self.routes[path](start_response)
        start = time.monotonic()
        try:
            return self.slack(environ, start_response)
        finally:
            if self.runtime.metrics is not None and path == EVENTS_PATH:
                self.runtime.metrics.request_seconds.labels(path=EVENTS_PATH).observe(time.monotonic() - start)

    def health(self, start_response: Callable) -> Iterable[bytes]:
        """Liveness: the process answers."""
        return _json(start_response, "200 OK", {"ok": True})

    def ready(self, start_response: Callable) -> Iterable[bytes]:
        """Readiness: the database answers and the index is loaded."""
        checks = self.runtime.ready()
        ok = all(checks.values())
        return _json(start_response, "200 OK" if ok else "503 Service Unavailable", {"ok": ok, **checks})

    def metrics(self, start_response: Callable) -> Iterable[bytes]:
        metrics = self.runtime.metrics
        data = metrics.render() if metrics is not None else b""
        start_response("200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(data)))])
        return [data]


def _json(start_response: Callable, status: str, body: dict[str, Any]) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def create(settings: Settings | None = None, *, runtime: Runtime | None = None, start_loop: bool = True) -> LoketWSGI:
    """Build the WSGI app from ``settings`` (default: the environment) and start the retry loop."""
    if runtime is None:
        settings = settings or Settings.from_env()
        configure_logging(settings)
        runtime = build_runtime(settings)
    if start_loop:
        runtime.loop.start()
    with _runtimes_lock:
        _runtimes.append(runtime)
    return LoketWSGI(runtime)


_app: LoketWSGI | None = None
_app_lock = threading.Lock()
_runtimes: list[Runtime] = []
_runtimes_lock = threading.Lock()


def close_all() -> None:
    """Close every runtime this process built (gunicorn's worker_exit, interpreter exit)."""
    with _runtimes_lock:
        runtimes = list(_runtimes)
        _runtimes.clear()
    for runtime in runtimes:
        try:
            runtime.close()
        except Exception as e:  # noqa: BLE001 - shutting down: nothing left to tell
            log.warning("closing the runtime failed: %s", type(e).__name__)


atexit.register(close_all)


def serve_http(settings: Settings) -> None:
    """Run the WSGI app under gunicorn on ``$PORT`` (blocks)."""
    if not settings.slack_signing_secret:
        raise SystemExit("SLACK_SIGNING_SECRET is not set (or set SLACK_APP_TOKEN for Socket Mode)")
    from gunicorn.app.base import BaseApplication

    class LoketGunicorn(BaseApplication):
        """gunicorn, configured in code; the app is built in the worker (after the fork)."""

        def load_config(self) -> None:
            options = {
                "bind": f"0.0.0.0:{settings.port}",
                "workers": 1,
                "worker_class": "gthread",
                "threads": GUNICORN_THREADS,
                "timeout": 120,  # first start may build the index
                "graceful_timeout": int(DRAIN_SECONDS) + 10,  # the drain in Runtime.close fits
                "accesslog": None,
                "worker_exit": _close_runtime,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return create(settings)

    log.info("Loket serving HTTP on port %d (POST /slack/events, GET /healthz, /readyz, /metrics)", settings.port)
    LoketGunicorn().run()


def _close_runtime(_server: Any, _worker: Any) -> None:
    """gunicorn's ``worker_exit`` hook: close the worker's runtime (see :mod:`bot.slack.server`)."""
    close_all()


def __getattr__(name: str) -> Any:
    """``bot.slack.wsgi.app``: built once, on first access (see module docstring)."""
    global _app
    if name != "app":
        raise AttributeError(name)
    with _app_lock:
        if _app is None:
            _app = create()
        return _app
