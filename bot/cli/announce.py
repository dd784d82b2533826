"""``loket index build --announce``: tell the updates channel what changed in the knowledge base."""
from __future__ import annotations

import sys
from pathlib import Path

from bot.core.network.updates import DocInfo, changes, snapshot, summary_line
from bot.settings import Settings
from index.build import BuildReport

from .common import fail


def announce(settings: Settings, report: BuildReport, before: dict[str, DocInfo], index_dir: Path) -> int:
    """Post the build's changes (titles from before and after the build); nothing when nothing changed."""
    from bot.slack.announce import NotConfigured, announce_changes
    from bot.slack.client import error_code

    found = changes(report, before, snapshot(index_dir))
    if not found:
        print("Niets gewijzigd in de kennisbank: niets aangekondigd.", file=sys.stderr)
        return 0
    try:
        announce_changes(settings, found)
    except NotConfigured as exc:
        return fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - the index is built; only the message failed
        return fail(f"aankondiging in Slack mislukt ({error_code(exc)}); de index is wel bijgewerkt")
    print(f"Aangekondigd in {settings.updates_channel}: {summary_line(found)}.", file=sys.stderr)
    return 0
