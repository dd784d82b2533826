"""The Agents SDK pieces Loket uses: authentication, the adapter, and sending.

* Incoming requests are authenticated by the SDK's own JWT validation
  (``jwt_authorization_middleware``); :func:`auth_middleware` wraps it so that anything the
  validation raises (a token without a key id, no network to fetch signing keys) is a 401,
  never a 500. Signing keys are fetched on the first request that needs them, not at start.
* Outgoing messages go through the SDK's connector client to the ``serviceUrl`` of the
  stored conversation reference, exactly (path included, http or https), each after its
  turn in the conversation's posting pace (Teams limits a bot per conversation; the pace
  is :mod:`bot.core.delivery.pace`'s, shared by replicas on PostgreSQL), so direct replies
  and the outbox share one budget per conversation.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from aiohttp import web
from microsoft_agents.activity import Activity, ChannelAccount, ConversationAccount, ConversationParameters, load_configuration_from_env
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_middleware
from microsoft_agents.hosting.core import AgentAuthConfiguration, ClaimsIdentity, TurnContext
from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider, Connections
from microsoft_agents.hosting.core.connector import ConnectorClientBase

from bot.core.delivery.ratelimit import Pacer
from bot.settings import Settings
from bot.teams.conversations import conversation_key, split_thread

log = logging.getLogger(__name__)

MESSAGES_PATH = "/api/messages"
# One call to the Bot Connector (post, update, roster) may take this long. The SDK's HTTP client
# waits up to five minutes; a handler or outbox round stuck that long holds up every message
# after it, while a call that times out is simply tried again (outbox) or skipped (roster).
CONNECTOR_TIMEOUT = 30.0  # seconds
_AUTH_ERROR = {"error": "Invalid token or authentication failed."}


class _AnonymousConnections:
    """The connection manager of anonymous mode: no credentials, no tokens."""

    def __init__(self) -> None:
        self._provider = AnonymousTokenProvider()
        self._config = AgentAuthConfiguration(anonymous_allowed=True)

    def get_connection(self, connection_name: str) -> AnonymousTokenProvider:
        return self._provider

    def get_default_connection(self) -> AnonymousTokenProvider:
        return self._provider

    def get_token_provider(self, claims_identity: Any, service_url: str) -> AnonymousTokenProvider:
        return self._provider

    def get_token_provider_from_activity(self, claims_identity: Any, activity: Any) -> AnonymousTokenProvider:
        return self._provider

    def get_default_connection_configuration(self) -> AgentAuthConfiguration:
        return self._config


def connections_from_settings(settings: Settings) -> Connections:
    """The SDK's MSAL connection manager from its own settings, or anonymous mode's."""
    if not settings.teams_client_id:
        if not settings.teams_anonymous:
            raise ValueError("Teams needs CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID or LOKET_TEAMS_ANONYMOUS=1")
        return _AnonymousConnections()  # type: ignore[return-value]
    from microsoft_agents.authentication.msal import MsalConnectionManager

    return MsalConnectionManager(**load_configuration_from_env(settings.teams_sdk_env))


def auth_configuration(settings: Settings, connections: Connections) -> AgentAuthConfiguration:
    """What incoming tokens are checked against; anonymous only with LOKET_TEAMS_ANONYMOUS=1."""
    config = connections.get_default_connection_configuration()
    config.ANONYMOUS_ALLOWED = bool(settings.teams_anonymous)
    return config


@web.middleware
async def auth_middleware(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    """The SDK's JWT check on ``/api/messages``; whatever it raises is a 401 (never a 500)."""
    if request.path != MESSAGES_PATH:
        return await handler(request)
    passed = web.Response(status=204)

    async def _through(_request: web.Request) -> web.Response:
        return passed

    try:
        result = await jwt_authorization_middleware(request, _through)
    except Exception as e:  # noqa: BLE001 - a broken token must never be a 500
        log.warning("teams: request refused, token check failed (%s)", type(e).__name__)
        return web.json_response(_AUTH_ERROR, status=401)
    if result is not passed:
        log.warning("teams: request refused (%s)", getattr(result, "status", "?"))
        return result
    return await handler(request)


def claims_for(settings: Settings, connections: Connections) -> ClaimsIdentity:
    """The identity proactive messages are sent with (anonymous mode: none, so no token)."""
    if settings.teams_anonymous and not settings.teams_client_id:
        return ClaimsIdentity()
    app_id = connections.get_default_connection_configuration().CLIENT_ID or ""
    return ClaimsIdentity({"aud": app_id, "appid": app_id}, authentication_type="Bearer")


