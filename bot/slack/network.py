"""The network function in Slack: the core services wired to Slack, and what they post.

:func:`~bot.core.network.hub.open_network` (shared with Teams) attaches the core
:class:`~bot.core.network.hub.Network` to the service's desk (``make_deps`` keeps it in ``Deps.network``). :class:`NetworkSlack` is
what the network listeners and the background job share: introductions after a referral,
expert suggestions for escalations, announcements and lessons in the updates channel.
Messages that must go out exactly once (suggestions, introductions) are queued in the
outbox as ready messages (``slack_reply`` posts, like monitoring's notices).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

from bot.core.network.hub import Network
from bot.core.network.items import ItemView
from bot.core.network.matcher import ExpertMatch
from bot.core.network.referrals import EscalationRef, ReferralView
from bot.core.delivery.notices import Notice
from bot.core.delivery.platforms import is_teams_channel
from bot.settings import Settings
from bot.slack import blocks_network as bn
from bot.slack.block_kit import Message
from bot.slack.blocks import ephemeral
from bot.slack.delivery import slack_error
from bot.slack.deps import Deps
from bot.slack.monitoring_notices import notice
from bot.slack.responses import respond

log = logging.getLogger(__name__)

UNAVAILABLE = "De netwerkfunctie (deskundigen, berichten, ondersteuning) is nu niet beschikbaar."


@dataclass
class NetworkSlack:
    """The network services plus the Slack helpers their listeners and jobs need."""

    deps: Deps
    settings: Settings

    @property
    def network(self) -> Network | None:
        return getattr(self.deps, "network", None)

    @property
    def client(self):
        return self.deps.delivery.client

    def is_core(self, user_id: str | None) -> bool:
        return bool(user_id) and self.deps.core_team.is_member(user_id)

    # -- private notes and forms -----------------------------------------------------------------
    def reply(self, command: dict[str, Any], message: Message) -> None:
        """Privately to the person who typed ``command``: in the place of its acknowledgement
        (response_url, works where Loket is not a member), else as :meth:`show` does."""
        if not respond(command, dict(message)):
            self.show(command.get("channel_id"), command["user_id"], message)

    def show(self, channel: str | None, user: str, message: Message, thread_ts: str | None = None) -> None:
        """A message only ``user`` sees: ephemeral in ``channel``, else a DM from Loket."""
        try:
            if channel:
                self.client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, **message)
                return
        except Exception as e:  # noqa: BLE001 - e.g. a DM between two people: Loket is not in it
            log.info("ephemeral note failed (%s); sending a DM", slack_error(e))
        try:
            self.client.chat_postMessage(channel=user, **message)
        except Exception as e:  # noqa: BLE001 - best effort
            log.info("DM to %s failed: %s", user, slack_error(e))

    def tell(self, channel: str | None, user: str, text: str, thread_ts: str | None = None) -> None:
        self.show(channel, user, ephemeral(text), thread_ts)

    def open_view(self, trigger_id: str | None, view: dict[str, Any]) -> bool:
        """The form, in the loading modal the acknowledgement opened (see :mod:`bot.slack.forms`)."""
        return self.deps.open_form(trigger_id, view)

    # -- announcements and lessons ---------------------------------------------------------------
    def publish(self, item: ItemView) -> str | None:
        """Post ``item`` in the updates channel (once, by key); returns the channel, or None."""
        channel = self.settings.updates_channel
        if not channel:
            return None
        try:
            resp = self.deps.delivery.poster.post(channel, None, dict(bn.item_post(item)), key=f"network:item:{item.id}")
        except Exception as e:  # noqa: BLE001 - stored and searchable anyway
            log.warning("knowledge item %s not posted to %s: %s", item.key, channel, slack_error(e))
            return None
        self.network.items.mark_posted(item.id, channel_id=resp["channel"], ts=resp.get("ts"))
        return resp["channel"]

    # -- suggestions and referrals ---------------------------------------------------------------
    @staticmethod
    def suggestion_notice(esc: EscalationRef, matches: list[ExpertMatch]) -> Notice | None:
        return notice(esc.core_channel_id, bn.suggestions(esc, matches), thread_ts=esc.core_ts)

    def introduce(self, ref: ReferralView) -> bool:
        """Put asker and expert in touch: a group DM when the expert is on Slack, else the
        asker's thread; a note in the core thread either way. True for a group DM."""
        esc = ref.escalation
        group = self._group_dm(esc.asker_user_id, ref.expert.slack_user_id)
        notices: list[tuple[str, Notice | None]] = []
        if group:
            notices.append(("intro", notice(group, bn.introduction(ref, group=True))))
            notices.append(("asker", notice(esc.asker_channel_id, bn.referral_asker_note(ref), esc.asker_thread_ts)))
        else:
            notices.append(("intro", notice(esc.asker_channel_id, bn.introduction(ref, group=False), esc.asker_thread_ts)))
        notices.append(("core", notice(esc.core_channel_id, bn.referral_core_note(ref, group=bool(group)), esc.core_ts)))
        self.network.referrals.introduced(ref, channel_id=group or esc.asker_channel_id, notices=notices)
        self.deps.delivery.deliver_outbox()
        return bool(group)

    def _group_dm(self, asker: str, expert: str | None) -> str | None:
        """``conversations.open`` with asker and expert; None when the expert is not on Slack or it fails."""
        if not expert or expert == asker:
            return None
        try:
            resp = self.client.conversations_open(users=f"{asker},{expert}")
            return (resp.get("channel") or {}).get("id")
        except Exception as e:  # noqa: BLE001 - fall back to the asker's thread
            log.warning("conversations.open for a referral failed: %s", slack_error(e))
            return None

    # -- the background job ------------------------------------------------------------------------
    def run_jobs(self) -> None:
        """Keep the desk's announcements and lessons equal to the database (other replicas save
        them too) and queue expert suggestions for newly posted escalations."""
        if self.network is None:
            return
        self.network.items.sync()
        if self.network.referrals.queue_suggestions(self.suggestion_notice,
                                                    accept=lambda esc: not is_teams_channel(esc.core_channel_id)):
            self.deps.delivery.deliver_outbox()


def network_job(settings: Settings, deps: Deps) -> Callable[[], None]:
    """The job for the server's background loop (see ``Runtime._jobs``)."""
    return NetworkSlack(deps=deps, settings=settings).run_jobs
