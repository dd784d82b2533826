"""``loket signal add|list|show|update|export``: the signal register from the terminal.

Whoever runs the CLI has the database in hand, so counts as core team; ``--by`` names
them in the history (default "cli"). Messages (a new signal in the core channel, an
escalation in the LRT channel) are queued in the outbox for Slack's channels, or Teams' when
only those are set; a running ``loket serve`` posts them.
"""
from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from typing import Iterator

from bot.core.monitoring import taxonomy as tx_

from .common import CliError, fail, settings_for

CLI_ACTOR = "cli"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("signal", help="signaleringen (kansen, risico's, issues) bekijken en bijwerken")
    cmds = p.add_subparsers(dest="signal_command", metavar="ACTIE", required=True)

    add = cmds.add_parser("add", help="een signaal loggen")
    add.add_argument("--type", dest="kind", required=True, help="kans, risico of issue")
    add.add_argument("--province", default=tx_.LANDELIJK, help="provincie of 'landelijk' (standaard)")
    add.add_argument("--theme", default=tx_.OTHER_THEME, help="thema (standaard: overig)")
    add.add_argument("--title", required=True)
    add.add_argument("--description", default="")
    add.add_argument("--severity", default="middel", help="laag, middel (standaard) of hoog")
    add.add_argument("--owner", help="Slack-id van de eigenaar")
    add.add_argument("--escalation", type=int, action="append", default=[], metavar="N", help="koppel escalatie #N")
    add.add_argument("--by", default=CLI_ACTOR, help="wie het logt (Slack-id)")
    add.set_defaults(func=cmd_add)

    ls = cmds.add_parser("list", help="signalen (standaard alleen open)")
    ls.add_argument("--all", action="store_true", help="ook afgesloten signalen")
    ls.add_argument("--status")
    ls.add_argument("--province")
    ls.add_argument("--type", dest="kind")
    ls.add_argument("--theme")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    show = cmds.add_parser("show", help="een signaal met zijn geschiedenis")
    show.add_argument("id", type=_signal_id)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)

    upd = cmds.add_parser("update", help="status, eigenaar of andere velden wijzigen")
    upd.add_argument("id", type=_signal_id)
    for name in ("status", "owner", "severity", "title", "description", "theme", "province"):
        upd.add_argument(f"--{name}")
    upd.add_argument("--type", dest="kind")
    upd.add_argument("--note", help="opmerking in de geschiedenis")
    upd.add_argument("--escalation", type=int, action="append", default=[], metavar="N", help="koppel escalatie #N")
    upd.add_argument("--by", default=CLI_ACTOR)
    upd.set_defaults(func=cmd_update)

    exp = cmds.add_parser("export", help="alle signalen als CSV")
    exp.add_argument("--output", "-o", metavar="BESTAND", help="bestand (standaard: standaarduitvoer)")
    exp.set_defaults(func=cmd_export)


