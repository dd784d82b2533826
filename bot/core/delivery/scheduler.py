"""A small scheduler loop: every ``interval`` seconds, run each job with the current time.

Jobs decide themselves whether they are due (the weekly summary from Monday 09:00, SLA
reminders when an escalation passes its deadline) and make that decision safe across
replicas in the database, so the loop itself holds no state and several replicas can run
it side by side. The clock is injectable: tests call :meth:`Scheduler.run_once` with
any moment they like.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 60.0


@dataclass(frozen=True)
class Job:
    """``fn(now)`` under a name (for the logs); its return value is logged when truthy."""

    name: str
    fn: Callable[[datetime], Any]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Scheduler:
    jobs: list[Job]
    interval: float = DEFAULT_INTERVAL_SECONDS
    clock: Callable[[], datetime] = _utcnow
    _stop: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)

    def run_once(self, now: datetime | None = None) -> dict[str, Any]:
        """Run every job once; a failing job is logged and does not stop the others."""
        now = now or self.clock()
        results: dict[str, Any] = {}
        for job in self.jobs:
            try:
                results[job.name] = job.fn(now)
            except Exception:
                log.exception("scheduled job %s failed", job.name)
                results[job.name] = None
            if results[job.name]:
                log.info("scheduled job %s: %s", job.name, results[job.name])
        return results

    def start(self) -> "Scheduler":
        """Run in a daemon thread until :meth:`stop`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="loket-scheduler", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.run_once()