@dataclass
class Sender:
    """Send activities to stored conversations through the SDK (proactively)."""

    adapter: CloudAdapter
    claims: ClaimsIdentity
    pace: Pacer | None = None  # per conversation (a channel's threads share their channel's)
    timeout: float = CONNECTOR_TIMEOUT  # seconds one connector call may take

    async def _wait_turn(self, conversation_id: str) -> None:
        """Take a slot in the conversation's pace (a database call: in a thread) and wait for it."""
        if self.pace is None:
            return
        key = conversation_key(split_thread(conversation_id)[0])
        wait = await asyncio.to_thread(self.pace.reserve, key)
        if wait > 0:
            await asyncio.sleep(wait)

    def _continuation(self, *, service_url: str, conversation_id: str, bot_id: str, channel_id: str = "msteams",
                      tenant_id: str | None = None) -> Activity:
        return Activity(type="event", name="ContinueConversation", service_url=service_url, channel_id=channel_id,
                        conversation=ConversationAccount(id=conversation_id, tenant_id=tenant_id),
                        recipient=ChannelAccount(id=bot_id), from_property=ChannelAccount(id=bot_id))

    async def _with_connector(self, reference: dict[str, Any], conversation_id: str,
                              fn: Callable[[ConnectorClientBase, TurnContext], Awaitable[Any]]) -> Any:
        result: dict[str, Any] = {}

        async def callback(context: TurnContext) -> None:
            # Errors are carried out of the turn: the SDK would hand them to on_turn_error,
            # which answers in *this* conversation (the caller decides what to tell whom).
            try:
                result["value"] = await fn(context.services.get(ConnectorClientBase), context)
            except Exception as e:  # noqa: BLE001 - re-raised below
                result["error"] = e

        await self._wait_turn(conversation_id)
        activity = self._continuation(service_url=reference["serviceUrl"], conversation_id=conversation_id,
                                      bot_id=reference.get("botId") or "", tenant_id=reference.get("tenantId"))
        await asyncio.wait_for(self.adapter.continue_conversation_with_claims(self.claims, activity, callback),
                               self.timeout)
        if "error" in result:
            raise result["error"]
        return result.get("value")

    async def send_card(self, reference: dict[str, Any], conversation_id: str, attachment: dict[str, Any],
                        *, summary: str = "") -> str | None:
        """Post a card into ``conversation_id`` (a channel thread: "…;messageid=ROOT"); its activity id."""

        async def send(_client: ConnectorClientBase, context: TurnContext) -> str | None:
            response = await context.send_activity(Activity(type="message", text=summary or None, attachments=[attachment]))
            return getattr(response, "id", None)

        return await self._with_connector(reference, conversation_id, send)

    async def typing(self, reference: dict[str, Any], conversation_id: str) -> None:
        """The typing indicator in ``conversation_id`` (Teams' "Even zoeken…": it shows until
        Loket's next message, or a few seconds)."""

        async def send(_client: ConnectorClientBase, context: TurnContext) -> None:
            await context.send_activity(Activity(type="typing"))

        await self._with_connector(reference, conversation_id, send)

    async def new_thread(self, reference: dict[str, Any], channel_id: str, attachment: dict[str, Any],
                         *, summary: str = "") -> tuple[str, str]:
        """Start a new thread in channel ``channel_id``; returns (thread conversation id, root id)."""

        async def create(client: ConnectorClientBase, _context: TurnContext) -> tuple[str, str]:
            params = ConversationParameters(
                is_group=True, agent=ChannelAccount(id=reference.get("botId") or ""),
                channel_data={"channel": {"id": channel_id}},
                activity=Activity(type="message", text=summary or None, attachments=[attachment]),
                tenant_id=reference.get("tenantId"),
            )
            response = await client.conversations.create_conversation(params)
            return response.id, response.activity_id

        return await self._with_connector(reference, channel_id, create)

    async def update_card(self, reference: dict[str, Any], conversation_id: str, activity_id: str,
                          attachment: dict[str, Any], *, summary: str = "") -> None:
        """Replace Loket's message ``activity_id`` in ``conversation_id`` by a new card (PUT)."""

        async def update(client: ConnectorClientBase, _context: TurnContext) -> None:
            body = Activity(type="message", id=activity_id, text=summary or None, attachments=[attachment])
            await client.conversations.update_activity(conversation_id, activity_id, body)

        await self._with_connector(reference, conversation_id, update)

    async def delete(self, reference: dict[str, Any], conversation_id: str, activity_id: str) -> None:
        """Delete Loket's message ``activity_id`` from ``conversation_id`` (DELETE)."""

        async def delete(client: ConnectorClientBase, _context: TurnContext) -> None:
            await client.conversations.delete_activity(conversation_id, activity_id)

        await self._with_connector(reference, conversation_id, delete)

    async def member(self, reference: dict[str, Any], conversation_id: str, user_id: str) -> dict[str, Any]:
        """One member of a conversation or team (its name): ``GET …/members/{userId}``."""

        async def read(client: ConnectorClientBase, _context: TurnContext) -> dict[str, Any]:
            member = await client.conversations.get_conversation_member(conversation_id, user_id)
            return member.model_dump(by_alias=True, exclude_none=True)

        return await self._with_connector(reference, conversation_id, read)

    async def members(self, reference: dict[str, Any], conversation_id: str) -> list[dict[str, Any]]:
        """The roster of a team or channel (ids "29:…" and Entra object ids)."""

        async def read(client: ConnectorClientBase, _context: TurnContext) -> list[dict[str, Any]]:
            members = await client.conversations.get_conversation_members(conversation_id)
            return [m.model_dump(by_alias=True, exclude_none=True) for m in members]

        return await self._with_connector(reference, conversation_id, read)


def new_adapter(connections: Connections, on_error: Callable[[TurnContext, Exception], Awaitable[None]]) -> CloudAdapter:
    """The SDK's aiohttp adapter, with Loket's error handler instead of "Exception caught"."""
    adapter = CloudAdapter(connection_manager=connections)
    adapter.on_turn_error = on_error
    return adapter
