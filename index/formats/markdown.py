"""Markdown (including mkdocs Material syntax) to sections.

A small line-based parser rather than a full CommonMark implementation: what matters for
retrieval is the heading path, paragraphs, list items and table rows, with the text a
reader sees. mkdocs containers (admonitions ``!!! note "Titel"``, collapsibles ``???``,
content tabs ``=== "Tab"``) are unwrapped first: their title becomes a line of its own
and their indented body is de-indented; one without content (a stub whose body a macro
would have filled) is dropped with its title. Docusaurus/VitePress containers
(``:::note Titel`` ... ``:::``) are unwrapped the same way, MDX ``import``/``export``
lines are dropped and JSX component tags removed (their text kept). Before that, the
Markdown of other generators is brought back to what a reader sees: MyST directives
(:mod:`.myst`), Hugo shortcodes and Liquid/GitBook tags (:mod:`.shortcodes`), tables of
contents, kramdown extensions and include directives (:mod:`.directives`); footnotes are
read at their reference (:mod:`.footnotes`), abbreviations expanded at their first use
(:mod:`.abbr`).

What is left out on purpose is recorded as :class:`~index.documents.Dropped` so that a
build can report it: sections and elements marked ``{ data-search-exclude }``, empty
containers, lists whose items are only links, MDX statements, tables of contents, embeds,
includes.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from index.documents import (
    DROP_BUTTON, DROP_EMPTY_TABLE, DROP_LINK_LIST, DROP_SEARCH_EXCLUDE, DROP_TOC, DROP_TODO,
    SECTION_LINKS, Dropped, Section,
)

from .abbr import expand_abbreviations
from .containers import (
    BODY_INDENT, Fence, drop_comment_blocks, drop_mdx_statements, open_fence, outside_fences, record_drop,
    unwrap_colon_containers, unwrap_containers,
)
from .directives import drop_directives
from .footnotes import inline_footnotes
from .formulas import display_formulas
from .indented import CODE_INDENT, fence_indented_code
from .myst import drop_comments, unwrap_directives
from .markup import (
    JsxTabTitles, excluded_from_search, html_blocks_to_markdown, image_description, is_attr_list, outside_code_spans,
    remove_template_code, split_attr_list, strip_inline,
)
from .sections import HEADER_ROW, UNNAMED_COLUMNS, SectionBuilder, heading_label, without_pictographs
from .shortcodes import template_tags

_CONFLICT_MARKER = re.compile(r"^(?:<{7}|={7}|>{7}|\|{7})(?:\s.*)?$")
# mkdocs Material [Text](url){ .md-button }, Bootstrap-style themes (just-the-docs) {: .btn .btn-primary }
# An author's note to self opening a paragraph or item ("// TODO links fixen", "> TO DO", "FIXME: ..."):
# capitals only, so a "todo-lijst" in a sentence is text.
_TODO_NOTE = re.compile(r"^(?://+|#+|\*{1,2}|_{1,2}|\[)?\s*(?:TODO|TO DO|FIXME)\b")
_BUTTON_CLASS = re.compile(r"\.(?:[\w-]*button|btn)\b")
# A row of buttons: links that each carry a button class ("[Start](a){ .md-button } [Meer](b){ .md-button }",
# HTML <a class="btn"> rewritten so), and perhaps one attribute list for the row ("{.p-initial .my-5}").
_BUTTON_ROW = re.compile(
    r"^(?:\s*\[[^\[\]]*\]\([^()\s]*\)\s*\{[^{}]*\.(?:[\w-]*button|btn)\b[^{}]*\})+\s*(?:\{[^{}]*\})?\s*$"
)
# Headings of reference lists: a list of only links under one of these is dropped.
REFERENCE_HEADINGS = frozenset({
    "bron", "bronnen", "links", "externe links", "zie ook", "meer informatie", "lees meer", "referenties",
    "literatuur", "verwijzingen", "sources", "references", "further reading", "see also", "related",
})
# Headings of a table of contents: a list of only in-page links under one of these is dropped
# (elsewhere such a list may be an overview of steps that answers a question).
TOC_HEADINGS = frozenset({
    "inhoud", "inhoudsopgave", "op deze pagina", "in dit artikel", "in dit document", "deze pagina",
    "table of contents", "contents", "on this page", "in this article", "toc",
})
# A list item that is nothing but a link (with at most trailing punctuation).
_LINK_ONLY = re.compile(
    r"^\s*(?:\*\*|__)?\s*(?:\[(?:[^\[\]]|\[[^\[\]]*\])*\](?:\([^()]*(?:\([^()]*\)[^()]*)*\)|\[[^\]]*\])"
    r"|<(?:https?|mailto):[^>\s]+>|https?://\S+)\s*(?:\*\*|__)?\s*[.,;:]?\s*$"
)
# A list item that is nothing but a link to a heading of the same page: a table of contents.
_ANCHOR_ONLY = re.compile(r"^\s*(?:\*\*|__)?\s*\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(#[^()\s]*\)\s*(?:\*\*|__)?\s*[.,;:]?\s*$")
_KRAMDOWN_TOC = re.compile(r"^\{:\s*toc\b[^}]*\}$")  # "1. TOC" followed by "{:toc}": kramdown's generated TOC
_DECORATIVE_MARKS = "›»→▸►•· "  # typed in front of list items as extra bullets
NESTED_ITEM_INDENT = "  "  # a sub-item is written under its parent, indented this much per level

_ATX = re.compile(r"^(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_THEMATIC_BREAK = re.compile(r"^([-*_])(?:\s*\1){2,}\s*$")
_LIST_ITEM = re.compile(r"^(?:([-*+•])|(\d{1,9})[.)])\s+(?:\[(?P<task>[ xX/-])\]\s+)?(?P<text>.*)$")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_CELL_TOKEN = re.compile(r"(`+).+?(?<!`)\1(?!`)|\\.|\|")  # a code span, an escaped character or a cell boundary
_INNER_PIPE = re.compile(r"\s*\|\s*")
_IMAGE_MARKUP = re.compile(r"!\[[^\]]*\]\([^()]*\)|<img\b[^<>]*>", re.IGNORECASE)
_BLOCKQUOTE = re.compile(r"^(?:>\s?)+")
# A line that is nothing but a strong label ("**Reactietijd**", "> **Opmerking**") with the text
# going on under it: rendered as a run-in heading, read as "Reactietijd: De tijd ...".
_RUN_IN_LABEL = re.compile(r"^(\*\*|__)(?=\S)([^*_]+?)(?<=[^\s.:;!?])\1$")
_DEFINITION = re.compile(r"^:\s+(\S.*)$")  # definition list (kramdown, Pandoc, mkdocs def_list): ":   tekst"
_FOOTNOTE_DEFINITION = re.compile(r"^\[\^[^\]]+\]:\s*(.*)$")
_REFERENCE_DEFINITION = re.compile(r"^\[(?!\^)[^\]]+\]:\s*\S+.*$|^\*\[[^\]]+\]:.*$")
# "[label]:" with its URL (and title) on the next line, as CommonMark allows
_BARE_REFERENCE_LABEL = re.compile(r"^\[(?!\^)[^\]]+\]:$")
_URL_LINE = re.compile(r"^<?(?:[a-z][a-z0-9+.-]*://|/|\.{1,2}/|#)\S*>?(?:\s+([\"'(]).*)?$", re.IGNORECASE)

# Fences whose content is not prose: diagrams and mkdocs configuration.
_MARKDOWN_FENCE_LANGUAGES = frozenset({"markdown", "md", "mdx"})  # an example page: read as text
# Fences a generator renders into something else: diagrams, and Obsidian queries (Dataview, Tasks) whose
# result is computed from the vault: their source is no text of the page.
_DROPPED_FENCE_LANGUAGES = frozenset({"mermaid", "plantuml", "dot", "graphviz", "flowchart",
                                      "dataview", "dataviewjs", "tasks", "query"})
# Mermaid's accessible description of a diagram ("accDescr: ..." or "accDescr { ... }"): what a screen
# reader says instead of the picture, written by the author for exactly that.
_DIAGRAM_DESCRIPTION = re.compile(r"^\s*accDescr\s*(?::\s*(?P<line>.+?)|\{\s*(?P<block>.*?))\s*$")
_MKDOCS_CONFIG = re.compile(
    r"^(?:site_name|site_url|nav|theme|plugins|markdown_extensions|extra|docs_dir|repo_url):", re.MULTILINE
)


@dataclass(frozen=True)
class Block:
    """One parsed unit: a heading (with level) or body text of some kind."""

    kind: str  # heading | para | item | header (a table's first row) | row | code
    text: str
    level: int = 0
    excluded: bool = False  # heading marked { data-search-exclude }: its section is left out
    link_only: bool = False  # list item that is nothing but a link
    anchor_only: bool = False  # list item that is nothing but a link to a heading of the page
    task: str | None = None  # task list item: its box ("x", " ", Obsidian "-" cancelled, "/" in progress); else None


def _is_table_start(lines: list[str], i: int) -> bool:
    return "|" in lines[i] and i + 1 < len(lines) and bool(_TABLE_SEPARATOR.match(lines[i + 1].strip())) \
        and "-" in lines[i + 1]


def _split_cells(line: str) -> list[str]:
    """The cells of a pipe-table row: a pipe escaped (``\\|``) or inside a code span
    (```a|b```, as Python-Markdown reads it) is part of its cell's text."""
    cells: list[str] = []
    start = 0
    for token in _CELL_TOKEN.finditer(line):
        if token.group(0) == "|":
            cells.append(line[start:token.start()])
            start = token.end()
    cells.append(line[start:])
    return [cell.replace("\\|", "|") for cell in cells]


