"""What changed in the knowledge base, for a "Nieuw in de kennisbank" message.

``loket index build --announce`` snapshots the titles and links of the index before the
build (:func:`snapshot`), builds, snapshots again and turns the build report into a list of
:class:`DocChange` (:func:`changes`). Removed documents take their title from the old
snapshot, new and updated ones from the new. No change, no message.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from index.build import BuildReport
from index.persist import IndexMissingError, load_index

NEW = "nieuw"
UPDATED = "bijgewerkt"
REMOVED = "verwijderd"
ORDER = (NEW, UPDATED, REMOVED)


@dataclass(frozen=True)
class DocInfo:
    title: str
    url: str | None = None
    updated: str | None = None


@dataclass(frozen=True)
class DocChange:
    path: str
    change: str  # nieuw | bijgewerkt | verwijderd
    title: str
    url: str | None = None
    updated: str | None = None


def snapshot(index_dir: Path) -> dict[str, DocInfo]:
    """Title, link and date per document path in the index at ``index_dir`` (empty if none)."""
    try:
        stored = load_index(Path(index_dir))
    except (IndexMissingError, OSError, ValueError):
        return {}
    info: dict[str, DocInfo] = {}
    for chunk in stored.chunks:
        if chunk.doc_path not in info:
            meta = chunk.meta or {}
            updated = str(meta["updated"]) if meta.get("updated") else None
            info[chunk.doc_path] = DocInfo(chunk.title, meta.get("url") or None, updated)
    return info


def changes(report: BuildReport, before: Mapping[str, DocInfo], after: Mapping[str, DocInfo]) -> list[DocChange]:
    """The build's changes with titles, new first, then updated, then removed."""
    out: list[DocChange] = []
    for kind, paths, source in ((NEW, report.added, after), (UPDATED, report.changed, after),
                                (REMOVED, report.removed, before)):
        for path in paths:
            info = source.get(path) or DocInfo(Path(path).stem)
            out.append(DocChange(path, kind, info.title, info.url, info.updated))
    return out


def summary_line(items: Sequence[DocChange]) -> str:
    """'2 nieuw, 1 bijgewerkt' (Dutch, for the notification text and the terminal)."""
    counts = {kind: sum(1 for c in items if c.change == kind) for kind in ORDER}
    return ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
