"""MyST Markdown (Jupyter Book, Sphinx with myst-parser): directives, roles and targets.

MyST writes its widgets as fences with a directive name in braces: ```` ```{note} ````,
```` ```{admonition} Titel ````, ```` ```{figure} pad.png ````, followed by ``:option: value``
lines. Read as code, an admonition's text would keep its Markdown and its options and lose
its title. So:

- an admonition-like directive (note, tip, warning, admonition, dropdown, topic, ...) is
  unwrapped as a mkdocs admonition is: its argument becomes a title line, its options go,
  its body is Markdown again;
- a layout of tabs or cards (``tab-set``, ``grid``) is unwrapped, so the tabs and cards in it are
  read as admonitions are;
- a figure or table keeps its caption (the body), not the file name; a glossary its terms;
- a table of contents (``toctree``), an include or an image is dropped and recorded;
- any other directive (``code-block``, ``math``, ``mermaid``) stays a fence, named after
  its language or the directive, so the fence rules apply (diagrams dropped, code kept).

Target labels (``(label)=`` above a heading), comment lines (``% ...``) and block breaks
(``+++``) are dropped; a ``list-table`` becomes a pipe table. Roles (``{ref}`de tekst <label>```)
are inline syntax: :func:`index.formats.markup.myst_roles`.
"""
from __future__ import annotations

import re

from index.documents import DROP_INCLUDE, DROP_TOC, Dropped

from .containers import record_drop

_DIRECTIVE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*\{(?P<name>[\w:.-]+)\}\s*(?P<argument>.*?)\s*$")
_OPTION = re.compile(r"^\s*:[\w-]+:(?:\s.*)?$")
_TARGET = re.compile(r"^\s*\(\s*[^()\s]+\s*\)=\s*$")
ADMONITIONS = frozenset({
    "note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error", "seealso", "admonition",
    "dropdown", "topic", "sidebar", "margin", "epigraph", "pull-quote", "versionadded", "versionchanged",
    "deprecated", "card", "grid-item-card", "tab-item", "div", "container", "prf:definition", "prf:example",
})
# sphinx-design layout: a set of tabs or a grid of cards holds directives (tab-item, grid-item-card)
# and shows no text of its own; its argument is a column count ("{grid} 2"), never a title.
LAYOUTS = frozenset({"tab-set", "tab-set-code", "grid", "card-carousel"})
CAPTIONED = frozenset({"figure", "table", "list-table", "csv-table"})
TABLES_OF_CONTENTS = frozenset({"toctree", "contents", "tableofcontents"})
INCLUDES = frozenset({"include", "literalinclude", "image", "raw", "bibliography"})
# Directives whose argument is a language: the fence keeps it so code stays code.
CODE = frozenset({"code-block", "code", "sourcecode", "code-cell"})


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]}


def _body(lines: list[str]) -> list[str]:
    """The directive's body without its leading ``:option:`` lines (and YAML ``---`` block)."""
    i = 0
    if i < len(lines) and lines[i].strip() == "---":  # options as a YAML block
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "---"), None)
        i = end + 1 if end is not None else i
    while i < len(lines) and _OPTION.match(lines[i]):
        i += 1
    return lines[i:]


def _glossary(body: list[str]) -> list[str]:
    """A glossary's terms (unindented lines) with their indented definitions, as "Term: definitie"."""
    entries: list[str] = []
    for line in body:
        if not line.strip():
            continue
        if line[:1].isspace() and entries:
            entries[-1] += " " + line.strip()
        else:
            entries.append(line.strip() + ":")
    return [part for entry in entries for part in (entry, "")]


_HEADER_ROWS = re.compile(r"^\s*:header-rows:\s*(\d+)")
_ROW_START = re.compile(r"^[*-]\s+-\s+(.*)$")  # "* - cel": the first cell of a row
_CELL_START = re.compile(r"^\s+-\s+(.*)$")  # "  - cel": the next cell