def _table_row(line: str) -> str:
    """A row's cells joined by " | "; a pipe within a cell loses its spaces, so that it
    is not taken for a cell boundary later ("a | b" in a cell reads "a|b")."""
    cells = [_INNER_PIPE.sub("|", strip_inline(cell)) for cell in _split_cells(line.strip())]
    if cells and not cells[0]:
        cells = cells[1:]
    if cells and not cells[-1]:
        cells = cells[:-1]
    return " | ".join(cells) if any(cells) else ""


def _is_figure(header: str) -> bool:
    """Whether a table's header row is one cell holding nothing but an image (and its link)."""
    cells = [cell for cell in _split_cells(header.strip()) if cell.strip()]
    if len(cells) != 1 or not _IMAGE_MARKUP.search(cells[0]):
        return False
    return not strip_inline(_IMAGE_MARKUP.sub("", cells[0]))


def _diagram_description(content: list[str]) -> str:
    """The accessible description a Mermaid diagram carries (``accDescr``), else ""."""
    for i, line in enumerate(content):
        found = _DIAGRAM_DESCRIPTION.match(line)
        if found is None:
            continue
        if found.group("line") is not None:
            return found.group("line").strip()
        words = [found.group("block").rstrip("}")]
        for more in content[i + 1:]:
            words.append(more.split("}", 1)[0])
            if "}" in more:
                break
        return " ".join(" ".join(words).split())
    return ""


