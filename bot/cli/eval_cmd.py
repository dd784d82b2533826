"""``loket eval FILE``: answer quality, escalation and latency on a question file."""
from __future__ import annotations

import argparse
import json

from .common import CliError, fail, open_desk, settings_for


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="kwaliteit meten op een JSONL-bestand met vragen")
    p.add_argument("file", help="JSONL: {id, question, expect: [feiten] | null}")
    p.add_argument("--source", action="append", metavar="PAD", help="bron om tegen te meten (standaard knowledge/)")
    p.add_argument("--compare", action="store_true", help="ook BM25 alleen en dense alleen meten")
    p.add_argument("--json", action="store_true", help="uitvoer als JSON")
    p.add_argument("--details", action="store_true", help="per vraag een regel")
    p.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.core.evaluation import evaluate, read_items

    try:
        items = read_items(args.file)
        desk = open_desk(settings_for(args.source), progress=True)
    except (OSError, ValueError, CliError) as exc:
        return fail(str(exc))
    desk.ask("opwarmen")  # first call pays one-off costs; keep them out of the latency figures
    modes = ("hybrid", "bm25", "dense") if args.compare else ("hybrid",)
    report = {}
    for mode in modes:
        desk.mode = mode
        result = evaluate(desk.ask, items)
        report[mode] = {"summary": result.summary()} | ({"rows": result.rows} if args.details else {})
    desk.mode = "hybrid"
    if args.json:
        print(json.dumps(report if args.compare else report["hybrid"], ensure_ascii=False, indent=1))
        return 0
    for mode, data in report.items():
        s = data["summary"]
        print(
            f"[{mode}] beantwoord met verwacht feit: {s['answered_correct']:.0%} van {s['answerable']} | "
            f"fout beantwoord: {s['answered_wrong']:.0%} | terecht doorgezet: {s['escalated_unanswerable']:.0%} van "
            f"{s['unanswerable']} | hit@1 {s['hit_at_1']:.0%} hit@3 {s['hit_at_3']:.0%} | "
            f"latentie p50 {s['latency_p50_ms']} ms p95 {s['latency_p95_ms']} ms"
        )
        for row in data.get("rows", []):
            mark = "ok " if row["correct"] else "XX "
            print(f"  {mark}{row['id']} conf={row['confidence']:.2f} answered={row['answered']} bron={row['source']}")
    return 0
