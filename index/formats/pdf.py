"""PDF to sections with pypdf: one text extraction per page, page numbers kept.

Heading detection, title and page-furniture removal are those of plain text, applied
across pages, so a PDF and the same document saved as text give the same structure.
"""
from __future__ import annotations

import logging
from io import BytesIO

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PyPdfError

from . import FormatError
from .plaintext import PlainResult, parse_plain

logger = logging.getLogger(__name__)

CORRUPT = "beschadigde PDF (kan niet worden gelezen) - sla het opnieuw op of verwijder het"
ENCRYPTED = "PDF is beveiligd met een wachtwoord - sla een versie zonder beveiliging op"
NO_TEXT = "PDF bevat geen tekst; is het een scan? Gebruik een PDF met tekstlaag"

# pypdf logs warnings about repairable damage (with byte offsets, no text); keep them quiet.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _open(data: bytes) -> PdfReader:
    if not data.lstrip().startswith(b"%PDF"):
        raise FormatError(CORRUPT)
    try:
        reader = PdfReader(BytesIO(data))
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError):
        raise FormatError(CORRUPT) from None
    if reader.is_encrypted:
        try:
            if not reader.decrypt(""):  # many "protected" PDFs open with an empty password
                raise FormatError(ENCRYPTED)
        except (FileNotDecryptedError, NotImplementedError, PyPdfError):
            raise FormatError(ENCRYPTED) from None
    return reader


def extract_pages(data: bytes) -> tuple[list[str], str | None]:
    """Return the text of every page and the metadata title (if any)."""
    reader = _open(data)
    try:
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = (reader.metadata or {}).get("/Title") if reader.metadata is not None else None
    except FileNotDecryptedError:
        raise FormatError(ENCRYPTED) from None
    except Exception:  # noqa: BLE001 - pypdf raises many types on damaged streams
        raise FormatError(CORRUPT) from None
    if not any(page.strip() for page in pages):
        raise FormatError(NO_TEXT)
    return pages, str(meta_title).strip() if meta_title else None


def _usable_meta_title(title: str | None) -> str | None:
    """Metadata titles are often file names left by the authoring tool; skip those."""
    if not title or title.lower().startswith(("microsoft word", "untitled", "naamloos")):
        return None
    if title.lower().endswith((".doc", ".docx", ".pdf", ".indd")):
        return None
    return title


def parse_pdf(data: bytes, *, title: str) -> PlainResult:
    """Parse PDF bytes; ``title`` is the fallback title (from the file name)."""
    pages, meta_title = extract_pages(data)
    fallback = _usable_meta_title(meta_title) or title
    result = parse_plain(pages, title=fallback, paged=True)
    if result.title is None and fallback != title:
        result.title = fallback
    return result
