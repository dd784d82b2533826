"""DOCX to sections with python-docx, in reading order (paragraphs and tables interleaved).

Word documents carry their structure in paragraph styles: "Title" is the document title
(level 1), "Heading N" / "Kop N" (Dutch Word) is level N + 1, list styles and numbered
paragraphs are list items. Tables keep one line per row.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO

import docx
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from index.clean import clean_text, collapse_spaces, normalize_characters
from index.documents import Section

from . import FormatError
from .sections import HEADER_ROW, SectionBuilder

CORRUPT = "beschadigd Word-bestand (geen geldig .docx) - sla het opnieuw op als .docx of verwijder het"

_HEADING_STYLE = re.compile(r"^(?:heading|kop)\s*(\d)$", re.IGNORECASE)
_TITLE_STYLES = frozenset({"title", "titel"})
_LIST_STYLE = re.compile(r"list|lijst|opsomming", re.IGNORECASE)


def _open(data: bytes) -> DocxDocument:
    try:
        return docx.Document(BytesIO(data))
    except Exception:  # noqa: BLE001 - zipfile, python-docx and lxml raise many types on bad packages
        raise FormatError(CORRUPT) from None


def _line(text: str) -> str:
    return collapse_spaces(normalize_characters(text)).replace("\n", " ").strip()


def _style_name(paragraph: Paragraph) -> str:
    try:
        return (paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, ValueError):
        return ""


def _is_list(paragraph: Paragraph, style: str) -> bool:
    if _LIST_STYLE.search(style):
        return True
    properties = paragraph._p.pPr  # noqa: SLF001 - numbering is not exposed by python-docx
    return properties is not None and properties.numPr is not None


def _table_rows(table: Table) -> list[str]:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = _line(cell.text)
            if not cells or text != cells[-1]:  # merged cells repeat their text
                cells.append(text)
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


def _blocks(document: DocxDocument) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables of the body in document order."""
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, document)
        elif tag == "tbl":
            yield Table(child, document)


def parse_docx(data: bytes, *, title: str) -> tuple[str | None, list[Section]]:
    """Return ``(title found in the document or None, sections)``.

    The found title is the first "Title"-styled paragraph, else the core properties title.
    """
    document = _open(data)
    core_title = _line(document.core_properties.title or "") or None
    builder = SectionBuilder(core_title or title)
    found: str | None = None
    for block in _blocks(document):
        if isinstance(block, Table):
            for n, row in enumerate(_table_rows(block)):
                builder.block(row, kind="row" if n else HEADER_ROW)
            continue
        text = _line(block.text)
        if not text:
            continue
        style = _style_name(block)
        heading = _HEADING_STYLE.match(style)
        if style.lower() in _TITLE_STYLES:
            found = found or text
            builder.heading(1, text)
        elif heading:
            builder.heading(int(heading.group(1)) + 1, text)
        elif _is_list(block, style):
            builder.block("- " + text.lstrip("-•·▪* "), kind="item")
        else:
            builder.block(clean_text(text, ocr=False))  # typed text, never OCR
    return found or core_title, builder.finish()
