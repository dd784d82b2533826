"""``loket ask``: one question, or a file of questions with the model loaded once."""
from __future__ import annotations

import argparse
import json
import sys

from bot.core.answering.answer import KIND_EMPTY, KIND_SMALLTALK, Answer

from .common import CliError, fail, open_desk, os_problem, settings_for
from .render import render_answer


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="een vraag stellen (of een bestand met een vraag per regel)")
    p.add_argument("question", nargs="*", metavar="VRAAG", help="de vraag, bijvoorbeeld: loket ask \"Wat is een GVL?\"")
    p.add_argument("--file", metavar="BESTAND", help="een vraag per regel; '-' leest van standaardinvoer")
    p.add_argument("--json", action="store_true", help="een JSON-object per vraag")
    p.add_argument("--source", action="append", metavar="PAD", help="antwoorden uit deze bron (herhaalbaar; standaard de actieve index)")
    p.set_defaults(func=cmd_ask)


FILE_SHAPE = "een tekstbestand (UTF-8) met een vraag per regel"


def _read_file(name: str) -> str:
    """The text of ``--file`` (``-``: standard input); a binary or unreadable file is a CliError."""
    try:
        if name == "-":
            return sys.stdin.read()
        with open(name, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise CliError(f"kan {name} niet openen: {os_problem(exc)}") from exc
    except UnicodeDecodeError as exc:
        raise CliError(f"{name} is geen tekst in UTF-8 - geef {FILE_SHAPE}") from exc


def _questions(args: argparse.Namespace) -> list[str]:
    text = " ".join(args.question).strip()
    if args.file:
        if text:
            raise CliError("geef een vraag óf --file, niet allebei")
        content = _read_file(args.file)
        if "\x00" in content:
            raise CliError(f"{args.file} is geen tekstbestand - geef {FILE_SHAPE}")
        questions = [line.strip() for line in content.splitlines() if line.strip()]
        if not questions:
            raise CliError(f"{args.file} bevat geen vragen - geef {FILE_SHAPE}")
        return questions
    if not text:
        raise CliError("geef een vraag, bijvoorbeeld: loket ask \"Wat is een GVL?\"")
    return [text]


def cmd_ask(args: argparse.Namespace) -> int:
    try:
        questions = _questions(args)
        desk = open_desk(settings_for(args.source), progress=True)
    except CliError as exc:
        return fail(str(exc))
    for q in questions:
        answer = desk.ask(q)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(render_answer(answer) + _not_forwarded(answer) + ("\n" if len(questions) > 1 else ""), flush=True)
    return 0


NOT_FORWARDED = ("(Let op: 'loket ask' bewaart en verstuurt niets. Stel de vraag in Slack, Teams of 'loket chat' "
                 "om hem bij het kernteam te krijgen.)")


def _not_forwarded(answer: Answer) -> str:
    """The desk's text for an unanswered question promises to pass it on; ``ask`` stores
    nothing, so say so and where to ask instead."""
    return "" if answer.answered or answer.kind in (KIND_SMALLTALK, KIND_EMPTY) else "\n" + NOT_FORWARDED
