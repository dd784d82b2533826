"""Containers and statements that wrap Markdown text rather than being text.

mkdocs admonitions and expanders (``!!! note "Titel"``, ``??? expander``, ``???+``,
content tabs ``=== "Tab"``), pymdownx blocks (``/// note | Titel``), Docusaurus/VitePress
containers (``:::note[Titel]`` ... ``:::``) and MDX ``import``/``export`` statements. The
containers are unwrapped (title line, de-indented body); one without content is a stub
that a macro would have filled, and goes with its title. What is dropped is recorded as
:class:`~index.documents.Dropped`.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index.documents import DROP_EMPTY_CONTAINER, DROP_MDX_CODE, Dropped

from .markup import remove_template_code

BODY_INDENT = 4

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*\{?\s*\.?([\w+-]*)")
_CONTAINER = re.compile(
    r'^(\s*)(?:!!!|\?\?\?\+?|===[+!]?)(?:\s+[\w-]+)*(?:\s+"(?P<title>[^"]*)")?\s*$'
)
# pymdownx "blocks" (/// note | Titel ... ///): unindented body, so only the marker goes.
_BLOCK_MARKER = re.compile(r"^/{3,}\s*(?P<kind>[\w-]*)\s*(?:\|\s*(?P<title>.*?))?\s*$")
_LAYOUT_BLOCKS = frozenset({"", "html", "attrs"})
# Docusaurus / VitePress containers: ":::note Titel", ":::tip[Titel]", closed by ":::".
# Pandoc/Quarto fenced divs (":::: {.callout-note title="Titel"}") and MyST (":::{note} Titel") too.
_COLON_OPEN = re.compile(
    r"^\s*(?P<colons>:{3,})\s*(?P<kind>[A-Za-z][\w-]*|\{[^{}]*\})\s*(?:\[(?P<bracket>[^\]]*)\]|(?P<rest>.*?))\s*$"
)
_ATTR_TITLE = re.compile(r"""\btitle=(?:"([^"]*)"|'([^']*)')""")
_DIRECTIVE_OPTION = re.compile(r"^\s*:[\w-]+:(?:\s.*)?$")  # MyST ":class: dropdown" under the opening line
_COLON_CLOSE = re.compile(r"^\s*(?P<colons>:{3,})\s*$")
# Prettier reflows a container into one paragraph: ":::note Let op Het project ... gpt-nl.nl. :::".
_INLINE_CLOSE = re.compile(r"(?<=\S)\s+:{3,}\s*$")
# MDX ESM statements at the start of a line: "import X from '...'", "export const x = ...".
_MDX_STATEMENT = re.compile(
    r"^(?:import\s+(?:[\w*{}\s,]+\s+from\s+)?['\"{]|import\s*\{|export\s+(?:default|const|let|var|function|class|\{|\*))"
)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _dedent(line: str, at: int) -> str:
    """Remove one body indentation step (``BODY_INDENT`` spaces) after column ``at``."""
    if _indent(line) >= at + BODY_INDENT:
        return line[:at] + line[at + BODY_INDENT:]
    return line.lstrip(" ")


@dataclass
class Fence:
    """An open code fence: its marker (```` ``` ```` or ``~~~``) and info-string language."""

    marker: str
    language: str

    def closes(self, line: str) -> bool:
        stripped = line.strip()
        return stripped.startswith(self.marker) and set(stripped) == {self.marker[0]}


def open_fence(line: str) -> Fence | None:
    match = _FENCE.match(line)
    return Fence(match.group(2), match.group(3)) if match else None


