"""Synonyms and abbreviations from the knowledge base (``synoniemen.yaml``).

A question about a "statushouder" must find text about a "vergunninghouder". Groups are
read from a YAML list of lists, plus the abbreviations the index mined from the corpus;
all-caps entries (abbreviations) only match in capitals, because "ROL" (regionale
opvanglocatie) is also the ordinary word "rol". Other entries match on stems.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import yaml

from index.text import Term, analyze, fold, raw_tokens, stem

log = logging.getLogger(__name__)
FILENAME = "synoniemen.yaml"


@lru_cache(maxsize=16384)
def _stems(text: str) -> tuple[str, ...]:
    """Every word of a text, folded and stemmed (stop words kept: they are part of names).
    Cached: every question is matched against every group entry."""
    return tuple(stem(fold(t)) for t in raw_tokens(text) if t)


@lru_cache(maxsize=4096)
def _abbreviation_pattern(entry: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(entry)}(?!\w)")


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

    def add_groups(self, groups: Iterable[Sequence[str]]) -> None:
        """Add groups (for example the abbreviations the index mined from the corpus)."""
        self._groups.extend(tuple(str(x) for x in g) for g in groups if len(g) >= 2)

    @staticmethod
    def _is_abbreviation(entry: str) -> bool:
        return " " not in entry and (entry.isupper() or any(c.isupper() for c in entry[1:]))

    @staticmethod
    def _stems(text: str) -> tuple[str, ...]:
        return _stems(text)

    @classmethod
    def _occurs(cls, entry: str, question: str, question_stems: tuple[str, ...]) -> bool:
        """Abbreviations match as written; other entries on stems, so "opvangplaatsen" finds
        "opvangplaats" and "vergunninghouders" finds "vergunninghouder"."""
        if cls._is_abbreviation(entry):
            return _abbreviation_pattern(entry).search(question) is not None
        want = cls._stems(entry)
        n = len(want)
        if n == 0 or want[0] not in question_stems:  # most entries: their first word is not asked about
            return False
        return any(question_stems[i : i + n] == want for i in range(len(question_stems) - n + 1))

    def expand(self, question: str, terms: list[Term]) -> list[Term]:
        """Give each term the other members of the group(s) it belongs to as alternatives.

        A term belongs to a group when it is a member, or a word of a multi-word member
        that occurs in the question ("landelijke" in "Landelijke Regietafel" -> "lrt").
        """
        q_stems = self._stems(question)
        hits = [(g, [e for e in g if self._occurs(e, question, q_stems)]) for g in self._groups]
        hits = [(g, found) for g, found in hits if found]
        if not hits:
            return terms
        out = []
        for term in terms:
            alts: list[str] = []
            for group, found in hits:
                if any(term.stem in self._stems(e) for e in found):
                    alts.extend(fold(e) for e in group if self._stems(e) != (term.stem,))
            merged = tuple(dict.fromkeys(term.alternatives + tuple(alts)))
            out.append(term._replace(alternatives=merged) if merged != term.alternatives else term)
        return out

    @staticmethod
    def query_tokens(terms: Sequence[Term]) -> list[str]:
        """BM25 tokens of the alternatives, so synonyms and expansions reach the lexical search."""
        return [tok for t in terms for alt in t.alternatives for tok in analyze(alt)]
