""""Vertel eens meer": the rest of the source an answer quoted from.

An answer quotes the sentences that hold the fact, not its whole passage. In a thread people
then ask "kun je daar meer over vertellen?". Such a follow-up has nothing to search for (its
words are all about asking), and escalating it sends the core team a question whose answer
is in the source already shown. So it gets the whole passage the answer quoted from, or,
when the answer already was that passage, the passage after it on the same page.
"""
from __future__ import annotations

import re
from typing import NamedTuple, Sequence

from index.documents import Chunk
from index.text import fold, query_terms, sentences

from .answer import Passage
from .followups import OWN_SUBJECT_TERMS, own_words

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
    """What to show next: a chunk row of the index and the text to quote from it."""

    row: int
    text: str


def asks_for_more(text: str) -> bool:
    """Whether a follow-up asks for more of what was just answered, naming no new subject:
    "kun je daar meer over vertellen?", "meer info graag", but not "meer over de GVL-aanvraag
    in Utrecht?" (that names its own subject, and is searched for)."""
    if not _MORE.search(fold(text).strip()):
        return False
    own = [t for t in own_words(query_terms(text)) if fold(t.surface) not in MORE_WORDS]
    return len(own) < OWN_SUBJECT_TERMS


def continuation(chunks: Sequence[Chunk], shown: str, passages: Sequence[Passage]) -> Continuation | None:
    """The passage an answer ``shown`` quoted from (one of the ``passages`` it was found with)
    in full, or the next passage of its page when ``shown`` already was most of it; None when
    the passage is no longer in the index (rebuilt since) or its page has no more."""
    row = _quoted_row(chunks, shown, passages)
    if row is None:
        return None
    text = chunks[row].text
    if len(_squeezed(shown)) < COVERED * len(_squeezed(text)):
        return Continuation(row, _clipped(text))
    after = row + 1
    if after < len(chunks) and chunks[after].doc_path == chunks[row].doc_path:
        return Continuation(after, _clipped(chunks[after].text))
    return None


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def _quoted_row(chunks: Sequence[Chunk], shown: str, passages: Sequence[Passage]) -> int | None:
    """The row of the first passage a sentence of the answer comes from. A quote may open
    with its heading ("GVL — gemeenschappelijke vreemdelingenlocatie: Middelgrote ..."), so
    the words after such a label count as the sentence too."""
    said = [_squeezed(s) for s in sentences(shown) or [shown]]
    said += [s.split(": ", 1)[1] for s in said if ": " in s]
    said = [s for s in said if len(s) >= MIN_SENTENCE_CHARS]
    quoted = next((p for p in passages if any(s in _squeezed(p.text) for s in said)), None)
    if quoted is None:
        return None
    return next((row for row, chunk in enumerate(chunks)
                 if chunk.doc_path == quoted.source.path and chunk.text == quoted.text), None)


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
