"""The Teams side of Loket at run time: receive activities durably, answer after the
acknowledgement, and keep delivering (escalations, relays) from the database.

``on_turn`` (the SDK calls it inside the POST) only stores the activity in the inbox
(``bot.store.inbox``; the key is the conversation and activity id, so a redelivered activity
is acknowledged and nothing else) and remembers the conversation reference; the answering
runs in a task after the 2xx. :meth:`TeamsRuntime.run_once` (the background loop) picks up
what a crash left: inbox rows whose lease ran out, escalations not yet posted, the outbox.
"""
from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from datetime import datetime
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Callable

from aiohttp import ClientResponseError
from microsoft_agents.hosting.core import TurnContext

from bot.core.delivery.drain import MAX_OUTBOX_ROUNDS, Failure, OutboxDrainer, Sent, Undeliverable
from bot.core.delivery.inbox import InboxWorker, Work
from bot.core.delivery.outbox import ERASURE_KINDS, POST_CLAIMED, POST_CLOSED, POST_CORE_REPLY, POST_FOLLOWUP
from bot.core.delivery.platforms import TEAMS_INBOX_KIND
from bot.core.delivery.retry import retry_after
from bot.core.service import LoketService, utcnow
from bot.core.views import EscalationView, OutboxPost
from bot.settings import Settings
from bot.store.repo import Store
from bot.teams import (
    cards, cards_core, commands, dialogs, erasure, escalation_actions, flows, network_commands, notices, relay_edits,
)
from bot.teams.activities import CHANNEL, PERSONAL, parse
from bot.teams.conversations import ConversationBook, conversation_key, is_teams_key, split_thread, thread_conversation
from bot.teams.core_team import CoreTeam
from bot.teams.monitoring import TeamsMonitoring
from bot.teams.sdk import Sender

if TYPE_CHECKING:
    from bot.core.network.hub import Network

log = logging.getLogger(__name__)

POLL = 0.2  # seconds between checks that the event loop still runs (see on_loop)


class LoopStopped(RuntimeError):
    """The event loop stopped while a worker thread waited for a send on it."""


def on_loop(loop: asyncio.AbstractEventLoop, coro: Any) -> Any:
    """Run ``coro`` on ``loop`` from a worker thread and wait for its result.

    Why not just ``run_coroutine_threadsafe(...).result()``: when the server shuts down (or a
    test ends) while the outbox thread waits, the loop never runs the coroutine and the
    thread would wait forever, so the process could not exit. Here the wait gives up with
    :class:`LoopStopped` once the loop is stopped or closed; the post stays in the outbox.
    """
    future = asyncio.run_coroutine_threadsafe(coro, loop)
    while True:
        try:
            return future.result(timeout=POLL)
        except TimeoutError:
            if future.done():
                raise  # the coroutine itself timed out
            if loop.is_closed() or not loop.is_running():
                future.cancel()
                raise LoopStopped("event loop stopped while sending") from None

INBOX_KIND = TEAMS_INBOX_KIND
RETRYABLE_4XX = frozenset({408, 412, 429})
PACED_INTERVAL = 1.0  # seconds to the next round after one that left posts waiting for their pace


def inbox_key(conversation_id: str, activity_id: str) -> str:
    """Activity ids are unique within a conversation: the key combines both."""
    return "teams:" + hashlib.sha256(f"{conversation_id}|{activity_id}".encode()).hexdigest()[:40]


def is_permanent(status: int) -> bool:
    """A connector answer that trying again will not change: a 4xx except 408 (timeout),
    412 and 429 (Microsoft asks to retry those)."""
    return 400 <= status < 500 and status not in RETRYABLE_4XX


def reference_of(activity: dict[str, Any]) -> dict[str, Any]:
    """What Loket keeps to write to this conversation later (the serviceUrl exactly)."""
    conversation = activity.get("conversation") or {}
    return {"serviceUrl": activity.get("serviceUrl"), "botId": (activity.get("recipient") or {}).get("id"),
            "tenantId": conversation.get("tenantId") or ((activity.get("channelData") or {}).get("tenant") or {}).get("id"),
            "channelId": activity.get("channelId") or "msteams"}