def _signal_id(value: str) -> int:
    try:
        return int(value.strip().upper().removeprefix("S"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen signaalnummer: {value}") from None


@contextmanager
def _register() -> Iterator[tuple]:
    from bot.core.monitoring.signals import SignalRegister
    from bot.store.repo import Store

    settings = settings_for()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(settings.db_url)
    try:
        yield SignalRegister(store, is_core=lambda user: True), settings
    finally:
        store.close()


def _notices(settings):
    """The new signal's message and the LRT announcement, each for Slack's channel
    (``LOKET_CORE_CHANNEL``, ``LOKET_LRT_CHANNEL``) or else Teams' (``LOKET_TEAMS_CORE_CHANNEL``,
    ``LOKET_TEAMS_LRT_CHANNEL``): a signal records one post of each."""
    from bot.slack.monitoring_notices import lrt_notice, signal_notice

    new, lrt = signal_notice(settings.core_channel), lrt_notice(settings.lrt_channel)
    if not settings.core_channel and settings.teams_core_channel:
        from bot.teams.conversations import conversation_key
        from bot.teams.notices import signal_notice as teams_signal_notice

        new = teams_signal_notice(conversation_key(settings.teams_core_channel))
    if not settings.lrt_channel and settings.teams_lrt_channel:
        from bot.teams.notices import lrt_notice as teams_lrt_notice

        lrt = teams_lrt_notice(settings.teams_lrt_channel)
    return new, lrt


def _run(fn) -> int:
    from bot.core.service import NotAllowed
    from bot.core.monitoring.signals import SignalError

    try:
        return fn() or 0
    except (CliError, SignalError, tx_.UnknownValue, NotAllowed) as e:
        return fail(str(e))
    except KeyError as e:
        what = str(e.args[0] if e.args else e).replace("signal ", "signaal S").replace("escalation ", "escalatie #")
        return fail(f"{what} bestaat niet")


def _line(s) -> str:
    owner = f" · eigenaar {s.owner}" if s.owner else ""
    return (f"S{s.id:<4} {tx_.label(tx_.KINDS, s.kind):<7} {tx_.label(tx_.SIGNAL_STATUSES, s.status):<21} "
            f"{tx_.label(tx_.SEVERITIES, s.severity):<6} {s.province:<13} {s.title}{owner}")


def _status(key: str | None) -> str | None:
    return None if key is None else tx_.label(tx_.SIGNAL_STATUSES, key)


def _json_default(value):
    return value.isoformat() if isinstance(value, datetime) else str(value)


def cmd_add(args: argparse.Namespace) -> int:
    from bot.core.monitoring.signals import SignalDraft

    def run() -> int:
        with _register() as (register, settings):
            draft = SignalDraft(kind=args.kind, province=args.province, theme=args.theme, title=args.title,
                                description=args.description, severity=args.severity, owner=args.owner,
                                escalations=tuple(args.escalation))
            signal = register.create(draft, user_id=args.by, notice=_notices(settings)[0])
        print(f"Signaal S{signal.id} gelogd.")
        return 0

    return _run(run)


def cmd_list(args: argparse.Namespace) -> int:
    def run() -> int:
        with _register() as (register, _):
            signals = register.list(
                status=[tx_.parse_signal_status(args.status)] if args.status else None, open_only=not args.all,
                province=tx_.parse_region(args.province) if args.province else None,
                kind=tx_.parse_kind(args.kind) if args.kind else None,
                theme=tx_.parse_theme(args.theme) if args.theme else None)
        if args.json:
            for s in signals:
                print(json.dumps(asdict(s), default=_json_default, ensure_ascii=False))
        elif not signals:
            print("Geen signalen.")
        for s in [] if args.json else signals:
            print(_line(s))
        return 0

    return _run(run)


def cmd_show(args: argparse.Namespace) -> int:
    def run() -> int:
        with _register() as (register, _):
            s = register.get(args.id)
        if args.json:
            print(json.dumps(asdict(s), default=_json_default, ensure_ascii=False, indent=2))
            return 0
        print(_line(s))
        print(f"Thema: {tx_.label(tx_.THEMES, s.theme)}")
        if s.description:
            print(f"\n{s.description}\n")
        if s.escalations:
            print("Escalaties: " + ", ".join(f"#{n}" for n in s.escalations))
        print("Geschiedenis:")
        for c in s.history:
            old, new = (_status(c.old_value), _status(c.new_value)) if c.field == "status" else (c.old_value, c.new_value)
            change = new if old is None else f"{old} → {new}"
            print(f"  {c.at:%Y-%m-%d %H:%M} UTC  {c.actor or '-':<10} {c.field}: {change}")
        return 0

    return _run(run)


def cmd_update(args: argparse.Namespace) -> int:
    def run() -> int:
        changes = {k: getattr(args, k) for k in ("status", "owner", "severity", "title", "description", "theme",
                                                  "province", "kind") if getattr(args, k) is not None}
        if not changes and not args.note and not args.escalation:
            raise CliError("niets te wijzigen; geef bijvoorbeeld --status of --owner")
        with _register() as (register, settings):
            signal = register.update(args.id, user_id=args.by, note=args.note, notice=_notices(settings)[1], **changes)
            for number in args.escalation:
                signal = register.link_escalation(args.id, number, user_id=args.by)
        print(_line(signal))
        if changes.get("status") and signal.status == tx_.ESCALATED and not signal.lrt_channel_id:
            print("Let op: er is geen LRT-kanaal ingesteld (LOKET_LRT_CHANNEL of LOKET_TEAMS_LRT_CHANNEL); "
                  "de escalatie is vastgelegd maar niet gepost.")
        return 0

    return _run(run)


def cmd_export(args: argparse.Namespace) -> int:
    from bot.core.monitoring.signal_csv import write_csv

    def run() -> int:
        with _register() as (register, _):
            signals = list(reversed(register.list()))
        if args.output:
            try:
                with open(args.output, "w", encoding="utf-8-sig", newline="") as fh:
                    count = write_csv(signals, fh)
            except OSError as e:
                raise CliError(f"kan {args.output} niet schrijven: {e.strerror}") from e
            print(f"{count} signalen geschreven naar {args.output}.", file=sys.stderr)
        else:
            write_csv(signals, sys.stdout)
        return 0

    return _run(run)
