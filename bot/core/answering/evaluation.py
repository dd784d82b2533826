"""Evaluate the desk on a JSONL question file (``../shared/eval/dev.jsonl`` shape).

Each line: ``{"id", "question", "expect": [facts] | null, "doc": "path" (optional)}``.
``doc`` (or a list ``expect_pages``) names the page that answers, relative to the source
root. A question is answerable when it has facts or a page. It is answered well when
Loket answers and one fact appears in the answer (or, with only a page, the answer cites
that page); a question with neither means the right behaviour is to escalate.

Every labelled set is split the same fixed way into a part one may fit on and a frozen
part that is only reported (:func:`is_frozen`).
"""
from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from index.text import fold

from .answer import Answer

SPLITS = ("all", "fit", "frozen")


def is_frozen(item_id: str) -> bool:
    """The fixed split rule shared by every helper: about 2 in 5 questions are frozen."""
    return int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % 5 < 2


@dataclass(frozen=True)
class EvalItem:
    id: str
    question: str
    expect: list[str] | None
    docs: tuple[str, ...] = ()  # pages that answer it (paths relative to the source root)

    @property
    def answerable(self) -> bool:
        return bool(self.expect) or bool(self.docs)


def select(items: Sequence[EvalItem], split: str = "all") -> list[EvalItem]:
    """The items of one part of the fixed split ("all", "fit" or "frozen")."""
    if split not in SPLITS:
        raise ValueError(f"onbekende split '{split}': kies uit {', '.join(SPLITS)}")
    if split == "all":
        return list(items)
    return [i for i in items if is_frozen(i.id) == (split == "frozen")]


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """95% Wilson score interval of a proportion (sound for small n and shares near 0 or 1)."""
    if n == 0:
        return None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return round(max(0.0, centre - half), 3), round(min(1.0, centre + half), 3)


def _share(rows: Sequence[dict[str, Any]], key: str) -> dict[str, Any]:
    k = sum(1 for r in rows if r[key])
    return {"value": round(k / len(rows), 3) if rows else None, "k": k, "n": len(rows), "ci95": wilson(k, len(rows))}


@dataclass
class EvalResult:
    """Per-question outcome and the summary figures."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def part(self, split: str) -> "EvalResult":
        """The rows of one part of the fixed split."""
        if split == "all":
            return EvalResult(list(self.rows))
        return EvalResult([r for r in self.rows if is_frozen(r["id"]) == (split == "frozen")])

    def summary(self) -> dict[str, Any]:
        """Shares with counts and 95% intervals; the flat keys stay for callers and tests."""
        answerable = [r for r in self.rows if r["answerable"]]
        unanswerable = [r for r in self.rows if not r["answerable"]]
        answered = [r for r in self.rows if r["answered"]]
        lat = np.array([r["latency_ms"] for r in self.rows]) if self.rows else np.zeros(1)
        detail = {
            "answered_correct": _share(answerable, "correct"),
            "answered_wrong": _share(answerable, "answered_wrong"),
            "escalated_unanswerable": _share(unanswerable, "correct"),
            "precision_answered": _share(answered, "correct"),
            "share_answered": _share(self.rows, "answered"),
            "hit_at_1": _share(answerable, "hit1"),
            "hit_at_3": _share(answerable, "hit3"),
        }
        return {
            "questions": len(self.rows),
            "answerable": len(answerable),
            "unanswerable": len(unanswerable),
            **{k: v["value"] for k, v in detail.items()},
            "latency_p50_ms": round(float(np.percentile(lat, 50)), 1),
            "latency_p95_ms": round(float(np.percentile(lat, 95)), 1),
            "detail": detail,
        }


def _docs(d: dict[str, Any]) -> tuple[str, ...]:
    pages = d.get("expect_pages") or []
    if d.get("doc"):
        pages = [d["doc"], *pages]
    if isinstance(pages, str):
        pages = [pages]
    return tuple(str(p) for p in pages)


def read_items(path: Path) -> list[EvalItem]:
    """Read an eval file; a broken line is reported with its number."""
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            expect = d.get("expect")
            if isinstance(expect, str):
                expect = [expect]
            items.append(EvalItem(str(d.get("id", n)), str(d["question"]), expect or None, _docs(d)))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}:{n}: geen geldige evaluatieregel ({type(exc).__name__})") from exc
    return items


def contains_fact(text: str, facts: Sequence[str]) -> bool:
    """Case-, accent- and whitespace-insensitive containment of any expected fact (a fact
    that wraps over a line break in the answer is still in it)."""
    t = _spaced(text)
    return any(_spaced(f) in t for f in facts)


def _spaced(text: str) -> str:
    return " ".join(fold(text).split())


def on_page(path: str | None, docs: Sequence[str]) -> bool:
    """Whether a cited document path is one of the expected pages (paths compared by their end)."""
    if not path:
        return False
    p = path.replace("\\", "/").lstrip("./")
    return any(p == d or p.endswith("/" + d.lstrip("./")) for d in docs)


def holds_answer(item: EvalItem, text: str, path: str | None) -> bool:
    """Whether a passage (or answer) with ``text`` from ``path`` answers the item: its fact
    when it has facts, else its page."""
    if item.expect:
        return contains_fact(text, item.expect)
    return on_page(path, item.docs)


def judge(item: EvalItem, answer: Answer, latency_ms: float) -> dict[str, Any]:
    """One row of the evaluation report."""
    passages = list(answer.passages)
    if not item.answerable:
        correct = not answer.answered
        hit1 = hit3 = False
    else:
        cited = [s.path for s in answer.sources]
        if item.expect:
            correct = answer.answered and contains_fact(answer.answer, item.expect)
        else:
            correct = answer.answered and any(on_page(p, item.docs) for p in cited[:1])
        hit1 = bool(passages) and holds_answer(item, passages[0].text, passages[0].source.path)
        hit3 = any(holds_answer(item, p.text, p.source.path) for p in passages[:3])
    return {
        "id": item.id, "question": item.question, "expect": item.expect, "docs": list(item.docs),
        "answerable": item.answerable, "answered": answer.answered, "correct": correct,
        "answered_wrong": answer.answered and not correct and item.answerable,
        "hit1": hit1, "hit3": hit3, "confidence": round(answer.confidence, 3), "latency_ms": round(latency_ms, 2),
        "source": answer.passages[0].source.section if answer.passages else None,
        "path": answer.passages[0].source.path if answer.passages else None,
    }


def evaluate(ask: Callable[[str], Answer], items: Sequence[EvalItem]) -> EvalResult:
    """Ask every question once (timed) and judge the answers."""
    result = EvalResult()
    for item in items:
        t0 = time.perf_counter()
        answer = ask(item.question)
        result.rows.append(judge(item, answer, (time.perf_counter() - t0) * 1000))
    return result