def _keep_fence(language: str, content: list[str]) -> bool:
    if language.lower() in _DROPPED_FENCE_LANGUAGES:
        return False
    return not _MKDOCS_CONFIG.search("\n".join(line.strip() for line in content))


class _BlockParser:
    """Line-by-line parser producing :class:`Block` objects in reading order."""

    def __init__(self, lines: list[str], drops: list[Dropped] | None = None) -> None:
        self.lines = lines
        self.paragraph: list[str] = []
        self.item: str | None = None  # the open list item, with its "- " / "1. " prefix
        self.item_depth = 0  # nesting depth of the open item (0: top level)
        self.item_task: str | None = None  # the open item is a task: what its box holds ("x", " ", "-", "/")
        self.list_indents: list[int] = []  # marker columns of the open list levels, outermost first
        self.ordinals: list[int | None] = []  # per open list level: the number its last item showed
        self.indent = 0  # leading spaces of the current line (after any blockquote markers)
        self.defining = False  # the open paragraph is a term with its definition
        self.blocks: list[Block] = []
        self.drops = drops

    def parse(self) -> list[Block]:
        i = 0
        while i < len(self.lines):
            i = self._step(i)
        self._close()
        return self.blocks

    # -- emitting --------------------------------------------------------------------

    def _close(self) -> None:
        if self.paragraph:
            text, attrs = split_attr_list(" ".join(self.paragraph))
            if excluded_from_search(attrs):
                record_drop(self.drops, DROP_SEARCH_EXCLUDE, strip_inline(text))
            elif _BUTTON_CLASS.search(attrs) and _LINK_ONLY.match(text) or _BUTTON_ROW.match(" ".join(self.paragraph)):
                record_drop(self.drops, DROP_BUTTON, strip_inline(text))
            elif _TODO_NOTE.match(text):
                record_drop(self.drops, DROP_TODO, strip_inline(text))
            else:
                self._emit("para", text)
        if self.item is not None:
            marker, _, text = self.item.partition(" ")
            text, attrs = split_attr_list(text)
            cleaned = without_pictographs(strip_inline(text)).lstrip(_DECORATIVE_MARKS)
            if cleaned and excluded_from_search(attrs):
                record_drop(self.drops, DROP_SEARCH_EXCLUDE, cleaned)
            elif _TODO_NOTE.match(text):
                record_drop(self.drops, DROP_TODO, cleaned)
            elif cleaned:
                self.blocks.append(Block("item", f"{NESTED_ITEM_INDENT * self.item_depth}{marker} {cleaned}",
                                         link_only=bool(_LINK_ONLY.match(text)),
                                         anchor_only=bool(_ANCHOR_ONLY.match(text)), task=self.item_task))
        self.paragraph, self.item, self.defining, self.item_task = [], None, False, None

    def _attr_line(self, line: str) -> None:
        """attr_list's block syntax: ``{ ... }`` on the line after the element it belongs to."""
        if not excluded_from_search(line):
            return
        if self.paragraph:
            self.paragraph[-1] += " " + line
        elif self.item is not None:
            self.item += " " + line
        self._close()

    def _emit(self, kind: str, text: str, level: int = 0) -> None:
        cleaned = without_pictographs(strip_inline(text)) if kind not in {"row", HEADER_ROW, "code"} else text
        if cleaned:
            self.blocks.append(Block(kind, cleaned, level))

    # -- one line --------------------------------------------------------------------

    def _step(self, i: int) -> int:
        raw = self.lines[i]
        fence = open_fence(raw)
        if fence:
            return self._fence(i, fence)
        unquoted = _BLOCKQUOTE.sub("", raw.lstrip()) if raw.lstrip().startswith(">") else raw
        line = unquoted.strip()
        if not line:
            self._close()
            return i + 1
        self.indent = len(unquoted) - len(unquoted.lstrip(" "))
        if _is_table_start(self.lines, i):
            return self._table(i)
        if self._heading(line):
            return i + 1
        if _THEMATIC_BREAK.match(line) or _REFERENCE_DEFINITION.match(line) or _CONFLICT_MARKER.match(line):
            self._close()
            return i + 1
        if _BARE_REFERENCE_LABEL.match(line) and i + 1 < len(self.lines) and _URL_LINE.match(self.lines[i + 1].strip()):
            self._close()
            return i + 2  # the definition and the URL line under it: link targets, not text
        self._text_line(line)
        return i + 1

    def _heading(self, line: str) -> bool:
        atx = _ATX.match(line) if self.indent < self._code_indent() else None
        if atx:
            self._close()
            self._end_lists()
            self._emit_heading(atx.group(2) or "", len(atx.group(1)))
            return True
        if _SETEXT.match(line) and self.paragraph and self.item is None:
            text = " ".join(self.paragraph)
            self.paragraph = []
            self._emit_heading(text, 1 if line.startswith("=") else 2)
            return True
        return False

    def _code_indent(self) -> int:
        """The indentation at which a line is code, not a heading: four spaces past the open
        list's content (at least two past its marker), or four at the page's margin."""
        return self.list_indents[-1] + 2 + CODE_INDENT if self.list_indents else CODE_INDENT

    def _emit_heading(self, raw: str, level: int) -> None:
        """A heading by its label (:func:`heading_label`); one of only emoji is a heading without
        words (empty text), which ends the sections before it but names none."""
        text, attrs = split_attr_list(raw)
        cleaned = strip_inline(text)
        if cleaned:
            self.blocks.append(Block("heading", heading_label(cleaned), level, excluded=excluded_from_search(attrs)))

    def _text_line(self, line: str) -> None:
        if _KRAMDOWN_TOC.match(line) and self.item is not None:
            record_drop(self.drops, DROP_TOC, self.item)
            self.item = None
            return
        if is_attr_list(line):
            self._attr_line(line)
            return
        item = _LIST_ITEM.match(line)
        if item and _ATX.match(item.group("text")):
            self._heading(item.group("text"))  # mkdocs grid cards: "-   ## Card title"
            return
        if item:
            self._close()
            self.item_depth = self._list_depth(self.indent)
            if item.group(1):
                self.ordinals[self.item_depth] = None  # a bullet list: a numbered one after it starts anew
            marker = "-" if item.group(1) else self._ordinal(self.item_depth, int(item.group(2)))
            self.item = f"{marker} {item.group('text')}"
            self.item_task = None if item.group("task") is None else item.group("task").lower()
            return
        if self.item is None and (not self.list_indents or self.indent <= self.list_indents[0]):
            self._end_lists()  # text at the list's own margin: the list has ended
        definition = _DEFINITION.match(line)
        if definition and self.paragraph and self.item is None:
            if not self.defining:
                self.paragraph[-1] = self.paragraph[-1].rstrip(":") + ":"  # "Term: definitie"
            self.defining = True  # a second definition of the term follows the first: "Term: een. Twee."
            line = definition.group(1)
        footnote = _FOOTNOTE_DEFINITION.match(line)
        if footnote:
            self._close()
            line = footnote.group(1)
        if self.item is not None:
            marker, _, text = self.item.partition(" ")
            self.item = f"{marker} {text}{_joint(text, line)}{line}"  # continuation (indented or lazy)
        else:
            if len(self.paragraph) == 1 and _joint(self.paragraph[0], line) != " ":
                self.paragraph[0] += ":"
            self.paragraph.append(line)

    def _list_depth(self, indent: int) -> int:
        """Nesting depth of an item whose marker stands at column ``indent``.

        An item indented further than the open item's marker is its sub-item (CommonMark
        needs the content column, Python-Markdown four spaces; authors write two to four,
        so any deeper indentation nests); one at a shallower column closes the deeper levels.
        """
        while self.list_indents and indent < self.list_indents[-1]:
            self.list_indents.pop()
            self.ordinals.pop()
        if not self.list_indents or indent > self.list_indents[-1]:
            self.list_indents.append(indent)
            self.ordinals.append(None)
        return len(self.list_indents) - 1

    def _end_lists(self) -> None:
        self.list_indents, self.ordinals = [], []

    def _ordinal(self, depth: int, written: int) -> str:
        """The number an ordered item shows: its list counts on from the first item's number,
        whatever the later items say ("1." on every line is a common style, rendered 1, 2, 3)."""
        shown = written if self.ordinals[depth] is None else self.ordinals[depth] + 1
        self.ordinals[depth] = shown
        return f"{shown}."

    def _table(self, i: int) -> int:
        self._close()
        self._end_lists()
        header, rows = self.lines[i], []
        i += 2  # header row and separator
        while i < len(self.lines) and "|" in self.lines[i] and self.lines[i].strip():
            row = _table_row(self.lines[i])
            if row:
                rows.append(row)
            i += 1
        if _is_figure(header):
            # An image with its caption under it, set in a one-column table to centre them: the
            # caption is read like the image's alt text (a sentence when it describes, else nothing).
            captions = map(image_description, [_table_row(header), *rows])
            self.blocks.extend(Block("para", text) for text in captions if text)
        elif not rows and len([c for c in _table_row(header).split(" | ") if c]) > 1:
            record_drop(self.drops, DROP_EMPTY_TABLE, _table_row(header))
        else:
            # A header row of empty cells (GitBook's card tables) leaves the columns unnamed: without
            # it, the first row of the body was taken for the column names of all the others.
            self.blocks.append(Block(HEADER_ROW, _table_row(header) or UNNAMED_COLUMNS))
            self.blocks.extend(Block("row", row) for row in rows)
        return i

    def _fence(self, i: int, fence: Fence) -> int:
        self._close()
        self._end_lists()
        content: list[str] = []
        i += 1
        while i < len(self.lines) and not fence.closes(self.lines[i]):
            content.append(self.lines[i])
            i += 1
        if fence.language.lower() in _MARKDOWN_FENCE_LANGUAGES:
            self.blocks.extend(_example_blocks(content, self.drops))
        elif _keep_fence(fence.language, content):
            for line in content:
                if line.strip():
                    self.blocks.append(Block("code", " ".join(line.split())))
        elif fence.language.lower() == "mermaid" and (description := _diagram_description(content)):
            self._emit("para", description)
        return i + 1