def _list_table(argument: str, lines: list[str]) -> list[str]:
    """A ``list-table`` as its title and a pipe table (the header row, if it has one, first),
    so each row is read with its column names as a Markdown table's is."""
    header = next((int(m.group(1)) for line in lines if (m := _HEADER_ROWS.match(line))), 0)
    rows: list[list[str]] = []
    for line in _body(lines):
        if (start := _ROW_START.match(line)) is not None:
            rows.append([start.group(1).strip()])
        elif (cell := _CELL_START.match(line)) is not None and rows:
            rows[-1].append(cell.group(1).strip())
        elif line.strip() and rows and rows[-1]:
            rows[-1][-1] += " " + line.strip()  # a cell's text continued on the next line
    title = [argument, ""] if argument else []
    if not rows:
        return title
    cells = [[cell.replace("|", "\\|") for cell in row] for row in rows]
    if not header:
        return title + [f"- {'; '.join(row)}" for row in cells] + [""]
    table = ["| " + " | ".join(row) + " |" for row in cells]
    return title + table[:1] + ["|" + "---|" * len(cells[0])] + table[1:] + [""]


def _unwrapped(name: str, argument: str, body: list[str], indent: str, fence: str,
               drops: list[Dropped] | None) -> list[str]:
    """What one directive becomes (see the module docstring)."""
    kind = name.lower()
    if kind == "list-table":
        return _list_table(argument, body)
    body = _body(body)
    if kind in ADMONITIONS:
        title = [indent + argument, ""] if argument else []
        return title + unwrap_directives(body, drops) + [""]
    if kind in LAYOUTS:
        return unwrap_directives(body, drops) + [""]
    if kind == "glossary":
        return _glossary(body) + [""]
    if kind in CAPTIONED:  # a table's argument is its title, a figure's its file
        title = [indent + argument, ""] if argument and kind != "figure" else []
        return title + unwrap_directives(body, drops) + [""]
    if kind in TABLES_OF_CONTENTS:
        record_drop(drops, DROP_TOC, " ".join(line.strip() for line in body) or name)
        return [""]
    if kind in INCLUDES:
        record_drop(drops, DROP_INCLUDE, argument or name)
        return [""]
    language = argument.split()[0] if kind in CODE and argument else kind
    return [f"{indent}{fence}{language}"] + body + [f"{indent}{fence}"]


_COMMENT = re.compile(r"^\s*%")  # "% een opmerking": a MyST comment line
_BLOCK_BREAK = re.compile(r"^\+\+\+(?:\s*\{.*\})?\s*$")  # "+++": a Jupyter Book block break
_ROLE_SYNTAX = re.compile(r"\{[\w:.-]+\}`")
_DIRECTIVE_SYNTAX = re.compile(r"(?:```|~~~|:::)[ \t]*\{[\w:.-]+\}")
_TARGET_LINE = re.compile(r"^[ \t]*\([^()\s]+\)=[ \t]*$", re.MULTILINE)


def _is_myst(text: str) -> bool:
    """Whether a page uses MyST: a role, a directive or a target (cheap tests first)."""
    return bool(("}`" in text and _ROLE_SYNTAX.search(text)) or ("{" in text and _DIRECTIVE_SYNTAX.search(text))
                or (")=" in text and _TARGET_LINE.search(text)))


def drop_comments(lines: list[str]) -> list[str]:
    """MyST comment lines (``% ...``) and block breaks (``+++``) of a page that is MyST (it uses
    a directive, a role or a target); elsewhere a line may start with "%" ("% van de ...")."""
    if not _is_myst("\n".join(lines)):
        return lines
    out: list[str] = []
    fence: str | None = None
    for line in lines:
        if fence is not None:
            fence = None if _closes(line, fence) else fence
        elif (opened := re.match(r"^\s*(`{3,}|~{3,})", line)) is not None:
            fence = opened.group(1)
        elif _COMMENT.match(line) or _BLOCK_BREAK.match(line):
            continue
        out.append(line)
    return out


def unwrap_directives(lines: list[str], drops: list[Dropped] | None = None) -> list[str]:
    """Rewrite MyST directive fences and drop target labels (other fences untouched)."""
    out: list[str] = []
    i = 0
    plain_fence: str | None = None
    while i < len(lines):
        line = lines[i]
        i += 1
        if plain_fence is not None:
            plain_fence = None if _closes(line, plain_fence) else plain_fence
            out.append(line)
            continue
        directive = _DIRECTIVE.match(line)
        if directive is None:
            opened = re.match(r"^\s*(`{3,}|~{3,})", line)
            plain_fence = opened.group(1) if opened else None
            if plain_fence is None and _TARGET.match(line):
                continue
            out.append(line)
            continue
        fence = directive.group("fence")
        body: list[str] = []
        while i < len(lines) and not _closes(lines[i], fence):
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        out.extend(_unwrapped(directive.group("name"), directive.group("argument"), body,
                              directive.group("indent"), fence, drops))
    return out
