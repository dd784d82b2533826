"""How mistyped questions fare: one synthetic typing slip per question, spelling correction off and on.

Only the FIT part of each labelled set is read (``bot.core.answering.evaluation.is_frozen``).
Each question gets one slip (two neighbouring letters swapped, one left out, one added or
one replaced; seeded, so every run and every mode sees the same slips) in its longest plain
lower-case word of seven letters or more; questions without such a word are skipped.
Printed per set, over the same questions: answered with the fact (answerable) and escalated
(unanswerable), as written, with the slip and correction off, and with the slip and correction on.

    python scripts/typo_eval.py --set shared=Q1.jsonl,Q2.jsonl:../shared/corpus [--seed 7]
"""
from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.cli.common import open_desk, settings_for  # noqa: E402
from bot.core.answering.evaluation import judge, read_items, select  # noqa: E402
from index.search import SearchIndex  # noqa: E402
from tune_quality import parse_sets  # noqa: E402  (same folder: one parser for the set specs)

_PLAIN_WORD = re.compile(r"(?<![\w-])[a-zà-ÿ]{7,}(?![\w-])")


def with_slip(question: str, rng: random.Random) -> str | None:
    """``question`` with one typing slip in its longest plain word, or None when it has none."""
    words = list(_PLAIN_WORD.finditer(question))
    if not words:
        return None
    match = max(words, key=lambda m: len(m.group(0)))
    w, i = match.group(0), rng.randrange(1, len(match.group(0)) - 1)
    kind = rng.choice(("swap", "drop", "add", "replace"))
    slipped = {
        "swap": w[:i] + w[i + 1] + w[i] + w[i + 2:],
        "drop": w[:i] + w[i + 1:],
        "add": w[:i] + rng.choice("aeiounrst") + w[i:],
        "replace": w[:i] + rng.choice("aeiounrst") + w[i + 1:],
    }[kind]
    return question[:match.start()] + slipped + question[match.end():]


def score(desk, pairs) -> tuple[int, int, int, int]:
    """(answered with fact, answerable, escalated, unanswerable) over (item, question text) pairs,
    judged as ``loket eval`` judges them."""
    rows = [judge(item, desk.ask(text), 0.0) for item, text in pairs]
    answerable = [r["correct"] for r in rows if r["answerable"]]
    unanswerable = [r["correct"] for r in rows if not r["answerable"]]
    return sum(answerable), len(answerable), sum(unanswerable), len(unanswerable)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", action="append", required=True, help="name=QUESTIONS.jsonl[,...]:SOURCE_DIR")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    print("| set | questions | as written: answered / escalated | slip, no correction | slip, corrected |")
    print("|---|---|---|---|---|")
    spell = SearchIndex.spell
    for name, (questions, source) in parse_sets(args.set).items():
        desk = open_desk(settings_for([str(source)]), progress=False)
        rng = random.Random(args.seed)
        items = [i for q in questions for i in select(read_items(q), "fit")]
        slipped = [(i, s) for i in items if (s := with_slip(i.question, rng)) is not None]
        clean = score(desk, [(i, i.question) for i, _ in slipped])
        try:
            SearchIndex.spell = lambda self, question: (question, [])  # correction off (terms and embedding)
            off = score(desk, slipped)
        finally:
            SearchIndex.spell = spell
        on = score(desk, slipped)
        cells = [f"{r}/{a} / {e}/{u}" for r, a, e, u in (clean, off, on)]
        print(f"| {name} | {len(slipped)} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
