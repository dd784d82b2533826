"""Headings inside an HTML box (a ``<div>`` of cards, an ``<aside>``, a ``<section>``) name
what is in the box, not what follows it.

Documentation sites put boxes between the sections of a page: a "zo begin je" panel
with a heading and a few cards, each card with its own ``<h4>``. Read as a stream of
headings, the last card's heading would head everything after the box (the phase's
outcomes, the steps of a guideline) until the next real heading, and the heading the
reader sees above that text would be lost. So when a box that held a heading closes, the
headings it displaced are written again: the text after the box is back under them.

The page's title (a level-1 heading) is never written again, as that would make it a page
with several H1s; a box whose outline cannot be restored without one is left as it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Elements that draw a box around their content; an inline element (span, a, strong) does not.
BOX_ELEMENTS = frozenset({
    "div", "section", "article", "aside", "details", "figure", "blockquote", "center", "fieldset",
    "header", "footer", "nav", "main",
})
# A Markdown ATX heading line, also as a list item's content (mkdocs grid cards: "-   ## Titel").
_ATX_LINE = re.compile(r"^ {0,3}(?:[-*+][ \t]+)?(#{1,6})[ \t]+\S.*$", re.MULTILINE)
_NO_HEADING = 7  # deeper than any heading level


@dataclass
class _Element:
    name: str
    example: bool  # shows an example: headings inside it are text (see markup._page_headings)
    saved: list[tuple[int, str]] | None  # the headings in force when a box opened (None: no box)
    top: int = _NO_HEADING  # the highest heading level met inside it


@dataclass
class HeadingScopes:
    """The open HTML elements and the headings in force (see the module docstring)."""

    outline: list[tuple[int, str]] = field(default_factory=list)  # (level, Markdown heading line)
    open: list[_Element] = field(default_factory=list)

    def text(self, text: str, start: int, end: int) -> None:
        """Note the Markdown headings in ``text[start:end]`` (text between tags); a line that
        starts before ``start`` (after a tag on the same line) is no heading."""
        for match in _ATX_LINE.finditer(text, start, end):
            line = match.group(0).strip()
            self.heading(len(match.group(1)), line[line.index("#"):])

    def heading(self, level: int, line: str) -> None:
        """A heading (as its Markdown line) starts at ``level``."""
        while self.outline and self.outline[-1][0] >= level:
            self.outline.pop()
        self.outline.append((level, line))
        for element in self.open:
            element.top = min(element.top, level)

    def opened(self, name: str, *, example: bool = False) -> None:
        """An element ``name`` (lower case) opens; ``example`` if it shows an example."""
        self.open.append(_Element(name, example, list(self.outline) if name in BOX_ELEMENTS else None))

    def in_example(self) -> bool:
        return any(element.example for element in self.open)

    def closed(self, name: str) -> str:
        """Close the innermost open ``name`` (and what is open inside it); return the heading
        lines that put the text after it back under the headings in force before it."""
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth].name == name:
                closing = self.open[depth]
                del self.open[depth:]
                return self._restore(closing)
        return ""  # a stray closing tag changes nothing

    def _restore(self, box: _Element) -> str:
        """The saved headings from the one that takes the place of the box's highest heading:
        the first at that level or deeper, or (when that one is deeper still) its parent."""
        if box.saved is None or box.top in (1, _NO_HEADING):
            return ""
        start = next((n for n, (level, _) in enumerate(box.saved) if level >= box.top), len(box.saved))
        if start == len(box.saved) or box.saved[start][0] > box.top:
            start -= 1
        if start < 0 or box.saved[start][0] == 1:
            return ""
        self.outline = list(box.saved)
        return "".join(f"\n\n{line}\n\n" for _, line in box.saved[start:])