def _joint(text: str, line: str) -> str:
    """What joins a continuation line to the text before it: a colon after a label that had a
    line of its own and a sentence under it ("**Oplostijd**  / De periode ..."), else a space."""
    return ": " if _RUN_IN_LABEL.match(text) and line[:1].isupper() else " "


def _example_blocks(lines: list[str], drops: list[Dropped] | None) -> list[Block]:
    """A Markdown document shown as an example (a template README, a governance file): its
    text is prose, read like the page's own, but its headings do not open sections of the
    page, so they become paragraphs."""
    return [Block("para", b.text) if b.kind == "heading" else b for b in _BlockParser(lines, drops).parse()
            if b.text or b.kind != "heading"]


def _drop_conflict_markers(lines: list[str]) -> list[str]:
    """Drop leftover git merge markers (``<<<<<<<``, ``=======``, ``>>>>>>>``)."""
    return [line for line in lines if not _CONFLICT_MARKER.match(line.strip())]


def _prepare(text: str, drops: list[Dropped] | None = None) -> list[str]:
    """Unwrap containers, then remove template code and turn embedded HTML into Markdown."""
    lines = drop_comments(drop_comment_blocks(_drop_conflict_markers(text.expandtabs(BODY_INDENT).split("\n"))))
    lines = unwrap_directives(lines, drops)
    lines = display_formulas(lines)
    lines = template_tags(drop_directives(lines, drops), drops)
    lines = drop_mdx_statements(lines, drops)
    lines = outside_fences(lines, JsxTabTitles().rewrite)
    lines = unwrap_colon_containers(lines, drops)
    lines = expand_abbreviations(inline_footnotes(fence_indented_code(unwrap_containers(lines, drops))))
    return outside_fences(lines, lambda chunk: outside_code_spans(
        chunk, lambda text: html_blocks_to_markdown(remove_template_code(text))))


