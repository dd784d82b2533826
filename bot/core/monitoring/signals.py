"""The signal register: opportunities, risks and issues the core team logs (function V).

Anyone may log a signal (a PRT participant who sees a risk should be able to say so);
only core-team members change one. Every change is a row in ``signal_changes`` (who,
when, old and new value) and an entry in the audit log, so the register's history can be
read back in full. Escalating to the LRT sets the status and queues the adapter's
announcement for ``LOKET_LRT_CHANNEL`` in the same transaction.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Callable, Iterable

from sqlalchemy import func, select

from bot.core.privacy import audit
from bot.core.monitoring import taxonomy as tx_
from bot.core.delivery.notices import Notice, Render, queue
from bot.core.service import NotAllowed
from bot.store.models import Signal, SignalChange, SignalEscalation, as_utc
from bot.store.repo import Store, Tx

log = logging.getLogger(__name__)

TITLE_MAX = 200
DESCRIPTION_MAX = 3000
EDITABLE = ("kind", "province", "theme", "title", "description", "severity", "status", "owner")

# status -> statuses it may move to (escalating goes through ``escalate``)
_NEXT: dict[str, tuple[str, ...]] = {
    tx_.NEW: (tx_.IN_PROGRESS, tx_.ESCALATED, tx_.CLOSED),
    tx_.IN_PROGRESS: (tx_.NEW, tx_.ESCALATED, tx_.CLOSED),
    tx_.ESCALATED: (tx_.IN_PROGRESS, tx_.CLOSED),
    tx_.CLOSED: (tx_.IN_PROGRESS,),  # reopened
}


class SignalError(ValueError):
    """A change the register refuses; ``str(exc)`` is Dutch, for the user."""


@dataclass(frozen=True)
class SignalChangeView:
    at: datetime
    actor: str | None
    field: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class SignalView:
    """A signal as the adapters render it (keys; labels via ``bot.core.monitoring.taxonomy``)."""

    id: int
    kind: str
    province: str
    theme: str
    title: str
    description: str
    severity: str
    status: str
    owner: str | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    source_channel_id: str | None = None
    source_ts: str | None = None
    source_user_id: str | None = None  # who wrote the message a signal was logged from (privacy)
    source_permalink: str | None = None
    lrt_channel_id: str | None = None
    lrt_escalated_at: datetime | None = None
    lrt_escalated_by: str | None = None
    escalations: tuple[int, ...] = ()
    history: tuple[SignalChangeView, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status != tx_.CLOSED


@dataclass(frozen=True)
class SignalDraft:
    """What a new signal starts with (the form's pre-filled values)."""

    kind: str = "issue"
    province: str = tx_.LANDELIJK
    theme: str = tx_.OTHER_THEME
    title: str = ""
    description: str = ""
    severity: str = "middel"
    owner: str | None = None
    source_channel_id: str | None = None
    source_ts: str | None = None
    source_user_id: str | None = None  # who wrote the message a signal was logged from (privacy)
    source_permalink: str | None = None
    escalations: tuple[int, ...] = field(default_factory=tuple)

    def validated(self) -> "SignalDraft":
        """Keys checked against the vocabularies; title required. Raises UnknownValue/SignalError."""
        title = " ".join((self.title or "").split())
        if not title:
            raise SignalError("Geef het signaal een titel.")
        if len(title) > TITLE_MAX:
            raise SignalError(f"De titel is te lang (maximaal {TITLE_MAX} tekens).")
        if len(self.description or "") > DESCRIPTION_MAX:
            raise SignalError(f"De beschrijving is te lang (maximaal {DESCRIPTION_MAX} tekens).")
        return replace(
            self, title=title, description=(self.description or "").strip(), kind=tx_.parse_kind(self.kind),
            province=tx_.parse_region(self.province), theme=tx_.parse_theme(self.theme),
            severity=tx_.parse_severity(self.severity), owner=self.owner or None,
        )


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SignalRegister:
    """Create, change, escalate and read signals."""

    def __init__(self, store: Store, *, is_core: Callable[[str], bool], clock: Callable[[], datetime] = _utcnow):
        self.store = store
        self.is_core = is_core
        self.clock = clock

    def _now(self) -> datetime:
        return self.clock().astimezone(timezone.utc)

    # -- creating -------------------------------------------------------------------------
    def create(self, draft: SignalDraft, *, user_id: str | None, notice: Render[SignalView] | None = None) -> SignalView:
        """Log a new signal (status "nieuw"); ``notice`` may announce it (e.g. in the core channel)."""
        draft = draft.validated()
        now = self._now()
        with self.store.tx() as tx:
            for number in draft.escalations:
                tx.escalation(number)  # KeyError for an unknown escalation
            row = Signal(kind=draft.kind, province=draft.province, theme=draft.theme, title=draft.title,
                         description=draft.description, severity=draft.severity, status=tx_.NEW, owner=draft.owner,
                         created_by=user_id, source_channel_id=draft.source_channel_id, source_ts=draft.source_ts,
                         source_user_id=draft.source_user_id, source_permalink=draft.source_permalink, created_at=now, updated_at=now)
            tx.session.add(row)
            tx.session.flush()
            _change(tx, row.id, user_id, "created", None, tx_.NEW, now)
            for number in sorted(set(draft.escalations)):
                tx.session.add(SignalEscalation(signal_id=row.id, escalation_id=number, created_at=now))
                _change(tx, row.id, user_id, "escalation", None, f"#{number}", now)
            audit.append(tx.session, actor=user_id or audit.SYSTEM_ACTOR, action="signal.create", object_type="signal",
                         object_id=row.id, result=audit.RESULT_OK, now=now)
            view = _view(tx, row)
            if notice is not None:
                queue(tx, notice(view), dedupe_key=f"signal{row.id}:created", now=now)
        log.info("signal %s created (%s, %s)", view.id, view.kind, view.status)
        return view

    def draft_from_escalation(self, number: int) -> SignalDraft:
        """A draft from escalation #number: its question as description, linked to it."""
        from bot.core.monitoring.themes import classify_question

        with self.store.tx() as tx:
            esc = tx.escalation(number)
            question = tx.question(esc.question_id)
            text = question.text
            answer = esc.answer_text
            province, theme = question.province, question.theme
            passages = question.passages
        title = text if len(text) <= 120 else text[:117].rstrip() + "…"
        description = text if not answer else f"{text}\n\nAntwoord kernteam: {answer}"
        return SignalDraft(
            kind="issue", title=f"Vraag #{number}: {title}", description=description[:DESCRIPTION_MAX],
            theme=_known_theme(theme) or classify_question(text, passages), province=_known_region(province),
            escalations=(number,),
        )

    # -- changing -------------------------------------------------------------------------
    def _require_core(self, user_id: str, action: str, signal_id: int) -> None:
        if self.is_core(user_id):
            return
        with self.store.tx() as own:
            audit.append(own.session, actor=user_id, action=action, object_type="signal", object_id=signal_id,
                         result=audit.RESULT_DENIED, now=self._now())
        raise NotAllowed("Alleen het kernteam kan een signaal wijzigen.")

    def update(self, signal_id: int, *, user_id: str, note: str | None = None,
               notice: Render[SignalView] | None = None, **changes: str | None) -> SignalView:
        """Change fields of a signal (core team only); unchanged values are not recorded.

        ``status="geescaleerd"`` escalates to the LRT (see :meth:`escalate`, ``notice``
        announces it). ``note`` adds a remark to the history. KeyError if unknown.
        """
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise SignalError(f"Onbekend veld: {', '.join(sorted(unknown))}.")
        self._require_core(user_id, "signal.change", signal_id)
        clean = _clean_changes(changes)
        now = self._now()
        with self.store.tx() as tx:
            row = _row(tx, signal_id, for_update=True)
            escalate = clean.pop("status", None) if clean.get("status") == tx_.ESCALATED else None
            if "status" in clean:
                _check_status(row.status, clean["status"])
            changed = [f for f, v in clean.items() if getattr(row, f) != v]
            for name in changed:
                _change(tx, row.id, user_id, name, getattr(row, name), clean[name], now)
                setattr(row, name, clean[name])
            if note and note.strip():
                _change(tx, row.id, user_id, "note", None, note.strip()[:DESCRIPTION_MAX], now)
                changed.append("note")
            if escalate:
                self._escalate(tx, row, user_id, now, notice)
                changed.append("status")
            if changed:
                row.updated_at = now
                audit.append(tx.session, actor=user_id, action="signal.change", object_type="signal",
                             object_id=row.id, result=audit.RESULT_OK, detail=",".join(changed), now=now)
            view = _view(tx, row)
        log.info("signal %s changed: %s", signal_id, ",".join(changed) or "nothing")
        return view

    def escalate(self, signal_id: int, *, user_id: str, notice: Render[SignalView] | None = None) -> SignalView:
        """Escalate to the LRT: status "geescaleerd", recorded, ``notice`` queued for the LRT channel."""
        return self.update(signal_id, user_id=user_id, notice=notice, status=tx_.ESCALATED)

    def _escalate(self, tx: Tx, row: Signal, user_id: str, now: datetime, notice: Render[SignalView] | None) -> None:
        if row.status == tx_.ESCALATED:
            raise SignalError(f"Signaal {row.id} is al geëscaleerd naar de LRT.")
        _check_status(row.status, tx_.ESCALATED)
        _change(tx, row.id, user_id, "status", row.status, tx_.ESCALATED, now)
        row.status, row.lrt_escalated_at, row.lrt_escalated_by = tx_.ESCALATED, now, user_id
        rendered = notice(_view(tx, row)) if notice is not None else None
        row.lrt_channel_id = rendered.channel_id if rendered is not None else None
        count = tx.session.scalar(select(func.count(SignalChange.id)).where(
            SignalChange.signal_id == row.id, SignalChange.field == "lrt"))
        _change(tx, row.id, user_id, "lrt", None, row.lrt_channel_id or "(geen LRT-kanaal ingesteld)", now)
        queue(tx, rendered, dedupe_key=f"signal{row.id}:lrt:{count + 1}", now=now)

    def link_escalation(self, signal_id: int, number: int, *, user_id: str) -> SignalView:
        """Relate escalation #number to the signal (core team only; idempotent)."""
        self._require_core(user_id, "signal.change", signal_id)
        now = self._now()
        with self.store.tx() as tx:
            row = _row(tx, signal_id, for_update=True)
            tx.escalation(number)
            if tx.session.get(SignalEscalation, (signal_id, number)) is None:
                tx.session.add(SignalEscalation(signal_id=signal_id, escalation_id=number, created_at=now))
                _change(tx, signal_id, user_id, "escalation", None, f"#{number}", now)
                row.updated_at = now
            return _view(tx, row)

    # -- reading --------------------------------------------------------------------------
    def get(self, signal_id: int) -> SignalView:
        """One signal with its history and linked escalations (KeyError if unknown)."""
        with self.store.tx() as tx:
            return _view(tx, _row(tx, signal_id), history=True)

    def list(self, *, status: Iterable[str] | None = None, province: str | None = None, kind: str | None = None,
             theme: str | None = None, open_only: bool = False) -> list[SignalView]:
        """Signals, newest first; filters take keys (see ``bot.core.monitoring.taxonomy``)."""
        stmt = select(Signal).order_by(Signal.id.desc())
        if open_only:
            stmt = stmt.where(Signal.status != tx_.CLOSED)
        if status:
            stmt = stmt.where(Signal.status.in_(list(status)))
        for column, value in ((Signal.province, province), (Signal.kind, kind), (Signal.theme, theme)):
            if value:
                stmt = stmt.where(column == value)
        with self.store.tx() as tx:
            return [_view(tx, row) for row in tx.session.scalars(stmt)]

    def signals_for_escalation(self, number: int) -> list[int]:
        """Ids of the signals an escalation is linked to."""
        with self.store.tx() as tx:
            stmt = select(SignalEscalation.signal_id).where(SignalEscalation.escalation_id == number)
            return sorted(tx.session.scalars(stmt))


# -- helpers ---------------------------------------------------------------------------------
def _clean_changes(changes: dict[str, str | None]) -> dict[str, str | None]:
    """Parse the given values into keys; None means "not given" except for ``owner``."""
    parsers: dict[str, Callable[[str], str]] = {
        "kind": tx_.parse_kind, "province": tx_.parse_region, "theme": tx_.parse_theme,
        "severity": tx_.parse_severity, "status": tx_.parse_signal_status,
    }
    clean: dict[str, str | None] = {}
    for name, value in changes.items():
        if name == "owner":
            clean[name] = value or None
        elif value is None:
            continue
        elif name in parsers:
            clean[name] = parsers[name](value)
        elif name == "title":
            clean[name] = SignalDraft(title=value).validated().title
        else:
            clean[name] = SignalDraft(title="x", description=value).validated().description
    return clean


def _check_status(old: str, new: str) -> None:
    if old != new and new not in _NEXT.get(old, ()):
        raise SignalError(f"Een signaal met status '{tx_.label(tx_.SIGNAL_STATUSES, old)}' kan niet naar "
                          f"'{tx_.label(tx_.SIGNAL_STATUSES, new)}'.")


def _change(tx: Tx, signal_id: int, actor: str | None, name: str, old: str | None, new: str | None, now: datetime) -> None:
    tx.session.add(SignalChange(signal_id=signal_id, at=now, actor=actor, field=name, old_value=old, new_value=new))


def _row(tx: Tx, signal_id: int, *, for_update: bool = False) -> Signal:
    stmt = select(Signal).where(Signal.id == signal_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = tx.session.scalar(stmt)
    if row is None:
        raise KeyError(f"signal {signal_id}")
    return row


def _known_theme(value: str | None) -> str | None:
    return value if value in tx_.THEMES else None


def _known_region(value: str | None) -> str:
    try:
        return tx_.parse_region(value) if value else tx_.LANDELIJK
    except tx_.UnknownValue:
        return tx_.LANDELIJK


def _view(tx: Tx, row: Signal, *, history: bool = False) -> SignalView:
    tx.session.flush()
    links = tx.session.scalars(select(SignalEscalation.escalation_id).where(SignalEscalation.signal_id == row.id))
    changes: tuple[SignalChangeView, ...] = ()
    if history:
        stmt = select(SignalChange).where(SignalChange.signal_id == row.id).order_by(SignalChange.at, SignalChange.id)
        changes = tuple(SignalChangeView(as_utc(c.at), c.actor, c.field, c.old_value, c.new_value)
                        for c in tx.session.scalars(stmt))
    return SignalView(
        id=row.id, kind=row.kind, province=row.province, theme=row.theme, title=row.title,
        description=row.description or "", severity=row.severity, status=row.status, owner=row.owner,
        created_by=row.created_by, created_at=as_utc(row.created_at), updated_at=as_utc(row.updated_at),
        source_channel_id=row.source_channel_id, source_ts=row.source_ts, source_user_id=row.source_user_id,
        source_permalink=row.source_permalink,
        lrt_channel_id=row.lrt_channel_id, lrt_escalated_at=as_utc(row.lrt_escalated_at),
        lrt_escalated_by=row.lrt_escalated_by, escalations=tuple(sorted(links)), history=changes,
    )


__all__ = ["SignalRegister", "SignalView", "SignalDraft", "SignalChangeView", "SignalError", "NotAllowed", "Notice"]
