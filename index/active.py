"""Which index of a data dir is in use: a small pointer file written by a build.

``loket index build --source DIR`` builds an index in its own folder of the data dir and
records it here as the active one, so ``ask``/``chat``/``eval``/``serve`` answer from the
index the user just built instead of silently from another. The pointer names the index
folder (relative to the data dir) and the sources it was built from, as absolute paths,
so nothing depends on the working directory.

This module only reads and writes the pointer and compares it with what is on disk;
what to tell the user is decided by the callers.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

POINTER_FILE = "active-index.json"
DEFAULT_INDEX_NAME = "index"


@dataclass(frozen=True)
class ActiveIndex:
    """The pointer's content: index folder (absolute) and its sources (absolute paths)."""

    index_dir: Path
    sources: tuple[str, ...]
    activated_at: float = 0.0


class PointerError(ValueError):
    """The pointer file exists but cannot be read; the message says what to do."""


def absolute_sources(sources: Sequence[Path | str]) -> tuple[str, ...]:
    """Sources as absolute, normalised paths (the identity of a set of sources)."""
    return tuple(str(Path(s).expanduser().resolve()) for s in sources)


def index_name(sources: Sequence[Path | str], *, default_sources: Sequence[Path | str] = ()) -> str:
    """Folder name of the index of ``sources``: ``index`` for the defaults, else keyed by them.

    Each set of sources gets its own folder, so evaluating another corpus never overwrites
    the knowledge base index.
    """
    resolved = absolute_sources(sources)
    if default_sources and resolved == absolute_sources(default_sources):
        return DEFAULT_INDEX_NAME
    key = hashlib.sha256("\n".join(resolved).encode()).hexdigest()[:10]
    return f"{DEFAULT_INDEX_NAME}-{key}"


def read_active(data_dir: Path) -> ActiveIndex | None:
    """The active index of ``data_dir``, or None when no build has set one."""
    path = Path(data_dir) / POINTER_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        folder = Path(data_dir) / str(data["index"])
        sources = tuple(str(s) for s in data["sources"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PointerError(
            f"{path} is onleesbaar ({type(exc).__name__}) - bouw de index opnieuw met 'loket index build --source ...'"
        ) from None
    if not sources or Path(str(data["index"])).is_absolute() or ".." in Path(str(data["index"])).parts:
        raise PointerError(f"{path} is ongeldig - bouw de index opnieuw met 'loket index build --source ...'")
    return ActiveIndex(folder, sources, float(data.get("activated_at") or 0.0))


def write_active(data_dir: Path, index_dir: Path, sources: Sequence[Path | str]) -> ActiveIndex:
    """Make ``index_dir`` (a folder inside ``data_dir``) the active index; written atomically."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    name = Path(index_dir).resolve().relative_to(data_dir.resolve()).as_posix()
    active = ActiveIndex(data_dir / name, absolute_sources(sources), time.time())
    tmp = data_dir / f".{POINTER_FILE}.{os.getpid()}"
    tmp.write_text(
        json.dumps({"index": name, "sources": list(active.sources), "activated_at": active.activated_at},
                   ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    os.replace(tmp, data_dir / POINTER_FILE)
    return active


def source_digests(sources: Sequence[Path | str]) -> dict[str, str]:
    """Content hash of every source file (absolute path -> hash), recorded at build time.

    A modification time alone cannot tell an edit from a copy: a fresh checkout or an
    ``rsync`` gives every file a new time. The hash lets :func:`changed_files` report only
    files whose bytes differ. Missing sources are skipped.
    """
    from .loaders import find_source_files

    digests: dict[str, str] = {}
    for source in sources:
        if not Path(source).exists():
            continue
        for file, _root in find_source_files([source]):
            digest = _file_digest(file)
            if digest is not None:
                digests[str(file.resolve())] = digest
    return digests


def changed_files(sources: Sequence[Path | str], built_at: float, digests: dict[str, str] | None = None) -> list[str]:
    """Source files added, edited or removed since the build (a stale index).

    With the build's ``digests`` a file only counts when its content differs (or it is new
    or gone); an index built before digests were recorded falls back to modification
    times. Missing sources are skipped (the caller reports them).
    """
    from .loaders import find_source_files

    changed: list[str] = []
    present: set[str] = set()
    for source in sources:
        if not Path(source).exists():
            continue
        for file, _root in find_source_files([source]):
            key = str(file.resolve())
            present.add(key)
            if _changed(file, key, built_at, digests):
                changed.append(str(file))
    if digests:
        roots = [str(Path(s).expanduser().resolve()) for s in sources if Path(s).exists()]
        changed += sorted(k for k in digests if k not in present and any(k.startswith(r) for r in roots))
    return changed


def _changed(file: Path, key: str, built_at: float, digests: dict[str, str] | None) -> bool:
    try:
        if file.stat().st_mtime <= built_at:
            return False
    except OSError:
        return False
    if not digests:
        return True
    return digests.get(key) != _file_digest(file)


def _file_digest(file: Path) -> str | None:
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest()[:24]
    except OSError:
        return None
