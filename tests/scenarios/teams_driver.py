"""The scenario driver for Teams: the Teams tests' :class:`Harness` (the SDK's aiohttp
endpoint with signed activities against the loopback fake Bot Connector), read back from
what the fake connector recorded.

Teams specifics kept here: a button is an ``Action.Submit`` that arrives as a message
activity with ``value``; notes about a press are cards in the conversation where it was
pressed; a channel thread is ``<channel>;messageid=<root>``; a message's state now is its
last PUT unless it was deleted. Import this module only where the Teams extra is installed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.store.inbox import DONE
from bot.teams.runtime import inbox_key
from teams.conftest import (
    ASKER as TEAMS_ASKER, ASKER_AAD, CORE_CHANNEL, CORE_MEMBER, CORE_MEMBER_AAD, OTHER as TEAMS_OTHER, PERSONAL,
    PRT_CHANNEL, Harness,
)
from teams.fake_connector import Sent

from .driver import ASKER, CORE as CORE_ROLE, OTHER, Shown, eventually, latest_escalation, nothing_pending

USERS = {ASKER: (TEAMS_ASKER, ASKER_AAD), OTHER: (TEAMS_OTHER, None), CORE_ROLE: (CORE_MEMBER, CORE_MEMBER_AAD)}


def _submits(node: Any) -> list[dict[str, Any]]:
    """Every Action.Submit on a card (card actions and ActionSets)."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "Action.Submit":
            found.append(node)
        for v in node.values():
            found += _submits(v)
    elif isinstance(node, list):
        for v in node:
            found += _submits(v)
    return found


def _run_text(element: dict[str, Any]) -> str:
    return "".join(i.get("text") or "" for i in element.get("inlines") or [])


def shown(sent: Sent) -> Shown:
    """A Teams message as a :class:`Shown`."""
    body = (sent.card or {}).get("body") or []
    quote = next((_run_text(item) for block in body if block.get("type") == "Container"
                  and block.get("style") == "emphasis" for item in block.get("items") or []), None)
    labels = [b.get("text") for b in body]
    sources: list[str] = []
    if "Bronnen" in labels:
        sources = [_run_text(b) for b in body[labels.index("Bronnen") + 1:] if b.get("type") == "RichTextBlock"]
    buttons = tuple(a.get("title") for a in _submits(sent.card))
    return Shown(text="\n".join(sent.texts), quote=quote, sources=tuple(sources), buttons=buttons)


@dataclass
class TeamsPlatform:
    """Loket in Teams, driven through the Teams tests' harness."""

    harness: Harness
    name: str = "teams"
    places: dict[str, list[str]] = field(default_factory=dict)  # user -> conversation ids where they asked
    last_activity: dict[str, Any] | None = None
    notes_since: dict[str, tuple[int, str]] = field(default_factory=dict)  # user -> (sent index, conversation)
    _roots: Any = field(default_factory=lambda: iter(range(1_900_000_000_001, 1_999_999_999_999)))

    @property
    def connector(self):
        return self.harness.connector

    @property
    def service(self):
        return self.harness.loket.runtime.service

    @property
    def store(self):
        return self.harness.store

    def user_id(self, user: str) -> str:
        return USERS[user][0]

    # -- what people do ---------------------------------------------------------------------
    def _say(self, text: str, user: str, **kw: Any) -> None:
        uid, aad = USERS[user]
        activity = self.last_activity = self.harness.say(text, user=uid, aad=aad, **kw)
        key = inbox_key(activity["conversation"]["id"], activity["id"])
        assert self.harness.loket.runtime.inbox.status(key) == DONE, "Loket failed on the activity"
        self.deliver()

    def ask_personal(self, user: str, text: str) -> None:
        assert user == ASKER, "the fake connector knows the asker's personal chat only"
        self.places.setdefault(user, []).append(PERSONAL)
        self._say(text, user)

    def ask_in_channel(self, user: str, text: str) -> None:
        root = str(next(self._roots))
        thread = self.harness.in_channel(PRT_CHANNEL, root)
        self.places.setdefault(user, []).append(thread)
        self._say(text, user, conversation=thread, kind="channel", mention=True, activity_id=root, channel=PRT_CHANNEL)

    def core_reply(self, user: str, text: str) -> None:
        number = eventually(lambda: latest_escalation(self.store))
        root = eventually(lambda: self.service.escalation(number).core_ts)
        self._say(text, user, conversation=self.harness.in_channel(CORE_CHANNEL, root), kind="channel",
                  channel=CORE_CHANNEL)

    def press(self, button: str, user: str) -> None:
        sent, data = self._button(button)
        conversation = sent.conversation_id
        self.notes_since[user] = (len(self.connector.sent), conversation)
        base = conversation.partition(";messageid=")[0]
        where: dict[str, Any] = {"conversation": conversation}
        if base != PERSONAL:
            where |= {"kind": "channel", "channel": base}
        self._say("", user, value=dict(data), **where)

    def redeliver_last(self) -> None:
        assert self.last_activity is not None
        assert self.harness.post(self.last_activity) in (200, 201, 202)
        self.harness.loket.idle()
        self.deliver()

    def restart(self) -> None:
        self.harness.stop()
        self.harness.start()

    def deliver(self) -> None:
        loket = self.harness.loket

        def sent_all() -> bool:
            loket.call(loket.runtime.deliver_outbox())
            return nothing_pending(self.store)

        eventually(sent_all, interval=0.2)

    # -- what Loket shows ----------------------------------------------------------------------
    def _now(self) -> list[Sent]:
        """Loket's messages as they stand now (last update, deleted ones left out), oldest first."""
        sent = list(self.connector.sent)
        latest: dict[str, Sent] = {}
        order: list[str] = []
        for s in sent:
            if s.method in ("send", "reply", "create"):
                latest[s.activity_id] = s
                order.append(s.activity_id)
            elif s.method == "update" and s.activity_id in latest:
                latest[s.activity_id] = Sent("update", latest[s.activity_id].conversation_id, s.activity, s.activity_id)
        return [latest[a] for a in order if a not in self.connector.deleted]

    def answers_seen(self, user: str) -> list[Shown]:
        places = set(self.places.get(user, []))
        return [shown(s) for s in self._now() if s.conversation_id in places]

    def core_posts(self) -> list[Shown]:
        roots = {s.activity_id for s in self.connector.sent if s.method == "create"}
        return [shown(s) for s in self._now() if s.activity_id in roots]

    def core_channel_now(self) -> list[Shown]:
        return [shown(s) for s in self._now() if s.conversation_id.partition(";messageid=")[0] == CORE_CHANNEL]

    def notes_for(self, user: str) -> list[str]:
        since, conversation = self.notes_since.get(user, (0, ""))
        return ["\n".join(s.texts) for s in self.connector.sent[since:]
                if s.conversation_id == conversation and s.method in ("send", "reply")]

    def asker_received(self, text: str) -> bool:
        places = set(self.places.get(ASKER, []))
        return any(text in t for s in list(self.connector.sent)
                   if s.conversation_id in places and s.method in ("send", "reply", "update") for t in s.texts)

    # -- helpers ---------------------------------------------------------------------------------
    def _button(self, label: str) -> tuple[Sent, dict[str, Any]]:
        for sent in reversed(self._now()):
            for action in _submits(sent.card):
                if action.get("title") == label:
                    return sent, action.get("data") or {}
        raise AssertionError(f"no card of Loket's has a button {label!r}")
