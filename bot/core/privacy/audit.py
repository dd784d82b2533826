"""The audit log: who did what to which object, with what result, and when.

Core-team actions (claiming, answering, closing, referring escalations, saving verified
answers, changing signals, announcements, the summary) and their refusals are appended to
``audit_log``. Rows are never changed (database triggers refuse it) and form a hash chain:
each row stores ``hash = HMAC-SHA256(key, prev_hash + canonical row)`` and ``audit_head``
points at the last one, so :func:`verify` finds a changed, inserted or removed row.

The key (``LOKET_AUDIT_KEY``) lives outside the database: someone who can write the
database cannot recompute a valid chain after changing it. Rows written before a key was
configured carry a plain ``sha256``: with a key, those are accepted only up to the
sequence number the operator names (``verify --unkeyed-until N``), so a chain rewritten
from the start without the key does not pass. The head
is also an ordinary row, so rows cut off the end together with a rewound head are caught
only against an anchor kept elsewhere: ``loket audit export-head`` prints ``SEQ:HASH``,
``loket audit verify --head SEQ:HASH`` checks that the chain still contains it.

The actor's Slack id is covered by the chain only through a salted digest. A privacy
request (``loket privacy forget``) may erase ``actor`` and ``actor_salt``; the chain stays
verifiable and the digest can no longer be linked to the person. Every such request is
itself audited with the number of rows it erased, so :func:`verify` reports actors erased
by plain SQL outside a privacy request.

Append in the transaction of the change (:func:`append`), so the action and its audit row
commit together; :class:`AuditLog` has the stand-alone operations.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterator

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.store.models import AuditEntry, AuditHead, as_utc
from bot.store.repo import Store

GENESIS = "0" * 64
HEAD_ID = 1

RESULT_OK = "ok"
RESULT_DENIED = "denied"  # not allowed (not in the core team)
RESULT_REFUSED = "refused"  # allowed, but not possible now (already claimed, closed, ...)
RESULT_ERROR = "error"

SYSTEM_ACTOR = "loket"  # jobs (retention) act as Loket itself


@dataclass(frozen=True)
class Entry:
    """An audit row as callers see it."""

    seq: int
    at: datetime
    actor: str | None  # None once erased for a privacy request
    action: str
    object_type: str
    object_id: str | None
    result: str
    detail: str | None
    hash: str

    def to_json(self) -> dict:
        return {
            "seq": self.seq, "at": self.at.isoformat(), "actor": self.actor, "action": self.action,
            "object": f"{self.object_type}:{self.object_id}" if self.object_id else self.object_type,
            "result": self.result, "detail": self.detail, "hash": self.hash,
        }


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify`: ``ok``, or the first broken row and why.

    ``unkeyed``: rows hashed without a key (before LOKET_AUDIT_KEY was configured).
    """

    ok: bool
    checked: int
    first_broken: int | None = None
    reason: str | None = None
    unkeyed: int = 0


@dataclass(frozen=True)
class Anchor:
    """A head kept outside the database: the chain must still hold ``hash`` at ``seq``."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> "Anchor":
        """``SEQ:HASH`` as printed by ``loket audit export-head``; ValueError otherwise."""
        seq, sep, digest = text.strip().partition(":")
        if not sep or not seq.isdigit() or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ValueError("verwacht VOLGNUMMER:HASH, zoals 'loket audit export-head' die toont")
        return cls(int(seq), digest)


def audit_key() -> bytes | None:
    """The chain's key from the environment (LOKET_AUDIT_KEY), via the settings object."""
    from bot.settings import Settings

    key = Settings.from_env().audit_key
    return key.encode() if key else None


def _utc(value: datetime) -> datetime:
    return as_utc(value).astimezone(timezone.utc)


