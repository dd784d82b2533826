"""Abbreviations defined in the corpus itself: "Algemene Verordening Gegevensbescherming (AVG)".

A question that says "AVG" must find the page that writes the name in full, and the other
way round. Every documentation site defines its own abbreviations, so a hand-kept list
never covers a new corpus; this reads the definitions where the text introduces them
(the Schwartz & Hearst rule: the letters of the short form appear, in order, in the words
before the parenthesis, the first letter starting the first word), and in glossaries, where
a line or table row opens with the short form and gives the long form after a dash, colon or
cell border ("- COA — Centraal Orgaan opvang asielzoekers", "| AVG | Algemene ... |"). Mining takes a few
milliseconds per megabyte, so it runs when the index loads and never goes stale.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Iterable, NamedTuple, Sequence

from .text import fold, sentences

_PAREN = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9&\-]{1,9})\s*\)")
_WORD = re.compile(r"[^\W_][\w'’\-]*", re.UNICODE)
MAX_EXTRA_WORDS = 3  # a long form may have this many more words than the short form has letters
MAX_LEADING_WORDS = 3  # a glossary's long form may follow this many words ("het ministerie van ...")
# A glossary entry: a line (list item, table row) that opens with the short form, then a
# dash, colon or cell border, then the long form up to the first full stop, comma or bracket.
_GLOSSARY = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+|\|[ \t]*)?([A-Za-z][A-Za-z0-9&\-]{1,9})[ \t]*(?:—|–|-|:|\|)[ \t]*([^.,;:()\n|]+)",
    re.MULTILINE,
)


def _is_short_form(token: str) -> bool:
    """AVG, DPIA, CdK, IAMA: two or more capitals, or a capital word that is mostly capitals."""
    letters = [c for c in token if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    return len(letters) >= 2 and upper >= 2 and upper >= len(letters) / 2


def long_form(short: str, before: str) -> str | None:
    """The long form of ``short`` at the end of ``before``, or None (Schwartz & Hearst)."""
    words = _WORD.findall(before)[-(len(short) + MAX_EXTRA_WORDS):]
    if not words:
        return None
    text = " ".join(words)
    s, pos = len(short) - 1, len(text) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while pos >= 0 and (text[pos].lower() != c or (s == 0 and pos > 0 and text[pos - 1].isalnum())):
            pos -= 1
        if pos < 0:
            return None
        pos -= 1
        s -= 1
    start = text.rfind(" ", 0, pos + 1) + 1
    found = text[start:]
    n_words = len(found.split())
    if found.lower() == short.lower() or n_words < 2 or n_words > len(short) + MAX_EXTRA_WORDS:
        return None
    if not found[0].lower() == short[0].lower():
        return None
    return found


def mine_abbreviations(texts: Iterable[str], *, min_count: int = 1) -> dict[str, str]:
    """Short form -> folded long form, the most frequent definition of each short form."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for match in _PAREN.finditer(text):
            short = match.group(1)
            if not _is_short_form(short):
                continue
            before = text[max(0, match.start() - 200) : match.start()]
            before = re.split(r"[.:;!?\n()]", before)[-1]
            found = long_form(short, before)
            if found:
                seen[short][fold(found)] += 1
        for short, after in _glossary_entries(text):
            seen[short][fold(after)] += 1
        for short, inside in _spelled_in_parentheses(text):
            seen[short][fold(inside)] += 1
    return {s: c.most_common(1)[0][0] for s, c in seen.items() if c.most_common(1)[0][1] >= min_count}


# The other order: the short form, then its long form in parentheses ("de AVG (Algemene
# Verordening Gegevensbescherming)"), up to a comma or semicolon inside them.
_SHORT_THEN_LONG = re.compile(r"(?<![\w&-])([A-Za-z][A-Za-z0-9&\-]{1,9})[ \t]*\(\s*([^(),;\n]{3,120})[),;]")


def _spelled_in_parentheses(text: str) -> Iterable[tuple[str, str]]:
    """(short form, long form) where a short form is followed by its long form in parentheses,
    read forwards like a glossary line; the words in the parentheses must be the long form
    and nothing more ("AVG (zie hoofdstuk 3)" spells nothing, nor "API (die we gebruiken)")."""
    for match in _SHORT_THEN_LONG.finditer(text):
        short, inside = match.group(1), match.group(2)
        if len(short) < 3 or not _is_short_form(short):
            continue
        words = _WORD.findall(inside)
        found = _spelled_run(short, words) if len(words) <= len(short) + MAX_EXTRA_WORDS else None
        if found and len(found.split()) == len(words):
            yield short, found


