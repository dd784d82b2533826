"""Periodic jobs that must run once per period across all replicas (e.g. daily retention).

Every replica's background loop asks :meth:`PeriodicJob.run_if_due` each round; the
``job_runs`` row of the job, locked while it is checked, lets exactly one of them start a
run per period and records who ran it, when and with what result.
"""
from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.store.models import JobRun, as_utc
from bot.store.repo import Store

log = logging.getLogger(__name__)


def owner_id() -> str:
    """This process, as recorded in ``job_runs.owner``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_run(store: Store, name: str, *, now: datetime, every: timedelta) -> bool:
    """True if this process may start ``name`` now (and it is recorded as started)."""
    try:
        with store.tx() as tx:
            row = tx.session.scalar(select(JobRun).where(JobRun.name == name).with_for_update())
            if row is None:
                tx.session.add(JobRun(name=name, last_started_at=now, owner=owner_id()))
                return True
            last = as_utc(row.last_started_at)
            if last is not None and now - last < every:
                return False
            row.last_started_at, row.owner = now, owner_id()
            return True
    except IntegrityError:  # another replica inserted the first row at the same moment
        return False


def finish_run(store: Store, name: str, *, now: datetime, result: dict[str, Any]) -> None:
    with store.tx(patient=True) as tx:  # a lost write would run the job again
        row = tx.session.get(JobRun, name)
        if row is not None:
            row.last_finished_at, row.result = now, result


@dataclass
class PeriodicJob:
    """``fn(now) -> result`` at most once per ``every``, across replicas."""

    store: Store
    name: str
    every: timedelta
    fn: Callable[[datetime], dict[str, Any]]
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)

    def run_if_due(self) -> dict[str, Any] | None:
        """Run when due and nobody else did this period; returns the result, or None."""
        now = self.clock()
        if not claim_run(self.store, self.name, now=now, every=self.every):
            return None
        log.info("job %s: started", self.name)
        result = self.fn(now)
        finish_run(self.store, self.name, now=self.clock(), result=result)
        log.info("job %s: done %s", self.name, result)
        return result
