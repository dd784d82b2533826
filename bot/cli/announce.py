"""``loket index build --announce``: tell the updates channel what changed in the knowledge base."""
from __future__ import annotations

import sys
from pathlib import Path

from bot.core.network.updates import DocInfo, changes, snapshot, summary_line
from bot.settings import Settings
from index.build import BuildReport

from .common import fail


def announce(settings: Settings, report: BuildReport, before: dict[str, DocInfo], index_dir: Path) -> int:
    """Post the build's changes (titles from before and after the build); nothing when nothing changed.

    Slack gets the message at once; for Teams (``LOKET_TEAMS_UPDATES_CHANNEL``) it is queued
    for the Teams server, which posts it in its next round.
    """
    found = changes(report, before, snapshot(index_dir))
    if not found:
        print("Niets gewijzigd in de kennisbank: niets aangekondigd.", file=sys.stderr)
        return 0
    if not settings.teams_updates_channel and not (settings.slack_bot_token and settings.updates_channel):
        return fail("Zet SLACK_BOT_TOKEN en LOKET_UPDATES_CHANNEL (Slack) of LOKET_TEAMS_UPDATES_CHANNEL (Teams) "
                    "om wijzigingen aan te kondigen; de index is wel bijgewerkt.")
    if settings.teams_updates_channel:
        _queue_for_teams(settings, found)
        if not settings.slack_bot_token:
            return 0
    return _post_in_slack(settings, found)


def _queue_for_teams(settings: Settings, found) -> None:
    from bot.store.repo import Store
    from bot.teams.announce import queue_updates

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(settings.db_url)
    try:
        queued = queue_updates(settings, store, found)
    finally:
        store.close()
    what = "klaargezet voor" if queued else "stond al klaar voor"
    print(f"Aankondiging {what} het Teams-kanaal ({summary_line(found)}); de Teams-server plaatst hem.",
          file=sys.stderr)


def _post_in_slack(settings: Settings, found) -> int:
    from bot.slack.announce import NotConfigured, announce_changes
    from bot.slack.client import error_code

    try:
        announce_changes(settings, found)
    except NotConfigured as exc:
        return fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - the index is built; only the message failed
        return fail(f"aankondiging in Slack mislukt ({error_code(exc)}); de index is wel bijgewerkt")
    print(f"Aangekondigd in {settings.updates_channel}: {summary_line(found)}.", file=sys.stderr)
    return 0
