"""Every Web API method the code calls is in the scope table, and the manifest grants its scopes
(issue 10, defect 9: ``mpim:history`` was missing for the referral group DMs)."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.slack.scopes import APP_TOKEN_METHODS, METHOD_SCOPES, SDK_HELPERS, bot_scopes

from .test_escalation import escalate, relay_reply
from .test_relay import delete_event

REPO = Path(__file__).resolve().parents[2]
FAMILIES = ("admin", "apps", "auth", "bookmarks", "chat", "conversations", "dnd", "files", "pins", "reactions",
            "reminders", "search", "team", "usergroups", "users", "views")
CALL_RE = re.compile(rf"client\.((?:{'|'.join(FAMILIES)})_[A-Za-z0-9_]+)\(")
API_CALL_RE = re.compile(r"api_call\(\s*[\"']([a-z]+\.[A-Za-z.]+)[\"']")


def methods_called() -> dict[str, set[str]]:
    """Web API method -> files that call it (slack_sdk's ``chat_postMessage`` is ``chat.postMessage``)."""
    found: dict[str, set[str]] = {}
    for path in (REPO / "bot").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        names = [m.group(1) for m in CALL_RE.finditer(source)]
        methods = [m for name in names for m in SDK_HELPERS.get(name, (name.replace("_", ".", 1),))]
        methods += API_CALL_RE.findall(source)
        for method in methods:
            found.setdefault(method, set()).add(str(path.relative_to(REPO)))
    return found


def test_every_called_method_is_in_the_scope_table() -> None:
    called = methods_called()
    assert "chat.postMessage" in called and "conversations.open" in called  # the scan finds calls
    missing = {m: sorted(files) for m, files in called.items() if m not in METHOD_SCOPES and m not in APP_TOKEN_METHODS}
    assert not missing, f"add these methods and their scopes to bot/slack/scopes.py: {missing}"


def test_the_manifest_grants_every_scope_in_the_table() -> None:
    manifest = yaml.safe_load((REPO / "manifest.yaml").read_text(encoding="utf-8"))
    granted = set(manifest["oauth_config"]["scopes"]["bot"])
    assert not bot_scopes() - granted, f"manifest.yaml lacks {sorted(bot_scopes() - granted)}"
    assert "mpim:history" in granted  # the group DMs of "Doorverwijzen"


def test_what_the_running_app_calls_is_in_the_table(loket) -> None:
    """Through signed HTTP: an escalation, a relay, a correction; every method Slack saw is listed."""
    ts, post = escalate(loket)
    reply_ts = relay_reply(loket, post, "Het antwoord is Ottawa.")
    loket.fake.wait_for("chat.postMessage", lambda c: "Ottawa" in c.all_text(), thread_ts=ts)
    delete_event(loket, post, reply_ts)
    loket.fake.wait_for("chat.delete")
    loket.fake.settle()
    seen = {c.method for c in loket.fake.calls_to(None, ok_only=False)}
    assert {"chat.postMessage", "chat.update", "chat.delete", "conversations.members"} <= seen
    assert not seen - set(METHOD_SCOPES) - set(APP_TOKEN_METHODS), seen
