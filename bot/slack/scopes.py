"""Every Slack Web API method Loket calls, with the bot scopes it needs.

Keep this table in step with the code: ``tests/slack_adapter/test_scopes.py`` finds every
Web API call in ``bot/`` and fails when one is missing here, or when ``manifest.yaml``
lacks a scope listed here. For methods that read or post in several kinds of
conversation (public, private, DM, group DM), all the scopes Loket needs for the
conversations it uses are listed.
"""
from __future__ import annotations

# method -> bot scopes (empty: no scope needed)
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("chat:write",),  # answers, escalations, relays; to a user id: the DM
    "chat.update": ("chat:write",),  # "Even zoeken…" -> answer; escalation status; edited relays
    "chat.delete": ("chat:write",),  # a relayed reply the core member deleted or took back
    "chat.postEphemeral": ("chat:write",),  # refusals, confirmations
    "chat.getPermalink": (),
    # at-most-once posting looks up its own earlier post (bot.slack.posting) in the core
    # channel (public or private), askers' channels and threads, DMs and referral group DMs
    "conversations.history": ("channels:history", "groups:history", "im:history", "mpim:history"),
    "conversations.replies": ("channels:history", "groups:history", "im:history", "mpim:history"),
    "conversations.members": ("channels:read", "groups:read"),  # the core channel = the core team
    "conversations.info": ("channels:read", "groups:read"),  # the core channel must be private
    "conversations.open": ("im:write", "mpim:write"),  # DM with the asker; "Doorverwijzen" group DM
    "views.open": (),
    "views.update": (),
    "views.publish": (),
    # files_upload_v2 calls these two (the weekly summary's chart)
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
}

# Socket Mode's connection uses the app-level token (scope connections:write), not the bot token.
APP_TOKEN_METHODS: dict[str, tuple[str, ...]] = {"apps.connections.open": ("connections:write",)}

# slack_sdk helpers that call several Web API methods.
SDK_HELPERS: dict[str, tuple[str, ...]] = {
    "files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal"),
}


def bot_scopes() -> set[str]:
    """Every bot scope the table asks for."""
    return {scope for scopes in METHOD_SCOPES.values() for scope in scopes}