# A line that only labels what follows: a version ("v1.2", "Versie 2", "Release 3.1 (beta)") or a
# status ("Beta", "Nieuw", "Experimenteel", "Beschikbaar", "In ontwikkeling"), as sites put above a
# heading or render from a badge (a card's availability badge above its title).
_STATUS = (
    r"(?:beta|alpha|nieuw|new|experimenteel|experimental|concept|draft|deprecated|verouderd|vervallen|preview"
    r"|beschikbaar|available|(?:in\s+)?ontwikkeling|in\s+development|gepland|planned)"
)
_VERSION = r"(?:(?:versie|version|release|v)\s?\.?\s?\d+(?:\.\d+)*(?:[-.]?[a-z]+\d*)?)"
_LABEL_LINE = re.compile(
    rf"(?:{_VERSION}|{_STATUS})(?:\s*[-–·|,/]?\s*(?:\(\s*)?(?:{_VERSION}|{_STATUS})\)?)*\s*:?", re.IGNORECASE
)


def _labelled_headings(blocks: list[Block]) -> list[Block]:
    """Give a version or status label standing right above a heading to that heading.

    Written as a line of its own (or rendered from a badge) above the heading it labels,
    the label would otherwise end the previous section, where it says something false. It
    joins the heading's text in brackets ("Nieuwe regels (v1.2)"), so every passage of
    that section carries it; a heading that already names it stays as it is. Above the page's
    H1 (its title) the label becomes the first line of the page's text instead.
    """
    out: list[Block] = []
    labels: list[Block] = []
    for block in blocks:
        if block.kind == "para" and _LABEL_LINE.fullmatch(block.text):
            labels.append(block)
            continue
        if labels and block.kind == "heading" and block.level == 1:
            out.append(block)  # the page's title stays as written: the label opens the page's text
            out.extend(labels)
            labels = []
            continue
        if labels and block.kind == "heading" and block.text:
            missing = [b.text.rstrip(":") for b in labels if b.text.rstrip(":").lower() not in block.text.lower()]
            text = f"{block.text} ({', '.join(missing)})" if missing else block.text
            block = Block("heading", text, block.level, excluded=block.excluded)
        else:
            out.extend(labels)
        labels = []
        out.append(block)
    return out + labels


