"""``loket plan list|show|set``: the twelve provincial plans from the terminal.

As with ``loket signal``, whoever runs the CLI counts as core team; ``--by`` names them
in the history.
"""
from __future__ import annotations

import argparse
import json
from contextlib import contextmanager
from typing import Iterator

from bot.core.monitoring import taxonomy as tx_

from .common import CliError, fail, settings_for

CLI_ACTOR = "cli"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="de provinciale plannen bekijken en bijwerken")
    cmds = p.add_subparsers(dest="plan_command", metavar="ACTIE", required=True)

    ls = cmds.add_parser("list", help="de twaalf provincies met de stand van hun plan")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    show = cmds.add_parser("show", help="een provincie met de geschiedenis van haar plan")
    show.add_argument("province", metavar="PROVINCIE")
    show.set_defaults(func=cmd_show)

    st = cmds.add_parser("set", help="status, mijlpaal of notitie van een plan wijzigen")
    st.add_argument("province", metavar="PROVINCIE")
    st.add_argument("--state", help="niet gestart, in voorbereiding, concept, ingediend, vastgesteld")
    st.add_argument("--milestone", help="de volgende mijlpaal ('' wist)")
    st.add_argument("--milestone-date", help="datum van de mijlpaal, JJJJ-MM-DD ('' wist)")
    st.add_argument("--note", help="korte notitie ('' wist)")
    st.add_argument("--by", default=CLI_ACTOR)
    st.set_defaults(func=cmd_set)


@contextmanager
def _plans() -> Iterator:
    from bot.core.monitoring.plans import PlanRegister
    from bot.store.repo import Store

    settings = settings_for()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(settings.db_url)
    try:
        yield PlanRegister(store, is_core=lambda user: True)
    finally:
        store.close()


def _run(fn) -> int:
    from bot.core.monitoring.plans import PlanError

    try:
        return fn() or 0
    except (CliError, PlanError, tx_.UnknownValue) as e:
        return fail(str(e))


def _line(p) -> str:
    milestone = p.next_milestone or ""
    if p.milestone_date:
        milestone = f"{milestone} ({p.milestone_date.isoformat()})".strip()
    changed = p.updated_at.date().isoformat() if p.updated_at else "-"
    return f"{p.province:<14} {tx_.label(tx_.PLAN_STATES, p.state):<17} {changed:<11} {milestone}"


def cmd_list(args: argparse.Namespace) -> int:
    def run() -> int:
        with _plans() as plans:
            rows = plans.all()
        if args.json:
            for p in rows:
                print(json.dumps({"province": p.province, "state": p.state, "next_milestone": p.next_milestone,
                                  "milestone_date": p.milestone_date.isoformat() if p.milestone_date else None,
                                  "note": p.note, "updated_by": p.updated_by,
                                  "updated_at": p.updated_at.isoformat() if p.updated_at else None},
                                 ensure_ascii=False))
            return 0
        print(f"{'Provincie':<14} {'Status':<17} {'Gewijzigd':<11} Volgende mijlpaal")
        for p in rows:
            print(_line(p))
        return 0

    return _run(run)


def cmd_show(args: argparse.Namespace) -> int:
    def run() -> int:
        with _plans() as plans:
            p = plans.get(args.province)
        print(_line(p))
        if p.note:
            print(f"Notitie: {p.note}")
        for c in p.history:
            change = c.new_value if c.old_value is None else f"{c.old_value} → {c.new_value}"
            print(f"  {c.at:%Y-%m-%d %H:%M} UTC  {c.actor or '-':<10} {c.field}: {change}")
        return 0

    return _run(run)


def cmd_set(args: argparse.Namespace) -> int:
    def run() -> int:
        if all(v is None for v in (args.state, args.milestone, args.milestone_date, args.note)):
            raise CliError("niets te wijzigen; geef bijvoorbeeld --state concept")
        with _plans() as plans:
            p = plans.set(args.province, user_id=args.by, state=args.state, next_milestone=args.milestone,
                          milestone_date=args.milestone_date, note=args.note)
        print(_line(p))
        return 0

    return _run(run)
