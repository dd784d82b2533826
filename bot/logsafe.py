"""Defence in depth for logs: Slack tokens and configured secrets never reach a log line.

Loket logs ids and lengths, never message text or credentials. In case some library or
future line does print one, :class:`RedactingFilter` (installed on the root handlers by
:func:`install`) masks every ``xox?-…``/``xapp-…`` token and the exact values of the
configured secrets, in the message, its arguments and any traceback.
"""
from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from bot.settings import Settings

TOKEN = re.compile(r"\b(?:xox[a-z]|xapp)-[A-Za-z0-9-]{6,}")
MASK = "[geheim]"
QUIET_LIBRARIES = ("slack_bolt", "slack_sdk")  # never below INFO: their DEBUG logs payloads


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with Slack tokens and the given secret values masked."""
    text = TOKEN.sub(MASK, text)
    for secret in secrets:
        if secret and len(secret) >= 8:
            text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """A handler filter that rewrites each record with :func:`redact` (never drops one)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__("loket-redact")
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not hide the record
            message = str(record.msg)
        record.msg, record.args = redact(message, self.secrets), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def install(secrets: Iterable[str] = (), logger: logging.Logger | None = None) -> RedactingFilter:
    """Put a :class:`RedactingFilter` on every handler of ``logger`` (default: root)."""
    logger = logger or logging.getLogger()
    flt = RedactingFilter(secrets)
    for handler in logger.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(flt)
    return flt


def configured_secrets(settings: "Settings") -> list[str]:
    """The secrets in ``settings`` (Slack's tokens, the Teams app's client secret)."""
    teams = [v for k, v in settings.teams_sdk_env.items() if k.endswith(("CLIENTSECRET", "CLIENT_SECRET"))]
    return [settings.slack_bot_token or "", settings.slack_app_token or "", settings.slack_signing_secret or "",
            *teams]


def configure_logging(settings: "Settings") -> None:
    """Loket's log level and format, chatty libraries no lower than INFO, secrets masked."""
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLogger().level))
    install(configured_secrets(settings))