def actor_digest(actor: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{actor}".encode()).hexdigest()


def canonical(row: AuditEntry) -> str:
    """The row's hashed content: sorted-key JSON, time as microsecond UTC ISO."""
    return json.dumps(
        {
            "seq": row.seq, "at": _utc(row.at).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "actor": row.actor_digest,
            "action": row.action, "object_type": row.object_type, "object_id": row.object_id,
            "result": row.result, "detail": row.detail,
        },
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )


def chain_hash(prev_hash: str, row: AuditEntry, key: bytes | None = None) -> str:
    """HMAC-SHA256 with ``key``; plain SHA-256 without (rows from before a key was set)."""
    content = (prev_hash + canonical(row)).encode()
    if key:
        return hmac.new(key, content, hashlib.sha256).hexdigest()
    return hashlib.sha256(content).hexdigest()


def append(
    session: Session, *, actor: str, action: str, object_type: str, object_id: str | int | None = None,
    result: str = RESULT_OK, detail: str | None = None, now: datetime | None = None,
) -> Entry:
    """Append one row in the caller's transaction (locks the head: appends are serial).

    ``detail`` must hold ids and counts only, never message text.
    """
    head = session.scalar(select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update())
    if head is None:
        raise RuntimeError("audit_head is missing: run the migrations")
    salt = secrets.token_hex(16)
    at = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    row = AuditEntry(
        seq=head.seq + 1, at=at, actor=actor, actor_salt=salt, actor_digest=actor_digest(actor, salt),
        action=action, object_type=object_type, object_id=None if object_id is None else str(object_id),
        result=result, detail=detail, prev_hash=head.hash,
    )
    row.hash = chain_hash(head.hash, row, audit_key())
    session.add(row)
    head.seq, head.hash = row.seq, row.hash
    session.flush()
    return _entry(row)


def _entry(row: AuditEntry) -> Entry:
    return Entry(row.seq, _utc(row.at), row.actor, row.action, row.object_type, row.object_id, row.result,
                 row.detail, row.hash)


def verify_rows(rows: Iterator[AuditEntry], head: AuditHead | None, *, key: bytes | None = None,
                anchor: Anchor | None = None, unkeyed_until: int = 0) -> Verification:
    """Walk the chain from the first row; report the first row that does not fit.

    With ``key`` every row after ``unkeyed_until`` must carry its HMAC; without a key a
    keyed row cannot be checked (reported). ``anchor``: the chain must hold it.
    """
    prev, expected_seq, checked, unkeyed = GENESIS, 1, 0, 0
    for row in rows:
        problem = _row_problem(row, prev, expected_seq)
        if problem is None:
            problem, keyed = _hash_problem(row, prev, key, may_be_unkeyed=not key or row.seq <= unkeyed_until)
            unkeyed += 0 if keyed else 1
        if problem is None and anchor is not None and row.seq == anchor.seq and row.hash != anchor.hash:
            problem = "past niet bij het anker (--head): de log is herschreven"
        if problem:
            return Verification(False, checked, row.seq, problem, unkeyed)
        prev, expected_seq, checked = row.hash, row.seq + 1, checked + 1
    if head is None:
        return Verification(False, checked, None, "audit_head ontbreekt", unkeyed)
    if (head.seq, head.hash) != (expected_seq - 1, prev):
        return Verification(False, checked, expected_seq, f"de log eindigt bij #{expected_seq - 1}, "
                                                          f"maar de kop wijst naar #{head.seq}: rijen ontbreken", unkeyed)
    if anchor is not None and anchor.seq > checked:
        return Verification(False, checked, checked + 1, f"het anker (--head) wijst naar #{anchor.seq}, maar de log "
                                                         f"eindigt bij #{checked}: rijen aan het eind ontbreken", unkeyed)
    return Verification(True, checked, unkeyed=unkeyed)


def _row_problem(row: AuditEntry, prev: str, expected_seq: int) -> str | None:
    if row.seq != expected_seq:
        return f"volgnummer {row.seq} verwacht {expected_seq}: rij(en) verwijderd of ingevoegd"
    if row.prev_hash != prev:
        return "prev_hash past niet bij de vorige rij"
    if row.actor is not None and (row.actor_salt is None or actor_digest(row.actor, row.actor_salt) != row.actor_digest):
        return "actor gewijzigd"
    return None


def _hash_problem(row: AuditEntry, prev: str, key: bytes | None, *, may_be_unkeyed: bool) -> tuple[str | None, bool]:
    """(problem, keyed): a keyed row must match the HMAC; an unkeyed one is accepted only
    where ``may_be_unkeyed`` (no key given, or a row from before the key)."""
    if key and hmac.compare_digest(row.hash, chain_hash(prev, row, key)):
        return None, True
    if row.hash == chain_hash(prev, row):
        if not may_be_unkeyed:
            return ("regel zonder sleutel: herschreven zonder LOKET_AUDIT_KEY, of van voor de sleutel "
                    "(geef dan --unkeyed-until)"), False
        return None, False
    if not key:
        return "inhoud gewijzigd, of de rij heeft een sleutel: zet LOKET_AUDIT_KEY om te controleren", False
    return "inhoud gewijzigd (hash klopt niet)", False


ERASED_COUNT = re.compile(r"\bcore\.audit_actor=(\d+)\b")


def erased_actor_problem(session: Session) -> str | None:
    """Actors erased without a privacy request (plain SQL): more erased rows than the
    privacy requests in the log account for."""
    erased = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.actor.is_(None))) or 0
    if not erased:
        return None
    details = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "privacy.forget"))
    accounted = sum(int(m.group(1)) for d in details for m in ERASED_COUNT.finditer(d or ""))
    if erased > accounted:
        return (f"{erased} regel(s) zonder actor, maar privacyverzoeken verklaren er {accounted}: "
                "actor buiten een verzoek gewist")
    return None


