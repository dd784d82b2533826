"""``loket audit list``, ``verify [--head SEQ:HASH]`` and ``export-head``: the audit log of
core-team actions (keyed with ``LOKET_AUDIT_KEY``; see :mod:`bot.core.privacy.audit`)."""
from __future__ import annotations

import argparse
import json

from bot.settings import Settings

from .common import fail


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="auditlog van kernteamacties: tonen of controleren")
    actions = p.add_subparsers(dest="audit_command", metavar="ACTIE")
    ls = actions.add_parser("list", help="de laatste regels van de auditlog")
    ls.add_argument("--limit", type=int, default=50, help="hoeveel regels (standaard 50)")
    ls.add_argument("--actor", help="alleen acties van deze Slack-gebruiker")
    ls.add_argument("--action", help="alleen deze actie, bv. escalation.claim")
    ls.add_argument("--json", action="store_true", help="een JSON-object per regel")
    ls.set_defaults(func=cmd_list)
    vf = actions.add_parser("verify", help="controleer dat de auditlog niet is gewijzigd (hashketen)")
    vf.add_argument("--head", help="de kop die eerder met 'loket audit export-head' is bewaard (VOLGNUMMER:HASH)")
    vf.add_argument("--unkeyed-until", type=int, default=0, metavar="N",
                    help="regels 1..N zijn van voor LOKET_AUDIT_KEY en hebben geen sleutel")
    vf.set_defaults(func=cmd_verify)
    eh = actions.add_parser("export-head", help="toon de kop van de keten (VOLGNUMMER:HASH) om elders te bewaren")
    eh.set_defaults(func=cmd_export_head)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _log():
    from bot.core.privacy.audit import AuditLog
    from bot.store.repo import Store

    return AuditLog(Store.open(Settings.from_env().db_url))


def cmd_list(args: argparse.Namespace) -> int:
    if args.limit < 1:
        return fail("--limit moet minstens 1 zijn")
    log = _log()
    try:
        entries = log.entries(limit=args.limit, actor=args.actor, action=args.action)
    finally:
        log.store.close()
    for e in entries:
        if args.json:
            print(json.dumps(e.to_json(), ensure_ascii=False))
        else:
            obj = f"{e.object_type}:{e.object_id}" if e.object_id else e.object_type
            print(f"#{e.seq:<5} {e.at:%Y-%m-%d %H:%M:%S} {e.actor or '(gewist)':<12} {e.action:<20} {obj:<16} "
                  f"{e.result}{'  ' + e.detail if e.detail else ''}")
    if not entries and not args.json:
        print("De auditlog is leeg.")
    return 0


def cmd_export_head(args: argparse.Namespace) -> int:
    log = _log()
    try:
        print(log.head())
    finally:
        log.store.close()
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from bot.core.privacy.audit import Anchor, audit_key

    try:
        anchor = Anchor.parse(args.head) if args.head else None
    except ValueError as e:
        return fail(f"--head: {e}")
    log = _log()
    try:
        result = log.verify(anchor=anchor, unkeyed_until=args.unkeyed_until)
    finally:
        log.store.close()
    if result.ok:
        print(f"Auditlog in orde: {result.checked} regel(s), hashketen klopt"
              + (f", anker #{anchor.seq} gevonden." if anchor else "."))
        if result.unkeyed:
            print(f"Let op: {result.unkeyed} regel(s) zonder sleutel (van voor LOKET_AUDIT_KEY).")
        if audit_key() is None:
            print("Let op: LOKET_AUDIT_KEY is niet gezet: de keten is niet met een sleutel beveiligd.")
        return 0
    where = f"regel #{result.first_broken}" if result.first_broken is not None else "de log"
    print(f"Auditlog GEWIJZIGD: eerste fout bij {where}: {result.reason} "
          f"({result.checked} regel(s) ervoor zijn in orde).")
    return 1