def iter_blocks(text: str, drops: list[Dropped] | None = None) -> Iterator[Block]:
    """Parse a Markdown body (without front matter) into blocks in reading order."""
    yield from _labelled_headings(_BlockParser(_prepare(text, drops), drops).parse())


class _Outline:
    """Feeds blocks to a :class:`SectionBuilder`, leaving out excluded sections and reference lists.

    A run of list items that are all bare links names other pages: under a references
    heading ("Bronnen", "Zie ook") it is dropped (and recorded); elsewhere (a timeline
    listing the requirements that apply, an overview page) it may be the answer, so it
    becomes a section of its own of kind ``links`` that never mixes with prose and that
    ranking can weigh as weak evidence.
    """

    def __init__(self, title: str, drops: list[Dropped] | None) -> None:
        self.builder = SectionBuilder(title)
        self.drops = drops
        self.excluded_level: int | None = None  # level of the excluded heading we are under
        self.excluded_text: list[str] = []
        self.items: list[Block] = []  # the open run of list items
        self.first_h1: str | None = None
        self.h1_count = 0

    def _drop(self, rule: str, text: str) -> None:
        if self.drops is not None:
            self.drops.append(Dropped(rule, self.builder.path, text))

    def _flush_items(self) -> None:
        items, self.items = self.items, []
        if items and all(b.anchor_only for b in items) and _under_heading(self.builder.path, TOC_HEADINGS):
            self._drop(DROP_TOC, "; ".join(b.text.lstrip("-0123456789. ") for b in items))
            return
        link_list = bool(items) and all(b.link_only for b in items)
        if link_list and _under_reference_heading(self.builder.path):
            self._drop(DROP_LINK_LIST, "; ".join(b.text.lstrip("-0123456789. ") for b in items))
            return
        if link_list:
            self.builder.flush()
        for item in _with_task_states(items):
            self.builder.block(item.text, kind=item.kind)
        if link_list:
            self.builder.flush(kind=SECTION_LINKS)

    def feed(self, block: Block) -> None:
        if block.kind == "item" and self.excluded_level is None:
            self.items.append(block)
            return
        self._flush_items()
        if block.kind == "heading":
            if self.excluded_level is not None and block.level > self.excluded_level:
                return
            self._end_exclusion()
            if not block.text:
                self.builder.untitled(block.level)
                return
            if block.level == 1:
                self.h1_count += 1
                self.first_h1 = self.first_h1 or block.text
            self.builder.heading(block.level, block.text)
            if block.excluded:
                self.excluded_level = block.level
            return
        if self.excluded_level is not None:
            self.excluded_text.append(block.text)
            return
        self.builder.block(block.text, kind=block.kind)

    def _end_exclusion(self) -> None:
        if self.excluded_level is not None and self.excluded_text:
            self._drop(DROP_SEARCH_EXCLUDE, " ".join(self.excluded_text))
        self.excluded_level, self.excluded_text = None, []

    def finish(self) -> list[Section]:
        self._flush_items()
        self._end_exclusion()
        return self.builder.finish()