class AuditLog:
    """Stand-alone audit operations (own transactions): record, list, verify, erase an actor."""

    def __init__(self, store: Store, clock: Callable[[], datetime] | None = None):
        self.store = store
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def record(self, *, actor: str, action: str, object_type: str, object_id: str | int | None = None,
               result: str = RESULT_OK, detail: str | None = None) -> Entry:
        with self.store.tx() as tx:
            return append(tx.session, actor=actor, action=action, object_type=object_type, object_id=object_id,
                          result=result, detail=detail, now=self.clock())

    def entries(self, *, limit: int = 50, actor: str | None = None, action: str | None = None,
                object_id: str | None = None) -> list[Entry]:
        """The newest ``limit`` rows (optionally filtered), oldest first."""
        stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
        if actor:
            stmt = stmt.where(AuditEntry.actor == actor)
        if action:
            stmt = stmt.where(AuditEntry.action == action)
        if object_id:
            stmt = stmt.where(AuditEntry.object_id == str(object_id))
        with self.store.tx() as tx:
            return [_entry(r) for r in reversed(list(tx.session.scalars(stmt)))]

    def verify(self, *, batch: int = 1000, anchor: Anchor | None = None, unkeyed_until: int = 0) -> Verification:
        """Check the whole chain (streamed in batches), against ``anchor`` when given, and
        that every erased actor is accounted for by a privacy request."""
        with self.store.read() as tx:
            head = tx.session.get(AuditHead, HEAD_ID)
            result = verify_rows(self._rows(tx.session, batch), head, key=audit_key(), anchor=anchor,
                                 unkeyed_until=unkeyed_until)
            if not result.ok:
                return result
            problem = erased_actor_problem(tx.session)
            if problem:
                return Verification(False, result.checked, None, problem, result.unkeyed)
            return result

    def head(self) -> Anchor:
        """The current head, to keep elsewhere (``loket audit export-head``)."""
        with self.store.read() as tx:
            head = tx.session.get(AuditHead, HEAD_ID)
            if head is None:
                raise RuntimeError("audit_head is missing: run the migrations")
            return Anchor(head.seq, head.hash)

    @staticmethod
    def _rows(session: Session, batch: int) -> Iterator[AuditEntry]:
        last = 0
        while True:
            rows = list(session.scalars(
                select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)))
            if not rows:
                return
            yield from rows
            last = rows[-1].seq
            session.expunge_all()


def erase_actor(session: Session, user_id: str) -> int:
    """Erase ``user_id`` from the rows it acted in (privacy request); returns how many."""
    result = session.execute(
        update(AuditEntry).where(AuditEntry.actor == user_id).values(actor=None, actor_salt=None)
    )
    return result.rowcount or 0


def entries_of(session: Session, user_id: str) -> list[Entry]:
    """Every row ``user_id`` acted in (privacy export)."""
    rows = session.scalars(select(AuditEntry).where(AuditEntry.actor == user_id).order_by(AuditEntry.seq))
    return [_entry(r) for r in rows]
