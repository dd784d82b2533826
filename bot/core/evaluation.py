"""Evaluate the desk on a JSONL question file (``../shared/eval/dev.jsonl`` shape).

Each line: ``{"id", "question", "expect": [facts] | null}``. A question with facts is
answered well when Loket answers and one fact appears in the answer; ``expect: null``
means the right behaviour is to escalate.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from index.text import fold

from .answer import Answer


@dataclass(frozen=True)
class EvalItem:
    id: str
    question: str
    expect: list[str] | None


@dataclass
class EvalResult:
    """Per-question outcome and the summary figures."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        answerable = [r for r in self.rows if r["expect"] is not None]
        unanswerable = [r for r in self.rows if r["expect"] is None]
        lat = np.array([r["latency_ms"] for r in self.rows]) if self.rows else np.zeros(1)
        share = lambda rows, key: round(sum(r[key] for r in rows) / len(rows), 3) if rows else None  # noqa: E731
        return {
            "questions": len(self.rows),
            "answerable": len(answerable),
            "unanswerable": len(unanswerable),
            "answered_correct": share(answerable, "correct"),
            "answered_wrong": share(answerable, "answered_wrong"),
            "escalated_unanswerable": share(unanswerable, "correct"),
            "hit_at_1": share(answerable, "hit1"),
            "hit_at_3": share(answerable, "hit3"),
            "latency_p50_ms": round(float(np.percentile(lat, 50)), 1),
            "latency_p95_ms": round(float(np.percentile(lat, 95)), 1),
        }


def read_items(path: Path) -> list[EvalItem]:
    """Read an eval file; a broken line is reported with its number."""
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            items.append(EvalItem(str(d.get("id", n)), str(d["question"]), d.get("expect")))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: geen geldige evaluatieregel ({type(exc).__name__})") from exc
    return items


def contains_fact(text: str, facts: Sequence[str]) -> bool:
    """Case- and accent-insensitive containment of any expected fact."""
    t = fold(text)
    return any(fold(f) in t for f in facts)


def judge(item: EvalItem, answer: Answer, latency_ms: float) -> dict[str, Any]:
    """One row of the evaluation report."""
    texts = [p.text for p in answer.passages]
    if item.expect is None:
        correct = not answer.answered
        hit1 = hit3 = False
    else:
        correct = answer.answered and contains_fact(answer.answer, item.expect)
        hit1 = bool(texts) and contains_fact(texts[0], item.expect)
        hit3 = any(contains_fact(t, item.expect) for t in texts[:3])
    return {
        "id": item.id, "question": item.question, "expect": item.expect, "answered": answer.answered,
        "correct": correct, "answered_wrong": answer.answered and not correct and item.expect is not None,
        "hit1": hit1, "hit3": hit3, "confidence": round(answer.confidence, 3), "latency_ms": round(latency_ms, 2),
        "source": answer.passages[0].source.section if answer.passages else None,
    }


def evaluate(ask: Callable[[str], Answer], items: Sequence[EvalItem]) -> EvalResult:
    """Ask every question once (timed) and judge the answers."""
    result = EvalResult()
    for item in items:
        t0 = time.perf_counter()
        answer = ask(item.question)
        result.rows.append(judge(item, answer, (time.perf_counter() - t0) * 1000))
    return result
