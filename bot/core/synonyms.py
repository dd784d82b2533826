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
    def from_sources(cls, sources: Iterable[Path | str]) -> "Synonyms":
        """Read every ``synoniemen.yaml`` found in the source folders; a broken file is skipped with a warning."""
        groups: list[Sequence[str]] = []
        for src in sources:
            path = Path(src) / FILENAME
            if not path.is_file():
                continue
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
                groups.extend(g for g in data if isinstance(g, list))
            except (yaml.YAMLError, OSError) as exc:
                log.warning("synonyms file %s skipped: %s", path, type(exc).__name__)
        return cls(groups)

    @staticmethod
    def _occurs(entry: str, question: str) -> bool:
        if entry.isupper() or any(c.isupper() for c in entry[1:]):
            return re.search(rf"(?<!\w){re.escape(entry)}(?!\w)", question) is not None
        return re.search(rf"(?<!\w){re.escape(fold(entry))}(?!\w)", fold(question)) is not None

    def expand(self, question: str, terms: list[Term]) -> list[Term]:
        """Give each term the other members of its group(s) as alternatives."""
        matched = [g for g in self._groups if any(self._occurs(e, question) for e in g)]
        if not matched:
            return terms
        out = []
        for term in terms:
            surface = fold(term.surface)
            alts = [fold(e) for g in matched if surface in {fold(x) for x in g} for e in g if fold(e) != surface]
            out.append(term._replace(alternatives=tuple(dict.fromkeys(alts))) if alts else term)
        return out
