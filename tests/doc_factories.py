"""Build small real documents (PDF, DOCX) for loader tests, without fixture files, and
read loaded documents back the way the ingestion tests assert on them.

The PDF is written by hand so that the test controls exactly which text lines are on
which page (running header, headings, page number) and needs no PDF-writing library.
"""
from __future__ import annotations

from pathlib import Path

import docx

from index.documents import Document

PAGE_HEIGHT = 842
LEFT_MARGIN = 72
TOP_LINE = 790
LINE_HEIGHT = 14


def _pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252) encoding with the specials escaped."""
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content_stream(lines: list[str], footer: str | None) -> bytes:
    parts = [b"BT /F1 11 Tf %d TL %d %d Td" % (LINE_HEIGHT, LEFT_MARGIN, TOP_LINE)]
    for line in lines:
        parts.append(_pdf_string(line) + b" Tj T*")
    parts.append(b"ET")
    if footer is not None:
        parts.append(b"BT /F1 9 Tf %d 40 Td " % (LEFT_MARGIN * 4) + _pdf_string(footer) + b" Tj ET")
    return b"\n".join(parts)


def make_pdf(pages: list[list[str]], *, footers: list[str] | None = None, title: str | None = None) -> bytes:
    """A valid PDF with one page per list of text lines (Helvetica, top to bottom).

    ``footers`` puts one small line at the bottom of each page (e.g. a page number).
    """
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below, once the page tree number is known
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids: list[int] = []
    for n, lines in enumerate(pages):
        stream = _content_stream(lines, footers[n] if footers else None)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 %d] /Resources << /Font << /F1 %d 0 R >> >>"
            b" /Contents %d 0 R >>" % (tree, PAGE_HEIGHT, font, content)
        ))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects[tree - 1] = b"<< /Type /Pages /Kids [" + refs + b"] /Count %d >>" % len(kids)
    info = add(b"<< /Title " + _pdf_string(title) + b" >>") if title else None

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    trailer += (b" /Info %d 0 R" % info if info else b"") + b" >>"
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def make_docx(path: Path) -> Path:
    """A Word document with a title, nested headings, a bulleted list and a table."""
    document = docx.Document()
    document.add_heading("Werkwijze kernteam", level=0)
    document.add_paragraph("Het kernteam is het eerste aanspreekpunt voor de PRT's.")
    document.add_heading("Taken", level=1)
    document.add_paragraph("Het kernteam heeft drie taken:")
    for item in ("vragen beantwoorden", "kaders ontwikkelen", "de LRT informeren"):
        document.add_paragraph(item, style="List Bullet")
    document.add_heading("Bezetting", level=2)
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, [("Organisatie", "Aantal"), ("COA", "2"), ("VNG", "1")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.add_paragraph("De bezetting wordt elk kwartaal herzien.")
    document.save(str(path))
    return path


def body(document: Document) -> str:
    """The text of all sections, as a reader gets it."""
    return "\n\n".join(s.text for s in document.sections)


def paths(document: Document) -> list[tuple[str, ...]]:
    """The heading path of each section: the page's outline."""
    return [s.heading_path for s in document.sections]


def rules(document: Document) -> list[str]:
    """Which ingestion rules left something out of the document."""
    return [d.rule for d in document.dropped]
