"""Helpers for the Teams monitoring tests: invoke activities (dialogs, the message action),
whose answer is the HTTP response itself, and a personal chat of a core member."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from .conftest import CORE_MEMBER, CORE_MEMBER_AAD

CORE_PERSONAL = "a:1personal-chat-of-the-core-member-" + "k" * 60


def as_core(teams) -> dict[str, Any]:
    """Keyword arguments for a message of the core member in their personal chat with Loket."""
    teams.connector.conversations.add(CORE_PERSONAL)
    return {"user": CORE_MEMBER, "aad": CORE_MEMBER_AAD, "conversation": CORE_PERSONAL}


def invoke(teams, name: str, value: dict[str, Any], **kw: Any) -> tuple[int, dict[str, Any] | None]:
    """POST an invoke activity as Teams does; returns (HTTP status, JSON body of the response)."""
    activity = teams.activity("", **kw)
    activity.pop("text", None)
    activity.update(type="invoke", name=name, value=value)
    request = urllib.request.Request(teams.url, data=json.dumps(activity).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {teams.token()}"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        return e.code, None


def card_texts(card: dict[str, Any]) -> list[str]:
    """Every TextBlock/TextRun text and FactSet fact of a card, in order."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("TextBlock", "TextRun") and "text" in node:
                out.append(node["text"])
            if node.get("type") == "FactSet":
                out.extend(f"{f['title']}: {f['value']}" for f in node.get("facts") or [])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(card)
    return out


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The card's inputs by id."""
    return {e["id"]: e for e in card.get("body") or [] if str(e.get("type", "")).startswith("Input.")}


def submit_data(card: dict[str, Any], **values: Any) -> dict[str, Any]:
    """What Teams sends when the card's (only) submit button is used: the inputs' values
    (pre-filled ones unless changed) merged with the button's data."""
    data = {key: element.get("value", "") for key, element in inputs(card).items()}
    data.update(values)
    [button] = [a for a in card.get("actions") or [] if a.get("type") == "Action.Submit"]
    return {**data, **button["data"]}
