"""The scenario driver for Slack: the adapter tests' :class:`Harness` (real Bolt app over
HTTP against the strict fake Web API), read back from the fake's current messages.

Slack specifics kept here: Loket answers by editing an "Even zoeken…" placeholder; notes
about a button or a reply are ephemeral (``chat.postEphemeral``, shown to one person); a
request is done when its inbox row is (events are acknowledged before they are handled).
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from bot.store.inbox import DONE, FAILED
from slack_adapter.conftest import (
    ASKER as SLACK_ASKER, BOT_USER_ID, CHANNEL, CORE, CORE_MEMBER, DM, OTHER_ASKER, Harness, next_ts,
)

from .driver import ASKER, CORE as CORE_ROLE, OTHER, Shown, eventually, latest_escalation, nothing_pending

USERS = {ASKER: SLACK_ASKER, OTHER: OTHER_ASKER, CORE_ROLE: CORE_MEMBER}
_event_ids = itertools.count(1)


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    b = message.get("blocks") or []
    return json.loads(b) if isinstance(b, str) else b


def _plain(mrkdwn: str) -> str:
    """What a person reads of Loket's escaped mrkdwn."""
    return mrkdwn.replace("\u2060", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _texts(node: Any) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        for k, v in node.items():
            out += [v] if k == "text" and isinstance(v, str) else _texts(v)
    elif isinstance(node, list):
        for v in node:
            out += _texts(v)
    return out


def shown(message: dict[str, Any]) -> Shown:
    """A Slack message as a :class:`Shown`."""
    blocks = _blocks(message)
    quote, sources, buttons = None, [], []
    for block in blocks:
        if block.get("type") == "section" and quote is None:
            text = (block.get("text") or {}).get("text") or ""
            if text.startswith(">"):
                quote = _plain("\n".join(line[2:] if line.startswith("> ") else line.lstrip(">")
                                         for line in text.split("\n")))
        elif block.get("type") == "context":
            texts = [e.get("text") or "" for e in block.get("elements") or []]
            if texts and texts[0] == "*Bronnen*":
                sources += [_plain(t) for t in texts[1:]]
        elif block.get("type") == "actions":
            buttons += [(e.get("text") or {}).get("text") for e in block.get("elements") or []]
    text = _plain("\n".join([str(message.get("text") or "")] + _texts(blocks)))
    return Shown(text=text, quote=quote, sources=tuple(sources), buttons=tuple(buttons))


@dataclass
class SlackPlatform:
    """Loket in Slack, driven through the adapter tests' harness."""

    start_loket: Callable[..., Harness]
    database_url: str
    name: str = "slack"
    loket: Harness = field(init=False)
    places: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)  # user -> (channel, thread)
    last_event: tuple[dict[str, Any], str] | None = None
    notes_since: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.loket = self.start_loket(database_url=self.database_url)

    @property
    def fake(self):
        return self.loket.fake

    @property
    def service(self):
        return self.loket.service

    @property
    def store(self):
        return self.loket.service.store

    def user_id(self, user: str) -> str:
        return USERS[user]

    # -- what people do ---------------------------------------------------------------------
    def _send(self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None) -> None:
        """One event callback; returns when its inbox row is settled and nothing is left to send."""
        event_id = event_id or f"EvScenario{next(_event_ids):06d}"
        response = self.loket.send_event(event, event_id=event_id, retry_num=retry_num)
        assert response.status == 200, response
        self.last_event = (event, event_id)
        inbox = self.loket.deps.inbox.inbox
        status = eventually(lambda: (s := inbox.status(event_id)) in (DONE, FAILED) and s)
        assert status == DONE, f"Loket failed on event {event_id}"
        self.deliver()

    def ask_personal(self, user: str, text: str) -> None:
        assert user == ASKER, "the fake knows the asker's DM only"
        ts = next_ts()
        self.places.setdefault(user, []).append((DM, None))
        self._send({"type": "message", "user": USERS[user], "text": text, "ts": ts, "channel": DM, "event_ts": ts,
                    "channel_type": "im"})

    def ask_in_channel(self, user: str, text: str) -> None:
        ts = next_ts()
        self.places.setdefault(user, []).append((CHANNEL, ts))
        self._send({"type": "app_mention", "user": USERS[user], "text": f"<@{BOT_USER_ID}> {text}", "ts": ts,
                    "channel": CHANNEL, "event_ts": ts})

    def core_reply(self, user: str, text: str) -> None:
        root = self._latest_escalation_ts()
        ts = next_ts()
        self._send({"type": "message", "user": USERS[user], "text": text, "ts": ts, "channel": CORE, "event_ts": ts,
                    "channel_type": "group", "thread_ts": root})

    def press(self, button: str, user: str) -> None:
        channel, message, element = self._button(button)
        self.notes_since[user] = len(self.fake.calls)
        response = self.loket.click(element["action_id"], element["value"], user=USERS[user], channel=channel,
                                    message_ts=message["ts"], thread_ts=message.get("thread_ts"))
        assert response.status == 200, response

    def redeliver_last(self) -> None:
        assert self.last_event is not None
        event, event_id = self.last_event
        self._send(event, event_id=event_id, retry_num=1)

    def restart(self) -> None:
        self.loket.close()
        self.loket = self.start_loket(database_url=self.database_url)

    def deliver(self) -> None:
        def sent_all() -> bool:
            self.loket.deps.delivery.deliver_outbox()
            return nothing_pending(self.store)

        eventually(sent_all, interval=0.2)

    # -- what Loket shows ----------------------------------------------------------------------
    def _messages(self) -> list[tuple[str, dict[str, Any]]]:
        """Loket's messages as they stand now, oldest first."""
        with self.fake._lock:
            items = [(channel, dict(m)) for (channel, _ts), m in self.fake.messages.items()]
        return sorted(items, key=lambda item: float(item[1]["ts"]))

    def answers_seen(self, user: str) -> list[Shown]:
        places = self.places.get(user, [])
        return [shown(m) for c, m in self._messages()
                if any(c == channel and (thread is None or m.get("thread_ts") == thread) for channel, thread in places)]

    def core_posts(self) -> list[Shown]:
        return [shown(m) for c, m in self._messages() if c == CORE and not m.get("thread_ts")]

    def core_channel_now(self) -> list[Shown]:
        return [shown(m) for c, m in self._messages() if c == CORE]

    def notes_for(self, user: str) -> list[str]:
        since = self.notes_since.get(user, 0)
        with self.fake._lock:
            calls = list(self.fake.calls[since:])
        return [_plain(c.all_text()) for c in calls
                if c.method == "chat.postEphemeral" and c.ok and c.get("user") == USERS[user]]

    def asker_received(self, text: str) -> bool:
        places = self.places.get(ASKER, [])
        with self.fake._lock:
            calls = [c for c in self.fake.calls if c.method in ("chat.postMessage", "chat.update") and c.ok]
        return any(text in _plain(c.all_text()) for c in calls
                   if any(c.get("channel") == channel for channel, _ in places))

    # -- helpers ---------------------------------------------------------------------------------
    def _latest_escalation_ts(self) -> str:
        number = eventually(lambda: latest_escalation(self.store))
        return eventually(lambda: self.service.escalation(number).core_ts)

    def _button(self, label: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        for channel, message in reversed(self._messages()):
            buttons = [e for b in _blocks(message) if b.get("type") == "actions" for e in b.get("elements") or []]
            for element in buttons:
                if (element.get("text") or {}).get("text") == label:
                    return channel, message, element
        raise AssertionError(f"no message of Loket's has a button {label!r}")
