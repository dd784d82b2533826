"""Print fit/frozen figures from ``loket eval --details --json`` outputs (one row per file and part).

    python scripts/eval_table.py NAME=FILE.json[,FILE.json ...] [NAME=...]   (files after one name are pooled)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.answering.evaluation import EvalResult  # noqa: E402


def load(path: str) -> dict:
    text = Path(path).read_text(encoding="utf-8")
    return json.loads(text[text.index("{"):])  # skip any log lines before the JSON


def fmt(share: dict) -> str:
    if share["value"] is None:
        return "–"
    lo, hi = share["ci95"]
    return f"{share['value']:.2f} ({share['k']}/{share['n']}; {lo:.2f}–{hi:.2f})"


def main() -> int:
    print("| set | part | answered with fact/page | escalated (unanswerable) | precision of answered | hit@1 | hit@3 | p50 ms |")
    print("|---|---|---|---|---|---|---|---|")
    for spec in sys.argv[1:]:
        name, _, path = spec.partition("=")
        result = EvalResult([row for one in path.split(",") for row in load(one)["rows"]])
        for part in ("fit", "frozen"):
            s = result.part(part).summary()
            d = s["detail"]
            print(f"| {name} | {part} | {fmt(d['answered_correct'])} | {fmt(d['escalated_unanswerable'])} | "
                  f"{fmt(d['precision_answered'])} | {fmt(d['hit_at_1'])} | {fmt(d['hit_at_3'])} | {s['latency_p50_ms']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
