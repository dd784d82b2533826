"""``loket index build|info``: build the knowledge index (incrementally) and inspect it.

A build makes its index the active one of the data dir (``index.active``): ``ask``,
``chat``, ``eval`` and ``serve`` then answer from it until another build (or
``--source``/``LOKET_SOURCES``) chooses otherwise. Without ``--source`` a build updates
the active index (or, when there is none, the one of ``knowledge/``).
"""
from __future__ import annotations

import argparse
import json
import sys

from index.documents import (
    DROP_BUTTON, DROP_EMBED, DROP_EMPTY_CONTAINER, DROP_EMPTY_TABLE, DROP_FRONT_MATTER, DROP_INCLUDE, DROP_LINK_LIST,
    DROP_MDX_CODE, DROP_OPT_OUT, DROP_REPEATED, DROP_SEARCH_EXCLUDE, DROP_SKIPPED_PATH, DROP_TOC, DROP_TODO,
)

from .common import CliError, check_index, fail, settings_for, sources_label

# What each drop rule means, for the build report.
DROP_RULES = {
    DROP_SEARCH_EXCLUDE: "gemarkeerd met data-search-exclude",
    DROP_EMPTY_CONTAINER: "lege uitklapper of admonition (alleen een titel)",
    DROP_EMPTY_TABLE: "tabel met alleen kolomnamen (geen rijen)",
    DROP_LINK_LIST: "lijst met alleen links onder een kop als 'Bronnen'",
    DROP_TODO: "notitie van de auteur (TODO, FIXME)",
    DROP_BUTTON: "link als knop ('Direct naar ...')",
    DROP_MDX_CODE: "MDX import/export-regels",
    DROP_REPEATED: "tekst die op veel pagina's herhaald wordt (één keer bewaard)",
    DROP_EMBED: "ingesloten video, tweet of verwijskaart naar een andere pagina",
    DROP_INCLUDE: "invoeging van een ander bestand (include, snippet)",
    DROP_TOC: "inhoudsopgave ([[toc]], {:toc}, lijst met alleen links naar koppen van de pagina)",
    DROP_SKIPPED_PATH: "map of bestand van de sitegenerator of de repository (node_modules, _includes, LICENSE ...)",
    DROP_OPT_OUT: "pagina met 'index: false' in de front matter (de auteur houdt hem buiten de zoekfunctie)",
    DROP_FRONT_MATTER: "front matter die niet te lezen is (pagina wel geïndexeerd, velden per regel gelezen)",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("index", help="de kennisindex bouwen of bekijken")
    isub = p.add_subparsers(dest="index_command", metavar="ACTIE")
    b = isub.add_parser("build", help="index bouwen of bijwerken (alleen gewijzigde tekst wordt opnieuw ingebed)")
    b.add_argument("--source", action="append", metavar="PAD",
                   help="bronmap of -bestand (herhaalbaar; standaard de actieve index, anders knowledge/)")
    b.add_argument("--rebuild", action="store_true", help="alles opnieuw inbedden")
    b.add_argument("--json", action="store_true", help="verslag als JSON")
    b.add_argument("--details", action="store_true", help="ook elke weggelaten tekst noemen, met de reden")
    b.add_argument("--announce", action="store_true",
                   help="nieuwe, gewijzigde en verwijderde documenten melden in LOKET_UPDATES_CHANNEL (Slack)")
    b.set_defaults(func=cmd_build)
    i = isub.add_parser("info", help="wat er in de index staat (standaard de actieve)")
    i.add_argument("--source", action="append", metavar="PAD", help="de index van deze bron tonen (herhaalbaar)")
    i.set_defaults(func=cmd_info)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def _print_report(report, *, details: bool) -> None:
    print(
        f"Klaar in {report.seconds:.1f} s: {report.documents} documenten, {report.chunks} passages "
        f"({report.embedded} ingebed, {report.reused} hergebruikt). Nieuw: {len(report.added)}, "
        f"gewijzigd: {len(report.changed)}, verwijderd: {len(report.removed)}, overgeslagen: {len(report.errors)}."
    )
    if report.dropped:
        print("Weggelaten: " + "; ".join(
            f"{count} × {DROP_RULES.get(rule, rule)}" for rule, count in sorted(report.dropped.items())
        ) + ("" if details else " (--details noemt ze)"))
    if details:
        for item in report.dropped_items:
            rule, where, excerpt = item.split("\t", 2)
            print(f"  [{rule}] {where}: {excerpt}")


def cmd_build(args: argparse.Namespace) -> int:
    from index.active import write_active
    from index.build import build_index
    from index.embeddings import ModelLoadError, load_embedder
    from index.loaders import LoadError

    settings = settings_for(args.source)
    if settings.index_problem:
        return fail(settings.index_problem)
    target = settings.index_dir
    from bot.core.network.updates import snapshot  # --announce: titles before the build

    before = snapshot(target) if args.announce else {}
    try:
        embedder = load_embedder(settings.embedding_model)
        print(f"Index bouwen uit {sources_label(settings.sources)} → {target}", file=sys.stderr)
        report = build_index(
            settings.sources, target, embedder, rebuild=args.rebuild, progress=True, require_text=True,
            on_error=lambda exc: print(f"Overgeslagen: {exc}", file=sys.stderr),
        )
    except (ModelLoadError, LoadError, CliError) as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        print("\nGestopt: er is niets gewijzigd, de index die al in gebruik was blijft antwoorden. "
              "Start 'loket index build' opnieuw om bij te werken.", file=sys.stderr)
        return 130
    write_active(settings.data_dir, target, settings.sources)
    print(f"Actieve index: {target} (bronnen: {sources_label(settings.sources)})", file=sys.stderr)
    if args.json:
        data = report._asdict() | {"seconds": round(report.seconds, 2), "index_dir": str(target)}
        if not args.details:
            data.pop("dropped_items")
        print(json.dumps(data, ensure_ascii=False))
    else:
        _print_report(report, details=args.details)
    if args.announce:
        from .announce import announce

        return announce(settings, report, before, target)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from index.active import read_active
    from index.persist import IndexMissingError, read_meta

    settings = settings_for(args.source)
    if settings.index_problem:
        return fail(settings.index_problem)
    try:
        meta = read_meta(settings.index_dir)
        check_index(settings)  # which index, and whether it is stale or mismatched
    except IndexMissingError as exc:
        return fail(str(exc))
    except CliError as exc:
        return fail(str(exc))
    active = read_active(settings.data_dir)
    info = {k: meta[k] for k in ("model_id", "dim", "n_chunks")} | {
        "documents": len(meta.get("files", {})),
        "index_dir": str(settings.index_dir),
        "sources": list(meta.get("sources") or settings.sources),
        "active": active is not None and active.index_dir.resolve() == settings.index_dir.resolve(),
        "built_at": meta.get("built_at"),
    }
    print(json.dumps(info, ensure_ascii=False))
    return 0
