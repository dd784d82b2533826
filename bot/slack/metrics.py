"""Prometheus metrics for ``GET /metrics`` (prometheus-client).

Counters and histograms are per process (one registry per runtime, so tests can run
several). Numbers that must agree across replicas (open escalations, the answered share,
queue lengths) are read from the database at scrape time by :class:`StoreCollector`.

Labels never carry user ids or text: only the way of asking, the outcome, the Slack API
method and Slack's short error code.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select

from bot.store.models import Escalation, OutboxPost, ProcessedEvent, Question, as_utc
from bot.store.repo import Store

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30)
SHARE_WINDOW = timedelta(days=30)

OUTCOME_ANSWERED = "answered"
OUTCOME_ESCALATED = "escalated"
OUTCOME_NOT_ANSWERED = "not_answered"
OUTCOME_SMALLTALK = "smalltalk"
OUTCOME_FOLLOWUP = "followup"
OUTCOME_ERROR = "error"


class Metrics:
    """The process's metrics; pass ``store`` to add the database gauges."""

    def __init__(self, store: Store | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.questions = Counter("loket_questions", "Questions handled, by way of asking and outcome",
                                 ["via", "outcome"], registry=r)
        self.answer_seconds = Histogram("loket_answer_seconds", "From a question's arrival to its reply in Slack",
                                        buckets=LATENCY_BUCKETS, registry=r)
        self.request_seconds = Histogram("loket_http_request_seconds", "HTTP request handling (the ack to Slack)",
                                         ["path"], buckets=LATENCY_BUCKETS, registry=r)
        self.slack_calls = Counter("loket_slack_api_calls", "Slack Web API calls", ["method"], registry=r)
        self.slack_errors = Counter("loket_slack_api_errors", "Slack Web API calls that failed",
                                    ["method", "error"], registry=r)
        self.slack_seconds = Histogram("loket_slack_api_seconds", "Slack Web API call duration", ["method"],
                                       buckets=LATENCY_BUCKETS, registry=r)
        self.jobs = Counter("loket_jobs", "Background job runs", ["job", "result"], registry=r)
        self.posts_given_up = Counter("loket_posts_given_up", "Outbox posts given up after their retries (this process)",
                                      ["kind"], registry=r)
        if store is not None:
            r.register(StoreCollector(store))

    def question(self, via: str, outcome: str, seconds: float | None = None) -> None:
        self.questions.labels(via=via, outcome=outcome).inc()
        if seconds is not None:
            self.answer_seconds.observe(seconds)

    def slack_call(self, method: str, seconds: float, error: str | None = None) -> None:
        self.slack_calls.labels(method=method).inc()
        self.slack_seconds.labels(method=method).observe(seconds)
        if error:
            self.slack_errors.labels(method=method, error=error[:40]).inc()

    def post_given_up(self, kind: str) -> None:
        self.posts_given_up.labels(kind=kind[:32]).inc()

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)


class StoreCollector(Collector):
    """Gauges read from the database at scrape time (the same on every replica)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def describe(self) -> Iterable:
        return []  # collected lazily: no database query at registration

    def collect(self) -> Iterable[GaugeMetricFamily]:
        up = GaugeMetricFamily("loket_database_up", "1 when the database answered this scrape")
        try:
            values = self._query()
        except Exception as e:  # noqa: BLE001 - a scrape must not fail with the database
            log.warning("metrics: database query failed: %s", type(e).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        open_ = GaugeMetricFamily("loket_escalations_open", "Escalations not closed, by status", labels=["status"])
        for status, count in values["escalations"]:
            open_.add_metric([status], count)
        yield open_
        yield GaugeMetricFamily("loket_answered_share", "Share of questions answered by Loket (last 30 days)",
                                value=values["share"])
        yield GaugeMetricFamily("loket_outbox_pending", "Outgoing posts waiting to be sent", value=values["outbox"])
        yield GaugeMetricFamily("loket_inbox_pending", "Incoming requests not processed yet", value=values["inbox"])
        yield GaugeMetricFamily("loket_inbox_failed", "Incoming requests that failed for good (kept 14 days)",
                                value=values["inbox_failed"])
        yield GaugeMetricFamily("loket_outbox_failed", "Outgoing posts given up after their retries (kept 14 days)",
                                value=values["outbox_failed"])
        oldest = GaugeMetricFamily("loket_oldest_pending_seconds", "Age of the oldest unsettled item, by queue",
                                   labels=["queue"])
        for queue in ("inbox", "outbox", "escalation_post"):
            oldest.add_metric([queue], values["oldest"][queue])
        yield oldest

    def _query(self) -> dict:
        since = datetime.now(timezone.utc) - SHARE_WINDOW
        with self.store.read() as tx:
            s = tx.session
            escalations = list(s.execute(
                select(Escalation.status, func.count()).where(Escalation.status != "closed").group_by(Escalation.status)))
            asked, answered = s.execute(
                select(func.count(), func.sum(case((Question.answered.is_(True), 1), else_=0)))
                .where(Question.answered.is_not(None), Question.created_at >= since)).one()
            outbox = s.scalar(select(func.count()).select_from(OutboxPost).where(OutboxPost.status == "pending"))
            unsettled = ProcessedEvent.status.in_(("received", "processing"))
            inbox = s.scalar(select(func.count()).select_from(ProcessedEvent).where(unsettled))
            inbox_failed = s.scalar(select(func.count()).select_from(ProcessedEvent)
                                    .where(ProcessedEvent.status == "failed"))
            outbox_failed = s.scalar(select(func.count()).select_from(OutboxPost).where(OutboxPost.status == "failed"))
            firsts = {
                "inbox": s.scalar(select(func.min(ProcessedEvent.created_at)).where(unsettled)),
                "outbox": s.scalar(select(func.min(OutboxPost.created_at)).where(OutboxPost.status == "pending")),
                "escalation_post": s.scalar(select(func.min(Escalation.created_at))
                                            .where(Escalation.core_ts.is_(None), Escalation.status != "closed")),
            }
        now = datetime.now(timezone.utc)
        oldest = {queue: max(0.0, (now - as_utc(first)).total_seconds()) if first else 0.0
                  for queue, first in firsts.items()}
        return {"escalations": escalations, "share": (answered or 0) / asked if asked else 0.0,
                "outbox": outbox or 0, "inbox": inbox or 0, "inbox_failed": inbox_failed or 0,
                "outbox_failed": outbox_failed or 0, "oldest": oldest}
