"""Indented code blocks (four spaces, after a blank line) as code fences.

Markdown shows a block indented by four spaces as code, so ``<h2>Titel</h2>`` or
``# commentaar`` in it is text shown to the reader, not a heading of the page. Turned
into a fence, the block passes every later rule untouched (HTML headings, template tags,
headings), just as fenced code does.

Only a block at the page's own margin is taken: under a list item, a footnote or a
definition, indented lines continue the item (CommonMark and Python-Markdown agree on
four spaces there), and inside an open HTML element or JSX component they are its content.
"""
from __future__ import annotations

import re

from .containers import CodeFences

CODE_INDENT = 4
# A list item, footnote or definition: lines indented under it continue it.
_CONTINUED = re.compile(r"^ {0,3}(?:[-*+•]|\d{1,9}[.)])(?:\s|$)|^ {0,3}\[\^[^\]]+\]:|^ {0,3}:\s")
_ATX = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
# An element left open on its line (HTML, or a JSX component in MDX, where indentation is
# never code): indented lines up to its closing tag are its content.
_VOID = r"(?:area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr)\b"
_HTML_OPEN = re.compile(rf"<(?!{_VOID})[A-Za-z][\w.:-]*(?:\s[^<>]*)?(?<!/)>")
_HTML_CLOSE = re.compile(r"</[A-Za-z][\w.:-]*\s*>")
_BACKTICKS = re.compile(r"^\s*(`{3,})")
_COMMENT_OPEN = re.compile(r"<!--(?!.*?-->)")
_CODE_SPAN = re.compile(r"(`+).+?\1")  # "`<div>`" names an element, it opens none


# An indented line right after a blank line or a heading: without one, a page holds no indented code.
_AFTER_BLANK = re.compile(r"\n[ \t]*\n {4,}\S")
_AFTER_HEADING = re.compile(r"\n {0,3}#{1,6}(?:[ \t][^\n]*)?\n {4,}\S")


def _may_hold_code(text: str) -> bool:
    """A cheap test on the page's text (with a newline in front) before the line-by-line pass."""
    return text.startswith("\n    ") or bool(_AFTER_BLANK.search(text) or _AFTER_HEADING.search(text))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _Scanner:
    """Tracks what an indented line would continue: a list (or footnote), an HTML block."""

    def __init__(self) -> None:
        self.continued = False  # under a list item, footnote or definition
        self.html_depth = 0  # open block-level HTML elements
        self.may_start = True  # the line before was blank, a heading or the page's start
        self.in_comment = False  # inside an HTML comment that spans lines

    def code_starts(self, line: str) -> bool:
        return (self.may_start and not self.continued and not self.in_comment and self.html_depth <= 0
                and _indent(line) >= CODE_INDENT)

    def see(self, line: str, *, after_blank: bool) -> None:
        if self.in_comment:
            self.in_comment, self.may_start = "-->" not in line, False
            return
        self.in_comment = "<!--" in line and bool(_COMMENT_OPEN.search(line))
        if _CONTINUED.match(line):
            self.continued = True
        elif after_blank and _indent(line) < CODE_INDENT:
            self.continued = False  # text at the margin after a blank line ends the list
        if "<" in line:
            markup = _CODE_SPAN.sub("", line) if "`" in line else line
            self.html_depth += len(_HTML_OPEN.findall(markup)) - len(_HTML_CLOSE.findall(markup))
            self.html_depth = max(self.html_depth, 0)
        self.may_start = bool(_ATX.match(line))


def _fenced(block: list[str]) -> list[str]:
    """``block`` without its indentation, between fences longer than any backtick run in it."""
    longest = max((len(m.group(1)) for line in block if (m := _BACKTICKS.match(line))), default=2)
    marker = "`" * max(3, longest + 1)
    return [marker] + [line[CODE_INDENT:] for line in block] + [marker]


def fence_indented_code(lines: list[str]) -> list[str]:
    """Wrap each indented code block at the page's margin in a code fence."""
    if not _may_hold_code("\n" + "\n".join(lines)):
        return lines
    out: list[str] = []
    scanner = _Scanner()
    fences = CodeFences()
    after_blank = True
    i = 0
    while i < len(lines):
        line = lines[i]
        if fences.inside(line):
            out.append(line)
            i += 1
            continue
        if not line.strip():
            out.append(line)
            scanner.may_start, after_blank = True, True
            i += 1
            continue
        if scanner.code_starts(line):
            end = i
            while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) >= CODE_INDENT):
                end += 1
            while not lines[end - 1].strip():
                end -= 1
            out.extend(_fenced(lines[i:end]))
            i, after_blank, scanner.may_start = end, False, False
            continue
        if fences.enter(line) is None:
            scanner.see(line, after_blank=after_blank)
        out.append(line)
        after_blank = False
        i += 1
    return out
