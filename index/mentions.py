"""Does a text mention a question term? Answered with set operations, not per-text regexes.

Coverage, page coverage, the sentence re-read and quoting ask this for every question
term against dozens of passages, whole pages and their sentences. Testing each text
with a compound-word regex (and a substring scan of a whole page) made the lexical
evidence cost as much as embedding the question. Here the words that count as a
mention of a term are found once per term in the corpus's vocabulary (cached), and a
text mentions the term when its word sets meet those keys: the same answer as
:func:`index.text.in_compound` over the text, for any text whose words the corpus knows;
words it does not know are still tested one by one.
"""
from __future__ import annotations

from typing import Iterable, NamedTuple

from .text import Term, analyze_folded, fold, in_compound, raw_tokens

MAX_CACHED_TERMS = 4096
MAX_CACHED_TEXTS = 16384


class TextWords(NamedTuple):
    """The words of one text, in the shapes a mention test needs."""

    vocab: frozenset[str]  # stems and folded words
    words: frozenset[str]  # folded words only (what compound matching reads)
    blob: str  # " w1 w2 ... " (for multi-word alternatives)
    outside: tuple[str, ...] = ()  # folded words the corpus vocabulary lacks (tested one by one)


class TermKeys(NamedTuple):
    """What counts as a mention of one term."""

    vocab: frozenset[str]  # stem, surface and one-word alternatives
    words: frozenset[str]  # corpus words that hold the term as a compound member
    phrases: tuple[str, ...]  # multi-word alternatives, matched in the blob
    parts: tuple[str, ...]  # the compound parts tested (surface; stem too for a common word)


def split_words(text: str) -> tuple[frozenset[str], frozenset[str], str]:
    """Stems + folded words, folded words, and the folded blob of a text."""
    folded = [fold(t) for t in raw_tokens(text)]
    words = frozenset(folded)
    return frozenset(analyze_folded(folded)) | words, words, " " + " ".join(folded) + " "


def _compound_words(part: str, blob: str) -> frozenset[str]:
    """The words of ``blob`` (" w1 w2 ... ") that hold ``part`` as a compound member."""
    if len(part) < 4:
        return frozenset()
    found: set[str] = set()
    at = blob.find(part)
    while at >= 0:
        start = blob.rfind(" ", 0, at) + 1
        end = blob.find(" ", at)
        word = blob[start:end]
        if in_compound(part, f" {word} "):
            found.add(word)
        at = blob.find(part, end)
    return frozenset(found)


class MentionIndex:
    """Term keys over one corpus vocabulary; mention tests for many texts at once."""

    def __init__(self, words: Iterable[str]) -> None:
        self.universe: frozenset[str] = frozenset(words)
        self._blob = " " + " ".join(sorted(self.universe)) + " "
        self._keys: dict[Term, TermKeys] = {}
        self._texts: dict[str, TextWords] = {}

    def text(self, text: str) -> TextWords:
        """The words of a text, with those the corpus vocabulary lacks set apart (cached: the
        sentences of the best passages are read again and again)."""
        found = self._texts.get(text)
        if found is None:
            if len(self._texts) >= MAX_CACHED_TEXTS:
                self._texts.clear()
            found = self._texts[text] = self.wrap(*split_words(text))
        return found

    def wrap(self, vocab: frozenset[str], words: frozenset[str], blob: str) -> TextWords:
        outside = tuple(words - self.universe) if not words <= self.universe else ()
        return TextWords(vocab, words, blob, outside)

    def keys(self, term: Term) -> TermKeys:
        """The keys of a term (cached: the same terms come back question after question)."""
        found = self._keys.get(term)
        if found is None:
            if len(self._keys) >= MAX_CACHED_TERMS:
                self._keys.clear()
            surface = fold(term.surface)
            parts = (surface,) if term.salient else (surface, term.stem)
            compounds = frozenset().union(*(_compound_words(p, self._blob) for p in parts))
            found = self._keys[term] = TermKeys(
                vocab=frozenset({term.stem, surface, *(a for a in term.alternatives if " " not in a)}),
                words=compounds,
                phrases=tuple(a for a in term.alternatives if " " in a),
                parts=parts,
            )
        return found

    def mentions(self, text: TextWords, term: Term) -> bool:
        """Same answer as :meth:`index.search.SearchIndex.mentions` on the text's (vocab, blob)."""
        return _meets(text, self.keys(term))

    def share(self, texts: list[TextWords], terms: list[Term], weights: list[float]) -> list[float]:
        """IDF-weighted share of the terms each text mentions (keys looked up once per term)."""
        total = max(sum(weights), 1e-9)
        keyed = [(self.keys(t), w) for t, w in zip(terms, weights)]
        return [sum(w for k, w in keyed if _meets(x, k)) / total for x in texts]


def _meets(text: TextWords, keys: TermKeys) -> bool:
    if not text.vocab.isdisjoint(keys.vocab) or not text.words.isdisjoint(keys.words):
        return True
    if keys.phrases and any(f" {p} " in text.blob for p in keys.phrases):
        return True
    return bool(text.outside) and any(in_compound(p, f" {w} ") for w in text.outside for p in keys.parts)
