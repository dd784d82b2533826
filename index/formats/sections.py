"""Turn a stream of headings and body blocks into :class:`~index.documents.Section` s.

Every format parser (Markdown, plain text, PDF, DOCX, HTML) walks its input in reading
order and reports headings with a level and body blocks; the builder owns the one rule
for heading paths so that they look the same whatever the source format.
"""
from __future__ import annotations

import re

from index.documents import SECTION_BODY, Section

TITLE_LEVEL = 1
HEADER_ROW = "header"  # block kind: the header row of a table, which starts a new table
UNNAMED_COLUMNS = "|"  # the text of a header row whose cells are all empty


_CELL_SEPARATOR = re.compile(r"(?:^|\s)\|(?:\s|$)")
# Pictographs (emoji, dingbats, flags, with their variation selector and joiner) that decorate a
# heading: "🚀 Aan de slag", "Tips ✨". Arrows, letters and digits are no part of it.
_PICTOGRAPH = "\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\u2139\uFE0F\u200D\u20E3"  # \u2139: ℹ️
# Check and cross marks are verdicts, not decoration ("❌ Jargon" is a don't): they stay.
_VERDICT_MARKS = "\u2705\u2713\u2714\u2611\u2612\u274C\u274E\u2716\u2717\u2718\U0001F6AB\u26D4"
_DECORATIVE = f"(?:(?![{_VERDICT_MARKS}])[{_PICTOGRAPH}]|\\s)+"
_DECORATION = re.compile(f"^{_DECORATIVE}|{_DECORATIVE}$")


# In running text a pictograph that opens or ends a paragraph, a list item or a sentence ("ℹ️ Zie ook",
# "- 📁 Documenten", "Klaar. ⚠️ Let op", "klaar ✨") decorates it; one used as a word inside a sentence
# ("zet een 👍 bij de reactie") or written against a word ("het ⚙️-menu") is left alone.
_STRAY_PICTOGRAPH = re.compile(
    f"^{_DECORATIVE}|{_DECORATIVE}$|(?<=[.!?:;…])\\s+(?:(?![{_VERDICT_MARKS}])[{_PICTOGRAPH}])+(?=\\s)"
)
_DOUBLE_SPACE = re.compile(r"(?<=\S) {2,}")


def without_pictographs(text: str) -> str:
    """Body text without the pictographs that decorate it (as :func:`heading_label` does for headings):
    "⚠️ Let op" and "📁 Documenten" read as their words, in the passage and in its embedding. Check and
    cross marks stay (a verdict); a leading indentation stays (a sub-item)."""
    if text.isascii():
        return text
    indent = text[:len(text) - len(text.lstrip(" "))]
    return indent + _DOUBLE_SPACE.sub(" ", _STRAY_PICTOGRAPH.sub("", text.lstrip(" ")))


def heading_label(text: str) -> str:
    """A heading as its label: without the pictographs that decorate it and without a trailing
    colon ("Voorbeeld:" reads as the label "Voorbeeld" in a heading path and in citations).
    An empty result is a heading without words (only an emoji): see :meth:`SectionBuilder.untitled`."""
    return _DECORATION.sub("", " ".join(text.split())).rstrip(":;").rstrip()


def _cells(row: str) -> list[str]:
    """The cells of a row joined by " | " (empty ones included, also at either end)."""
    return [c.strip() for c in _CELL_SEPARATOR.split(row)]


