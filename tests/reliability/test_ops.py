"""Operations: liveness, readiness, Prometheus metrics, and a graceful stop on SIGTERM that
finishes the work in flight and closes the socket."""
from __future__ import annotations

import re
import socket
import time

from bot.store.inbox import Inbox
from bot.store.repo import Store

from slack_adapter.conftest import ANSWERABLE, CHANNEL, UNANSWERABLE, Harness, eventually, http_request
from .servers import mention_body


def metric(text: str, name: str, **labels: str) -> float:
    label = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = "^" + re.escape(name) + (r"\{" + re.escape(label) + r"\}" if labels else "") + r" (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    assert found, f"{name} {labels} not in metrics"
    return float(found.group(1))


def test_health_ready_and_metrics(loket: Harness) -> None:
    assert loket.request("/healthz").json() == {"ok": True}
    assert loket.request("/readyz").json() == {"ok": True, "database": True, "index": True}
    ts = loket.mention(ANSWERABLE)
    loket.answer_in(CHANNEL, ts)
    ts = loket.mention(UNANSWERABLE)
    loket.answer_in(CHANNEL, ts)
    loket.core_post()
    eventually(lambda: loket.service.escalation(1).posted and not loket.deps.inbox.in_flight())
    resp = loket.request("/metrics")
    assert resp.status == 200
    text = resp.body.decode()
    assert metric(text, "loket_questions_total", via="mention", outcome="answered") == 1
    assert metric(text, "loket_questions_total", via="mention", outcome="escalated") == 1
    assert metric(text, "loket_escalations_open", status="open") == 1
    assert metric(text, "loket_answered_share") == 0.5
    assert metric(text, "loket_database_up") == 1
    assert metric(text, "loket_answer_seconds_count") == 2
    assert metric(text, "loket_http_request_seconds_count", path="/slack/events") >= 2
    assert metric(text, "loket_slack_api_calls_total", method="chat.postMessage") >= 3
    assert "loket_slack_api_errors_total" in text
    assert "Canada" not in text and "UASKER" not in text  # no text, no user ids


def test_sigterm_finishes_the_question_in_flight_and_closes_the_socket(servers, fake_slack, db_url):
    server = servers(db_url)
    fake_slack.fail_next("chat.postMessage", channel=CHANNEL, mode="slow", delay=2.0)  # "Even zoeken…" is slow
    body = mention_body(ANSWERABLE, ts="1690003000.000001", event_id="EvStop")
    assert server.post_event(body).status == 200
    fake_slack.wait_for_arrival("chat.postMessage", channel=CHANNEL)
    started = time.monotonic()
    assert server.stop(timeout=30) == 0
    update = fake_slack.wait_for("chat.update", channel=CHANNEL, timeout=5)[0]  # the answer still went out
    assert "flexibilisering.asielketen@minjenv.nl" in update.all_text()
    assert time.monotonic() - started < 25
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", server.port)) != 0  # nothing listens any more
    store = Store.open(db_url)
    try:
        assert Inbox(store).status("EvStop") == "done"
    finally:
        store.close()
    assert "Traceback" not in server.log()


def test_readyz_is_503_without_the_database(loket: Harness, monkeypatch) -> None:
    monkeypatch.setattr(loket.runtime.store.engine, "connect", _refuse)
    resp = loket.request("/readyz")
    assert resp.status == 503 and resp.json()["database"] is False
    assert http_request(loket.url + "/healthz").status == 200


def _refuse(*args, **kwargs):
    raise OSError("database unreachable")