class CodeFences:
    """Which lines of a page are fenced code, fed one line at a time in page order.

    Every rule that rewrites text leaves code alone; this is the one place that follows
    the fences for them: ``if fences.inside(line)`` skips a line within an open fence
    (its closing line included), ``fences.enter(line)`` opens one on its opening line.
    """

    def __init__(self) -> None:
        self.open: Fence | None = None

    def inside(self, line: str) -> bool:
        """Whether ``line`` is within the open fence (closing it on its closing line)."""
        if self.open is None:
            return False
        if self.open.closes(line):
            self.open = None
        return True

    def enter(self, line: str) -> Fence | None:
        """The fence ``line`` opens (and is now inside), or None."""
        self.open = open_fence(line)
        return self.open


def _blank(lines: list[str]) -> bool:
    """True when ``lines`` hold nothing a reader sees (whitespace, comments, macros)."""
    return not remove_template_code("\n".join(lines)).strip()


def record_drop(drops: list[Dropped] | None, rule: str, text: str) -> None:
    if drops is not None:
        drops.append(Dropped(rule, (), " ".join(text.split())))


def unwrap_containers(lines: list[str], drops: list[Dropped] | None = None) -> list[str]:
    """Replace admonitions and content tabs by their title line and de-indented body.

    A container whose body is empty (or only comments and macros) is a stub: it goes
    with its title.
    """
    out: list[str] = []
    fence: Fence | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if fence:
            fence = None if fence.closes(line) else fence
            out.append(line)
            continue
        fence = open_fence(line)
        container = None if fence else _CONTAINER.match(line)
        block_marker = None if fence or container else _BLOCK_MARKER.match(line.strip())
        if block_marker:
            title = (block_marker.group("title") or "").strip()
            if block_marker.group("kind").lower() not in _LAYOUT_BLOCKS and title:
                out.extend([title, ""])
            continue
        if not container:
            out.append(line)
            continue
        at = len(container.group(1))
        title = (container.group("title") or "").strip()
        body: list[str] = []
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) >= at + BODY_INDENT):
            body.append(_dedent(lines[i], at))
            i += 1
        if _blank(body):
            record_drop(drops, DROP_EMPTY_CONTAINER, title or line.strip())
            continue
        if out and out[-1].strip():
            out.append("")  # right under a line of text the container still starts a block of its own
        if title:
            out.extend([" " * at + title, ""])
        out.extend(unwrap_containers(body, drops))
    return out


def _colon_title(match: re.Match[str]) -> str:
    title = match.group("bracket") if match.group("bracket") is not None else (match.group("rest") or "")
    attr_title = _ATTR_TITLE.search(match.group("kind") + " " + title)
    if attr_title:
        return " ".join((attr_title.group(1) or attr_title.group(2) or "").split())
    return " ".join(re.sub(r"\{[^{}]*\}", "", title).split())


def unwrap_colon_containers(lines: list[str], drops: list[Dropped] | None = None) -> list[str]:
    """Unwrap ``:::kind Titel`` ... ``:::`` containers (body not indented); drop empty ones.

    A container that a formatter reflowed into one paragraph (its closing ``:::`` at the end
    of the last text line) has no title: what follows the kind is the start of its text.
    """
    out: list[str] = []
    open_at: list[tuple[int, str]] = []  # (index in out where the container starts, its title)
    fence: Fence | None = None
    options = False  # directly after a MyST opening line: ":class: ..." options follow
    for i, line in enumerate(lines):
        if fence:
            fence = None if fence.closes(line) else fence
            out.append(line)
            continue
        if options and _DIRECTIVE_OPTION.match(line):
            continue
        options = False
        fence = open_fence(line)
        opened = None if fence else _COLON_OPEN.match(line)
        if opened and _reflowed(lines, i):
            open_at.append((len(out), ""))
            out.append(_colon_title(opened))
            continue
        if opened:
            title = _colon_title(opened)
            open_at.append((len(out), title))
            options = opened.group("kind").startswith("{")
            if title:
                out.extend([title, ""])
            continue
        inline_close = open_at and not fence and _INLINE_CLOSE.search(line)
        if inline_close:
            out.append(line[: inline_close.start()])
        if inline_close or (not fence and _COLON_CLOSE.match(line) and open_at):
            _close(out, open_at.pop(), drops)
            continue
        out.append(line)
    return out


