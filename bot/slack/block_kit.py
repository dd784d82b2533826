"""Block Kit primitives shared by the monitoring and network builders (pure functions).

Small constructors for mrkdwn/plain text, sections, context, buttons, inputs, messages
and modals, with Slack's length limits applied in one place.
"""
from __future__ import annotations

import json
from typing import Any, TypedDict

from bot.slack.escaping import truncate_mrkdwn

SECTION_LIMIT = 3000
FALLBACK_LIMIT = 300
INPUT_MAX = 3000  # Slack: a plain_text_input's max_length is 1..3000; a bigger one makes views.open fail



class Message(TypedDict):
    """Keyword arguments for ``chat.postMessage`` / ``chat.update``."""

    text: str
    blocks: list[dict[str, Any]]

def mrkdwn(text: str, limit: int = SECTION_LIMIT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": truncate_mrkdwn(text, limit), "verbatim": True}


def plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": (text if len(text) <= limit else text[:limit - 1] + "…"), "emoji": True}


def section(text: str, accessory: dict[str, Any] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": mrkdwn(text)}
    if accessory:
        block["accessory"] = accessory
    return block


def context(*texts: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(t, 2000) for t in texts if t][:10]}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "text": plain(text), "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def text_input(action_id: str, value: str | None = None, *, multiline: bool = False,
               max_length: int = INPUT_MAX) -> dict[str, Any]:
    """A plain-text input; ``max_length`` is capped at Slack's 3000 (the form must open)."""
    max_length = max(1, min(max_length, INPUT_MAX))
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id, "multiline": multiline,
                               "max_length": max_length}
    if value:
        element["initial_value"] = value[:max_length]
    return element


def input_block(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False,
           hint: str | None = None) -> dict[str, Any]:
    block = {"type": "input", "block_id": block_id, "label": plain(label), "element": element, "optional": optional}
    if hint:
        block["hint"] = plain(hint, 150)
    return block


def message(text: str, blocks: list[dict[str, Any]]) -> Message:
    return {"text": truncate_mrkdwn(text, FALLBACK_LIMIT), "blocks": blocks[:50]}


def modal(callback_id: str, title: str, blocks: list[dict[str, Any]], metadata: dict[str, Any],
           submit: str = "Opslaan") -> dict[str, Any]:
    return {"type": "modal", "callback_id": callback_id, "title": plain(title, 24), "submit": plain(submit, 24),
            "close": plain("Annuleren", 24), "private_metadata": json.dumps(metadata), "blocks": blocks}
