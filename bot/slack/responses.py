"""Answering a slash command through its ``response_url``.

Every command comes with a ``response_url``: for half an hour Loket may replace or remove
the command's own ephemeral acknowledgement ("Even zoeken…") and send the person private
notes there, also in channels Loket is not a member of (where ``chat.postEphemeral``
fails with ``not_in_channel``). Callers fall back to an ephemeral message or a DM when
the response_url does not work.
"""
from __future__ import annotations

import logging
from typing import Any

from slack_sdk.webhook import WebhookClient

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


def respond(command: dict[str, Any] | None, message: dict[str, Any], *, replace: bool = True) -> bool:
    """Send ``message`` privately through the command's response_url; True if Slack took it.

    ``replace`` puts it in the place of the acknowledgement ("Even zoeken…").
    """
    url = (command or {}).get("response_url")
    if not url:
        return False
    body = {"response_type": "ephemeral", "replace_original": replace, **message}
    return _send(url, body)


def remove_acknowledgement(command: dict[str, Any] | None) -> bool:
    """Remove the command's ephemeral acknowledgement ("Even zoeken…") once it has served."""
    url = (command or {}).get("response_url")
    return bool(url) and _send(url, {"delete_original": True})


def _send(url: str, body: dict[str, Any]) -> bool:
    try:
        resp = WebhookClient(url, timeout=TIMEOUT_SECONDS).send_dict(body)
    except Exception as e:  # noqa: BLE001 - the caller falls back
        log.info("response_url failed: %s", type(e).__name__)
        return False
    if resp.status_code != 200:
        log.info("response_url refused: HTTP %s", resp.status_code)
        return False
    return True
