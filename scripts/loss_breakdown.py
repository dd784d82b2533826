"""Where answerable questions are lost: ranking, decision or quote (per corpus, one split).

For every answerable question of the chosen part of the fixed split:
- *ranking*: the best passage does not hold the fact (or is not on the expected page);
- *decision*: the best passage holds it, but the desk escalates;
- *quote*: the best passage holds it and the desk answers, but the answer lacks the fact.
Also shown: what the quote of the best passage would have been had the desk answered
("latent quote misses"), and wrongly answered unanswerable questions.

    python scripts/loss_breakdown.py --set shared=Q1.jsonl,Q2.jsonl:../shared/corpus --split fit
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.cli.common import open_desk, settings_for  # noqa: E402
from bot.core.answering.evaluation import contains_fact, holds_answer, read_items, select  # noqa: E402
from bot.core.answering.extract import best_quote  # noqa: E402
from bot.core.answering.validity import split_hits  # noqa: E402
from tune_quality import parse_sets  # noqa: E402  (same folder: one parser for the set specs)


def breakdown(desk, items) -> tuple[dict[str, int], list[dict]]:
    """Counts per stage and one row per question (for reading the misses)."""
    counts = dict.fromkeys(("answerable", "correct", "answered", "hit1", "hit3", "rank_miss", "rank_miss_top3", "decision_loss",
                            "quote_loss", "latent_quote_miss", "facts_top1", "unanswerable", "wrongly_answered"), 0)
    rows = []
    for item in items:
        query = desk.analyse(item.question)
        answer = desk.answer_query(query)
        hits = desk.index.search(query, k=10, mode=desk.mode)
        current = split_hits(hits)[0][:5] or hits[:5]
        counts["answered"] += answer.answered
        row = {"id": item.id, "q": item.question, "expect": item.expect, "answered": answer.answered}
        if not item.answerable:
            counts["unanswerable"] += 1
            counts["wrongly_answered"] += answer.answered
            row["stage"] = "wrongly_answered" if answer.answered else "ok"
            rows.append(row)
            continue
        counts["answerable"] += 1
        top1 = bool(current) and holds_answer(item, current[0].chunk.text, current[0].chunk.doc_path)
        top3 = any(holds_answer(item, h.chunk.text, h.chunk.doc_path) for h in current[:3])
        correct = answer.answered and holds_answer(item, answer.answer, answer.sources[0].path if answer.sources else None)
        counts["correct"] += correct
        counts["hit1"] += top1
        counts["hit3"] += top3
        if top1 and item.expect:
            counts["facts_top1"] += 1
            quote = best_quote(desk.index, query, current[0]).text
            row["quote"] = quote
            if not contains_fact(quote, item.expect):
                counts["latent_quote_miss"] += 1
        if correct:
            stage = "ok"
        elif not top1:
            stage = "rank_miss"
            counts["rank_miss_top3"] += top3
        elif not answer.answered:
            stage = "decision_loss"
        else:
            stage = "quote_loss"
        if stage != "ok":
            counts[stage] += 1
        row.update(stage=stage, top1=top1, top3=top3, answer=answer.answer[:400] if answer.answered else None,
                   passage=current[0].chunk.text[:600] if current else None)
        rows.append(row)
    return counts, rows


def _ratio(k: int, n: int) -> str:
    return f"{k / n:.2f}" if n else "-"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", action="append", required=True, help="name=QUESTIONS.jsonl[,...]:SOURCE_DIR")
    ap.add_argument("--split", default="fit", choices=("fit", "frozen", "all"))
    ap.add_argument("--rows", type=Path, help="write per-question rows (JSON) here")
    args = ap.parse_args()
    all_rows = {}
    print(f"split: {args.split}")
    print("| corpus | answerable | correct | lost: ranking (fact in top-3) | lost: decision | lost: quote |"
          " latent quote misses (top-1 holds fact) | unanswerable answered | escalated | precision | hit@1 | hit@3 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, (questions, source) in parse_sets(args.set).items():
        desk = open_desk(settings_for([str(source)]), progress=False)
        items = [i for q in questions for i in select(read_items(q), args.split)]
        c, rows = breakdown(desk, items)
        all_rows[name] = rows
        print(f"| {name} | {c['answerable']} | {c['correct']} | {c['rank_miss']} ({c['rank_miss_top3']}) |"
              f" {c['decision_loss']} | {c['quote_loss']} | {c['latent_quote_miss']}/{c['facts_top1']} |"
              f" {c['wrongly_answered']}/{c['unanswerable']} | {_ratio(c['unanswerable'] - c['wrongly_answered'], c['unanswerable'])} |"
              f" {_ratio(c['correct'], c['answered'])} | {_ratio(c['hit1'], c['answerable'])} |"
              f" {_ratio(c['hit3'], c['answerable'])} |", flush=True)
    if args.rows:
        args.rows.write_text(json.dumps(all_rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
