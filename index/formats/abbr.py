"""Abbreviation definitions (Python-Markdown/mkdocs ``abbr``, kramdown, PHP Markdown Extra).

``*[AVG]: Algemene verordening gegevensbescherming`` is not text on the page: the site shows
the expansion as a tooltip on every "AVG". A reader of a passage (and a search for the full
name) needs that expansion, so it is written once after the abbreviation's first use in the
page's text: "De AVG (Algemene verordening gegevensbescherming) geldt." A page of nothing
but definitions is a glossary (the file a site appends to every page): there each
definition stays as a list item "AVG: Algemene verordening gegevensbescherming".
"""
from __future__ import annotations

import re
from typing import Iterator

from .containers import CodeFences

_ABBREVIATION = re.compile(r"^ {0,3}\*\[(?P<abbr>[^\]]+)\]:\s*(?P<expansion>.*?)\s*$")


def _prose_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(index, line) of every line outside code fences (the fence markers included)."""
    fences = CodeFences()
    for n, line in enumerate(lines):
        if not fences.inside(line) and fences.enter(line) is None:
            yield n, line


def _definitions(lines: list[str]) -> dict[int, tuple[str, str]]:
    """Line index -> (abbreviation, expansion) for every definition outside code fences."""
    found: dict[int, tuple[str, str]] = {}
    for n, line in _prose_lines(lines):
        match = _ABBREVIATION.match(line)
        if match and match.group("expansion"):
            found[n] = (match.group("abbr").strip(), match.group("expansion"))
    return found


def _first_use(lines: list[str], abbr: str, skip: set[int]) -> tuple[int, re.Match[str]] | None:
    """The first whole-word use of ``abbr`` in body text (not a heading, code or definition)."""
    word = re.compile(rf"(?<![\w`]){re.escape(abbr)}(?![\w`])")
    for n, line in _prose_lines(lines):
        if n in skip or line.lstrip().startswith("#"):
            continue
        match = word.search(line)
        if match:
            return n, match
    return None


def _glossary(lines: list[str], definitions: dict[int, tuple[str, str]]) -> bool:
    """A page of nothing but abbreviation definitions (and headings)."""
    return all(n in definitions or not line.strip() or line.lstrip().startswith("#") for n, line in enumerate(lines))


def expand_abbreviations(lines: list[str]) -> list[str]:
    """Write each defined abbreviation's expansion after its first use; remove the definitions."""
    definitions = _definitions(lines)
    if not definitions:
        return lines
    uses = {n: _first_use(lines, abbr, set(definitions)) for n, (abbr, _) in definitions.items()}
    if _glossary(lines, definitions):  # the definitions are the page's text
        return [f"- {d[0]}: {d[1]}" if (d := definitions.get(n)) else line for n, line in enumerate(lines)]
    out = list(lines)
    placed = sorted(((use[0], use[1].end(), definitions[n][1]) for n, use in uses.items() if use), reverse=True)
    for line_no, end, expansion in placed:  # right to left, so earlier offsets in a line stay valid
        if expansion.lower() not in out[line_no].lower():
            out[line_no] = out[line_no][:end] + f" ({expansion})" + out[line_no][end:]
    return [line for n, line in enumerate(out) if n not in definitions]
