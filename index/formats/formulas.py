"""Display formulas as a paragraph of their own, in the readable form of :mod:`.latex`.

``$$ ... $$``, ``\\[ ... \\]`` on lines of their own, ``\\begin{equation}`` and other math
environments, and ``math`` fences (GitLab, GitHub, MyST's math directive) are read before
any other Markdown rule, so that no line of a formula is taken for a list item, a heading
or a table row.
"""
from __future__ import annotations

import re

from .containers import CodeFences
from .latex import readable

_ENVIRONMENTS = r"equation|align|alignat|gather|multline|eqnarray|math|displaymath|flalign|split"
_BEGIN = re.compile(rf"^\s*\\begin\{{({_ENVIRONMENTS})\*?\}}")
_OPENERS = (  # (opening line, closing at the end of a line, the closing marker)
    (re.compile(r"^\s*\$\$"), re.compile(r"\$\$\s*(?:\([\w:.-]+\))?\s*$"), "$$"),  # MyST: "$$ (label)"
    (re.compile(r"^\s*\\\[(?=\s*$|.*(?:\\[A-Za-z]|[\^_=]))"), re.compile(r"\\\]\s*$"), "\\]"),
)


_ANY_FORMULA = re.compile(r"^[ \t]*(?:\$\$|\\\[|\\begin\{|(?:`{3,}|~{3,})[ \t]*math\b)", re.MULTILINE)


def _display_end(lines: list[str], start: int) -> int | None:
    """The index of the line that closes a display formula opened on ``lines[start]``, if any."""
    line = lines[start]
    if not line.lstrip().startswith(("$$", "\\[", "\\begin")):
        return None
    begin = _BEGIN.match(line)
    if begin:
        end = re.compile(rf"\\end\{{{begin.group(1)}\*?\}}")
        return next((i for i in range(start, len(lines)) if end.search(lines[i])), None)
    for opener, closer, marker in _OPENERS:
        opened = opener.match(line)
        if not opened:
            continue
        if marker in line[opened.end():]:  # closed on its own line, or a formula inside a sentence
            return start if closer.search(line[opened.end():]) else None
        for i in range(start + 1, len(lines)):
            if not lines[i].strip():
                return None  # a blank line ends the paragraph: no formula after all
            if marker in lines[i]:
                return i if closer.search(lines[i]) else None
        return None
    return None


def _formula_source(lines: list[str]) -> str:
    src = " ".join(line.strip() for line in lines)
    src = re.sub(r"^\$\$|\$\$\s*(?:\([\w:.-]+\))?$", "", src.strip()).strip()
    return re.sub(r"^\\\[|\\\]$", "", src).strip()


def display_formulas(lines: list[str]) -> list[str]:
    """Display formulas outside code fences as one readable line between blank lines;
    a ``math`` fence (GitLab, GitHub, MyST's math directive) too."""
    text = "\n".join(lines)
    if not any(sign in text for sign in ("$$", "\\[", "\\begin{", "math")) or not _ANY_FORMULA.search(text):
        return lines
    out: list[str] = []
    fences = CodeFences()
    i = 0
    while i < len(lines):
        line = lines[i]
        if fences.inside(line):
            out.append(line)
            i += 1
            continue
        fence = fences.enter(line)
        end = None if fence else _display_end(lines, i)
        if fence is not None and fence.language.lower() == "math":
            end = next((j for j in range(i + 1, len(lines)) if fence.closes(lines[j])), None)
            if end is not None:
                fences.open = None
                out.extend(_paragraph(line, readable(" ".join(lines[i + 1:end]))))
                i = end + 1
                continue
        if end is None:
            out.append(line)
            i += 1
            continue
        out.extend(_paragraph(line, readable(_formula_source(lines[i:end + 1]))))
        i = end + 1
    return out


def _paragraph(first: str, text: str) -> list[str]:
    """The formula as a paragraph of its own, at the indentation of its first line (a list item's, say)."""
    indent = first[: len(first) - len(first.lstrip(" "))]
    return ["", indent + text, ""] if text else [""]
