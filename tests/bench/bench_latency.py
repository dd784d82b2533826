"""Per-question cost of answering, as a ratio to the cost of embedding the question alone.

Target: ``loket ask --json --file`` costs at most 1.5x the floor per question, where the
floor is ``embedder.embed_queries([q])`` with the same model, measured in the same run.
Embedding is the one step that cannot be avoided, so everything else (search, coverage,
sentence extraction, JSON output) is overhead on top of it. A ratio, not milliseconds,
because this 2-core machine is shared and its speed varies from minute to minute; floor
and answering are measured interleaved so that load hits both alike.

Three figures:
  (a) floor: ``embed_queries([q])`` per dev question (median of several repetitions, after warm-up);
  (b) in-process ``desk.ask(q)`` (median and p95), on the desk the CLI would open;
  (c) the real CLI as a subprocess: ``(T_N - T_1) / (N - 1)`` for files of N and 1 questions,
      which removes start-up, model and index loading and leaves the marginal cost per question.

Measured on the shared corpus (dev questions) and on the Algoritmekader (a real
documentation site, its train questions), one after the other; each ratio is against the
floor measured in the same run on the same desk.

Run: ``python tests/bench/bench_latency.py [--data-dir DIR] [--corpus NAME]`` (about 3-5
minutes per corpus on 2 cores, plus building the Algoritmekader index when DIR lacks it).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import time
from pathlib import Path

from benchlib import dev_questions, header, machine_line, pct, require, run_cli, shared_dir, temp_data_dir, verdict


def _time(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def floor_pass(embedder, questions: list[str]) -> list[float]:
    """One timed ``embed_queries([q])`` per question (seconds)."""
    return [_time(embedder.embed_queries, [q]) for q in questions]


def measure_in_process(desk, questions: list[str], *, reps: int = 5) -> dict[str, list[float]]:
    """Floor and ``desk.ask`` interleaved per question, so machine load affects both alike.

    Also splits ``ask`` into analyse (embedding + term analysis) and the rest (search,
    evidence, quoting), to show where any overhead goes.
    """
    out: dict[str, list[float]] = {"floor": [], "ask": [], "analyse": [], "search": [], "answer_query": []}
    for _ in range(reps):
        for q in questions:
            out["floor"].append(_time(desk.embedder.embed_queries, [q]))
            out["ask"].append(_time(desk.ask, q))
            t0 = time.perf_counter()
            query = desk.analyse(q)
            t1 = time.perf_counter()
            desk.index.search(query, k=5, mode=desk.mode)
            t2 = time.perf_counter()
            desk.answer_query(query)
            t3 = time.perf_counter()
            out["analyse"].append(t1 - t0)
            out["search"].append(t2 - t1)
            out["answer_query"].append(t3 - t2)
    return out


def measure_cli(corpus: Path, questions: list[str], embedder, work: Path, *, n: int = 200, runs: int = 3) -> dict:
    """T_1 and T_N of ``loket ask --json --file`` (median of ``runs`` each, alternated),
    with a floor pass after each pair so the floor comes from the same minutes."""
    many = [questions[i % len(questions)] for i in range(n)]
    f_n, f_1 = work / f"questions-{n}.txt", work / "questions-1.txt"
    f_n.write_text("\n".join(many) + "\n", encoding="utf-8")
    f_1.write_text(many[0] + "\n", encoding="utf-8")
    t1s, tns, floors = [], [], []
    for _ in range(runs):
        for path, count, sink in ((f_1, 1, t1s), (f_n, n, tns)):
            out = work / f"out-{count}.jsonl"
            seconds, _ = run_cli(["ask", "--json", "--file", str(path), "--source", str(corpus)], stdout_path=out)
            lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines() if x.strip()]
            if len(lines) != count:
                raise RuntimeError(f"CLI printed {len(lines)} answers for {count} questions")
            sink.append(seconds)
        floors.extend(floor_pass(embedder, questions))
    t1, tn = statistics.median(t1s), statistics.median(tns)
    return {"t1": t1, "tn": tn, "t1_all": t1s, "tn_all": tns, "per_q": (tn - t1) / (n - 1), "floor": floors, "n": n}


def profile_ask(desk, questions: list[str], *, top: int = 18) -> str:
    """cProfile of ``desk.ask`` over the questions: where the time goes besides embedding."""
    prof = cProfile.Profile()
    prof.enable()
    for q in questions:
        desk.ask(q)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


CORPORA = {  # name -> (corpus folder under the shared dir, its questions)
    "shared": ("corpus", "eval/dev.jsonl"),
    "algoritmekader": ("corpus-algoritmekader", "eval/algoritmekader-train.jsonl"),
}


def bench_corpus(name: str, args, work: Path) -> bool:
    """All figures for one corpus; True when every ratio meets the target."""
    from bot.cli.common import index_dir, open_desk, settings_for
    from index.build import build_index
    from index.embeddings import load_embedder

    folder, questions_file = CORPORA[name]
    corpus = require(shared_dir() / folder)
    questions = dev_questions(shared_dir() / questions_file)[: args.max_questions]
    settings = settings_for([str(corpus)])
    embedder = load_embedder(settings.embedding_model)
    report = build_index(settings.sources, index_dir(settings), embedder, progress=False)  # not timed
    print(f"\n== {name}: {report.documents} documents, {report.chunks} chunks over {corpus} "
          f"(index built or loaded in {report.seconds:.1f} s, not timed)")
    desk = open_desk(settings, progress=False)  # the desk the CLI opens: same index dir, same synonyms
    for q in questions:  # warm-up: first calls pay one-off costs
        desk.ask(q)
        desk.embedder.embed_queries([q])

    m = measure_in_process(desk, questions, reps=args.reps)
    ms = {k: [s * 1000 for s in v] for k, v in m.items()}
    floor = statistics.median(ms["floor"])
    ask50, ask95 = statistics.median(ms["ask"]), pct(ms["ask"], 95)
    print(f"{len(questions)} questions of {questions_file} x {args.reps} repetitions, interleaved (ms):")
    print(f"  (a) floor embed_queries([q])   median {floor:7.1f}   p95 {pct(ms['floor'], 95):7.1f}")
    print(f"  (b) desk.ask(q)                median {ask50:7.1f}   p95 {ask95:7.1f}")
    print(f"      of which analyse (embed+terms) {statistics.median(ms['analyse']):.1f}, "
          f"index.search {statistics.median(ms['search']):.1f}, "
          f"answer_query (search+evidence+quote) {statistics.median(ms['answer_query']):.1f}")
    ratio_b = ask50 / floor
    print(f"  {name} b/a = {ratio_b:.2f}  (target <= {args.target})  {verdict(ratio_b <= args.target)}")

    ok = ratio_b <= args.target
    if not args.skip_cli:
        c = measure_cli(corpus, questions, embedder, work, n=args.n, runs=args.cli_runs)
        floor_cli = statistics.median(c["floor"]) * 1000
        per_q = c["per_q"] * 1000
        print(f"CLI loket ask --json --file (subprocess, median of {args.cli_runs} runs each):")
        print(f"  T_1   = {c['t1']:.2f} s   (runs: {', '.join(f'{t:.2f}' for t in c['t1_all'])})")
        print(f"  T_{c['n']} = {c['tn']:.2f} s   (runs: {', '.join(f'{t:.2f}' for t in c['tn_all'])})")
        print(f"  (c) marginal per question (T_N - T_1)/(N - 1) = {per_q:.1f} ms")
        print(f"  floor measured between the CLI runs: median {floor_cli:.1f} ms")
        ratio_c = per_q / floor_cli
        print(f"  {name} c/a = {ratio_c:.2f}  (target <= {args.target})  {verdict(ratio_c <= args.target)}")
        print(f"  start-up + model + index load + 1 question (T_1): {c['t1']:.2f} s")
        ok = ok and ratio_c <= args.target
    if args.profile:
        print(f"\ncProfile of desk.ask over the {name} questions (cumulative):")
        print(profile_ask(desk, questions))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=5, help="in-process repetitions over the questions (default 5)")
    parser.add_argument("--n", type=int, default=200, help="questions in the long CLI file (default 200)")
    parser.add_argument("--cli-runs", type=int, default=5, help="CLI runs per file size, median taken (default 5)")
    parser.add_argument("--target", type=float, default=1.5, help="maximum ratio to the floor (default 1.5)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of desk.ask")
    parser.add_argument("--skip-cli", action="store_true", help="in-process figures only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    parser.add_argument("--corpus", action="append", choices=sorted(CORPORA),
                        help="measure only this corpus (repeatable; default: all, one after the other)")
    parser.add_argument("--max-questions", type=int, default=40, help="questions per corpus (default 40)")
    parser.add_argument("--data-dir", type=Path,
                        help="reuse the indexes in this data dir (building the Algoritmekader index takes minutes)")
    args = parser.parse_args(argv)

    print(header())
    ok = True
    with temp_data_dir(keep=args.keep) as work:
        if args.data_dir:
            os.environ["LOKET_DATA_DIR"] = str(args.data_dir.resolve())
        for name in args.corpus or list(CORPORA):
            ok = bench_corpus(name, args, work) and ok
    print(machine_line())
    print(f"\nlatency overall: {verdict(ok)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
