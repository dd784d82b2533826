"""``loket privacy forget|export|retention``: the AVG requests of one person, and retention.

``forget`` erases a person's questions and personal data in every table that registered a
privacy hook (see :mod:`bot.core.privacy`) and reports what it did; a running Loket takes
verified answers that were removed out of its index within a minute. ``export`` prints
everything stored about the person as JSON.
"""
from __future__ import annotations

import argparse
import json
import re
import sys

from bot.settings import Settings

from .common import fail

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")  # Slack user ids: U… (or W… on Enterprise Grid)
TEAMS_USER_ID = re.compile(r"^29:[A-Za-z0-9_\-]{8,200}$")  # Teams (Bot Framework) user ids: 29:…
TERMINAL_USER_ID = re.compile(r"^terminal:\S{1,64}$")  # 'loket chat' stores its questions as terminal:<login>
USER_HELP = "gebruikers-id: het Slack-id (bv. U012AB3CD), het Teams-id (29:…) of terminal:<login> ('loket chat')"
NOT_A_USER = ("'{}' is geen gebruikers-id: gebruik het Slack-id (zoals U012AB3CD), het Teams-id (29:…) "
              "of terminal:<login> voor vragen uit 'loket chat'")

FORGET_LABELS = {
    "questions": "vragen gepseudonimiseerd",
    "feedback": "feedback losgekoppeld",
    "escalations": "escalaties (als vrager) gepseudonimiseerd",
    "core_roles": "escalaties (als kernteamlid) gepseudonimiseerd",
    "verified_answers_removed": "geverifieerde antwoorden verwijderd (vraag van deze persoon)",
    "verified_answers_pseudonymised": "geverifieerde antwoorden: naam gewist",
    "outbox": "wachtende/verzonden berichten verwijderd",
    "slack_posts_to_delete": "berichten van Loket in Slack: worden verwijderd door de draaiende Loket",
    "reply_messages_to_delete": "antwoorden en notities van Loket in het gesprek van de persoon: "
                                "worden verwijderd door de draaiende Loket",
    "slack_posts_to_redact": "escalatieberichten in het kernteamkanaal: vraag wordt vervangen door 'verwijderd (AVG)'",
    "inbox": "binnengekomen berichten gewist",
    "audit_actor": "auditregels: naam gewist (de hashketen blijft geldig)",
    "signal_texts": "signalen met de vraag van deze persoon: tekst gewist",
    "signal_history_texts": "signaalhistorie: geciteerde tekst gewist",
    "signal_mentions": "signalen/historie waarin de persoon genoemd wordt: naam gewist",
    "signal_people": "signalen (maker, eigenaar, LRT): naam gewist",
    "history_actor": "wijzigingen van signalen en plannen: naam gewist",
    "plans": "provinciale plannen: naam gewist",
    "signal_from_message": "signalen gelogd uit een bericht van deze persoon: tekst en link gewist",
    "referrals_asker": "doorverwijzingen (als vrager): naam gewist",
    "referrals_referrer": "doorverwijzingen (als doorverwijzer): naam gewist",
    "referrals_expert": "doorverwijzingen (als deskundige): naam en e-mail gewist",
    "knowledge_items_author": "mededelingen en lessen (als auteur): naam gewist",
    "knowledge_items_mentions": "mededelingen en lessen die de persoon noemen: naam gewist",
    "weekly_summaries": "weekoverzichten: voorbeelden en naam gewist",
    "outbox_pending_mentions": "wachtende berichten die de persoon noemen: naam gewist",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("privacy", help="AVG: gegevens van een persoon wissen of exporteren, bewaartermijn toepassen")
    actions = p.add_subparsers(dest="privacy_command", metavar="ACTIE")
    fg = actions.add_parser("forget", help="wis alle vragen en persoonsgegevens van een gebruiker (Slack of Teams)")
    fg.add_argument("user_id", metavar="GEBRUIKER", help=USER_HELP)
    fg.add_argument("--json", action="store_true", help="het verslag als JSON")
    fg.set_defaults(func=cmd_forget)
    ex = actions.add_parser("export", help="alle gegevens van een gebruiker (Slack of Teams) als JSON")
    ex.add_argument("user_id", metavar="GEBRUIKER", help=USER_HELP)
    ex.set_defaults(func=cmd_export)
    rt = actions.add_parser("retention", help="pas de bewaartermijn nu toe (LOKET_RETENTION_DAYS)")
    rt.set_defaults(func=cmd_retention)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _store():
    from bot.store.repo import Store

    return Store.open(Settings.from_env().db_url)


def _valid(user_id: str) -> bool:
    return any(pattern.match(user_id or "") for pattern in (USER_ID, TEAMS_USER_ID, TERMINAL_USER_ID))


def cmd_forget(args: argparse.Namespace) -> int:
    if not _valid(args.user_id):
        return fail(NOT_A_USER.format(args.user_id))
    from bot.core import privacy

    store = _store()
    try:
        report = privacy.forget(store, args.user_id)
        _checkpoint(store)
    finally:
        store.close()
    _drop_changed_vectors(report)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    found = [(hook, what, n) for hook, counts in report.items() for what, n in counts.items() if n]
    if not found:
        print(f"Over {args.user_id} is niets opgeslagen; er is niets gewist. Controleer het id "
              f"('loket privacy export {args.user_id}' toont wat er over iemand bewaard is).")
        return 0
    print(f"Gegevens van {args.user_id} gewist (--json toont ook wat niets vond):")
    for hook, what, n in found:
        print(f"  {hook}: {FORGET_LABELS.get(what, what)}: {n}")
    print("Loket's eigen berichten over deze vragen verwijdert de draaiende Loket (binnen een ronde van de "
          "achtergrondlus). Berichten die de persoon zelf in Slack of Teams schreef, wist een beheerder van dat platform.")
    return 0


def _checkpoint(store) -> None:
    """SQLite in WAL mode keeps the pages as they were before the erasure in the ``-wal``
    file until a checkpoint; write them back and empty the file now (best effort: a running
    Loket that is reading at this moment delays it to its own next checkpoint)."""
    if store.engine.dialect.name != "sqlite":
        return
    raw = store.engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def _drop_changed_vectors(report: dict) -> None:
    """Knowledge items whose text the request changed leave vectors of the old text in this
    data dir's cache: remove the cache file (it is rebuilt from the database). A running
    Loket prunes its own at the next round of its loop."""
    network = report.get("network") or {}
    if network.get("knowledge_items_mentions"):
        from bot.core.network.hub import KNOWLEDGE_CACHE_FILE

        (Settings.from_env().data_dir / KNOWLEDGE_CACHE_FILE).unlink(missing_ok=True)


def cmd_export(args: argparse.Namespace) -> int:
    if not _valid(args.user_id):
        return fail(NOT_A_USER.format(args.user_id))
    from bot.core import privacy

    store = _store()
    try:
        data = privacy.export(store, args.user_id)
    finally:
        store.close()
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1, default=str)
    print()
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from bot.core import privacy

    settings = Settings.from_env()
    store = _store()
    try:
        report = privacy.expire(store, retention_days=settings.retention_days)
    finally:
        store.close()
    print(f"Bewaartermijn {settings.retention_days} dagen toegepast:")
    for hook, counts in report.items():
        print(f"  {hook}: " + ", ".join(f"{what} {n}" for what, n in counts.items()))
    return 0
