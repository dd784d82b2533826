"""Text repeated on many pages of one build: navigation, feedback boxes, disclaimers.

Documentation sites put the same paragraph ("Help ons deze pagina te verbeteren ...",
"Heb je een voorbeeld? Laat het ons weten ...") on dozens of pages. Indexed everywhere,
it fills the top results with identical passages and pushes the page that holds the
fact down. It is detected by counting, per paragraph (a block between blank lines of a
section), in how many documents of the build it occurs; from ``min_docs`` documents on
it is kept in the first document only, so it can still be found once. On a small site
(fewer than ten pages) the threshold is half the pages, at least three: a footer on
every page of a four-page site is boilerplate too.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from typing import Sequence

from .documents import DROP_REPEATED, Document, Dropped, Section

DEFAULT_REPEAT_MIN_DOCS = 5  # a paragraph on this many documents or more is boilerplate
SMALL_SITE_MIN_DOCS = 3  # ... or, on a small site, on half of its pages but never fewer than this

_NON_WORD = re.compile(r"\W+")


def _key(block: str) -> str:
    """Identity of a paragraph: its words, case and punctuation aside."""
    return " ".join(_NON_WORD.sub(" ", block.lower()).split())


def _blocks(section: Section) -> list[str]:
    return [b for b in (p.strip() for p in section.text.split("\n\n")) if b]


def repeat_threshold(n_documents: int, *, cap: int = DEFAULT_REPEAT_MIN_DOCS) -> int:
    """How many documents a paragraph must be on to count as boilerplate in a build of ``n_documents``."""
    return min(cap, max(SMALL_SITE_MIN_DOCS, -(-n_documents // 2)))


def repeated_keys(documents: Sequence[Document], *, min_docs: int = DEFAULT_REPEAT_MIN_DOCS) -> set[str]:
    """Paragraph keys that occur in at least ``min_docs`` different documents."""
    seen_in: dict[str, set[int]] = defaultdict(set)
    for n, doc in enumerate(documents):
        for section in doc.sections:
            for block in _blocks(section):
                key = _key(block)
                if key:
                    seen_in[key].add(n)
    return {key for key, docs in seen_in.items() if len(docs) >= min_docs}


def drop_repeated(documents: Sequence[Document], *, min_docs: int = DEFAULT_REPEAT_MIN_DOCS) -> list[Document]:
    """Keep each paragraph found in ``min_docs`` or more documents in its first document only.

    Documents come in build order (sorted paths), so which copy stays is stable across
    builds. Removed copies are recorded in each document's ``dropped``; sections left
    empty disappear.
    """
    repeated = repeated_keys(documents, min_docs=min_docs)
    if not repeated:
        return list(documents)
    kept: set[str] = set()
    result: list[Document] = []
    for doc in documents:
        sections: list[Section] = []
        dropped = list(doc.dropped)
        for section in doc.sections:
            blocks: list[str] = []
            for block in _blocks(section):
                key = _key(block)
                if key in repeated and key in kept:
                    dropped.append(Dropped(DROP_REPEATED, section.heading_path, block))
                    continue
                if key in repeated:
                    kept.add(key)
                blocks.append(block)
            if blocks:
                sections.append(replace(section, text="\n\n".join(blocks)))
        result.append(replace(doc, sections=sections, dropped=dropped))
    return result
