"""``loket index build|info``: build the knowledge index (incrementally) and inspect it."""
from __future__ import annotations

import argparse
import json
import sys

from .common import CliError, fail, index_dir, settings_for


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("index", help="de kennisindex bouwen of bekijken")
    isub = p.add_subparsers(dest="index_command", metavar="ACTIE")
    b = isub.add_parser("build", help="index bouwen of bijwerken (alleen gewijzigde tekst wordt opnieuw ingebed)")
    b.add_argument("--source", action="append", metavar="PAD", help="bronmap of -bestand (herhaalbaar; standaard knowledge/)")
    b.add_argument("--rebuild", action="store_true", help="alles opnieuw inbedden")
    b.add_argument("--json", action="store_true", help="verslag als JSON")
    b.add_argument("--announce", action="store_true",
                   help="nieuwe, gewijzigde en verwijderde documenten melden in LOKET_UPDATES_CHANNEL (Slack)")
    b.set_defaults(func=cmd_build)
    i = isub.add_parser("info", help="wat er in de index staat")
    i.add_argument("--source", action="append", metavar="PAD")
    i.set_defaults(func=cmd_info)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def cmd_build(args: argparse.Namespace) -> int:
    from index.build import build_index
    from index.embeddings import ModelLoadError, load_embedder
    from index.loaders import LoadError

    settings = settings_for(args.source)
    target = index_dir(settings)
    from bot.core.network.updates import snapshot  # --announce: titles before the build

    before = snapshot(target) if args.announce else {}
    try:
        embedder = load_embedder(settings.embedding_model)
        print(f"Index bouwen uit {', '.join(settings.sources)} → {target}", file=sys.stderr)
        report = build_index(
            settings.sources, target, embedder, rebuild=args.rebuild, progress=True,
            on_error=lambda exc: print(f"Overgeslagen: {exc}", file=sys.stderr),
        )
    except (ModelLoadError, LoadError, CliError) as exc:
        return fail(str(exc))
    if args.json:
        print(json.dumps(report._asdict() | {"seconds": round(report.seconds, 2)}, ensure_ascii=False))
    else:
        print(
            f"Klaar in {report.seconds:.1f} s: {report.documents} documenten, {report.chunks} passages "
            f"({report.embedded} ingebed, {report.reused} hergebruikt). Nieuw: {len(report.added)}, "
            f"gewijzigd: {len(report.changed)}, verwijderd: {len(report.removed)}, overgeslagen: {len(report.errors)}."
        )
    if args.announce:
        from .announce import announce

        return announce(settings, report, before, target)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from index.persist import IndexMissingError, read_meta

    settings = settings_for(args.source)
    try:
        meta = read_meta(index_dir(settings))
    except IndexMissingError as exc:
        return fail(str(exc))
    print(json.dumps({k: meta[k] for k in ("model_id", "dim", "n_chunks")} | {"documents": len(meta.get("files", {}))}, ensure_ascii=False))
    return 0
