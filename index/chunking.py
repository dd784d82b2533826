"""Split documents into retrieval chunks that keep their citation data.

Sections are already the natural unit of a knowledge page; only long sections are cut,
at paragraph (then sentence) boundaries, so a chunk never starts mid-sentence and always
knows its heading path and page.
"""
from __future__ import annotations

import hashlib

from .documents import SECTION_BODY, Chunk, Document, Section
from .text import sentences

DEFAULT_MAX_WORDS = 180
DEFAULT_MIN_WORDS = 40
MAX_LEAD_IN_WORDS = 25  # a one-line question or label this short leads in to what follows it
DEFAULT_MAX_HEADING_WORDS = 16  # heading path words embedded and matched with a passage (p90 title: 14 words)
CHUNK_KIND = "chunk_kind"  # chunk meta key: "summary" for a page's front matter summary (else absent)


def _words(text: str) -> int:
    return len(text.split())


def _leads_in(paragraph: str) -> bool:
    """Whether a paragraph announces what follows it and belongs with it: one that ends in a
    colon ("... de volgende stappen:"), a question on a line of its own (an FAQ's question
    above its answer) or a bare label ("Uitzonderingen", "Wat doet de leverancier niet")."""
    text = paragraph.rstrip()
    if text.endswith(":"):
        return True
    if "\n" in text or _words(text) > MAX_LEAD_IN_WORDS or text.startswith(("- ", "* ")) or text[:1].isdigit():
        return False
    return text.endswith("?") or not text.endswith((".", "!", ";", ")", '"', "'"))


def _line_sentences(paragraph: str) -> list[tuple[str, str]]:
    """The sentences of a paragraph, each with what joins it to the one before: a newline
    where it starts a line of its own (a list item, a table row), else a space."""
    units: list[tuple[str, str]] = []
    for line in paragraph.split("\n"):
        indent = line[: len(line) - len(line.lstrip(" "))]
        for n, sentence in enumerate(sentences(line)):
            units.append((sentence if n else indent + sentence, " " if n else "\n"))
    return units


