"""``loket chat``: the terminal chat on the embedded defaults (local index, SQLite).

The same core as in Slack: questions are stored, and what Loket cannot answer is kept
as an escalation for the core team, so it reaches them once Slack is connected.
"""
from __future__ import annotations

import argparse
import getpass
import sys
import time
from typing import TextIO

from .common import CliError, fail, open_desk, settings_for
from .render import render_answer

PROMPT = "vraag> "
WELCOME = (
    "Loket — kennis- en informatieloket van het ondersteuningsarrangement.\n"
    "Stel je vraag in gewone taal. 'help' voor uitleg, 'stop' (of Ctrl-D) om te stoppen."
)
STOP_WORDS = {"stop", "exit", "quit", "doei", ":q"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("chat", help="chatten met Loket in de terminal (bouwt de index als die er nog niet is)")
    p.add_argument("--source", action="append", metavar="PAD", help="antwoorden uit deze bron (herhaalbaar; standaard de actieve index)")
    p.set_defaults(func=cmd_chat)


def _open_service(settings, desk):
    """The core service on the configured database (SQLite in the data dir by default)."""
    from bot.core.network.hub import Network
    from bot.core.service import LoketService
    from bot.store.repo import Store

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(settings.db_url)
    service = LoketService(desk=desk, store=store, is_core=lambda user: False)
    service.load_verified_into(desk)
    Network.attach(settings, desk, store, is_core=service.is_core)  # experts, stored lessons and announcements
    return service


def chat_loop(service, *, user_id: str, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Read questions until EOF or a stop word; answer each through the core service
    (default: the standard streams of the moment of the call)."""
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    interactive = stdin.isatty()
    root: str | None = None  # the answered question a follow-up leans on, as a thread's first message
    print(WELCOME, file=stdout)
    while True:
        if interactive:
            print(PROMPT, end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        text = line.strip()
        if text.lower() in STOP_WORDS:
            break
        if not text:
            continue
        text = _without_slash_command(text)
        if not text:
            print(SLASH_REPLY, file=stdout, flush=True)
            continue
        asker, ts = _asker(user_id, text, root)
        outcome = service.handle_question(asker, text)
        print(render_outcome(outcome), file=stdout, flush=True)
        if asker.thread_ts is None:  # a new question starts a conversation if it was answered
            root = ts if outcome.answer is not None and outcome.answer.answered else None
    print("Tot ziens!", file=stdout)
    return 0


SLASH_REPLY = (
    "Opdrachten met een '/' werken in Slack (/loket) en Teams, niet in deze terminal. Stel hier je vraag "
    "in gewone taal, bijvoorbeeld 'Wat is een GVL?'. Typ 'help' voor uitleg of 'stop' om te stoppen."
)


def _without_slash_command(text: str) -> str:
    """A Slack habit typed in the terminal: "/loket wat is een GVL?" is the question after
    "/loket"; any other "/opdracht" is none ("" then, and the caller explains)."""
    if not text.startswith("/"):
        return text
    command, _, rest = text.partition(" ")
    return rest.strip() if command.lower() == "/loket" else ""


def _asker(user_id: str, text: str, root: str | None):
    """Who asks, and in which conversation: a follow-up that points back to the answered
    question before it ("en wie zit erin?") or asks for more of it ("meer info?") continues
    that conversation, as a reply in a Slack thread does; anything else starts a new one.
    Returns the asker and the message id."""
    from bot.core.answering.followups import leans_on_earlier
    from bot.core.answering.more import asks_for_more
    from bot.core.views import VIA_CLI, Asker

    ts = f"{time.time():.6f}"
    thread = root if root is not None and (leans_on_earlier(text) or asks_for_more(text)) else None
    return Asker(user_id=user_id, channel_id="terminal", thread_ts=thread, message_ts=ts, via=VIA_CLI), ts


MAIL_HINT = "Je kunt ook mailen naar het ondersteuningsarrangement (zie 'Wat is het e-mailadres van het ondersteuningsarrangement?')."


def render_outcome(outcome) -> str:
    """Answer text, or the escalation notice with its number."""
    if outcome.escalation is not None:
        return (
            "Dit kan ik niet met zekerheid beantwoorden uit de kennisbank. Je vraag is opgeslagen voor het "
            f"kernteam als #{outcome.escalation.number}. Hun antwoord komt niet in deze terminal: wil je het "
            f"terugkrijgen, stel je vraag dan in Slack of Teams. {MAIL_HINT}"
        )
    return render_answer(outcome.answer)


def cmd_chat(args: argparse.Namespace) -> int:
    settings = settings_for(args.source)
    try:
        desk = open_desk(settings, progress=True)
        service = _open_service(settings, desk)
    except CliError as exc:
        return fail(str(exc))
    return chat_loop(service, user_id=f"terminal:{getpass.getuser()}")
