"""When to try a failed post again: the outbox's backoff, or the platform's ``Retry-After``.

Both platforms answer "too many requests" with HTTP 429 and a ``Retry-After`` header
(seconds, or an HTTP date). A post refused that way is tried again exactly then; any
other failure waits the outbox's exponential backoff (:func:`bot.core.delivery.outbox.retry_delay`).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

TOO_MANY_REQUESTS = 429
MAX_RETRY_AFTER = timedelta(hours=1)  # never park a post longer on one header


def retry_after(status: int | None, header: str | None, now: datetime) -> datetime | None:
    """The moment a 429 answer asks to wait for (None: not a 429, or no usable header)."""
    if status != TOO_MANY_REQUESTS or not header:
        return None
    value = header.strip()
    try:
        wait = timedelta(seconds=max(float(value), 0.0))
    except ValueError:
        try:
            at = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        wait = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)) - now
    return now + min(max(wait, timedelta(0)), MAX_RETRY_AFTER)
