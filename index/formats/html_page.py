"""HTML to sections with selectolax: headings h1..h6, paragraphs, list items, table rows,
images by an alt text that describes them.

Page chrome (navigation, site header and footer, asides, scripts, forms) is dropped:
it repeats on every page of a site and would drown the content in retrieval. A header
or footer inside an ``article``/``main``/``section`` belongs to the content and is kept.
"""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from index.clean import collapse_spaces, normalize_characters
from index.documents import Section

from .markup import image_description
from .sections import HEADER_ROW, SectionBuilder

_SKIPPED = frozenset({
    "script", "style", "nav", "aside", "noscript", "template", "svg", "form", "button", "iframe",
    "head", "select", "canvas", "object",
})
_CHROME = frozenset({"header", "footer"})
_CONTENT = frozenset({"article", "main", "section"})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCKS = frozenset({
    "p", "div", "section", "article", "main", "blockquote", "ul", "ol", "dl", "dt", "dd", "figure",
    "figcaption", "address", "table", "thead", "tbody", "tfoot", "details", "summary", "hr", "body",
    "header", "footer", "center", "fieldset",
})


def _clean(text: str) -> str:
    return " ".join(collapse_spaces(normalize_characters(text)).split())


class _Walker:
    """Depth-first walk that buffers inline text and flushes it at block boundaries."""

    def __init__(self, builder: SectionBuilder) -> None:
        self.builder = builder
        self.buffer: list[str] = []
        self.prefix = ""
        self.first_h1: str | None = None
        self.new_table = False  # the next row is the first of a table: its header

    def flush(self) -> None:
        text = _clean("".join(self.buffer))
        self.buffer = []
        if text:
            self.builder.block(self.prefix + text, kind="item" if self.prefix else "para")

    def visit(self, node: LexborNode, *, in_content: bool = False) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if child.is_text_node:
                self.buffer.append(child.text_content or "")
            elif tag in _SKIPPED or (tag in _CHROME and not in_content) or tag == "-comment":
                continue
            elif tag in _HEADINGS:
                self._heading(child, _HEADINGS[tag])
            elif tag == "li":
                self._item(child, in_content)
            elif tag == "tr":
                self._row(child)
            elif tag == "pre":
                self._pre(child)
            elif tag == "br":
                self.buffer.append(" ")
            elif tag == "img":
                self.buffer.append(f" {image_description(child.attributes.get('alt') or '')} ")
            elif tag == "abbr" and (child.attributes.get("title") or "").strip():
                self.visit(child, in_content=in_content)
                self.buffer.append(f" ({child.attributes['title'].strip()})")
            elif tag in _BLOCKS:
                self.new_table = self.new_table or tag == "table"
                self.flush()
                self.visit(child, in_content=in_content or tag in _CONTENT)
                self.flush()
            else:
                self.visit(child, in_content=in_content)

    def _heading(self, node: LexborNode, level: int) -> None:
        self.flush()
        text = _clean(node.text(separator=" "))
        if level == 1 and text and self.first_h1 is None:
            self.first_h1 = text
        self.builder.heading(level, text)

    def _item(self, node: LexborNode, in_content: bool) -> None:
        self.flush()
        outer, self.prefix = self.prefix, "- "
        self.visit(node, in_content=in_content)
        self.flush()
        self.prefix = outer

    def _row(self, node: LexborNode) -> None:
        self.flush()
        cells = [_clean(cell.text(separator=" ")) for cell in node.iter() if cell.tag in {"td", "th"}]
        if any(cells):
            self.builder.block(" | ".join(cells), kind=HEADER_ROW if self.new_table else "row")
            self.new_table = False

    def _pre(self, node: LexborNode) -> None:
        self.flush()
        for line in (node.text() or "").split("\n"):
            if line.strip():
                self.builder.block(_clean(line), kind="code")


def parse_html(text: str, *, title: str) -> tuple[str | None, list[Section]]:
    """Return ``(title found in the page or None, sections)``: the first h1, else ``<title>``."""
    tree = LexborHTMLParser(text)
    title_node = tree.css_first("title")
    page_title = _clean(title_node.text()) if title_node is not None else ""
    builder = SectionBuilder(page_title or title)
    walker = _Walker(builder)
    root = tree.body or tree.root
    if root is not None:
        walker.visit(root)
        walker.flush()
    return walker.first_h1 or page_title or None, builder.finish()
