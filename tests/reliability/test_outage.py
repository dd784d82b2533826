"""The database away while a question arrives, and back again: the asker hears about the
disruption, Slack is not told "received" (so it delivers the event again), and Loket
carries on without a restart when the database returns. PostgreSQL is cut off through a
TCP proxy; SQLite is locked by another writer (with a short busy timeout)."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.engine import make_url

from bot.slack.inbox import OUTAGE_TEXT
from bot.store import db as store_db

from slack_adapter.conftest import ANSWERABLE, ASKER, CHANNEL, Harness, eventually, next_ts
from .leases import expire_leases
from .proxy import TcpProxy
from .test_slack_once import mention_event

ANSWER = "flexibilisering.asielketen@minjenv.nl"


class Outage:
    """Take the database of ``db_url`` away and give it back."""

    def __init__(self, db_url: str, monkeypatch) -> None:
        parsed = make_url(db_url)
        self.sqlite = parsed.get_backend_name() == "sqlite"
        self._lock: sqlite3.Connection | None = None
        self._proxy: TcpProxy | None = None
        if self.sqlite:
            monkeypatch.setattr(store_db, "SQLITE_BUSY_TIMEOUT_MS", 300)
            self.path, self.url = parsed.database, db_url
        else:
            self._proxy = TcpProxy(parsed.host, parsed.port)
            self.url = parsed.set(host="127.0.0.1", port=self._proxy.port).render_as_string(hide_password=False)

    def down(self) -> None:
        if self.sqlite:
            self._lock = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._lock.execute("BEGIN EXCLUSIVE")
        else:
            self._proxy.down()

    def up(self) -> None:
        if self._lock is not None:
            self._lock.execute("ROLLBACK")
            self._lock.close()
            self._lock = None
        if self._proxy is not None:
            self._proxy.up()

    def close(self) -> None:
        self.up()
        if self._proxy is not None:
            self._proxy.close()


@pytest.fixture
def outage(db_url, monkeypatch):
    o = Outage(db_url, monkeypatch)
    yield o
    o.close()


def test_a_question_during_an_outage_is_not_acknowledged_and_answered_once_it_is_back(start_loket, outage):
    loket: Harness = start_loket(database_url=outage.url)
    ts = next_ts()
    event = mention_event(ANSWERABLE, ts)
    outage.down()
    resp = loket.send_event(event, event_id="EvOutage1")
    assert resp.status == 500  # no "received": Slack delivers the event again later
    notice = loket.fake.wait_for("chat.postEphemeral", user=ASKER)[0]
    assert notice.get("text") == OUTAGE_TEXT and notice.get("thread_ts") == ts
    if not outage.sqlite:
        assert loket.request("/readyz").status == 503
    assert loket.request("/healthz").status == 200  # the process itself is fine

    outage.up()
    assert loket.send_event(event, event_id="EvOutage1", retry_num=1).status == 200  # Slack's retry
    assert ANSWER in loket.answer_in(CHANNEL, ts).all_text()
    assert loket.request("/readyz").status == 200
    loket.fake.settle(quiet=0.3)
    assert len(loket.fake.calls_to("chat.postEphemeral", user=ASKER)) == 1  # told once
    assert len(loket.fake.calls_to("chat.update", channel=CHANNEL)) == 1


class OutageDuringAnswer:
    """A desk that takes the database away while it thinks (the first time)."""

    def __init__(self, desk, outage: Outage) -> None:
        self.desk, self.outage, self.fired = desk, outage, False

    def __getattr__(self, name):
        return getattr(self.desk, name)

    def ask(self, question: str):
        if not self.fired:
            self.fired = True
            self.outage.down()
        return self.desk.ask(question)


def test_an_outage_while_answering_is_retried_when_the_database_is_back(start_loket, outage):
    loket: Harness = start_loket(database_url=outage.url)
    loket.service.desk = OutageDuringAnswer(loket.service.desk, outage)
    ts = loket.mention(ANSWERABLE)  # stored before the ack; the outage starts while answering
    said = loket.answer_in(CHANNEL, ts)
    assert said.get("text") == OUTAGE_TEXT  # the placeholder tells the asker
    eventually(lambda: not loket.deps.inbox.in_flight())  # the failed attempt has given the work back

    outage.up()
    expire_leases(loket.service.store)  # the lease of the failed attempt ran out (database clock)
    loket.runtime.loop.run_once()
    loket.fake.wait_for("chat.update", lambda c: ANSWER in c.all_text(), channel=CHANNEL, ts=said.ts)
    loket.fake.settle(quiet=0.3)
    assert len(loket.fake.calls_to("chat.postMessage", channel=CHANNEL, thread_ts=ts)) == 1  # same message, updated
