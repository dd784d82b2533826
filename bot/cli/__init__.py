"""The ``loket`` command line. Each subcommand lives in its own module with ``register``."""
from __future__ import annotations

import argparse
import logging
import sys
from importlib import import_module
from typing import Sequence

from bot import logsafe

from .common import CliError, fail, os_problem
from .parser import LoketParser

# Modules that add subcommands; each has register(subparsers) -> None.
COMMAND_MODULES = ("bot.cli.index_cmd", "bot.cli.ask_cmd", "bot.cli.chat_cmd", "bot.cli.eval_cmd", "bot.cli.serve_cmd",
                   "bot.cli.audit_cmd", "bot.cli.privacy_cmd")
COMMAND_MODULES += ("bot.cli.signal_cmd", "bot.cli.plan_cmd", "bot.cli.summary_cmd")  # monitoring
COMMAND_MODULES += ("bot.cli.network_cmd",)  # network: experts
COMMAND_MODULES += ("bot.cli.calibrate_cmd",)  # answer-or-escalate decision
COMMAND_MODULES += ("bot.cli.teams_cmd",)  # the Teams app package


def build_parser() -> argparse.ArgumentParser:
    parser = LoketParser(
        prog="loket",
        description="Loket: kennis- en informatieloket van het ondersteuningsarrangement.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="meer logregels (geen vraagteksten)")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDO")
    for name in COMMAND_MODULES:
        import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``loket`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logsafe.install()  # Slack tokens never reach the terminal either
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("\nGestopt.", file=sys.stderr)
        return 130
    except CliError as exc:
        return fail(str(exc))
    except OSError as exc:  # a data dir that is a file, a full disk, no rights: say so, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"Fout: {where}{os_problem(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
