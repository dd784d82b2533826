"""How current a source is: ``updated``, ``valid_from``, ``valid_until``, ``superseded_by``.

Knowledge pages carry these in their front matter (see ``knowledge/README.md``). The
desk answers from current documents first: a superseded or expired page is only used
when no current page answers the question, and then the answer says so
(:func:`answer_current_first`). Everything here is a pure function of chunk metadata and
a date, so it is tested without an index.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Callable, Mapping, Sequence

from index.search import Hit

CURRENT = "current"
EXPIRED = "expired"  # valid_until lies in the past
SUPERSEDED = "superseded"  # another page replaces it
NOT_YET = "not_yet"  # valid_from lies in the future

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")


@dataclass(frozen=True)
class Validity:
    """The validity fields of one document and what they mean on ``today``."""

    state: str
    updated: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    superseded_by: str | None = None

    @property
    def current(self) -> bool:
        return self.state == CURRENT


def parse_date(value: Any) -> date | None:
    """A front-matter date (``YYYY-MM-DD``, as the loaders store it); None when absent or malformed."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10]) if value else None
    except ValueError:
        return None


def validity(meta: Mapping[str, Any], today: date | None = None) -> Validity:
    """The validity of a document from its metadata."""
    today = today or date.today()
    until, since = parse_date(meta.get("valid_until")), parse_date(meta.get("valid_from"))
    successor = str(meta.get("superseded_by") or "").strip() or None
    if successor:
        state = SUPERSEDED
    elif until is not None and until < today:
        state = EXPIRED
    elif since is not None and since > today:
        state = NOT_YET
    else:
        state = CURRENT
    return Validity(state, parse_date(meta.get("updated")), since, until, successor)


def dutch_date(day: date) -> str:
    """'15 september 2020'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def currency_label(meta: Mapping[str, Any], today: date | None = None) -> str | None:
    """How current a source is, for its citation: 'bijgewerkt 15 september 2020', 'verouderd: …'."""
    v = validity(meta, today)
    if not v.current:
        return f"verouderd: {outdated_reason(v)}"
    if v.updated:
        return f"bijgewerkt {dutch_date(v.updated)}"
    return None


def outdated_reason(v: Validity) -> str:
    if v.state == SUPERSEDED:
        return f"vervangen door {v.superseded_by}"
    if v.state == EXPIRED and v.valid_until:
        return f"geldig tot {dutch_date(v.valid_until)}"
    if v.state == NOT_YET and v.valid_from:
        return f"geldt pas vanaf {dutch_date(v.valid_from)}"
    return "niet meer actueel"


def outdated_note(meta: Mapping[str, Any], today: date | None = None) -> str:
    """The warning put above an answer that could only be found in an outdated source."""
    reason = outdated_reason(validity(meta, today))
    return (f"Let op: dit antwoord komt uit een bron die niet meer actueel is ({reason}). "
            "Een actuele bron heb ik hiervoor niet gevonden.")


def split_hits(hits: Sequence[Hit], today: date | None = None) -> tuple[list[Hit], list[Hit]]:
    """``(current, outdated)``, each in the original order."""
    current, outdated = [], []
    for hit in hits:
        (current if validity(hit.chunk.meta, today).current else outdated).append(hit)
    return current, outdated


def _best(*groups: Sequence[Any], n: int = 3) -> list[Any]:
    """The ``n`` highest-scoring sources or passages of several lists (a passage scores by its source)."""
    items = [item for group in groups for item in group]
    return sorted(items, key=lambda i: -getattr(getattr(i, "source", i), "score", 0.0))[:n]


def answer_current_first(answer_hits: Callable[[Any, list[Hit]], Any], query: Any, hits: Sequence[Hit], *,
                         k: int, today: date | None = None):
    """Answer from current documents; fall back to outdated ones, with a warning.

    ``answer_hits(query, hits)`` is the desk's answer-from-these-hits step. Without any
    outdated hit this is exactly ``answer_hits(query, hits[:k])``.
    """
    current, outdated = split_hits(hits, today)
    answer = answer_hits(query, current[:k])
    if answer.answered or not outdated:
        return answer
    fallback = answer_hits(query, outdated[:k])
    if not fallback.answered:  # the core team still sees the best of what Loket found
        return replace(answer, sources=_best(answer.sources, fallback.sources),
                       passages=_best(answer.passages, fallback.passages))
    note = outdated_note(outdated[0].chunk.meta, today)  # the desk quotes the best hit first
    return replace(fallback, answer=f"{note}\n\n{fallback.answer}")