def _cut_run_ons(units: list[tuple[str, str]], max_words: int) -> list[tuple[str, str]]:
    """A "sentence" longer than ``max_words`` (text without full stops or capitals: OCR,
    transcripts, a pasted export) is cut into nearly equal runs of words. Left whole it
    became one passage of thousands of words: seconds to embed each, and poor evidence."""
    out: list[tuple[str, str]] = []
    for sentence, joint in units:
        words = sentence.split(" ")
        if _words(sentence) <= max_words:
            out.append((sentence, joint))
            continue
        parts = -(-_words(sentence) // max_words)
        size = -(-len(words) // parts)
        out.extend((" ".join(words[i:i + size]), joint if i == 0 else " ") for i in range(0, len(words), size))
    return out


def _split_long_paragraph(paragraph: str, max_words: int) -> list[tuple[str, str]]:
    """Cut a paragraph that alone exceeds ``max_words`` at sentence boundaries.

    A long list or table stays one item (row) per line, sub-items keep their indentation:
    only the cut falls between sentences, the lines are not run together. Each piece comes
    with what joined it to the piece before (a newline or a space), to rejoin them as written.
    """
    pieces: list[tuple[str, str]] = []
    current, current_joint = "", "\n\n"
    for sentence, joint in _cut_run_ons(_line_sentences(paragraph), max_words):
        if current and _words(current + " " + sentence) > max_words:
            pieces.append((current, current_joint))
            current, current_joint = "", joint
        current = sentence.lstrip(" ") if not current and joint == " " else (current + joint + sentence if current else sentence)
    if current:
        pieces.append((current, current_joint))
    return pieces


def split_section_text(text: str, *, max_words: int = DEFAULT_MAX_WORDS, min_words: int = DEFAULT_MIN_WORDS) -> list[str]:
    """Group paragraphs into passages of at most ``max_words`` words.

    A trailing passage shorter than ``min_words`` is merged into the previous one when that
    keeps it under 1.5x ``max_words``: tiny tails make poor evidence on their own. A paragraph
    that announces what follows ("... de volgende stappen:", an FAQ's question, a bare label)
    starts the next passage instead of ending this one, so it stays with what it introduces.
    """
    paragraphs: list[str] = []
    joints: list[str] = []  # what joins each paragraph to the one before: a blank line, or within a cut paragraph
    for para in (p.strip("\n").rstrip() for p in text.split("\n\n")):  # a sub-item keeps its indentation
        if not para:
            continue
        for piece, joint in _split_long_paragraph(para, max_words) if _words(para) > max_words else [(para, "\n\n")]:
            paragraphs.append(piece)
            joints.append(joint)  # a newline or a space where a paragraph was cut: rejoined as it was written

    def words(ids: list[int]) -> int:
        return sum(_words(paragraphs[i]) for i in ids)

    def joined(ids: list[int]) -> str:
        return "".join(joints[i] * bool(n) + paragraphs[i] for n, i in enumerate(ids))

    passages: list[list[int]] = []
    current: list[int] = []
    for i in range(len(paragraphs)):
        alone = len(current) == 1 and _leads_in(paragraphs[current[0]])  # a lead-in is never a passage of its own
        if current and not alone and words(current + [i]) > max_words:
            carried = [current.pop()] if len(current) > 1 and _leads_in(paragraphs[current[-1]]) else []
            passages.append(current)
            current = carried
        current.append(i)
    if current:
        if passages and words(current) < min_words and words(passages[-1]) + words(current) <= 1.5 * max_words:
            passages[-1] = passages[-1] + current
        else:
            passages.append(current)
    return [joined(ids) for ids in passages]


def chunk_id(doc_path: str, heading_path: tuple[str, ...], page: int | None, text: str) -> str:
    """Content hash of a chunk and its citation data (stable across runs and machines)."""
    h = hashlib.sha256()
    for part in (doc_path, "\x1f".join(heading_path), str(page or ""), text):
        h.update(part.encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()[:24]


def chunk_section(doc: Document, section: Section, *, max_words: int = DEFAULT_MAX_WORDS) -> list[Chunk]:
    """Chunks of one section."""
    heading_path = section.heading_path or (doc.title,)
    meta = dict(doc.meta) if section.kind == SECTION_BODY else {**doc.meta, CHUNK_KIND: section.kind}
    return [
        Chunk(
            id=chunk_id(doc.path, heading_path, section.page, passage),
            doc_path=doc.path,
            title=doc.title,
            heading_path=heading_path,
            text=passage,
            page=section.page,
            meta=dict(meta),
        )
        for passage in split_section_text(section.text, max_words=max_words)
    ]


def chunk_document(doc: Document, *, max_words: int = DEFAULT_MAX_WORDS) -> list[Chunk]:
    """All chunks of a document, in document order."""
    return [c for section in doc.sections for c in chunk_section(doc, section, max_words=max_words)]


def _first_words(text: str, n: int) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def heading_text(chunk: Chunk, *, max_words: int = DEFAULT_MAX_HEADING_WORDS) -> str:
    """Title and heading path of a chunk, at most about ``max_words`` words.

    The path gives short passages their topic, but a long title or a deep path would
    outweigh the passage itself in the embedding and in BM25: beyond ``max_words`` the
    middle headings go and the title and the last heading are cut to share the budget.
    """
    path = list(chunk.heading_path)
    if not path or path[0] != chunk.title:
        path.insert(0, chunk.title)
    if len(" ".join(path).split()) <= max_words:
        return " › ".join(path)
    if len(path) == 1:
        return _first_words(path[0], max_words)
    last_budget = min(len(path[-1].split()), max_words // 2)
    return _first_words(path[0], max_words - last_budget) + " › " + _first_words(path[-1], last_budget)


def embedding_text(chunk: Chunk) -> str:
    """What the dense model sees: the (capped) heading path, then the passage."""
    return heading_text(chunk) + "\n" + chunk.text
