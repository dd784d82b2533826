"""Announcements ("bericht") and lessons learned ("les"): stored, then searchable.

The core team shares current information through Loket: an announcement goes to the
updates channel, a lesson learned from a province is kept for the next PRT that runs into
the same thing. Both are stored in ``knowledge_items`` (with an audit row) and handed to
the desk as extra documents (:mod:`bot.core.network.extra_docs`): a later question finds
them and the answer cites them as "Lesson learned uit <provincie>: <titel>".
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import select

from bot.core.privacy import audit
from bot.core.monitoring import taxonomy as tx_
from bot.core.service import NotAllowed
from bot.store.models import KnowledgeItem, as_utc
from bot.store.repo import Store
from index.documents import Document
from index.loaders import load_text

from .extra_docs import ExtraDocuments

log = logging.getLogger(__name__)

KIND_ANNOUNCEMENT = "bericht"
KIND_LESSON = "les"
TITLE_MAX = 200
TEXT_MAX = 4000


class InvalidItem(ValueError):
    """A form value that cannot be stored; ``str(exc)`` is a Dutch sentence for the user."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ItemView:
    id: int
    kind: str
    title: str
    text: str
    province: str | None
    theme: str | None  # taxonomy key
    created_by: str | None
    created_at: datetime
    channel_id: str | None = None
    message_ts: str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"

    @property
    def display_title(self) -> str:
        """How the item is cited."""
        if self.kind == KIND_LESSON:
            where = f" uit {self.province}" if self.province and self.province != tx_.LANDELIJK else ""
            return f"Lesson learned{where}: {self.title}"
        return f"Bericht van het kernteam: {self.title}"


def _view(row: KnowledgeItem) -> ItemView:
    return ItemView(row.id, row.kind, row.title, row.text, row.province, row.theme, row.created_by,
                    as_utc(row.created_at), row.channel_id, row.message_ts)


def to_document(item: ItemView) -> Document:
    """The item as a document for the index (front matter as knowledge pages have it)."""
    meta = {"kind": item.kind, "updated": item.created_at.date().isoformat(),
            "source": "Lesson learned van een PRT" if item.kind == KIND_LESSON else "Bericht van het kernteam"}
    if item.province:
        meta["province"] = item.province
    if item.theme:
        meta["theme"] = tx_.label(tx_.THEMES, item.theme).lower()
    return load_text(f"# {item.display_title}\n\n{item.text}", path=item.key, title=item.display_title, meta=meta)


def _clean(value: str | None, field: str, what: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidItem(field, f"Vul {what} in.")
    if len(text) > limit:
        raise InvalidItem(field, f"{what.capitalize()} is te lang (maximaal {limit} tekens).")
    return text


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class KnowledgeItems:
    """Store announcements and lessons, and keep the desk's extra documents in line."""

    def __init__(self, store: Store, *, is_core: Callable[[str], bool], layer: ExtraDocuments | None = None,
                 clock: Callable[[], datetime] = _utcnow) -> None:
        self.store = store
        self.is_core = is_core
        self.layer = layer
        self.clock = clock

    def add_announcement(self, user_id: str, *, title: str, text: str) -> ItemView:
        """A core-team announcement (NotAllowed for others); searchable at once."""
        return self._add(user_id, KIND_ANNOUNCEMENT, title=title, text=text, province=None, theme=None)

    def add_lesson(self, user_id: str, *, title: str, text: str, province: str, theme: str) -> ItemView:
        """A lesson learned from a province (NotAllowed for others); searchable at once."""
        try:
            region = tx_.parse_region(province)
        except tx_.UnknownValue as e:
            raise InvalidItem("province", str(e)) from None
        try:
            theme_key = tx_.parse_theme(theme)
        except tx_.UnknownValue as e:
            raise InvalidItem("theme", str(e)) from None
        return self._add(user_id, KIND_LESSON, title=title, text=text, province=region, theme=theme_key)

    def _add(self, user_id: str, kind: str, *, title: str, text: str, province: str | None, theme: str | None) -> ItemView:
        action = "knowledge.announce" if kind == KIND_ANNOUNCEMENT else "knowledge.lesson"
        if not self.is_core(user_id):
            audit.AuditLog(self.store, self.clock).record(actor=user_id, action=action, object_type="knowledge_item",
                                                          result=audit.RESULT_DENIED)
            raise NotAllowed("Alleen het kernteam kan berichten en lessons learned opslaan.")
        title = " ".join(_clean(title, "title", "een titel", TITLE_MAX).split())
        text = _clean(text, "text", "de tekst", TEXT_MAX)
        now = self.clock()
        with self.store.tx() as tx:
            row = KnowledgeItem(kind=kind, title=title, text=text, province=province, theme=theme, created_by=user_id,
                                created_at=now)
            tx.session.add(row)
            tx.session.flush()
            audit.append(tx.session, actor=user_id, action=action, object_type="knowledge_item", object_id=row.id,
                         detail=f"chars={len(text)}", now=now)
            item = _view(row)
        log.info("knowledge item %s saved (%d chars)", item.key, len(text))
        self.sync()
        return item

    def mark_posted(self, item_id: int, *, channel_id: str, ts: str | None) -> None:
        """Remember where the item was posted (the updates channel)."""
        with self.store.tx() as tx:
            row = tx.session.get(KnowledgeItem, item_id)
            if row is not None:
                row.channel_id, row.message_ts = channel_id, ts

    def all(self) -> list[ItemView]:
        with self.store.tx() as tx:
            return [_view(r) for r in tx.session.scalars(select(KnowledgeItem).order_by(KnowledgeItem.id))]

    def get(self, item_id: int) -> ItemView:
        with self.store.tx() as tx:
            row = tx.session.get(KnowledgeItem, item_id)
            if row is None:
                raise KeyError(item_id)
            return _view(row)

    def sync(self) -> bool:
        """Give the desk every stored item as an extra document; False if it had them already.

        Run at start-up and by the background loop (another replica may have saved one,
        a privacy request may have removed one).
        """
        if self.layer is None:
            return False
        return self.layer.set([to_document(item) for item in self.all()])
