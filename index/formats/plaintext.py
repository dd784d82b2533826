"""Plain text (and text extracted from PDF pages) to sections.

Such text has no markup, so structure is recovered with rules that hold for Dutch policy
documents: numbered headings (``1) Inleiding``, ``IV. Netwerkfunctie``, ``1. Kernteam``,
``2.3 Financiering``), a title in the first short lines, and page furniture (running
headers and footers, page numbers) that must not end up in the middle of a paragraph.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from index.clean import clean_text, collapse_spaces, fix_ocr_words, looks_like_ocr, normalize_characters
from index.documents import Section

from .sections import SectionBuilder

MAX_HEADING_CHARS = 70
MAX_HEADING_WORDS = 10
MAX_TITLE_LINES = 3
TITLE_WIDTH_RATIO = 0.6  # a title line is clearly shorter than a wrapped body line
FURNITURE_EDGE_LINES = 3  # lines at the top and bottom of a page that may be furniture
MAX_FURNITURE_CHARS = 100

_HEADING = re.compile(
    r"^(?P<num>\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}[.)]|[IVXl1]{1,6}[.)])\s+(?P<text>\S.*)$"
)
_ROMAN = re.compile(r"^(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})$")
_ENDS_SENTENCE = re.compile(r"[.!?]['\")]*$")
_NO_HEADING_END = re.compile(r"[.,;:]$")
_ENDS_PUNCTUATION = re.compile(r"[.!?:;,]['\")]*$")
_PAGE_NUMBER = re.compile(
    r"^(?:pagina|page|blz\.?|p\.)?\s*[-–]?\s*\d{1,4}\s*(?:(?:/|van|of)\s*\d{1,4})?\s*[-–]?$", re.IGNORECASE
)
_MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
_DATED_RUNNING_LINE = re.compile(rf"\|.*\b(?:{_MONTHS}|\d{{4}})\b", re.IGNORECASE)


@dataclass(frozen=True)
class HeadingMatch:
    """A numbered heading: its level, numbering style and normalised text."""

    level: int
    style: str
    text: str


def _roman(token: str) -> str | None:
    """OCR-tolerant roman numeral: ``1V`` and ``Il`` read as ``IV`` and ``II``."""
    if not re.search(r"[IVX]", token):
        return None
    fixed = token.replace("1", "I").replace("l", "I")
    return fixed if _ROMAN.match(fixed) else None


def match_heading(line: str) -> HeadingMatch | None:
    """Classify ``line`` as a numbered heading candidate (context is checked elsewhere)."""
    match = _HEADING.match(line)
    if not match or len(line) > MAX_HEADING_CHARS:
        return None
    num, text = match.group("num"), match.group("text").strip()
    if not text[0].isupper() or _NO_HEADING_END.search(text) or len(text.split()) > MAX_HEADING_WORDS:
        return None
    if sum(ch.isalpha() for ch in text) < 2:
        return None
    if num.rstrip(".").count(".") and num[0].isdigit():
        depth = num.rstrip(".").count(".")
        return HeadingMatch(min(6, 3 + depth), "decimal", f"{num} {text}")
    if num[0].isdigit() and (num[:-1].isdigit()):
        style = "arabic" + num[-1]
        return HeadingMatch(2 if num.endswith(")") else 3, style, f"{num} {text}")
    roman = _roman(num[:-1])
    if roman is None:
        return None
    return HeadingMatch(3, "roman" + num[-1], f"{roman}{num[-1]} {text}")


# --- page furniture -----------------------------------------------------------------


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _edge_indexes(lines: list[str]) -> set[int]:
    filled = [i for i, line in enumerate(lines) if line]
    return set(filled[:FURNITURE_EDGE_LINES] + filled[-FURNITURE_EDGE_LINES:])


def _isolated(lines: list[str], i: int) -> bool:
    before = i == 0 or not lines[i - 1]
    after = i == len(lines) - 1 or not lines[i + 1]
    return before and after


def remove_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Blank out running headers/footers and page numbers.

    Furniture is a page number alone on its line; a short label (no final punctuation)
    that occurs two or more times at a page edge (in a text without page breaks: alone
    between blank lines); or a ``... | month year`` running line alone between blank
    lines, recognised even when the extraction kept only one of them. The first block of
    the first page (the title) is never taken for a running line.
    """
    counts = Counter(_furniture_key(line) for page in pages for line in page if line)
    title_block = _first_block(pages[0]) if pages else set()
    cleaned: list[list[str]] = []
    for page_no, lines in enumerate(pages):
        edges = _edge_indexes(lines)
        out = list(lines)
        for i, line in enumerate(lines):
            if not line or len(line) > MAX_FURNITURE_CHARS:
                continue
            at_edge = i in edges if len(pages) > 1 else _isolated(lines, i)
            if _PAGE_NUMBER.match(line) and (at_edge or _isolated(lines, i)):
                out[i] = ""
            elif _ENDS_PUNCTUATION.search(line):
                continue  # running headers are labels, not sentences
            elif at_edge and counts[_furniture_key(line)] >= 2:
                out[i] = ""
            elif _isolated(lines, i) and _DATED_RUNNING_LINE.search(line) and not (page_no == 0 and i in title_block):
                out[i] = ""
        cleaned.append(out)
    return cleaned


