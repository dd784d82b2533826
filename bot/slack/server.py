"""Loket in Slack at run time: the runtime, its background loop, and Socket Mode.

``loket serve`` (:mod:`bot.cli.serve_cmd`) runs it:

* ``SLACK_APP_TOKEN`` set: Socket Mode (no public URL needed).
* otherwise: HTTP on ``$PORT`` under gunicorn (:func:`bot.slack.wsgi.serve_http`), Events
  API, interactivity and slash commands all at ``POST /slack/events``, ``GET /healthz``.

Either way a background loop (:class:`RetryLoop`) posts escalations that could not be
posted at once, drains the service's outbox, processes inbox requests a crash left
unfinished, keeps the desk's verified answers equal to the database and runs the daily
retention job, so no reply is lost to a Slack hiccup, a crash or a restart.

Several replicas (processes, machines) may share one database (PostgreSQL): inbox,
outbox, escalation posts and jobs are claimed in the database, never twice. gunicorn runs
one worker per replica (the desk's model lives in the worker) with threads.

Shutdown (SIGTERM): gunicorn stops accepting and finishes the requests in flight; then
:meth:`Runtime.close` stops taking new work (inbox rows not begun stay ``received`` for
another replica), stops the loop after its current item, waits (bounded,
``DRAIN_SECONDS``) for the work already begun, and hands back only what did not finish.
"""
from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable

from slack_bolt import App

from bot.core import privacy
from bot.core.delivery.jobs import PeriodicJob
from bot.core.service import LoketService
from bot.core.answering.verified_sync import VerifiedSync
from bot.settings import Settings
from bot.slack.app import create_app, make_deps
from bot.slack.client import make_clients
from bot.slack.core_team import CoreTeam
from bot.slack.delivery import RETRY_GRACE
from bot.slack.deps import Deps
from bot.core.delivery.inbox import DRAIN_SECONDS
from bot.slack.metrics import Metrics
from bot.slack.monitoring_jobs import make_scheduler
from bot.slack.network import network_job

log = logging.getLogger(__name__)

RETRY_INTERVAL_SECONDS = 10.0
PACED_INTERVAL_SECONDS = 1.0  # the next round after one that left posts waiting for a channel's pace


