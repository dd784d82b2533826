"""``loket summary [--week 2026-W48] [--format md|json|html]``: the weekly summary on demand.

The same data object and rendering as the Monday post in Slack (default: last week).
``--chart FILE.png`` also writes the chart; HTML embeds it.
"""
from __future__ import annotations

import argparse
import base64
import sys
from datetime import datetime, timezone

from .common import CliError, fail, settings_for


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("summary", help="het weekoverzicht (standaard: vorige week)")
    p.add_argument("--week", help="ISO-week, bijvoorbeeld 2026-W48 (standaard: vorige week)")
    p.add_argument("--format", choices=("md", "json", "html"), default="md", help="uitvoerformaat (standaard md)")
    p.add_argument("--output", "-o", metavar="BESTAND", help="bestand (standaard: standaarduitvoer)")
    p.add_argument("--chart", metavar="BESTAND.png", help="schrijf ook de grafiek (PNG)")
    p.set_defaults(func=cmd_summary)


def cmd_summary(args: argparse.Namespace) -> int:
    from bot.core.monitoring.summary import build_summary, parse_week, previous_week
    from bot.core.monitoring.summary_render import render, to_html
    from bot.store.repo import Store

    settings = settings_for()
    now = datetime.now(timezone.utc)
    try:
        week = parse_week(args.week) if args.week else previous_week(now, settings.timezone)
    except ValueError as e:
        return fail(str(e))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(settings.db_url)
    try:
        summary = build_summary(store, week, tz=settings.timezone, now=now)
    finally:
        store.close()
    png = None
    if args.chart or args.format == "html":
        from bot.core.monitoring.summary_chart import render_png

        png = render_png(summary)
    text = (to_html(summary, chart_png_base64=base64.b64encode(png).decode()) if args.format == "html"
            else render(summary, args.format))
    try:
        if args.chart:
            with open(args.chart, "wb") as fh:
                fh.write(png)
        if args.output:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text if text.endswith("\n") else text + "\n")
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
    except OSError as e:
        return fail(str(CliError(f"kan niet schrijven: {e.strerror}")))
    return 0
