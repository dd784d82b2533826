"""Loket's Slack Web API clients: every call counted and timed, posts paced per channel.

Two clients share one rate limiter (per channel, shared by all replicas through the
database when the runtime has one: :mod:`bot.core.delivery.pace`) and one metrics object:

* the **main client** retries 429 (after ``Retry-After``), 5xx and broken connections
  itself. Right for reads and for idempotent calls (``chat.update``, ``views.publish``).
* the **posting client** (see :mod:`bot.slack.posting`) retries only 429: a 5xx, a
  timeout or a dropped connection after ``chat.postMessage`` may mean the message *was*
  posted, so the poster looks for it before it tries again.
"""
from __future__ import annotations

import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings
from bot.slack.metrics import Metrics
from bot.core.delivery.ratelimit import ChannelRateLimiter

PACED_METHODS = frozenset({"chat.postMessage"})  # Slack's "about one per second per channel"


def error_code(exc: BaseException) -> str:
    """Slack's short error code, or the exception type: safe for logs and metric labels."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__


def _channel_of(kwargs: dict[str, Any]) -> str | None:
    for part in ("json", "params", "data"):
        value = (kwargs.get(part) or {}).get("channel")
        if value:
            return str(value)
    return None


class LoketWebClient(WebClient):
    """A ``WebClient`` that paces posts per channel and reports every call to ``metrics``."""

    def __init__(self, *args: Any, limiter: ChannelRateLimiter | None = None, metrics: Metrics | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limiter = limiter
        self.metrics = metrics

    def api_call(self, api_method: str, **kwargs: Any):  # type: ignore[override]
        if self.limiter is not None and api_method in PACED_METHODS:
            self.limiter.acquire(_channel_of(kwargs))
        start = time.monotonic()
        error: str | None = None
        try:
            return super().api_call(api_method, **kwargs)
        except Exception as e:
            error = error_code(e)
            raise
        finally:
            if self.metrics is not None:
                self.metrics.slack_call(api_method, time.monotonic() - start, error)


def _base_url(settings: Settings) -> str:
    url = settings.slack_api_url
    return url if url.endswith("/") else url + "/"


def make_clients(settings: Settings, metrics: Metrics | None = None,
                 limiter: ChannelRateLimiter | None = None, *, store: Any = None) -> tuple[LoketWebClient, LoketWebClient]:
    """The main client and the posting client (see module docstring).

    With a PostgreSQL ``store`` the per-channel pace is shared by all replicas on that
    database (:class:`bot.core.delivery.pace.SharedChannelPace`); otherwise (SQLite: one machine,
    where every write competes for one lock) it is kept in this process.
    """
    if limiter is None:
        from bot.core.delivery.pace import channel_pacer

        limiter = channel_pacer(store, settings.slack_channel_rate, settings.slack_channel_burst)
    common = dict(token=settings.slack_bot_token, base_url=_base_url(settings), timeout=settings.slack_api_timeout,
                  limiter=limiter, metrics=metrics)
    main = LoketWebClient(retry_handlers=[
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ], **common)
    poster = LoketWebClient(retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)], **common)
    return main, poster
