"""Lines that instruct a site generator rather than being text a reader sees.

- tables of contents: ``[[toc]]`` (VitePress/VuePress), ``[TOC]`` (Python-Markdown),
  ``[[_TOC_]]`` (GitLab), and lists generated between ``<!-- toc -->`` and
  ``<!-- tocstop -->`` (markdown-toc, doctoc, editor plug-ins): they repeat the headings;
- kramdown extensions (Jekyll): ``{::options ... /}``, ``{::comment} ... {:/comment}``
  (dropped with their content), ``{::nomarkdown}`` markers (content kept) and attribute
  list definitions ``{:name: .class}``;
- Docsify callouts (``?> tip``, ``!> belangrijk``): the marker goes, the text stays;
- GitHub alerts and Obsidian callouts (``> [!NOTE]``, ``> [!TIP] Titel``): the marker goes,
  a title stays as a line of its own, the quoted content stays;
- includes of other files: mkdocs snippets ``--8<-- "file.md"`` (or a block of file names
  between two ``--8<--`` lines), VitePress ``<<< @/file``,
  VuePress ``@[code](file)``, Docsify ``[titel](file.md ':include')``: what they pull in is
  not in this page.

What is dropped and a reader would have seen is recorded (tables of contents, includes).
"""
from __future__ import annotations

import re

from index.documents import DROP_INCLUDE, DROP_TOC, Dropped

from .containers import CodeFences, record_drop

_TOC_MARKER = re.compile(r"^\s*(?:\[\[_?toc_?\]\]|\[toc\]|\$\{toc\}|\{\{\s*toc\s*\}\})\s*$", re.IGNORECASE)
_TOC_START = re.compile(r"^\s*<!--\s*(?:toc|start doctoc\b.*|table of contents)\s*-->\s*$", re.IGNORECASE)
_TOC_END = re.compile(r"^\s*<!--\s*(?:tocstop|/toc|end doctoc\b.*|end of table of contents)\s*-->\s*$", re.IGNORECASE)
# What a generated table of contents holds: list items (links to the headings) and blank lines.
_TOC_LINE = re.compile(r"^\s*(?:(?:[-*+]|\d+[.)])\s.*)?$")
_KRAMDOWN_EXTENSION = re.compile(r"^\s*\{::(?:options|nomarkdown)\b[^}]*\}\s*$|^\s*\{:/(?:nomarkdown)?\}\s*$")
_KRAMDOWN_COMMENT_OPEN = re.compile(r"^\s*\{::comment\}")
_KRAMDOWN_COMMENT_CLOSE = re.compile(r"\{:/(?:comment)?\}\s*$")
_ATTRIBUTE_DEFINITION = re.compile(r"^\s*\{:[\w-]+:[^}]*\}\s*$")
_ALERT = re.compile(r"^(?P<quote>\s*(?:>\s?)+)\[!(?P<kind>[A-Za-z]+)\][+-]?[ \t]*(?P<title>.*)$")
# Docsify callouts: "?> tip" and "!> important" at the start of a paragraph; the marker goes.
_DOCSIFY_CALLOUT = re.compile(r"^\s{0,3}[?!]>\s+(\S.*)$")
_SNIPPET_BLOCK = re.compile(r"^\s*--8<--\s*$")
_INCLUDE = re.compile(
    r"^\s*(?:;?--8<--\s*(?P<snippet>.*)|<<<\s*(?P<vite>@?\S+).*|@\[code[^\]]*\]\((?P<vue>[^)]*)\)"
    r"|\[[^\]]*\]\((?P<docsify>\S+)\s+[\"']:include\b[^\"']*[\"']\))\s*$"
)


class _Directives:
    """One pass over the lines outside code fences."""

    def __init__(self, drops: list[Dropped] | None) -> None:
        self.drops = drops
        self.out: list[str] = []
        self.toc: list[str] | None = None  # lines of an open generated table of contents
        self.in_comment = False
        self.snippet_block: list[str] | None = None  # file names of an open "--8<--" block

    def line(self, line: str) -> None:
        if self.snippet_block is not None or _SNIPPET_BLOCK.match(line):
            self._snippet_block(line)
            return
        if self.in_comment:
            self.in_comment = not _KRAMDOWN_COMMENT_CLOSE.search(line)
            return
        if self.toc is not None and _TOC_END.match(line):
            record_drop(self.drops, DROP_TOC, " ".join(self.toc) or "(inhoudsopgave)")
            self.toc = None
            return
        if self.toc is not None and _TOC_LINE.match(line):
            self.toc.append(line)
            return
        self.end_toc()  # anything but a list: the marker had no generated list under it
        if _TOC_START.match(line):
            self.toc = []
        elif _TOC_MARKER.match(line):
            record_drop(self.drops, DROP_TOC, line.strip())
        elif docsify := _DOCSIFY_CALLOUT.match(line):
            self.out.append(docsify.group(1))
        elif alert := _ALERT.match(line):
            quote, title = alert.group("quote"), alert.group("title").strip()
            self.out.extend([quote + title, quote.rstrip()] if title else [quote.rstrip()])
        elif _KRAMDOWN_COMMENT_OPEN.match(line):
            self.in_comment = not _KRAMDOWN_COMMENT_CLOSE.search(line)
        elif include := _INCLUDE.match(line):
            target = next(g for g in include.group("snippet", "vite", "vue", "docsify") if g is not None)
            record_drop(self.drops, DROP_INCLUDE, target.strip() or line.strip())
            self.out.append("")
        elif _KRAMDOWN_EXTENSION.match(line) or _ATTRIBUTE_DEFINITION.match(line):
            self.out.append("")
        else:
            self.out.append(line)

    def end_toc(self) -> None:
        """Give back the lines held as a possible table of contents, in their place.

        A start marker need not have a generated list under it: mdBook's ``<!-- toc -->`` is
        replaced by the plug-in at build time and has no end marker. Its lines are the page's own,
        and must stay before whatever follows (a code fence, a heading), not move to the end.
        """
        if self.toc is not None:
            self.out.extend(self.toc)
            self.toc = None

    def _snippet_block(self, line: str) -> None:
        """pymdownx snippets' block form: file names between two bare ``--8<--`` lines."""
        if self.snippet_block is None:
            self.snippet_block = []
        elif _SNIPPET_BLOCK.match(line):
            record_drop(self.drops, DROP_INCLUDE, " ".join(self.snippet_block) or line.strip())
            self.snippet_block = None
            self.out.append("")
        elif line.strip():
            self.snippet_block.append(line.strip())

    def finish(self) -> list[str]:
        if self.toc is not None:  # a start marker without its end: not a generated list after all
            self.end_toc()
        if self.snippet_block is not None:  # an unclosed block includes the rest of the page's lines
            record_drop(self.drops, DROP_INCLUDE, " ".join(self.snippet_block) or "--8<--")
        return self.out


def drop_directives(lines: list[str], drops: list[Dropped] | None = None) -> list[str]:
    """Remove generator directives from ``lines`` (code fences untouched)."""
    directives = _Directives(drops)
    fences = CodeFences()
    for line in lines:
        if fences.inside(line):
            directives.out.append(line)
        elif fences.enter(line) is not None:
            directives.end_toc()
            directives.out.append(line)
        else:
            directives.line(line)
    return directives.finish()
