"""Commands in Teams: the first word of a personal-chat message, or of a message that
@mentions Loket (Teams has no slash commands; the app manifest lists them as
``commandLists``, so Teams offers them in its command menu).

The words are Slack's ``/loket`` sub-commands (:mod:`bot.core.subcommands`) plus
``signaal`` (Slack's ``/signaal``) and ``help``. A message is a command when

* it is exactly a sub-command (``plan``, ``plan Utrecht``, ``overzicht 2026-W48``, ``signalen``,
  ``signaal #12``, ``help``); or
* it starts with a command word, has at most three words and no question mark
  (``plan Atlantis``, ``overzicht vorige maand``): then the argument is wrong and Loket says
  how it should be, instead of trying to answer it; or
* it starts with ``/`` (a Slack habit: ``/loket plan``, ``/overzicht``): a ``/word`` that is
  no command gets the help, never an answer attempt.

Any other text stays a question ("plan van aanpak voor de opvang in Utrecht?").
"""
from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Awaitable, Callable

from bot.core.subcommands import NETWORK_SUBCOMMANDS, PLAN_WORDS, SUMMARY_WORDS, summary_week
from bot.core.monitoring.summary import build_summary
from bot.core.monitoring.taxonomy import UnknownValue, parse_province
from bot.core.network.items import KIND_ANNOUNCEMENT, KIND_LESSON
from bot.teams import cards, cards_monitoring as cm, network_commands
from bot.teams.activities import CHANNEL, PERSONAL, Incoming
from bot.teams.jobs import refresh_core_team
from bot.teams.conversations import conversation_key, split_thread
from bot.teams.flows import CORE_REFUSAL, reply_in_place

if TYPE_CHECKING:
    from bot.teams.runtime import TeamsRuntime

log = logging.getLogger(__name__)

HELP_WORDS = frozenset({"help", "hulp", "?", "commando's", "commandos"})
SIGNAL_WORDS = frozenset({"signaal"})
COMMAND_WORDS = PLAN_WORDS | SUMMARY_WORDS | SIGNAL_WORDS | HELP_WORDS | NETWORK_SUBCOMMANDS | {"signalen"}
ESCALATION_REF = re.compile(r"^#?(\d+)$")
MAX_COMMAND_WORDS = 3
QUESTION_HINT = " Bedoel je een vraag? Schrijf een hele zin, met een vraagteken."
PRIVATE_ONLY = ("Dit overzicht is alleen voor het kernteam: vraag het in een privégesprek met Loket "
                "of in het kanaal van het kernteam.")


@dataclass(frozen=True)
class Command:
    word: str  # "help", "plan", "overzicht", ..., or "unknown"
    argument: str


def parse(text: str | None) -> Command | None:
    """The command in ``text`` (see the module docstring), or None for a question."""
    text = " ".join((text or "").split())
    slashed = text.startswith("/")
    if slashed:
        text = text[1:].strip()
        if text.lower().split(" ", 1)[0] == "loket":
            text = text[5:].strip()
    first, _, rest = text.partition(" ")
    word = first.lower()
    if word in COMMAND_WORDS:
        short = len(text.split()) <= MAX_COMMAND_WORDS and "?" not in text
        if slashed or short or (word in NETWORK_SUBCOMMANDS and not rest.endswith("?")):
            return Command(_canonical(word), rest)
        return None
    if slashed:
        return Command("unknown", first or "/")
    return None


def _canonical(word: str) -> str:
    if word in PLAN_WORDS:
        return "plan"
    if word in SUMMARY_WORDS:
        return "overzicht"
    if word in SIGNAL_WORDS:
        return "signaal"
    if word in HELP_WORDS:
        return "help"
    return word


async def dispatch(rt: "TeamsRuntime", msg: Incoming) -> bool:
    """Run the command in ``msg``; False when it is no command (then it is a question)."""
    command = parse(msg.text)
    if command is None:
        return False
    log.info("teams: command %s", command.word)
    try:
        attachment = await HANDLERS[command.word](rt, msg, command.argument)
    except Exception as e:  # noqa: BLE001 - the person hears it; the log gets the type only
        log.error("teams: command %s failed (%s)", command.word, type(e).__name__)
        attachment = cards.notice_card("Er ging iets mis; probeer het later nog eens.")
    await reply_in_place(rt, msg, attachment, summary="Loket")
    return True