class RetryLoop:
    """Every ``interval`` seconds: post pending escalations, send due outbox posts, process
    unfinished inbox requests, then the extra ``jobs`` (each guarded on its own)."""

    def __init__(self, deps: Deps, interval: float = RETRY_INTERVAL_SECONDS, min_age: timedelta = RETRY_GRACE,
                 jobs: dict[str, Callable[[], Any]] | None = None) -> None:
        self.deps = deps
        self.interval = interval
        self.min_age = min_age
        self.jobs: dict[str, Callable[[], Any]] = dict(jobs or {})
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> None:
        """One round; errors are logged, never raised (the loop must survive them).

        Nothing in a round sleeps on a channel's pace: what has to wait for it is left
        for the next round, which then comes after :data:`PACED_INTERVAL_SECONDS`.
        """
        delivery = self.deps.delivery
        delivery.deferred = False
        try:
            redone = self.deps.inbox.redeliver(self.deps) if self.deps.inbox else 0
            posted = delivery.retry_pending(min_age=self.min_age, wait=False)
            sent = delivery.deliver_outbox(wait=False)
            if posted or sent or redone:
                log.info("retry loop: %d request(s) redone, %d escalation(s) posted, %d outbox post(s) sent",
                         redone, posted, sent)
        except Exception as e:  # noqa: BLE001
            log.error("retry loop round failed: %s", type(e).__name__, exc_info=not _is_db_down(e))
        for name, job in self.jobs.items():
            if self._stop.is_set():
                return
            self._run_job(name, job)

    def _run_job(self, name: str, job: Callable[[], Any]) -> None:
        metrics = self.deps.metrics
        try:
            job()
            if metrics:
                metrics.jobs.labels(job=name, result="ok").inc()
        except Exception as e:  # noqa: BLE001
            log.error("job %s failed: %s", name, type(e).__name__, exc_info=not _is_db_down(e))
            if metrics:
                metrics.jobs.labels(job=name, result="error").inc()

    def start(self) -> "RetryLoop":
        self._thread = threading.Thread(target=self._run, name="loket-retry", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.wait(self._next_wait()):
            self.run_once()

    def _next_wait(self) -> float:
        """Soon again when posts waited for a channel's pace, else the interval."""
        return min(self.interval, PACED_INTERVAL_SECONDS) if self.deps.delivery.deferred else self.interval

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()


def _is_db_down(exc: BaseException) -> bool:
    from bot.store.errors import is_transient

    return is_transient(exc)


@dataclass
class Runtime:
    """Everything ``serve`` builds: store, desk, service, Slack app, retry loop, jobs."""

    settings: Settings
    app: App
    deps: Deps
    store: Any
    desk: Any = None
    sync: VerifiedSync | None = None
    loop: RetryLoop = field(init=False)

    def __post_init__(self) -> None:
        self.loop = RetryLoop(self.deps, interval=self.settings.retry_interval, jobs=self._jobs())
        self._closed = False

    def _jobs(self) -> dict[str, Callable[[], Any]]:
        jobs: dict[str, Callable[[], Any]] = {}
        if self.sync is not None:
            jobs["verified_sync"] = lambda: self.sync.check(self.service.verified_answers())
        retention = PeriodicJob(self.store, "retention", timedelta(days=1),
                                lambda now: privacy.expire(self.store, retention_days=self.settings.retention_days,
                                                           now=now))
        jobs["retention"] = retention.run_if_due
        jobs["monitoring"] = make_scheduler(self.settings, self.deps).run_once  # weekly summary, SLA reminders
        jobs["network"] = network_job(self.settings, self.deps)  # lessons/announcements sync, expert suggestions
        return jobs

    @property
    def service(self) -> LoketService:
        return self.deps.service

    @property
    def metrics(self) -> Metrics | None:
        return self.deps.metrics

    def ready(self) -> dict[str, bool]:
        """What ``/readyz`` reports: the database answers, the index is loaded."""
        from sqlalchemy import text

        checks = {"database": False, "index": self.desk is not None and _index_loaded(self.desk)}
        try:
            with self.store.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            checks["database"] = True
        except Exception as e:  # noqa: BLE001
            log.warning("readiness: database unavailable: %s", type(e).__name__)
        return checks

    def close(self, *, drain_seconds: float = DRAIN_SECONDS) -> None:
        """Shut down without doubling work on another replica (see module docstring):
        take nothing new, let the work already begun finish (at most ``drain_seconds``),
        then hand back only what is still unfinished, and release the database."""
        if self._closed:
            return
        self._closed = True
        inbox = self.deps.inbox
        if inbox is not None:
            inbox.stop_taking()
        deadline = time.monotonic() + drain_seconds
        self.loop.stop(timeout=drain_seconds)
        if inbox is not None and not inbox.drain(max(0.0, deadline - time.monotonic())):
            log.warning("shutdown: work still running after %.0f s; handing it back", drain_seconds)
        if inbox is not None:
            inbox.hand_back()
        self.store.close()


def _index_loaded(desk: Any) -> bool:
    index = getattr(desk, "index", None)
    chunks = getattr(index, "chunks", None)
    return index is not None and (chunks is None or len(chunks) > 0)


def build_runtime(settings: Settings, *, desk=None, store=None, socket_mode: bool = False) -> Runtime:
    """Open the store and the desk, and wire the service to a Bolt app.

    ``desk``/``store`` can be given (tests share one desk); otherwise they are opened from
    ``settings`` (the index is built on first start).
    """
    from bot.store.repo import Store  # local: keeps `import bot.slack.server` light

    if store is None:
        store = Store.open(settings.db_url)
    if desk is None:
        from bot.core.answering.desk import Desk

        desk = Desk.open(settings, progress=False)
    metrics = Metrics(store)
    client, poster_client = make_clients(settings, metrics, store=store)
    core_team = CoreTeam(client, settings.core_channel, settings.core_users)
    sync = VerifiedSync(desk)
    service = LoketService(desk=sync.desk_proxy, store=store, is_core=core_team.is_member)
    sync.load(service.verified_answers())
    deps = make_deps(settings, service, client, core_team, poster_client=poster_client, metrics=metrics)
    app = create_app(settings, service, deps=deps, socket_mode=socket_mode)
    return Runtime(settings=settings, app=app, deps=deps, store=store, desk=desk, sync=sync)


def serve_socket_mode(settings: Settings) -> None:
    """Connect over Socket Mode and block."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    runtime = build_runtime(settings, socket_mode=True)
    runtime.loop.start()
    handler = SocketModeHandler(runtime.app, app_token=settings.slack_app_token, web_client=runtime.deps.delivery.client)
    stopping = threading.Event()

    def on_sigterm(signum: int, _frame: Any) -> None:
        log.info("Loket stopping (signal %d): closing the Socket Mode connection", signum)
        stopping.set()

    signal.signal(signal.SIGTERM, on_sigterm)
    log.info("Loket connecting in Socket Mode")
    try:
        handler.connect()
        stopping.wait()
    finally:
        handler.close()
        runtime.close()