class TeamsRuntime:
    """Everything the Teams adapter does, around one :class:`LoketService`."""

    def __init__(self, settings: Settings, *, service: LoketService, store: Store, sender: Sender,
                 core_team: CoreTeam, clock: Callable[[], datetime] = utcnow, network: "Network | None" = None) -> None:
        self.settings = settings
        self.service = service
        self.sender = sender
        self.core_team = core_team
        self.book = ConversationBook(store)
        self.worker = InboxWorker(store, clock=clock, kinds=(INBOX_KIND,), tracebacks=False)
        self.inbox = self.worker.inbox
        self.clock = clock
        self.network = network  # experts, referrals, support requests (None: not available)
        self.core_key = conversation_key(settings.teams_core_channel) if settings.teams_core_channel else None
        self._tasks: set[asyncio.Task] = set()
        # The outbox drainer waits in its thread for sends on the event loop, and those sends
        # use asyncio.to_thread: in the default pool the drainers could take every worker
        # and wait for coroutines that need one (a deadlock). So drains get their own thread,
        # one at a time (posts are leased anyway; a second caller's post goes in the next drain).
        self._outbox_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="loket-teams-outbox")
        self._drain_lock: asyncio.Lock | None = None
        self.deferred = False  # posts waited for a conversation's pace: the loop comes back soon
        self.monitoring = TeamsMonitoring(self)  # signals, plans, reminders, weekly runs

    # -- receiving (inside the POST, before the 2xx) ----------------------------------------
    async def on_turn(self, context: TurnContext) -> None:
        """The SDK's agent callback: store, remember, schedule; never answer here."""
        activity = context.activity.model_dump(by_alias=True, mode="json", exclude_none=True)
        self._remember(activity)
        if dialogs.handles(activity):  # a dialog: answered in this response (bot.teams.dialogs)
            await dialogs.on_invoke(self, context, activity)
            return
        msg = parse(activity)
        if msg is None:
            return
        self.core_team.learn(msg.user_id, msg.user_aad_id)
        key = inbox_key(msg.conversation_id, msg.delivery_id)
        base, root = split_thread(msg.conversation_id)
        fresh = self.inbox.receive(key, kind=INBOX_KIND, payload={"activity": activity}, now=self.clock(),
                                   thread_key=f"{conversation_key(base)}:{root}" if root else None)
        if not fresh:
            log.info("teams: activity delivered again, already stored: acknowledged only")
            return
        self.spawn(self.process(key, activity))

    def _remember(self, activity: dict[str, Any]) -> None:
        conversation = activity.get("conversation") or {}
        if not (conversation.get("id") and activity.get("serviceUrl")):
            return
        base, _ = split_thread(str(conversation["id"]))
        self.book.remember(conversation_id=base, kind=conversation.get("conversationType") or PERSONAL,
                           service_url=str(activity["serviceUrl"]), reference=reference_of(activity), now=self.clock())

    def spawn(self, coro) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def idle(self) -> None:
        """Wait for the answering tasks in flight (tests, shutdown), also those they spawn.

        Only unfinished tasks are awaited: a finished task stays in ``_tasks`` until its
        done-callback runs on a later turn of the loop, and on Python 3.12 ``gather`` of
        finished tasks completes without giving the loop that turn, so waiting on it again
        and again spun forever and blocked the loop (seen as rare 120 s hangs in CI).
        """
        while pending := [t for t in self._tasks if not t.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    # -- processing (after the 2xx) ---------------------------------------------------------
    async def process(self, key: str, activity: dict[str, Any], *, work: Work | None = None) -> None:
        """Run one stored activity once, through the neutral inbox worker (its lease renewed
        while the answer is made; a database hiccup is retried later); when it fails for
        good the asker gets a short Dutch apology."""
        work = work or self.worker.begin(key)
        if work is None:
            return
        error: BaseException | None = None
        with self.worker.tracked(work):
            try:
                with self.worker.working(work):
                    await self.handle(activity, source_key=key)
            except Exception as e:  # noqa: BLE001 - the person hears it; the log gets the type only
                error = e
            failed = self.worker.conclude(work, error)
        if failed:
            await self.apologise(activity)

    async def handle(self, activity: dict[str, Any], *, source_key: str) -> None:
        msg = parse(activity)
        if msg is None:
            return
        if msg.event:  # an edit or deletion (bot.teams.relay_edits)
            await relay_edits.on_correction(self, msg)
            return
        if msg.value:
            if await network_commands.card_action(self, msg):  # bericht / les forms
                return
            if not await escalation_actions.card_action(self, msg):
                await flows.card_action(self, msg)
            return
        base, root = split_thread(msg.conversation_id)
        if msg.kind == CHANNEL and self.core_key == conversation_key(base) and root:
            esc = self.service.escalation_for_core_thread(self.core_key, root)
            if esc is not None and not msg.mentions_bot:
                await flows.core_thread_message(self, msg, esc)
                return
        if msg.kind == PERSONAL or msg.mentions_bot:
            if msg.text and await commands.dispatch(self, msg):  # help, signaal, overzicht, plan, …
                return
            if msg.text:
                await flows.question(self, msg, source_key=source_key)

    async def apologise(self, activity: dict[str, Any]) -> None:
        msg = parse(activity)
        if msg is None:
            return
        try:
            await flows.reply_in_place(self, msg, cards.notice_card(cards.APOLOGY), summary=cards.APOLOGY)
        except Exception as e:  # noqa: BLE001
            log.error("teams: apology not sent (%s)", type(e).__name__)

    async def on_error(self, context: TurnContext, error: Exception) -> None:
        """The SDK's turn-error handler: a Dutch apology, never "Exception caught …"."""
        log.error("teams: turn failed (%s)", type(error).__name__)
        try:
            await context.send_activity(cards.APOLOGY)
        except Exception as e:  # noqa: BLE001
            log.error("teams: apology not sent (%s)", type(e).__name__)

    # -- references and the core team ------------------------------------------------------
    def reference_for(self, key: str) -> dict[str, Any]:
        stored = self.book.get(key)
        if stored is None:
            raise LookupError("no stored conversation reference")
        return stored.reference

    def _core_reference(self) -> dict[str, Any] | None:
        """The core channel's reference; before Loket saw it, any stored one of the tenant
        (Teams serves one tenant from one serviceUrl)."""
        if self.core_key and (stored := self.book.get(self.core_key)) is not None:
            return stored.reference
        return None

    async def refresh_core_team(self) -> None:
        team = self.settings.teams_team_id
        if not team or not self.core_team.stale():
            return
        reference = self._core_reference()
        if reference is None:
            return
        await self.core_team.refresh(lambda: self.sender.members(reference, team))

    # -- escalations ---------------------------------------------------------------------
    async def post_escalation(self, esc: EscalationView, *, asker_name: str | None = None,
                              fallback_reference: dict[str, Any] | None = None) -> bool:
        """A new thread in the core channel for ``esc`` (leased: posted once)."""
        if not self.settings.teams_core_channel or self.core_key is None:
            log.warning("escalation #%s: LOKET_TEAMS_CORE_CHANNEL not set, not posted", esc.number)
            return False
        reference = self._core_reference() or fallback_reference or self._asker_reference(esc)
        if reference is None:
            return False
        lease = self.service.lease_escalation_post(esc.number)
        if lease is None:
            return False
        try:
            conversation_id, activity_id = await self.sender.new_thread(
                reference, self.settings.teams_core_channel, cards.escalation_card(esc, asker_name=asker_name),
                summary=f"#{esc.number}: vraag aan het kernteam")
        except Exception as e:  # noqa: BLE001 - retried by the background loop
            log.warning("escalation #%s: not posted (%s); retried later", esc.number, type(e).__name__)
            self.service.release_escalation_post(esc.number, lease.token)
            return False
        root = split_thread(conversation_id or "")[1] or activity_id
        self.service.mark_posted(esc.number, channel_id=self.core_key, ts=root, token=lease.token)
        self.book.remember(conversation_id=self.settings.teams_core_channel, kind=CHANNEL,
                           service_url=reference["serviceUrl"], reference=reference, now=self.clock())
        log.info("escalation #%s posted to the core channel", esc.number)
        await self.suggest_experts()
        return True

    async def suggest_experts(self) -> int:
        """Expert suggestions for escalations posted since (bot.teams.escalation_actions);
        a failure never undoes a posted escalation (the background loop tries again)."""
        try:
            return await escalation_actions.queue_suggestions(self)
        except Exception as e:  # noqa: BLE001
            log.warning("teams: expert suggestions failed (%s); tried again later", type(e).__name__)
            return 0

    def _asker_reference(self, esc: EscalationView) -> dict[str, Any] | None:
        stored = self.book.get(esc.asker_channel_id)
        return stored.reference if stored else None

    async def post_pending_escalations(self) -> int:
        posted = 0
        for esc in self.service.pending_escalation_posts():
            if is_teams_key(esc.asker_channel_id) and await self.post_escalation(esc):
                posted += 1
        return posted

    # -- the outbox ----------------------------------------------------------------------
    async def deliver_outbox(self, *, wait: bool = True, budget: int = MAX_OUTBOX_ROUNDS) -> int:
        """Send due posts for Teams conversations, in order per thread; others are left alone.

        The loop is the neutral :class:`~bot.core.delivery.drain.OutboxDrainer` (leases,
        retries with backoff or after ``Retry-After``, permanent errors given up and
        reported), run in a worker thread; only the HTTP calls to the connector run on this
        event loop. Every call waits its turn in the conversation's pace (:class:`Sender`);
        ``wait=False`` (the background loop) leaves a conversation whose pace is used up for
        a round soon after (``self.deferred``), so one busy channel holds up no other.
        """
        loop = asyncio.get_running_loop()

        def run(coro: Any) -> Any:
            return on_loop(loop, coro)

        pace = self.sender.pace
        drainer = OutboxDrainer(self.service, owns=is_teams_key, send=lambda post: self._send_post(post, run),
                                describe=self._describe, gave_up=self._gave_up,
                                pace=pace.delay if pace is not None else None,
                                after_sent=lambda post, sent, _marked: run(relay_edits.after_sent(self, post, sent.ts)))
        if self._drain_lock is None:
            self._drain_lock = asyncio.Lock()
        async with self._drain_lock:
            sent = await loop.run_in_executor(self._outbox_thread,
                                              functools.partial(drainer.drain, wait=wait, budget=budget))
        self.deferred = self.deferred or drainer.deferred
        return sent

    def _send_post(self, post: OutboxPost, run: Callable[[Any], Any]) -> Sent:
        """Render ``post`` as a card and send it to its stored conversation, or carry out an
        erasure (``run`` awaits the HTTP call on the event loop)."""
        if post.kind in ERASURE_KINDS:
            return Sent(run(erasure.erase(self, post)), post.channel_id)
        stored = self.book.get(post.channel_id)
        attachment = self._render(post)
        if stored is None or attachment is None:
            raise Undeliverable("not renderable")
        target = thread_conversation(stored.conversation_id, post.thread_ts if stored.kind != PERSONAL else None)
        return Sent(run(self.sender.send_card(stored.reference, target, attachment)), post.channel_id)

    def _describe(self, error: Exception) -> Failure:
        """The connector's HTTP status (429: try again after its ``Retry-After``; any other 4xx
        but 408/412, such as 413 "message too large" or 404: trying again will not help, the
        post is given up at once), else the error type."""
        if isinstance(error, ClientResponseError):
            header = (error.headers or {}).get("Retry-After") if error.headers else None
            return Failure(f"http {error.status}", give_up=is_permanent(error.status),
                           retry_at=retry_after(error.status, header, self.clock()))
        return Failure(type(error).__name__)

    def _gave_up(self, post: OutboxPost, failure: Failure) -> None:
        """A post given up for good is reported in the core channel (ids and the error code
        only, no text), as Slack does; a report that fails itself is not reported again."""
        if self.core_key is None or post.kind == notices.POST_CARD and post.payload.get("undelivered"):
            return
        number = int(post.escalation_number or post.payload.get("number") or 0)
        self.service.enqueue_post(kind=notices.POST_CARD, channel_id=self.core_key, thread_ts=None,
                                  payload={"card": cards_core.undelivered_notice(number, failure.error),
                                           "summary": "Bericht niet afgeleverd", "undelivered": True},
                                  dedupe_key=f"teams-undelivered:{post.id}")

    @staticmethod
    def _render(post: OutboxPost) -> dict[str, Any] | None:
        p, number = post.payload, post.payload.get("number")
        if post.kind == notices.POST_CARD:  # monitoring: signals, reminders, the weekly summary, updates
            return notices.render(p)
        if post.kind == POST_CORE_REPLY:
            return cards.relay_card(number, core_name=None, text=str(p.get("text") or ""))
        if post.kind == POST_FOLLOWUP:
            return cards.card([cards.label(f"Aanvulling van de vrager op #{number}:", weight="Bolder"),
                               cards.literal(str(p.get("text") or ""))])
        if post.kind == POST_CLAIMED:
            return cards.notice_card(f"Het kernteam heeft je vraag #{number} opgepakt.")
        if post.kind == POST_CLOSED:
            return cards.notice_card(f"Het kernteam heeft je vraag #{number} gesloten.")
        return cards_core.render(post)

    # -- the background loop -------------------------------------------------------------
    async def redeliver(self, *, budget: int = 20) -> int:
        """Process inbox rows a crash or an outage left (Teams rows only)."""
        done = 0
        while done < budget:
            items = self.worker.stale()
            if not items:
                break
            for item in items:
                activity = (item.payload or {}).get("activity") or {}
                if item.given_up:
                    await self.apologise(activity)
                else:
                    await self.process(item.key, activity,
                                       work=Work(item.key, item.attempts, item.received_at, item.token))
                done += 1
        return done

    async def run_once(self) -> None:
        self.deferred = False
        for step in (self.redeliver, self.post_pending_escalations, self.suggest_experts, self._deliver_paced):
            try:
                await step()
            except Exception as e:  # noqa: BLE001 - the loop must go on
                log.error("teams: background step %s failed (%s)", step.__name__, type(e).__name__)

    async def _deliver_paced(self) -> int:
        return await self.deliver_outbox(wait=False)

    async def loop(self) -> None:
        while True:
            await asyncio.sleep(PACED_INTERVAL if self.deferred else self.settings.retry_interval)
            await self.run_once()