def _glossary_entries(text: str) -> Iterable[tuple[str, str]]:
    """(short form, long form) of each glossary line of ``text`` whose words after the
    separator spell the short form ("CdK — Commissaris van de Koning, het hoofd ...")."""
    for match in _GLOSSARY.finditer(text):
        short, after = match.group(1), match.group(2)
        if len(short) < 3 or not _is_short_form(short):  # "NB: niet bedoeld ..." spells by chance
            continue
        words = _WORD.findall(after)
        for skip in range(MAX_LEADING_WORDS + 1):  # "het ministerie van Sociale Zaken en ..." for SZW
            if skip and (skip >= len(words) or not words[skip][0].isupper()):
                continue  # after leading words only a name written with a capital, not a chance spelling
            found = _spelled_run(short, words[skip : skip + len(short) + MAX_EXTRA_WORDS])
            if found:
                yield short, found
                break


def _spelled_run(short: str, words: list[str]) -> str | None:
    """The run of ``words`` from the first that spells ``short``: the shortest that ends on a
    word starting with its last letter ("... Interface" for API, not "... Interface voor
    koppelingen"), else the whole run ("... vreemdelingenlocatie")."""
    spelled = [" ".join(words[:n]) for n in range(2, len(words) + 1) if _spells(short, words[:n])]
    ending = [c for c in spelled if c.split()[-1][0].lower() == short[-1].lower()]
    if ending or spelled:
        return (ending or spelled)[0 if ending else -1]
    return None


def _spells(short: str, words: list[str]) -> bool:
    """Whether the letters of ``short`` appear in order in ``words``, the first starting the
    first word (the glossary's reading direction; :func:`long_form` reads backwards)."""
    text = " ".join(words).lower()
    letters = [c.lower() for c in short if c.isalnum()]
    if not letters or not text.startswith(letters[0]):
        return False
    pos = 1
    for c in letters[1:]:
        pos = text.find(c, pos) + 1
        if pos == 0:
            return False
    return True


class Definition(NamedTuple):
    """Where the corpus spells out a short form: the passage row and the sentence (or line);
    for a definition in a heading ("### COA — Centraal Orgaan opvang asielzoekers"), the
    heading, with the first sentence under it as ``context``."""

    short: str
    row: int
    sentence: str
    context: str = ""


def defining_sentence(short: str, long_folded: str, texts: Sequence[str]) -> Definition | None:
    """The sentence of ``texts`` that defines ``short`` as ``long_folded`` (from
    :func:`mine_abbreviations`): a glossary line that opens with the short form first, else
    the first sentence that names both ("... Gegevensbescherming (AVG) ...")."""
    pattern = _as_word(short)
    first: Definition | None = None
    for row, text in enumerate(texts):
        if short not in text or long_folded not in fold(text):
            continue
        for sentence in sentences(text):
            if pattern.search(sentence) and long_folded in fold(sentence):
                if is_glossary_line(short, sentence):
                    return Definition(short, row, sentence)
                first = first or Definition(short, row, sentence)
    return first


def _as_word(short: str) -> re.Pattern[str]:
    """The short form as a word of its own: "ROB" in "het ROB", not in "ROBOT" or "ROB-lid"."""
    return re.compile(rf"(?<![\w&-]){re.escape(short)}(?![\w&-])")


def is_glossary_line(short: str, sentence: str) -> bool:
    """Whether a line opens with the short form, as a glossary entry or table row does."""
    found = _as_word(short).search(sentence)
    return found is not None and not sentence[: found.start()].strip(" \t-*+|")


def defining_heading(short: str, long_folded: str, headings: Sequence[Sequence[str]]) -> tuple[int, str] | None:
    """The first passage (row) under a heading that defines ``short`` as ``long_folded``, and
    that heading: glossaries are often written as one heading per term, the text under it
    saying what the organisation does rather than what its letters stand for."""
    pattern = _as_word(short)
    for row, path in enumerate(headings):
        for heading in path:
            if short in heading and pattern.search(heading) and long_folded in fold(heading):
                return row, heading
    return None
