"""Footnotes (``text[^1]`` ... ``[^1]: Aw, artikel 5.3.``): read where they are referenced.

A site renders footnote definitions as a list at the bottom of the page, wherever they are
written. Left where they are written they break the passage they interrupt and, when written
at the end of the page (the usual place), all land under the page's last heading, away from
the sentence they support. Legal and policy pages use them for the source of a rule, which
is exactly what a quoted answer should carry. So a referenced footnote is put in brackets at
its reference, before the punctuation the marker follows ("... vernietigd (Aw, artikel 5.3).").
A trailing "go to the source" link of the definition ("[Bekijk bron](url)") is left out when
text remains; a definition that is never referenced stays where it is.
"""
from __future__ import annotations

import re

from .containers import CodeFences

_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]*(.*)$")
_TRAILING_LINK = re.compile(r"\s*\[([^\[\]]*)\]\([^()]*\)\s*[.;]?\s*$")
# Words of a link that only says where the source is ("Bekijk bron", "Lees meer", "link").
_LINK_CALL_WORDS = frozenset({
    "bekijk", "bron", "bronnen", "link", "hier", "lees", "meer", "klik", "ga", "naar", "de", "het", "website",
    "document", "pdf", "download", "online", "view", "source", "read", "more", "open", "raadpleeg",
})
_CONTINUATION_INDENT = 4  # a later paragraph of a footnote is indented this much


def _definition_end(lines: list[str], start: int) -> int:
    """Index after the last line of the definition starting at ``start``: its lazy
    continuation lines, and later paragraphs indented by ``_CONTINUATION_INDENT``."""
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            following = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
            indented = following is not None and lines[following].startswith(" " * _CONTINUATION_INDENT)
            if not indented:
                return i
            i = following
            continue
        if _DEFINITION.match(line) or line.lstrip().startswith(("#", "```", "~~~")):
            return i
        i += 1
    return i


def _shown_text(parts: list[str]) -> str:
    """The definition as one line, without a trailing "go to the source" link."""
    text = " ".join(" ".join(part.split()) for part in parts if part.strip())
    link = _TRAILING_LINK.search(text)
    if link and text[:link.start()].strip() and set(link.group(1).lower().split()) <= _LINK_CALL_WORDS:
        text = text[:link.start()]
    return text.strip()


def _definitions(lines: list[str]) -> tuple[dict[str, str], dict[str, tuple[int, int]]]:
    """Footnote texts by label and the line span of each definition (outside code fences)."""
    texts: dict[str, str] = {}
    spans: dict[str, tuple[int, int]] = {}
    fences = CodeFences()
    i = 0
    while i < len(lines):
        line = lines[i]
        if fences.inside(line):
            i += 1
            continue
        match = None if fences.enter(line) else _DEFINITION.match(line)
        if match:
            end = _definition_end(lines, i)
            texts.setdefault(match.group(1), _shown_text([match.group(2)] + lines[i + 1:end]))
            spans.setdefault(match.group(1), (i, end))
            i = end
            continue
        i += 1
    return texts, spans


_MARKERS = re.compile(r"(?P<punct>[.,;:!?]['\")]*)?(?P<run>(?:\[\^[^\]\s]+\](?:[ \t]*(?=\[\^))?)+)")
_LABEL = re.compile(r"\[\^([^\]\s]+)\]")
_SENTENCE_INSIDE = re.compile(r"[.!?] +[A-Z]")
MAX_INLINE_WORDS = 20  # a longer note (or one of several sentences) is a paragraph after its reference's


def _is_long(note: str) -> bool:
    return len(note.split()) > MAX_INLINE_WORDS or bool(_SENTENCE_INSIDE.search(note))


class _Inliner:
    """Rewrites the lines of a page: short notes in brackets at their markers, long notes as a
    paragraph after the paragraph that first refers to them."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.pending: list[str] = []  # long notes referred to in the open paragraph
        self.placed: set[str] = set()  # long notes already put after a paragraph
        self.here: set[str] = set()  # notes already given in the open paragraph (said once per paragraph)

    def markers(self, match: re.Match[str]) -> str:
        labels = [label for label in _LABEL.findall(match.group("run")) if self.texts.get(label)]
        if not labels:
            return match.group(0)
        short = [self.texts[label].rstrip(". ") for label in labels
                 if not _is_long(self.texts[label]) and label not in self.here]
        self.here.update(labels)
        for label in labels:
            if _is_long(self.texts[label]) and label not in self.placed:
                self.placed.add(label)
                self.pending.append(self.texts[label])
        inline = f" ({'; '.join(short)})" if short else ""
        return inline + (match.group("punct") or "")

    def flush(self, out: list[str]) -> None:
        """End of a paragraph: the long notes it referred to follow it."""
        for note in self.pending:
            out.extend(["", note])
        self.pending, self.here = [], set()


def inline_footnotes(lines: list[str]) -> list[str]:
    """Put each referenced footnote's text at its references and remove its definition."""
    texts, spans = _definitions(lines)
    if not texts:
        return lines
    body = "\n".join(line for n, line in enumerate(lines) if not any(a <= n < b for a, b in spans.values()))
    referenced = {label: text for label, text in texts.items() if f"[^{label}]" in body}
    if not referenced:
        return lines
    inliner = _Inliner(referenced)
    dropped = {n for label in referenced for n in range(*spans[label])}
    out: list[str] = []
    fences = CodeFences()
    for n, line in enumerate(lines):
        if n in dropped:
            continue
        if not fences.inside(line) and fences.enter(line) is None:
            if not line.strip() or line.lstrip().startswith("#"):
                inliner.flush(out)
            line = _MARKERS.sub(inliner.markers, line)
        out.append(line)
    inliner.flush(out)
    return out
