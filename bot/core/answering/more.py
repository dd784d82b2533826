""""Vertel eens meer": the rest of the source an answer quoted from.

An answer quotes the sentences that hold the fact, not its whole passage. In a thread people
then ask "kun je daar meer over vertellen?". Such a follow-up has nothing to search for (its
words are all about asking), and escalating it sends the core team a question whose answer
is in the source already shown. So it gets the whole passage the answer quoted from; when the
answer already was that passage, the passage after it in the same section; and when the
section ends, the next passage the search found for the question (in a glossary the next
passage of the page is another term, while the next search result is more about this one).
"""
from __future__ import annotations

import re
from typing import NamedTuple, Sequence

from index.documents import Chunk
from index.text import fold, sentences

from .answer import Passage
from .followups import names_no_subject

# "meer over", "meer info", "vertel eens meer", "kun je dat toelichten", "uitgebreider?", "en verder?"
_MORE = re.compile(
    r"\b(?:meer (?:over|info\w*|details?|uitleg|weten|vertellen|toelichting|context)|vertel (?:eens |nog )?meer"
    r"|uitgebreider|toelichten|toelichting|uitleggen|uitweiden|ga (?:eens )?door|en verder|nog meer|meer\W*$)"
)
# Words of asking for more: no subject of their own.
MORE_WORDS = frozenset(
    "meer info informatie detail details uitleg uitleggen weten vertellen vertel toelichting toelichten "
    "uitgebreider uitweiden verder door context graag eens nog wat".split()
)
MAX_MORE_CHARS = 1200  # as the whole-passage quote: enough to read on, short enough for a chat message
COVERED = 0.8  # an answer that shows this much of its passage already was the passage
MIN_SENTENCE_CHARS = 20  # a shorter sentence ("Zie ook:") could come from any passage


class Continuation(NamedTuple):
    """What to show next: a chunk row of the index, the text to quote from it, and the other
    passages found for the question that are still unread (for the next request)."""

    row: int
    text: str
    rest: tuple[Passage, ...] = ()


def asks_for_more(text: str) -> bool:
    """Whether a follow-up asks for more of what was just answered, naming no new subject:
    "kun je daar meer over vertellen?", "meer info graag", but not "meer over de GVL-aanvraag
    in Utrecht?" (that names its own subject, and is searched for)."""
    return _MORE.search(fold(text).strip()) is not None and names_no_subject(text, besides=MORE_WORDS)


def continuation(chunks: Sequence[Chunk], shown: str, passages: Sequence[Passage]) -> Continuation | None:
    """What to show after an answer ``shown`` that quoted from one of the ``passages`` it was
    found with: that passage in full, else the next passage of its section, else the next of
    the other ``passages``; None when there is none (or the index was rebuilt since)."""
    found = _quoted(chunks, shown, passages)
    if found is None:
        return None
    row, quoted = found
    rest = tuple(p for p in passages if p is not quoted)
    chunk = chunks[row]
    if len(_squeezed(shown)) < COVERED * len(_squeezed(chunk.text)):
        return Continuation(row, _clipped(chunk.text), rest)
    after = row + 1
    if after < len(chunks) and (chunks[after].doc_path, chunks[after].heading_path) == (chunk.doc_path, chunk.heading_path):
        return Continuation(after, _clipped(chunks[after].text), rest)
    for n, other in enumerate(rest):
        other_row = _row_of(chunks, other)
        if other_row is not None:
            return Continuation(other_row, _clipped(other.text), rest[n + 1:])
    return None


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def _quoted(chunks: Sequence[Chunk], shown: str, passages: Sequence[Passage]) -> tuple[int, Passage] | None:
    """The row and passage of the first passage a sentence of the answer comes from. A quote
    may open with its heading ("GVL — gemeenschappelijke vreemdelingenlocatie: Middelgrote
    ..."), so the words after such a label count as the sentence too."""
    said = [_squeezed(s) for s in sentences(shown) or [shown]]
    said += [s.split(": ", 1)[1] for s in said if ": " in s]
    said = [s for s in said if len(s) >= MIN_SENTENCE_CHARS]
    quoted = next((p for p in passages if any(s in _squeezed(p.text) for s in said)), None)
    row = _row_of(chunks, quoted) if quoted is not None else None
    return (row, quoted) if row is not None else None


def _row_of(chunks: Sequence[Chunk], passage: Passage) -> int | None:
    """The index row holding ``passage`` (None when the index no longer has it)."""
    return next((row for row, chunk in enumerate(chunks)
                 if chunk.doc_path == passage.source.path and chunk.text == passage.text), None)


def _clipped(text: str) -> str:
    """``text`` up to :data:`MAX_MORE_CHARS`, cut after a whole sentence where it must be cut."""
    if len(text) <= MAX_MORE_CHARS:
        return text
    kept = ""
    for sentence in sentences(text):
        if len(kept) + len(sentence) + 1 > MAX_MORE_CHARS:
            break
        kept = f"{kept} {sentence}".strip()
    return kept or text[:MAX_MORE_CHARS].rsplit(" ", 1)[0] + " …"
