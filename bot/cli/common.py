"""What several subcommands share: settings, the desk for a set of sources, clear errors."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Sequence

from bot.settings import Settings


class CliError(Exception):
    """An error the user can fix; printed without a traceback, exit code 1."""


def settings_for(sources: Sequence[str] | None = None) -> Settings:
    """Settings from the environment, with ``--source`` overriding LOKET_SOURCES."""
    settings = Settings.from_env()
    if sources:
        settings = settings.with_(sources=tuple(sources))
    return settings


def index_dir(settings: Settings, default: Settings | None = None) -> Path:
    """The default sources use ``data/index``; another set of sources gets its own folder,
    so evaluating another corpus never overwrites the knowledge base index."""
    base = default or Settings.from_env()
    if tuple(settings.sources) == tuple(base.sources):
        return settings.index_dir
    key = hashlib.sha256("\n".join(str(Path(s).resolve()) for s in settings.sources).encode()).hexdigest()[:10]
    return settings.data_dir / f"index-{key}"


def open_desk(settings: Settings, *, progress: bool = True):
    """A desk on the index of ``settings.sources``, built first if needed (with progress)."""
    from bot.core.desk import Desk
    from index.embeddings import ModelLoadError
    from index.loaders import LoadError
    from index.persist import ModelMismatchError

    try:
        return Desk.open(settings, index_dir=index_dir(settings), progress=progress)
    except (ModelLoadError, ModelMismatchError, LoadError) as exc:
        raise CliError(str(exc)) from exc


def fail(message: str) -> int:
    print(f"Fout: {message}", file=sys.stderr)
    return 1
