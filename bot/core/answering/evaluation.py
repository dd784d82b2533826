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


FIELDS = ("id", "question", "expect", "doc", "expect_pages")
LINE_SHAPE = ('een JSON-object per regel, zoals {"id": "v1", "question": "Wat is ...?", '
              '"expect": ["feit"] of null, "doc": "pagina.md"}')


def _strings(value: Any, field_name: str) -> list[str]:
    """A string or a list of non-empty strings (facts, pages); anything else is a labelling error."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ValueError(f"'{field_name}' moet tekst of een lijst met teksten zijn")
    return values


def _docs(d: dict[str, Any]) -> tuple[str, ...]:
    pages = _strings(d.get("expect_pages") or [], "expect_pages")
    if d.get("doc"):
        pages = [*_strings(d["doc"], "doc"), *pages]
    return tuple(pages)


def _parsed(line: str) -> dict[str, Any]:
    """One line as a JSON object; ValueError says what is wrong with it (in Dutch)."""
    try:
        d = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"geen geldige JSON (bij teken {exc.pos + 1})") from None
    if not isinstance(d, dict):
        raise ValueError("geen JSON-object")
    return d


def _item(d: dict[str, Any], n: int) -> EvalItem:
    """One parsed line as an item; ValueError says what is wrong with it (in Dutch)."""
    question = d.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("het veld 'question' ontbreekt of is leeg")
    expect = d.get("expect")
    if expect is not None:
        try:
            expect = _strings(expect, "expect")
        except ValueError:
            raise ValueError("'expect' moet een lijst met feiten zijn, of null voor een vraag die de bronnen "
                             "niet beantwoorden") from None
    return EvalItem(str(d.get("id", n)), question, expect or None, _docs(d))


def read_items(path: Path, *, on_warning: Callable[[str], None] | None = None) -> list[EvalItem]:
    """Read an eval file; a broken line is reported with its number and the expected shape.

    Fields Loket does not know (a typo such as ``expected`` would silently turn a question
    into an unanswerable one) and repeated ids are passed to ``on_warning``.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: geen tekstbestand in UTF-8 - verwacht {LINE_SHAPE}") from None
    items, unknown, seen = [], {}, set()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = _parsed(line)
            item = _item(d, n)
        except ValueError as exc:
            raise ValueError(f"{path}:{n}: {exc} - verwacht {LINE_SHAPE}") from None
        for key in d:
            if key not in FIELDS:
                unknown.setdefault(key, n)
        if item.id in seen and on_warning is not None:
            on_warning(f"{path}:{n}: id '{item.id}' komt vaker voor; geef elke vraag een eigen id")
        seen.add(item.id)
        items.append(item)
    if unknown and on_warning is not None:
        where = ", ".join(f"'{key}' (regel {n})" for key, n in unknown.items())
        on_warning(f"{path}: onbekende velden genegeerd: {where}; Loket leest alleen {', '.join(FIELDS)}")
    return items


def missing_pages(items: Sequence[EvalItem], indexed_paths: Sequence[str]) -> list[EvalItem]:
    """Items whose ``doc`` pages are none of them in the index: they can never count as
    answered well, which usually means a wrong path or another corpus."""
    return [i for i in items if i.docs and not any(on_page(p, i.docs) for p in indexed_paths)]


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