# -- the handlers: (runtime, message, argument) -> the card to reply with ------------------------
Handler = Callable[["TeamsRuntime", Incoming, str], Awaitable[dict]]


async def _help(rt: "TeamsRuntime", msg: Incoming, argument: str) -> dict:
    return cm.help_card()


async def _unknown(rt: "TeamsRuntime", msg: Incoming, argument: str) -> dict:
    return cm.unknown_command_card(argument)


async def _core_only(rt: "TeamsRuntime", msg: Incoming) -> dict | None:
    """A refusal card for a core-only command, or None when ``msg`` may have it here."""
    await refresh_core_team(rt)
    if not rt.core_team.is_member(msg.user_id):
        return cards.notice_card(CORE_REFUSAL)
    base, _ = split_thread(msg.conversation_id)
    private = msg.kind == PERSONAL or (msg.kind == CHANNEL and conversation_key(base) == rt.core_key)
    return None if private else cards.notice_card(PRIVATE_ONLY)


async def _summary(rt: "TeamsRuntime", msg: Incoming, argument: str) -> dict:
    mon, now = rt.monitoring, rt.clock()
    try:
        week = summary_week(argument, now, rt.settings.timezone)
    except ValueError as e:
        return cards.notice_card(str(e) + QUESTION_HINT)
    refusal = await _core_only(rt, msg)
    if refusal is not None:
        return refusal
    summary = await asyncio.to_thread(build_summary, mon.store, week, tz=rt.settings.timezone, now=now,
                                      hours=mon.working_hours)
    return cm.summary_card(summary)


async def _signals(rt: "TeamsRuntime", msg: Incoming, argument: str) -> dict:
    refusal = await _core_only(rt, msg)
    if refusal is not None:
        return refusal
    return cm.signal_list_card(await asyncio.to_thread(rt.monitoring.signals.list, open_only=True))


async def _plan(rt: "TeamsRuntime", msg: Incoming, argument: str) -> dict:
    """No province: the twelve plans (anyone); a province: it with *Bijwerken* (core team)."""
    plans = rt.monitoring.plans
    if not argument:
        return cm.plans_card(await asyncio.to_thread(plans.all))
    try:
        province = parse_province(argument)
    except UnknownValue as e:
        return cards.notice_card(str(e) + QUESTION_HINT)
    refusal = await _core_only(rt, msg)
    if refusal is not None:
        return refusal
    return cm.plan_card(await asyncio.to_thread(plans.get, province))


async def _signal(rt: "TeamsRuntime", msg: Incoming, argument: str) -> dict:
    """``signaal`` or ``signaal #12``: the button that opens the signal form."""
    if not argument:
        return cm.signal_start_card()
    ref = ESCALATION_REF.match(argument.strip())
    if not ref:
        return cards.notice_card("Gebruik 'signaal' of 'signaal #12' (het nummer van een escalatie).")
    return cm.signal_start_card(escalation=int(ref.group(1)))


async def _experts(rt: "TeamsRuntime", msg: Incoming, argument: str) -> dict:
    return await network_commands.experts(rt, msg, argument)


async def _support(rt: "TeamsRuntime", msg: Incoming, argument: str) -> dict:
    return await network_commands.support(rt, msg, argument)


async def _announcement(rt: "TeamsRuntime", msg: Incoming, argument: str) -> dict:
    """``bericht [tekst]``: the core team's announcement form (personal chat or core channel)."""
    refusal = await _core_only(rt, msg)
    return refusal or await network_commands.item_form(rt, msg, KIND_ANNOUNCEMENT, argument)


async def _lesson(rt: "TeamsRuntime", msg: Incoming, argument: str) -> dict:
    """``les``: the core team's lesson-learned form (personal chat or core channel)."""
    refusal = await _core_only(rt, msg)
    return refusal or await network_commands.item_form(rt, msg, KIND_LESSON)


HANDLERS: dict[str, Handler] = {
    "help": _help, "unknown": _unknown, "overzicht": _summary, "signalen": _signals, "plan": _plan,
    "signaal": _signal, "deskundige": _experts, "deskundigen": _experts, "ondersteuning": _support,
    "bericht": _announcement, "les": _lesson,
}
