"""The Teams adapter under test, for real: the SDK's aiohttp endpoint over loopback HTTP,
SQLite, the real desk. Only what sits outside the process is faked: the Bot Connector
service (``fake_connector.py``) and the token issuer (``token_issuer.py``), whose JWKS the
SDK is pointed at for the Bot Framework issuer.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import pytest

pytest.importorskip("microsoft_agents.hosting.aiohttp", reason="Teams needs the 'teams' extra (Python >= 3.12)")

from aiohttp import web  # noqa: E402
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration  # noqa: E402
from microsoft_agents.hosting.core.authorization._entra_issuers import BOTFRAMEWORK_JWKS_URIS  # noqa: E402
from microsoft_agents.hosting.core.authorization.connection_manager import ConnectionManager  # noqa: E402

from bot.core.service import LoketService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store.repo import Store  # noqa: E402
from bot.teams.app import RUNTIME_KEY, core_team_for, create_app  # noqa: E402
from bot.teams.runtime import TeamsRuntime  # noqa: E402

from .fake_connector import FakeConnector  # noqa: E402
from .token_issuer import BOT_FRAMEWORK_ISSUER, TokenIssuer  # noqa: E402

try:
    from waiting import eventually
except ImportError:  # tests/ imported as a package
    from tests.waiting import eventually

APP_ID = "00000000-1111-2222-3333-444455556666"
BOT = "28:" + APP_ID
BOT_TOKEN = "bot-token-for-the-connector"
TENANT = "9f1b2c3d-0000-4000-8000-123456789abc"
TEAM = "19:team-kernteam@thread.tacv2"
CORE_CHANNEL = "19:kernteam-kanaal@thread.tacv2"
PRT_CHANNEL = "19:prt-utrecht@thread.tacv2"
ASKER = "29:1asker-" + "x" * 40
ASKER_AAD = "aad-asker"
OTHER = "29:1other-person"
CORE_MEMBER = "29:1kern-member"
CORE_MEMBER_AAD = "aad-kern-member"
OUTSIDER = "29:1buitenstaander"
PERSONAL = "a:1personal-chat-of-the-asker-" + "p" * 100  # real ones are long too

ANSWERABLE = "Wat is het e-mailadres van het ondersteuningsarrangement?"
UNANSWERABLE = "Wat is de hoofdstad van Canada?"


class _StaticToken:
    """The bot's outgoing token (instead of MSAL's client-credentials call to Entra)."""

    def __init__(self, config: AgentAuthConfiguration) -> None:
        self._config = config

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return self._config

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        return BOT_TOKEN

    def get_token_credential(self):  # pragma: no cover - not used by Loket
        raise NotImplementedError


def test_connections() -> ConnectionManager:
    return ConnectionManager(provider_factory=_StaticToken,
                             CONNECTIONS={"SERVICE_CONNECTION": {"SETTINGS": {"CLIENTID": APP_ID, "TENANTID": TENANT}}})


test_connections.__test__ = False  # not a test


@dataclass
class Loket:
    """One running Teams app (its own event loop in a thread) on a database."""

    app: web.Application
    loop: asyncio.AbstractEventLoop
    runner: web.AppRunner
    port: int

    @property
    def runtime(self) -> TeamsRuntime:
        return self.app[RUNTIME_KEY]

    def call(self, coro, timeout: float = 120.0) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            raise AssertionError(f"Loket did not finish in {timeout} s; where it waits:\n{_where_it_waits(self.loop)}") from None

    def idle(self) -> None:
        self.call(self.runtime.idle())

    def stop(self) -> None:
        self.call(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)


def _where_it_waits(loop: asyncio.AbstractEventLoop) -> str:
    """Every thread's stack and every pending task's coroutine stack: a hang in a test says
    where it hangs instead of only that it timed out."""
    import sys
    import traceback

    parts = []
    for ident, frame in sys._current_frames().items():
        name = next((t.name for t in threading.enumerate() if t.ident == ident), str(ident))
        parts.append(f"--- thread {name}\n" + "".join(traceback.format_stack(frame)[-8:]))
    try:
        tasks = asyncio.run_coroutine_threadsafe(_pending(), loop).result(5)
    except TimeoutError:
        tasks = ["(the event loop itself is blocked)"]
    return "\n".join(parts + tasks)


async def _pending() -> list[str]:
    import io

    out = []
    for task in asyncio.all_tasks():
        if task is asyncio.current_task():
            continue
        buf = io.StringIO()
        task.print_stack(limit=8, file=buf)
        out.append(f"--- task {task.get_name()}\n{buf.getvalue()}")
    return out


def start_loket(app: web.Application) -> Loket:
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    async def boot() -> tuple[web.AppRunner, int]:
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return runner, site._server.sockets[0].getsockname()[1]

    runner, port = asyncio.run_coroutine_threadsafe(boot(), loop).result(30)
    return Loket(app, loop, runner, port)


@dataclass
class Harness:
    """Fake connector + token issuer + database + a running Loket; helpers that send activities."""

    settings: Settings
    store: Store
    desk: Any
    connector: FakeConnector
    issuer: TokenIssuer
    anonymous: bool = False
    loket: Loket | None = None
    ids: Any = field(default_factory=lambda: itertools.count(1_800_000_000_001))

    def start(self) -> Loket:
        """(Re)start Loket on the same database: a new app instance, as after a restart."""
        core_team = core_team_for(self.settings)
        service = LoketService(desk=self.desk, store=self.store, is_core=core_team.is_member)
        app = create_app(self.settings, service=service, store=self.store, core_team=core_team,
                         connections=None if self.anonymous else test_connections(), background=False)
        self.loket = start_loket(app)
        return self.loket

    def stop(self) -> None:
        if self.loket is not None:
            self.loket.stop()
            self.loket = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.loket.port}/api/messages"

    def token(self, **kw: Any) -> str:
        return self.issuer.token(audience=APP_ID, service_url=self.connector.service_url, **kw)

    def post(self, activity: dict[str, Any], *, token: str | None | bool = True) -> int:
        """POST the activity the way the Bot Connector does; returns the HTTP status."""
        headers = {"Content-Type": "application/json"}
        if token is True:
            token = None if self.anonymous else self.token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.url, data=json.dumps(activity).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code

    def activity(self, text: str, *, user: str = ASKER, aad: str | None = ASKER_AAD, conversation: str = PERSONAL,
                 kind: str = "personal", mention: bool = False, activity_id: str | None = None,
                 value: dict[str, Any] | None = None, channel: str | None = None,
                 attachments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        activity_id = activity_id or str(next(self.ids))
        entities = []
        if mention:
            entities.append({"type": "mention", "text": "<at>Loket</at>", "mentioned": {"id": BOT, "name": "Loket"}})
            text = f"<at>Loket</at> {text}"
        body: dict[str, Any] = {
            "type": "message", "id": activity_id, "channelId": "msteams", "serviceUrl": self.connector.service_url,
            "timestamp": "2026-11-30T06:00:00.000Z",
            "from": {"id": user, "name": "Naam " + user[-4:], **({"aadObjectId": aad} if aad else {})},
            "recipient": {"id": BOT, "name": "Loket"},
            "conversation": {"id": conversation, "conversationType": kind, "tenantId": TENANT},
            "text": text, "entities": entities, "channelData": {"tenant": {"id": TENANT}},
        }
        if channel:
            body["channelData"].update({"team": {"id": TEAM}, "channel": {"id": channel}})
        if value is not None:
            body["value"] = value
            body.pop("text")
        if attachments:
            body["attachments"] = attachments
        return body

    def say(self, text: str, **kw: Any) -> dict[str, Any]:
        """Send a message and wait until Loket finished with it."""
        activity = self.activity(text, **kw)
        assert self.post(activity) in (200, 201, 202)
        self.loket.idle()
        return activity

    def in_channel(self, channel: str, root: str) -> str:
        return f"{channel};messageid={root}"


@pytest.fixture
def teams_settings(tmp_path) -> Settings:
    return teams_settings_for(tmp_path)


def teams_settings_for(tmp_path) -> Settings:
    """The settings of a test Loket in Teams (core channel and team of the fake connector)."""
    return Settings(data_dir=tmp_path / "data", teams_core_channel=CORE_CHANNEL, teams_team_id=TEAM,
                    teams_sdk_env={"CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID": APP_ID},
                    retry_interval=3600)


def _harness(tmp_path, desk, settings: Settings, *, anonymous: bool, monkeypatch, db_url: str | None = None) -> Harness:
    """A running Teams Loket on ``db_url`` (default: SQLite in ``tmp_path``)."""
    issuer = TokenIssuer()
    connector = FakeConnector(bot_token=None if anonymous else BOT_TOKEN, channels={CORE_CHANNEL, PRT_CHANNEL},
                              conversations={PERSONAL}, jwks=issuer.jwks()).start()
    connector.rosters[TEAM] = [{"id": CORE_MEMBER, "aadObjectId": CORE_MEMBER_AAD, "name": "Kern Lid"}]
    asker = {"id": ASKER, "aadObjectId": ASKER_AAD, "name": "Naam " + ASKER[-4:]}  # as in Harness.activity
    connector.rosters[PERSONAL] = [asker]
    connector.rosters[PRT_CHANNEL] = [asker]
    # The SDK picks the JWKS of the Bot Framework issuer from this table: point it at the fake.
    monkeypatch.setitem(BOTFRAMEWORK_JWKS_URIS, BOT_FRAMEWORK_ISSUER, connector.jwks_url)
    store = Store.open(db_url or f"sqlite:///{tmp_path / 'loket.db'}")
    h = Harness(settings, store, desk, connector, issuer, anonymous=anonymous)
    h.start()
    return h


@pytest.fixture
def teams(tmp_path, desk, teams_settings, monkeypatch):
    h = _harness(tmp_path, desk, teams_settings, anonymous=False, monkeypatch=monkeypatch)
    yield h
    h.stop()
    h.connector.stop()
    h.store.close()


@pytest.fixture
def teams_anonymous(tmp_path, desk, teams_settings, monkeypatch):
    settings = teams_settings.with_(teams_anonymous=True, teams_sdk_env={})
    h = _harness(tmp_path, desk, settings, anonymous=True, monkeypatch=monkeypatch)
    yield h
    h.stop()
    h.connector.stop()
    h.store.close()
