"""Synonyms and abbreviations from the knowledge base (``synoniemen.yaml``).

A question about a "statushouder" must find text about a "vergunninghouder". Groups are
read from a YAML list of lists; all-caps entries (abbreviations) only match in capitals,
because "ROL" (regionale opvanglocatie) is also the ordinary word "rol".
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Iterable, Sequence

import yaml

from index.text import Term, fold

log = logging.getLogger(__name__)
FILENAME = "synoniemen.yaml"


class Synonyms:
    """Term -> alternatives lookup built from synonym groups."""

    def __init__(self, groups: Iterable[Sequence[str]] = ()) -> None:
        self._groups: list[tuple[str, ...]] = [tuple(str(x) for x in g) for g in groups if len(g) >= 2]

    @classmethod
    def from_sources(cls, sources: Iterable[Path | str], *, extra_files: Iterable[Path | str] = ()) -> "Synonyms":
        """Read ``synoniemen.yaml`` from each source folder and any ``extra_files``.

        A broken or missing file is skipped with a warning: synonyms improve recall, their
        absence must not stop Loket.
        """
        files = [Path(src) / FILENAME for src in sources] + [Path(f) for f in extra_files]
        groups: list[Sequence[str]] = []
        seen: set[Path] = set()
        for path in files:
            if not path.is_file() or path.resolve() in seen:
                continue
            seen.add(path.resolve())
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
                groups.extend(g for g in data if isinstance(g, list))
            except (yaml.YAMLError, OSError) as exc:
                log.warning("synonyms file %s skipped: %s", path, type(exc).__name__)
        return cls(groups)

    @staticmethod
    def _occurs(entry: str, question: str) -> bool:
        if " " not in entry and (entry.isupper() or any(c.isupper() for c in entry[1:])):
            return re.search(rf"(?<!\w){re.escape(entry)}(?!\w)", question) is not None
        return re.search(rf"(?<!\w){re.escape(fold(entry))}(?!\w)", fold(question)) is not None

    def expand(self, question: str, terms: list[Term]) -> list[Term]:
        """Give each term the other members of the group(s) it belongs to as alternatives.

        A term belongs to a group when it is a member, or a word of a multi-word member
        that occurs in the question ("landelijke" in "Landelijke Regietafel" -> "lrt").
        """
        hits = [(g, [e for e in g if self._occurs(e, question)]) for g in self._groups]
        hits = [(g, found) for g, found in hits if found]
        if not hits:
            return terms
        out = []
        for term in terms:
            surface = fold(term.surface)
            alts: list[str] = []
            for group, found in hits:
                if any(surface == fold(e) or (" " in e and surface in fold(e).split()) for e in found):
                    alts.extend(fold(e) for e in group if fold(e) != surface)
            merged = tuple(dict.fromkeys(term.alternatives + tuple(alts)))
            out.append(term._replace(alternatives=merged) if merged != term.alternatives else term)
        return out