_ITEM_MARKER = re.compile(r"^(\s*(?:-|\d+\.) )")
TASK_OPEN = " "  # the box of a task that is still to do
# What a task's box says (Obsidian adds "[-]" cancelled and "[/]" in progress to GitHub's "[x]" and "[ ]").
TASK_STATES = {"x": "Afgerond: ", TASK_OPEN: "Nog open: ", "-": "Vervallen: ", "/": "Bezig: "}


def _with_task_states(items: list[Block]) -> list[Block]:
    """A task list that shows progress (some boxes ticked, cancelled or begun) says per item what its box says.

    The checkbox is all that tells a finished step from an open one ("- [x] Besluit genomen",
    "- [ ] Publicatie", "- [-] Hoorzitting"); without it all read as plain facts. A list of only open
    boxes is a checklist for the reader to tick (what to bring, what to check): its items stay as written.
    """
    if all(item.task in (None, TASK_OPEN) for item in items):
        return items
    return [item if item.task is None else
            replace(item, text=_ITEM_MARKER.sub(lambda m: m.group(1) + TASK_STATES[item.task or TASK_OPEN],
                                                item.text, count=1))
            for item in items]


def _under_heading(path: tuple[str, ...], headings: frozenset[str]) -> bool:
    return len(path) > 1 and " ".join(path[-1].lower().rstrip(":").split()) in headings


def _under_reference_heading(path: tuple[str, ...]) -> bool:
    return _under_heading(path, REFERENCE_HEADINGS)


def parse_markdown(
    text: str, *, title: str, drops: list[Dropped] | None = None,
) -> tuple[str | None, list[Section]]:
    """Return ``(the H1 text or None, sections)``; ``title`` heads the path until an H1.

    A page with several H1 headings (a ReSpec document, pages concatenated by a
    generator) uses them as its top sections: none of them is the page's title, so
    ``None`` is returned for it. What is left out on purpose is appended to ``drops``.
    """
    outline = _Outline(title, drops)
    for block in iter_blocks(text, drops):
        outline.feed(block)
    sections = outline.finish()
    return (outline.first_h1 if outline.h1_count == 1 else None), sections
