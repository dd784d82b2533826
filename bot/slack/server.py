"""``loket serve``: run Loket in Slack (Socket Mode or HTTP behind gunicorn).

* ``SLACK_APP_TOKEN`` set: Socket Mode (no public URL needed).
* otherwise: HTTP on ``$PORT`` under gunicorn, Events API, interactivity and slash
  commands all at ``POST /slack/events``, ``GET /healthz`` for the platform.

Either way a background loop (:class:`RetryLoop`) posts escalations that could not be
posted at once and drains the service's outbox, so no reply is lost to a Slack hiccup.
gunicorn runs one worker process with threads: the loop and the in-process posting locks
assume one process per database.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from slack_bolt import App

from bot.core.service import LoketService
from bot.settings import Settings
from bot.slack.app import create_app, make_deps, make_web_client
from bot.slack.core_team import CoreTeam
from bot.slack.delivery import RETRY_GRACE
from bot.slack.deps import Deps

log = logging.getLogger(__name__)

RETRY_INTERVAL_SECONDS = 15.0
GUNICORN_THREADS = 8


class RetryLoop:
    """Every ``interval`` seconds: post pending escalations, send due outbox posts."""

    def __init__(self, deps: Deps, interval: float = RETRY_INTERVAL_SECONDS, min_age: timedelta = RETRY_GRACE) -> None:
        self.deps = deps
        self.interval = interval
        self.min_age = min_age
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> None:
        """One round; errors are logged, never raised (the loop must survive them)."""
        try:
            posted = self.deps.delivery.retry_pending(min_age=self.min_age)
            sent = self.deps.delivery.deliver_outbox()
            if posted or sent:
                log.info("retry loop: %d escalation(s) posted, %d outbox post(s) sent", posted, sent)
        except Exception:
            log.exception("retry loop round failed")

    def start(self) -> "RetryLoop":
        self._thread = threading.Thread(target=self._run, name="loket-retry", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.run_once()


@dataclass
class Runtime:
    """Everything ``serve`` builds: store, desk, service, Slack app, retry loop."""

    settings: Settings
    app: App
    deps: Deps
    store: Any
    loop: RetryLoop = field(init=False)

    def __post_init__(self) -> None:
        self.loop = RetryLoop(self.deps)

    @property
    def service(self) -> LoketService:
        return self.deps.service

    def close(self) -> None:
        self.loop.stop()
        self.store.close()


def build_runtime(settings: Settings, *, desk=None, store=None, socket_mode: bool = False) -> Runtime:
    """Open the store and the desk, and wire the service to a Bolt app.

    ``desk``/``store`` can be given (tests share one desk); otherwise they are opened from
    ``settings`` (the index is built on first start).
    """
    from bot.store.repo import Store  # local: keeps `import bot.slack.server` light

    if store is None:
        store = Store.open(settings.db_url)
    if desk is None:
        from bot.core.desk import Desk

        desk = Desk.open(settings, progress=False)
    client = make_web_client(settings)
    core_team = CoreTeam(client, settings.core_channel, settings.core_users)
    service = LoketService(desk=desk, store=store, is_core=core_team.is_member)
    count = service.load_verified_into(desk)
    log.info("loaded %d verified answer(s) into the desk", count)
    deps = make_deps(settings, service, client, core_team)
    app = create_app(settings, service, deps=deps, socket_mode=socket_mode)
    return Runtime(settings=settings, app=app, deps=deps, store=store)


def configure_logging(settings: Settings) -> None:
    """Loket's log level; Slack's libraries never below INFO (their DEBUG logs payloads)."""
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    for name in ("slack_bolt", "slack_sdk"):
        logger = logging.getLogger(name)
        logger.setLevel(max(logging.INFO, logging.getLogger().level))


def serve(settings: Settings) -> None:
    """Run Loket in Slack until stopped (see module docstring)."""
    configure_logging(settings)
    if not settings.slack_bot_token:
        raise SystemExit("SLACK_BOT_TOKEN is not set")
    if settings.slack_app_token:
        serve_socket_mode(settings)
    else:
        serve_http(settings)


def serve_socket_mode(settings: Settings) -> None:
    """Connect over Socket Mode and block."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    runtime = build_runtime(settings, socket_mode=True)
    runtime.loop.start()
    handler = SocketModeHandler(runtime.app, app_token=settings.slack_app_token, web_client=runtime.deps.delivery.client)
    log.info("Loket connecting in Socket Mode")
    try:
        handler.start()
    finally:
        runtime.close()


def serve_http(settings: Settings) -> None:
    """Run the WSGI app (:mod:`bot.slack.wsgi`) under gunicorn on ``$PORT``."""
    if not settings.slack_signing_secret:
        raise SystemExit("SLACK_SIGNING_SECRET is not set (or set SLACK_APP_TOKEN for Socket Mode)")
    from gunicorn.app.base import BaseApplication

    from bot.slack.wsgi import create

    class LoketGunicorn(BaseApplication):
        """gunicorn, configured in code; the app is built in the worker (after the fork)."""

        def load_config(self) -> None:
            options = {
                "bind": f"0.0.0.0:{settings.port}",
                "workers": 1,
                "worker_class": "gthread",
                "threads": GUNICORN_THREADS,
                "timeout": 120,  # first start may build the index
                "graceful_timeout": 20,
                "accesslog": None,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return create(settings)

    log.info("Loket serving HTTP on port %d (POST /slack/events, GET /healthz)", settings.port)
    LoketGunicorn().run()