def _reflowed(lines: list[str], at: int) -> bool:
    """Whether the container opened on ``lines[at]`` closes at the end of the same paragraph."""
    for line in lines[at:]:
        if not line.strip():
            return False
        if _INLINE_CLOSE.search(line):
            return True
    return False


def _close(out: list[str], opened: tuple[int, str], drops: list[Dropped] | None) -> None:
    """End a container: drop it when it holds no text, else separate it from what follows."""
    start, title = opened
    if _blank(out[start + (2 if title else 0):]):
        del out[start:]
        record_drop(drops, DROP_EMPTY_CONTAINER, title or "(leeg blok)")
    out.append("")


def drop_mdx_statements(lines: list[str], drops: list[Dropped] | None = None) -> list[str]:
    """Drop MDX ``import``/``export`` statements (they may span lines until brackets close)."""
    out: list[str] = []
    fence: Fence | None = None
    depth = 0
    in_statement = False
    for line in lines:
        if fence:
            fence = None if fence.closes(line) else fence
            out.append(line)
            continue
        if not in_statement and _MDX_STATEMENT.match(line):
            in_statement, depth = True, 0
            record_drop(drops, DROP_MDX_CODE, line)
        if in_statement:
            depth += sum(line.count(c) for c in "({[") - sum(line.count(c) for c in ")}]")
            if depth <= 0 and (line.rstrip().endswith((";", "'", '"', "}", ")")) or not line.strip()):
                in_statement = False
            continue
        fence = open_fence(line)
        out.append(line)
    return out


_CODE_SPAN = re.compile(r"(`+).+?\1")


def _comment_opening(line: str) -> int | None:
    """Where an HTML comment opens on ``line`` without closing on it (a ``<!--`` in a code span opens none)."""
    if "<!--" not in line:
        return None
    masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
    start = masked.rfind("<!--")
    if start < 0 or "-->" in masked[start + 4:]:
        return None
    return start


def drop_comment_blocks(lines: list[str]) -> list[str]:
    """Remove HTML comments that span lines, with everything in them (code fences, headings).

    A comment that hides a code fence would otherwise be cut in two by the fence, and the
    rules that run between fences would keep its code and its closing ``-->``. Comments on
    one line are left for :func:`~index.formats.markup.remove_template_code`, and for the
    rules that read markers such as ``<!-- toc -->``.
    """
    if not any("<!--" in line and "-->" not in line[line.rfind("<!--"):] for line in lines):
        return lines  # no comment left open at the end of a line
    out: list[str] = []
    fence: Fence | None = None
    in_comment = False
    for line in lines:
        if in_comment:
            if "-->" in line:
                in_comment = False
                out.append(line[line.index("-->") + 3:])
            continue
        if fence is not None:
            fence = None if fence.closes(line) else fence
            out.append(line)
            continue
        fence = open_fence(line)
        start = None if fence else _comment_opening(line)
        if start is None:
            out.append(line)
            continue
        in_comment = True
        out.extend([line[:start]] if line[:start].strip() else ["", ""])  # in a sentence, or a block of its own
    return out


def outside_fences(lines: list[str], rewrite: Callable[[str], str]) -> list[str]:
    """Apply ``rewrite`` to the text between code fences, leaving fenced code untouched."""
    out: list[str] = []
    chunk: list[str] = []
    fence: Fence | None = None
    for line in lines:
        if fence is None and (opened := open_fence(line)):
            out.extend(rewrite("\n".join(chunk)).split("\n") if chunk else [])
            chunk, fence = [], opened
            out.append(line)
        elif fence is not None:
            fence = None if fence.closes(line) else fence
            out.append(line)
        else:
            chunk.append(line)
    out.extend(rewrite("\n".join(chunk)).split("\n") if chunk else [])
    return out
