"""What several subcommands share: settings, the index in use, the desk on it, clear errors."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from bot.settings import Settings
from index.os_errors import os_problem  # noqa: F401  (the commands import it from here)


class CliError(Exception):
    """An error the user can fix; printed without a traceback, exit code 1."""


def settings_for(sources: Sequence[str] | None = None) -> Settings:
    """Settings from the environment, with ``--source`` overriding LOKET_SOURCES and the active index."""
    settings = Settings.from_env()
    if settings.data_dir.exists() and not settings.data_dir.is_dir():  # found before minutes of embedding
        raise CliError(f"{settings.data_dir}: LOKET_DATA_DIR is een bestand, geen map - kies een map")
    if sources:
        settings = settings.with_sources(tuple(sources))
    return settings


def index_dir(settings: Settings) -> Path:
    """The folder of the index ``settings`` select (see :attr:`Settings.index_dir`)."""
    return settings.index_dir


def sources_label(sources: Sequence[str]) -> str:
    return ", ".join(str(s) for s in sources)


def check_index(settings: Settings, *, out=None) -> list[str]:
    """Say which index answers, and refuse one that does not belong to its sources.

    Returns the notes printed (to stderr by default). Raises :class:`CliError` for an
    unreadable pointer or an index whose recorded sources differ from the ones chosen:
    answering from another corpus than the user asked for must never happen silently.
    A stale index (sources changed after the build) and vanished sources are warnings.
    """
    from index.active import absolute_sources, read_active
    from index.persist import IndexMissingError, read_meta

    out = out or sys.stderr
    if settings.index_problem:
        raise CliError(settings.index_problem)
    target = settings.index_dir
    notes = [f"Index: {target} (bronnen: {sources_label(settings.sources)})"]
    active = read_active(settings.data_dir) if settings.sources_explicit else None
    if active is not None and absolute_sources(settings.sources) != active.sources:
        notes.append(
            f"Let op: je kiest met --source/LOKET_SOURCES andere bronnen dan de actieve index "
            f"({sources_label(active.sources)})."
        )
    try:
        meta = read_meta(target)
    except IndexMissingError:
        notes.append("Deze index bestaat nog niet en wordt nu gebouwd.")
        meta = None
    if meta is not None:
        _check_meta(settings, meta, notes)
    for note in notes:
        print(note, file=out)
    return notes


def _check_meta(settings: Settings, meta: dict, notes: list[str]) -> None:
    """Refuse an index of other sources; note vanished sources and files changed since the build."""
    from index.active import absolute_sources, changed_files
    from index.persist import INGEST_VERSION

    recorded = tuple(meta.get("sources") or ())
    if recorded and recorded != absolute_sources(settings.sources):
        raise CliError(
            f"De index in {settings.index_dir} is gebouwd uit {sources_label(recorded)}, niet uit "
            f"{sources_label(settings.sources)}. Bouw hem opnieuw met 'loket index build --source ...' "
            f"of kies de bronnen met --source."
        )
    missing = [s for s in settings.sources if not Path(s).exists()]
    if missing:
        notes.append(f"Let op: bron {sources_label(missing)} bestaat niet meer; de index is van eerder.")
    if int(meta.get("ingest") or 0) < INGEST_VERSION:
        notes.append(
            "Let op: deze index is gebouwd met oudere inleesregels van Loket; werk hem bij met "
            "'loket index build' (alleen gewijzigde passages worden opnieuw verwerkt)."
        )
    changed = changed_files(settings.sources, float(meta.get("built_at") or 0.0), meta.get("source_digests"))
    if changed:
        notes.append(
            f"Let op: {len(changed)} bestand(en) in de bronnen zijn na de laatste build gewijzigd, toegevoegd of verwijderd; "
            f"werk de index bij met 'loket index build'."
        )


def open_desk(settings: Settings, *, progress: bool = True):
    """A desk on the index ``settings`` select, built first if needed (with progress)."""
    from bot.core.answering.desk import Desk
    from index.embeddings import ModelLoadError
    from index.loaders import LoadError
    from index.persist import ModelMismatchError

    check_index(settings)
    try:
        return Desk.open(settings, index_dir=settings.index_dir, progress=progress)
    except (ModelLoadError, ModelMismatchError, LoadError) as exc:
        raise CliError(str(exc)) from exc


def read_labelled(path: str) -> list:
    """The labelled questions of an eval/calibrate file; unknown fields are noted on stderr.

    A missing, unreadable, broken or empty file is a :class:`CliError` that says what the
    file should look like.
    """
    from bot.core.answering.evaluation import LINE_SHAPE, read_items

    try:
        items = read_items(Path(path), on_warning=lambda message: print(f"Let op: {message}", file=sys.stderr))
    except OSError as exc:
        raise CliError(f"{path}: {os_problem(exc)}") from exc
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if not items:
        raise CliError(f"{path} bevat geen vragen - verwacht {LINE_SHAPE}")
    return items


def warn_missing_pages(desk, items, *, out=None) -> None:
    """Name the questions whose ``doc`` page is not in the index: they cannot be answered well."""
    from bot.core.answering.evaluation import missing_pages

    missing = missing_pages(items, sorted({chunk.doc_path for chunk in desk.index.chunks}))
    if missing:
        shown = ", ".join(f"{i.id} ({', '.join(i.docs)})" for i in missing[:5]) + (" ..." if len(missing) > 5 else "")
        print(f"Let op: {len(missing)} vraag/vragen noemen een pagina die niet in de index staat: {shown}. "
              f"Die tellen altijd als fout; controleer het pad (relatief aan de bronmap) of kies de bron met --source.",
              file=out or sys.stderr)


def fail(message: str) -> int:
    print(f"Fout: {message}", file=sys.stderr)
    return 1
