"""``loket eval FILE``: answer quality, escalation and latency on a question file."""
from __future__ import annotations

import argparse
import json

from .common import CliError, fail, open_desk, read_labelled, settings_for, warn_missing_pages


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="kwaliteit meten op een JSONL-bestand met vragen")
    p.add_argument("file", metavar="BESTAND", help="JSONL: {id, question, expect: [feiten] | null, doc: pad (optioneel)}")
    p.add_argument("--source", action="append", metavar="PAD", help="bron om tegen te meten (herhaalbaar; standaard de actieve index)")
    p.add_argument("--split", choices=("all", "fit", "frozen"), default="all",
                   help="deel van de vaste splitsing: fit (om op af te stemmen), frozen (alleen rapporteren) of all")
    p.add_argument("--target-precision", type=float, metavar="P",
                   help="werkpunt van de beslissing antwoorden/doorzetten (standaard LOKET_TARGET_PRECISION)")
    p.add_argument("--compare", action="store_true", help="ook BM25 alleen en dense alleen meten")
    p.add_argument("--json", action="store_true", help="uitvoer als JSON")
    p.add_argument("--details", action="store_true", help="per vraag een regel")
    p.set_defaults(func=cmd_eval)


def _pct(share: dict) -> str:
    if share["value"] is None:
        return "n.v.t."
    lo, hi = share["ci95"]
    return f"{share['value']:.0%} ({share['k']}/{share['n']}, 95% {lo:.0%}-{hi:.0%})"


def print_summary(label: str, s: dict) -> None:
    """One readable block per mode (Dutch, for users)."""
    d = s["detail"]
    print(f"[{label}] {s['questions']} vragen ({s['answerable']} beantwoordbaar, {s['unanswerable']} niet)")
    print(f"  beantwoord met verwacht feit/pagina: {_pct(d['answered_correct'])}")
    print(f"  fout beantwoord:                    {_pct(d['answered_wrong'])}")
    print(f"  terecht doorgezet:                  {_pct(d['escalated_unanswerable'])}")
    print(f"  precisie van beantwoorde vragen:    {_pct(d['precision_answered'])}")
    print(f"  hit@1 {_pct(d['hit_at_1'])} | hit@3 {_pct(d['hit_at_3'])}")
    print(f"  latentie p50 {s['latency_p50_ms']} ms, p95 {s['latency_p95_ms']} ms")


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.core.answering.evaluation import evaluate, select

    try:
        items = select(read_labelled(args.file), args.split)
        if not items:
            raise CliError(f"{args.file} heeft geen vragen in het deel '{args.split}'; kies --split all")
        desk = open_desk(settings_for(args.source), progress=True)
        if args.target_precision is not None:
            desk.set_target_precision(args.target_precision)
    except (ValueError, CliError) as exc:
        return fail(str(exc))
    warn_missing_pages(desk, items)
    desk.ask("opwarmen")  # first call pays one-off costs; keep them out of the latency figures
    modes = ("hybrid", "bm25", "dense") if args.compare else ("hybrid",)
    report = {}
    for mode in modes:
        desk.mode = mode
        result = evaluate(desk.ask, items)
        report[mode] = {"split": args.split, "summary": result.summary()}
        if args.split == "all":  # the same answers, summarised per part of the fixed split
            report[mode]["by_split"] = {part: result.part(part).summary() for part in ("fit", "frozen")}
        if args.details:
            report[mode]["rows"] = result.rows
    desk.mode = "hybrid"
    if args.json:
        print(json.dumps(report if args.compare else report["hybrid"], ensure_ascii=False, indent=1))
        return 0
    for mode, data in report.items():
        print_summary(f"{mode}, split {args.split}", data["summary"])
        for part, summary in data.get("by_split", {}).items():
            print_summary(f"{mode}, split {part}", summary)
        for row in data.get("rows", []):
            mark = "ok " if row["correct"] else "XX "
            print(f"  {mark}{row['id']} conf={row['confidence']:.2f} answered={row['answered']} bron={row['path']} › {row['source']}")
    return 0
