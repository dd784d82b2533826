"""The cost of ``synchronous=FULL`` on SQLite (an acknowledged question survives a crash of
the machine) against ``NORMAL`` (WAL: the last commits may be lost), in the same run.

What is timed is what Slack's acknowledgement waits for: storing a request in the inbox
(one insert, one commit), first one by one, then from 8 threads at once (the gunicorn
worker's threads) while a reader keeps reading (reads do not take the write lock). Each
mode gets its own fresh database file in the same directory (same disk).

    python tests/bench/bench_sqlite_durability.py [--requests 400] [--threads 8]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from benchlib import pct  # noqa: E402

from bot.store.db import make_engine, migrate  # noqa: E402
from bot.store.inbox import Inbox  # noqa: E402
from bot.store.repo import Store  # noqa: E402

PAYLOAD = {"body": {"event": {"type": "message", "text": "x" * 400}}}


def open_store(path: Path, synchronous: str) -> Store:
    engine = make_engine(f"sqlite:///{path}", sqlite_synchronous=synchronous)
    migrate(engine)
    return Store(engine)


def sequential(inbox: Inbox, n: int, prefix: str) -> list[float]:
    times = []
    now = datetime.now(timezone.utc)
    for i in range(n):
        start = time.perf_counter()
        inbox.receive(f"{prefix}{i}", kind="event", payload=PAYLOAD, now=now)
        times.append(time.perf_counter() - start)
    return times


def concurrent(inbox: Inbox, n: int, threads: int, prefix: str) -> tuple[list[float], int]:
    times: list[float] = []
    lock, stop, reads = threading.Lock(), threading.Event(), [0]
    now = datetime.now(timezone.utc)

    def writer(t: int) -> None:
        for i in range(t, n, threads):
            start = time.perf_counter()
            inbox.receive(f"{prefix}{i}", kind="event", payload=PAYLOAD, now=now)
            with lock:
                times.append(time.perf_counter() - start)

    def reader() -> None:
        while not stop.is_set():
            inbox.pending()
            reads[0] += 1

    r = threading.Thread(target=reader)
    r.start()
    workers = [threading.Thread(target=writer, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop.set()
    r.join()
    return times, reads[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="loket-durability-") as tmp:
        for mode in ("NORMAL", "FULL"):
            store = open_store(Path(tmp) / f"{mode.lower()}.db", mode)
            inbox = Inbox(store)
            seq = sequential(inbox, args.requests, f"seq-{mode}-")
            con, reads = concurrent(inbox, args.requests, args.threads, f"con-{mode}-")
            store.close()
            results[mode] = (seq, con, reads)
    print(f"SQLite inbox writes (one insert + commit each), {args.requests} requests per mode")
    print(f"{'mode':8} {'seq mean':>9} {'seq p99':>8} {'8-thr p50':>10} {'8-thr p99':>10} {'8-thr max':>10} {'reads':>6}")
    for mode, (seq, con, reads) in results.items():
        print(f"{mode:8} {1000 * sum(seq) / len(seq):8.2f}ms {1000 * pct(seq, 99):7.2f}ms "
              f"{1000 * pct(con, 50):9.2f}ms {1000 * pct(con, 99):9.2f}ms {1000 * max(con):9.2f}ms {reads:6d}")
    (seq_n, con_n, _), (seq_f, con_f, _) = results["NORMAL"], results["FULL"]
    print(f"ratio FULL/NORMAL: sequential mean {sum(seq_f) / sum(seq_n):.2f}x, "
          f"concurrent p99 {pct(con_f, 99) / pct(con_n, 99):.2f}x")
    within = max(con_f) < 3.0
    print(f"every FULL write within Slack's 3 s ack: {'PASS' if within else 'FAIL'}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
