"""Privacy hook for the stored weekly summaries (``weekly_summaries.figures``). See
:mod:`bot.core.privacy`.

A stored summary keeps what was posted: open escalations with who claimed them, signal
titles (which may quote a question or a logged message) and knowledge-gap examples
("#12 Hoeveel …", an asker's words). Forgetting a person removes the examples of their
questions, refreshes signal titles that were erased meanwhile and replaces their id;
retention drops the examples and the names of summaries older than the cutoff (the
counts stay).
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.privacy import PSEUDONYM, Counts, PrivacyHook, register_hook
from bot.store.models import Escalation, Signal, WeeklySummaryRun


def _their_examples(numbers: set[int]):
    prefixes = tuple(f"#{n} " for n in numbers)
    return lambda example: bool(prefixes) and str(example).startswith(prefixes)


def _rewrite(figures: dict[str, Any], *, drop_example, titles: dict[int, str], user_id: str | None) -> dict[str, Any]:
    """A copy of ``figures`` without the examples ``drop_example`` picks, with current
    signal titles, and ``user_id`` replaced by the pseudonym."""
    data = json.loads(json.dumps(figures))
    for gap in data.get("knowledge_gaps") or []:
        gap["examples"] = [e for e in gap.get("examples") or [] if not drop_example(e)]
    for key in ("new_signals", "changed_signals", "escalated_signals"):
        for line in data.get(key) or []:
            if line.get("id") in titles:
                line["title"] = titles[line["id"]]
    if user_id:
        data = json.loads(json.dumps(data).replace(user_id, PSEUDONYM))
    return data


def _titles(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Signal.id, Signal.title)).all())


def forget(session: Session, user_id: str, now: datetime) -> Counts:
    numbers = set(session.scalars(select(Escalation.id).where(Escalation.asker_user_id == user_id)))
    titles, changed = _titles(session), 0
    for row in session.scalars(select(WeeklySummaryRun).where(WeeklySummaryRun.figures.is_not(None))):
        new = _rewrite(row.figures, drop_example=_their_examples(numbers), titles=titles, user_id=user_id)
        if new != row.figures:
            row.figures, changed = new, changed + 1
    return {"weekly_summaries": changed}


def export(session: Session, user_id: str) -> list[dict[str, Any]]:
    """The weeks whose stored summary names the person or quotes their questions."""
    numbers = set(session.scalars(select(Escalation.id).where(Escalation.asker_user_id == user_id)))
    theirs = _their_examples(numbers)
    weeks = []
    for row in session.scalars(select(WeeklySummaryRun).where(WeeklySummaryRun.figures.is_not(None))
                               .order_by(WeeklySummaryRun.iso_week)):
        examples = [e for gap in row.figures.get("knowledge_gaps") or [] for e in gap.get("examples") or [] if theirs(e)]
        if examples or user_id in json.dumps(row.figures):
            weeks.append({"week": row.iso_week, "examples": examples, "named": user_id in json.dumps(row.figures)})
    return weeks


def expire(session: Session, cutoff: datetime, now: datetime) -> Counts:
    changed = 0
    for row in session.scalars(select(WeeklySummaryRun).where(WeeklySummaryRun.figures.is_not(None),
                                                              WeeklySummaryRun.claimed_at < cutoff)):
        data = _rewrite(row.figures, drop_example=lambda e: True, titles={}, user_id=None)
        for item in data.get("open_escalations") or []:
            item["claimed_by"] = PSEUDONYM if item.get("claimed_by") else None
        if data != row.figures:
            row.figures, changed = data, changed + 1
    return {"weekly_summaries": changed}


# after monitoring (signal titles erased first) and before the core hook (askers still known)
register_hook(PrivacyHook("weekly", forget=forget, export=export, expire=expire, order=70))