class SectionBuilder:
    """Collect body blocks under the current heading path.

    The path starts with the document title at level 1; a level-1 heading (a Markdown
    H1, an HTML h1, a DOCX "Title") replaces it. A heading pops every heading at its own
    level or deeper; one that repeats the heading it falls under is not added again. Blocks of a kind that forms a group (list items, table rows, code
    lines) are joined with a newline; other blocks are paragraphs, joined with a blank
    line. A section without body text is dropped.
    """

    GROUPED_KINDS = frozenset({"item", "row", "code"})

    def __init__(self, title: str) -> None:
        self._stack: list[tuple[int, str]] = [(TITLE_LEVEL, title)]
        self._page: int | None = None
        self._parts: list[str] = []
        self._last_kind: str | None = None
        self._header: list[str] | None = None  # header cells of the open table
        self._header_used = False
        self.sections: list[Section] = []

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(text for _, text in self._stack)

    def heading(self, level: int, text: str) -> None:
        """Start a new heading; an empty heading text is ignored."""
        text = " ".join(text.split())
        if not text:
            return
        self.flush()
        level = max(TITLE_LEVEL, level)
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        if self._stack and self._stack[-1][1].casefold() == text.casefold():
            return  # a heading that repeats the one above it ("Scope" under the page "Scope") adds nothing
        self._stack.append((level, text))

    def untitled(self, level: int) -> None:
        """A heading without words (an emoji-only "## 📝") ends the sections at its level and deeper,
        so the text under it is not filed under the heading before it, but names none of its own:
        that text is under the heading that holds them (never above the page's title)."""
        self.flush()
        while len(self._stack) > 1 and self._stack[-1][0] >= max(level, TITLE_LEVEL + 1):
            self._stack.pop()

    @property
    def current_page(self) -> int | None:
        return self._page

    def page(self, number: int | None) -> None:
        """Start a new page: text on different pages goes to different sections."""
        if number != self._page:
            self.flush()
            self._page = number

    def block(self, text: str, *, kind: str = "para") -> None:
        """Add body text; ``kind`` "item", "row" or "code" groups consecutive blocks.

        A "header" row starts a new table (a table right under another one has a header
        of its own); without one, the first "row" of a table is taken for its header.

        The first row of a table is its header; each later row becomes a list item that
        names its columns ("- Wat: Directe opgave; Aantal: 417"), so a row read alone
        (a quoted answer, a retrieved passage) still says what its numbers mean.
        """
        text = text.rstrip() if kind == "item" else text.strip()  # a sub-item keeps its indentation
        if not text.strip():
            return
        if kind == HEADER_ROW:
            self._close_table()
            self._header, self._last_kind = _cells(text), None  # a table of its own: not run into the one before
            return
        if kind == "row":
            if self._header is None:
                self._header = _cells(text)
                return
            text = self._labelled(text)
            self._header_used = True
        else:
            self._close_table()
        self._append(text, kind)

    def _labelled(self, row: str) -> str:
        """A row as "- Column: value; ...". Empty cells keep their place, so each value stays
        under its own column; a short row is padded, as GFM does. A row with more filled
        cells than the header has columns keeps its values unlabelled."""
        cells = _cells(row)
        header = self._header or []
        while len(cells) > len(header) and not cells[-1]:
            cells.pop()
        if len(cells) > len(header):
            return "- " + "; ".join(c for c in cells if c)
        cells += [""] * (len(header) - len(cells))
        return "- " + "; ".join(f"{h}: {c}" if h else c for h, c in zip(header, cells) if c)

    def _close_table(self) -> None:
        """A table that had only a header row keeps it as a plain line."""
        header, used = self._header, self._header_used
        self._header, self._header_used = None, False
        if header is not None and not used and any(header):
            self._append(" | ".join(header), "para")

    def _append(self, text: str, kind: str) -> None:
        if self._parts:
            grouped = kind == self._last_kind and kind in self.GROUPED_KINDS
            self._parts.append("\n" if grouped else "\n\n")
        self._parts.append(text)
        self._last_kind = kind

    def flush(self, *, kind: str = SECTION_BODY) -> None:
        """Close the current section (dropped when it has no body text); ``kind`` marks it."""
        self._close_table()
        text = "".join(self._parts).strip()
        if text:
            self.sections.append(Section(heading_path=self.path, text=text, page=self._page, kind=kind))
        self._parts = []
        self._last_kind = None

    def finish(self) -> list[Section]:
        self.flush()
        return self.sections
