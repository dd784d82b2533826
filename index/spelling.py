"""Mistyped question words, corrected to a word of the corpus one or two keystrokes away.

People type fast in chat: "leverancer", "intervieuws", "persoonsgegevns". A mistyped word
matches no passage lexically, weighs as a word the corpus never uses (which pushes the
answer-or-escalate decision towards escalating) and blurs the question's embedding.

A word is only corrected when nothing else explains it:
- the corpus does not know it, also not inside a compound (the caller's test);
- it is not a word of general Dutch (wordfreq Zipf below ``max_zipf``): "vergadert" is
  a real word the corpus happens not to use, and must stay unknown;
- it is not a new compound of two corpus words ("datafase" = "data" + "fase");
- it is not a name, abbreviation or number (the caller passes only plain words);
- the corpus has a word within ``max_edits`` (optimal string alignment: a swap of two
  neighbouring letters is one edit), one edit up to seven letters and two from eight.
Among the closest corpus words, the one on most passages wins.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable, Mapping, NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .background import zipf
from .text import STOPWORDS, fold, stem

MIN_LENGTH = 5  # shorter words have too many neighbours one edit away
LONG_WORD = 8  # from this length two edits are allowed
MAX_ZIPF = 1.5  # at or above this Zipf frequency a word is Dutch, not a typo
MIN_PART = 4  # the shortest part of a compound made of two corpus words

_WORD = re.compile(r"(?<![\w'’-])[^\W\d_]+(?![\w'’-])")


class Correction(NamedTuple):
    """One corrected word: as typed, and the corpus word used instead."""

    typed: str
    fixed: str


def max_edits(word: str) -> int:
    """Edits allowed for a word of this length (0: too short to correct)."""
    if len(word) < MIN_LENGTH:
        return 0
    return 1 if len(word) < LONG_WORD else 2


class Speller:
    """Corrects words against one corpus's vocabulary (``words``: folded surface words)."""

    def __init__(
        self, words: Iterable[str], *, passages: Mapping[str, int], knows: Callable[[str], bool],
        max_zipf: float = MAX_ZIPF,
    ) -> None:
        """``passages``: on how many passages each stem occurs (the tie-break);
        ``knows``: whether the corpus knows a folded word, also inside compounds."""
        self.words = frozenset(w for w in words if w.isalpha() and w not in STOPWORDS)
        self._choices = sorted(w for w in self.words if len(w) >= MIN_LENGTH - 1)
        self._passages = passages
        self._knows = knows
        self.max_zipf = max_zipf
        self.correct = lru_cache(maxsize=4096)(self._correct)

    def _correct(self, word: str) -> str | None:
        """The corpus word ``word`` was probably meant to be, or None to leave it as typed."""
        folded = fold(word)
        edits = max_edits(folded)
        if not edits or not folded.isalpha() or folded in STOPWORDS or self._knows(folded):
            return None
        if zipf(folded) >= self.max_zipf or self._is_compound(folded):
            return None
        found = process.extract(folded, self._choices, scorer=OSA.distance, score_cutoff=edits, limit=None)
        if not found:
            return None
        closest = min(d for _, d, _ in found)
        return max((w for w, d, _ in found if d == closest), key=lambda w: (self._passages.get(stem(w), 0), w))

    def _is_compound(self, word: str) -> bool:
        """Whether ``word`` is two corpus words written together, with or without a linking s."""
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head, tail = word[:cut], word[cut:]
            if tail in self.words and (head in self.words or (head.endswith("s") and head[:-1] in self.words)):
                return True
        return False

    def fix(self, text: str) -> tuple[str, list[Correction]]:
        """``text`` with its mistyped plain words replaced, and what was replaced.

        Words with capitals other than the first letter of the text (names, abbreviations),
        hyphens, apostrophes or digits are left alone.
        """
        corrections: list[Correction] = []

        def replace(match: re.Match[str]) -> str:
            typed = match.group(0)
            if any(c.isupper() for c in typed[1:]) or (typed[0].isupper() and match.start() > 0):
                return typed
            fixed = self.correct(typed)
            if fixed is None:
                return typed
            corrections.append(Correction(typed, fixed))
            return fixed.capitalize() if typed[0].isupper() else fixed

        return _WORD.sub(replace, text), corrections