def _first_block(lines: list[str]) -> set[int]:
    block: set[int] = set()
    for i, line in enumerate(lines):
        if line:
            block.add(i)
        elif block:
            break
    return block


# --- title ----------------------------------------------------------------------------


def _title_like(line: str, width: int) -> bool:
    return (
        bool(line)
        and line[0].isupper()
        and not re.search(r"[.,;:!?]$", line)
        and match_heading(line) is None
        and len(line) <= TITLE_WIDTH_RATIO * max(width, MAX_HEADING_CHARS)
    )


def take_title(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split the leading title lines off the first page: ``(title_lines, rest)``.

    Title lines are the first one to three short lines without final punctuation, ended
    by a blank line or by a line that is not title-like, and followed by more text.
    """
    width = max((len(line) for line in lines), default=0)
    start = next((i for i, line in enumerate(lines) if line), len(lines))
    title: list[str] = []
    i = start
    while i < len(lines) and len(title) < MAX_TITLE_LINES and _title_like(lines[i], width):
        title.append(lines[i])
        i += 1
    ended_by_blank = i >= len(lines) or not lines[i]
    has_body = any(lines[i:])
    if not title or not has_body or not (ended_by_blank or len(title) < MAX_TITLE_LINES):
        return [], lines
    return title, lines[i:]


# --- headings in context --------------------------------------------------------------


@dataclass
class _Line:
    text: str
    page: int
    blank_before: bool
    blank_after: bool


def _flatten(pages: list[list[str]]) -> list[_Line]:
    """Non-blank lines of all pages, with whether a blank line (or page edge) surrounds them."""
    result: list[_Line] = []
    for page_no, lines in enumerate(pages, start=1):
        filled = [i for i, line in enumerate(lines) if line]
        for n, i in enumerate(filled):
            before = n == 0 or filled[n - 1] != i - 1
            after = n == len(filled) - 1 or filled[n + 1] != i + 1
            result.append(_Line(lines[i], page_no, before, after))
    return result


def _heading_at(lines: list[_Line], i: int) -> HeadingMatch | None:
    """A candidate is a heading if its context says so (not a numbered list item)."""
    candidate = match_heading(lines[i].text)
    if candidate is None or i + 1 >= len(lines):
        return None
    following = match_heading(lines[i + 1].text)
    if following is not None and following.style == candidate.style:
        return None  # two numbered lines of one style in a row: a list
    line = lines[i]
    if line.blank_before and line.blank_after:
        return candidate
    previous = lines[i - 1].text if i > 0 else ""
    starts_block = line.blank_before or not previous or bool(_ENDS_SENTENCE.search(previous))
    next_starts_sentence = lines[i + 1].text[:1].isupper()
    return candidate if starts_block and next_starts_sentence else None


# --- assembly ---------------------------------------------------------------------------


@dataclass
class PlainResult:
    """What the plain-text parser found."""

    title: str | None
    sections: list[Section]
    meta: dict[str, Any] = field(default_factory=dict)


class _BodyCollector:
    """Collects raw body lines per heading and page, cleaning them on each boundary."""

    def __init__(self, builder: SectionBuilder, *, paged: bool, ocr: bool) -> None:
        self.builder = builder
        self.paged = paged
        self.ocr = ocr
        self.lines: list[str] = []

    def add(self, line: _Line) -> None:
        if self.paged and line.page != self.builder.current_page:
            self.flush()
            self.builder.page(line.page)
        if line.blank_before and self.lines:
            self.lines.append("")
        self.lines.append(line.text)

    def flush(self) -> None:
        if self.lines:
            self.builder.block(clean_text("\n".join(self.lines), ocr=self.ocr))
        self.lines = []


def parse_plain(pages: list[str], *, title: str, paged: bool = False) -> PlainResult:
    """Parse the text of one or more pages; ``paged`` records PDF page numbers.

    ``title`` is the fallback for the root of the heading path when the text has no
    title lines of its own.
    """
    ocr = looks_like_ocr("\n".join(pages))  # decided once per document: OCR repairs only on OCR text
    page_lines = [[line.strip() for line in normalize_characters(page).split("\n")] for page in pages]
    page_lines = remove_page_furniture(page_lines)
    meta: dict[str, Any] = {}
    found_title: str | None = None
    if page_lines:
        title_lines, rest = take_title(page_lines[0])
        if title_lines:
            found_title = _clean_heading(title_lines[0], ocr)
            if len(title_lines) > 1:
                meta["subtitle"] = " — ".join(_clean_heading(line, ocr) for line in title_lines[1:])
            page_lines[0] = [""] + rest
    builder = SectionBuilder(found_title or title)
    body = _BodyCollector(builder, paged=paged, ocr=ocr)
    lines = _flatten(page_lines)
    for i, line in enumerate(lines):
        heading = _heading_at(lines, i)
        if heading is None:
            body.add(line)
            continue
        body.flush()
        if paged:
            builder.page(line.page)
        builder.heading(heading.level, _clean_heading(heading.text, ocr))
    body.flush()
    return PlainResult(found_title, builder.finish(), meta)


def _clean_heading(text: str, ocr: bool) -> str:
    text = normalize_characters(text)
    return collapse_spaces(fix_ocr_words(text) if ocr else text).strip()
