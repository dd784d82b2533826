"""Clean body text extracted from real documents (OCR'd text, PDF, plain text).

Extracted text is hard-wrapped, hyphenated at line ends, full of typographic and OCR
noise, and uses a zoo of bullet characters. Retrieval and answer quotes work on words
and paragraphs, so :func:`clean_text` turns such text into paragraphs separated by a
blank line, with each list item on its own line starting with ``"- "`` (numbered items
keep their number). Every rule is generic; none is tuned to one sentence.

The steps are small named functions so that loaders can reuse the character-level ones
(:func:`normalize_characters`) on text that is already structured, such as Markdown.

OCR repairs (word confusions such as é for ë, bullets read as "e"/"o") apply only to
text that shows OCR signs (:func:`looks_like_ocr`): on digital text (Markdown, DOCX,
HTML, PDF with a real text layer) they could only damage correct spelling.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# --- characters -----------------------------------------------------------------------

# Dutch ĳ/Ĳ (U+0133/U+0132) as one character: "bĳ" and "bij" must be the same word to BM25 and quotes.
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st", "ĳ": "ij", "Ĳ": "IJ"}
_QUOTES = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
}
_DELETE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile(r"\r\n?|[\f\v\u2028\u2029\x85]")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_DOUBLED_QUOTES = re.compile(r"'{2,}|\"{2,}")
_TRANSLATE = str.maketrans({**_LIGATURES, **_QUOTES})


def normalize_characters(text: str) -> str:
    """Map typographic and invisible characters to plain ones and apply NFC.

    Straight quotes and plain spaces keep search and quoting predictable; soft hyphens and
    zero-width characters would otherwise split words invisibly. Doubled quote marks
    (``“"``, ``'’``) are an OCR artefact and collapse to one.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_DELETE).translate(_TRANSLATE)
    text = _SPACES.sub(" ", text)
    text = _CONTROL.sub("", text)
    text = _DOUBLED_QUOTES.sub(lambda m: m.group(0)[0], text)
    return unicodedata.normalize("NFC", text)


# --- OCR word fixes -----------------------------------------------------------------


@dataclass(frozen=True)
class WordFix:
    """One known OCR confusion: a regex, its replacement and why it is safe."""

    pattern: re.Pattern[str]
    replacement: str
    reason: str


# Word-level OCR confusions seen in scanned Dutch policy documents. Keep this table small
# and each pattern specific enough that it cannot hit correctly spelled Dutch.
OCR_WORD_FIXES: tuple[WordFix, ...] = (
    WordFix(re.compile(r"(?<=[aeiouAEIOU])é(?=[a-z])"), "ë",
            "OCR reads a diaeresis as an acute accent: financiéle, geévalueerd, creéert"),
    WordFix(re.compile(r"\b([Cc])odrdin"), r"\1oördin",
            "OCR reads 'oö' in coördin... (coördinatie, coördineert) as 'od'"),
    WordFix(re.compile(r"(?<![\w.])0\.a\.(?!\w)"), "o.a.", "OCR reads the 'o' of o.a. as a zero"),
)


def fix_ocr_words(text: str) -> str:
    """Apply :data:`OCR_WORD_FIXES` (only to text that :func:`looks_like_ocr`)."""
    for fix in OCR_WORD_FIXES:
        text = fix.pattern.sub(fix.replacement, text)
    return text


_OCR_BULLET_LINE = re.compile(r"^\s*[eo]\s+[A-Za-z]", re.MULTILINE)  # "•" read as "e"/"o" (no Dutch word)
DEFAULT_MIN_OCR_SIGNS = 2


def ocr_signs(text: str) -> int:
    """How many OCR traces ``text`` has: known word confusions and bullets read as letters."""
    confusions = sum(len(fix.pattern.findall(text)) for fix in OCR_WORD_FIXES)
    return confusions + len(_OCR_BULLET_LINE.findall(text))


def looks_like_ocr(text: str, *, min_signs: int = DEFAULT_MIN_OCR_SIGNS) -> bool:
    """True when ``text`` shows at least ``min_signs`` OCR traces (one can be a real word)."""
    return ocr_signs(text) >= min_signs


_SPACE_RUN = re.compile(r" {2,}")


def collapse_spaces(text: str) -> str:
    """Collapse runs of spaces and strip every line."""
    return "\n".join(line.strip() for line in _SPACE_RUN.sub(" ", text).split("\n"))


# --- hyphenation --------------------------------------------------------------------

_CONJUNCTIONS = frozenset({"en", "of", "tot", "noch", "als", "and", "or"})
_LINE_END_HYPHEN = re.compile(r"([\w&]+)-\n(\n?)[ ]*([\w]+)")


_SENTENCE_BOUNDARY = frozenset(".!?:-")


def _starts_sentence(text: str, position: int) -> bool:
    """True when the word at ``position`` is the first of a sentence, paragraph or item."""
    before = text[:position].rstrip()
    return not before or before[-1] in _SENTENCE_BOUNDARY


def _join_hyphenated(match: re.Match[str]) -> str:
    left, blank, right = match.group(1), match.group(2), match.group(3)
    if blank and not right[0].islower():
        return match.group(0)  # a paragraph break, not a word split across a blank line
    if right.lower() in _CONJUNCTIONS:
        return f"{left}- {right}"  # "op- en afschalen"
    name_like = left.isupper() or left[-1].isdigit() or "&" in left
    capitalised = left[0].isupper() and not _starts_sentence(match.string, match.start(1))
    if name_like or capitalised or right[0].isupper() or right[0].isdigit():
        return f"{left}-{right}"  # COA-medewerkers, Schengen-landen, Noord-Holland, 2020-2021
    return left + right  # onder-steuning -> ondersteuning


def dehyphenate(text: str) -> str:
    """Join words split by a hyphen at a line end.

    The hyphen stays where Dutch writes one anyway: after an acronym or a digit
    (``COA-medewerkers``), after a capitalised word inside a sentence (a name:
    ``Schengen-landen``), before a capital (``Noord-Holland``) and before a conjunction
    (``op- en afschalen``). A capitalised word that starts a sentence (``Onder-steuning``)
    is an ordinary word and is joined.
    """
    return _LINE_END_HYPHEN.sub(_join_hyphenated, text)


# --- bullets ------------------------------------------------------------------------

_BULLET_CHARS = "•·¢▪■●◦‣∙○□➢➤►✓✔\uf0a7\uf0b7\uf076\uf0d8\uf0fc–—−*+-"
_STRONG_BULLET = re.compile(rf"^\s*[{_BULLET_CHARS}]\s+(?=\S)")
_LONE_BULLET = re.compile(rf"^\s*[{_BULLET_CHARS}]\s*$")
_WEAK_BULLET = re.compile(r"^\s*[eo]\s+(?=\S)")  # OCR of a bullet: "e Kennis van ..."
_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+(?=\S)")
_WEAK_REACH = 3  # non-blank lines to look for a neighbouring bullet


def _bullet_starts(lines: list[str]) -> list[bool]:
    """Which lines start a bulleted item (weak markers need a list context)."""
    strong = [bool(_STRONG_BULLET.match(line)) for line in lines]
    weak = [bool(_WEAK_BULLET.match(line)) for line in lines]
    filled = [i for i, line in enumerate(lines) if line.strip()]
    position = {line_no: n for n, line_no in enumerate(filled)}
    result = list(strong)
    for i in (i for i in range(len(lines)) if weak[i] and not strong[i]):
        n = position[i]
        before = filled[max(0, n - _WEAK_REACH):n]
        after = filled[n + 1:n + 1 + _WEAK_REACH]
        after_colon = n > 0 and lines[filled[n - 1]].rstrip().endswith(":")
        neighbour = any(strong[j] or weak[j] for j in before + after)
        result[i] = after_colon or neighbour
    return result


def _attach_lone_markers(lines: list[str]) -> list[str]:
    """PDF extraction often puts a bullet on its own line: join it to the next text line."""
    out: list[str] = []
    pending = False
    for line in lines:
        if _LONE_BULLET.match(line):
            pending = True
            continue
        if pending and line.strip():
            line = "- " + line.strip()
            pending = False
        out.append(line)
    return out


def normalize_bullets(text: str, *, ocr: bool = True) -> str:
    """Rewrite every bullet marker, OCR'd ones included (when ``ocr``), as ``"- "``.

    ``e`` and ``o`` at the start of a line are OCR readings of a bullet only in a list
    context (after a colon, or near other bullet lines); elsewhere they are left alone.
    """
    lines = _attach_lone_markers(text.split("\n"))
    starts = _bullet_starts(lines) if ocr else [bool(_STRONG_BULLET.match(line)) for line in lines]
    for i, is_bullet in enumerate(starts):
        if is_bullet:
            marker = _STRONG_BULLET.match(lines[i]) or _WEAK_BULLET.match(lines[i])
            assert marker is not None
            lines[i] = "- " + lines[i][marker.end():].strip()
    return "\n".join(lines)


# --- paragraphs ---------------------------------------------------------------------

_ENDS_SENTENCE = re.compile(r"[.!?:]['\")]*$")
_ENDS_CLAUSE = re.compile(r"[.!?:;]['\")]*$")
_SHORT_LINE_RATIO = 0.7
_MIN_WIDTH_FOR_SHORT_LINES = 40


@dataclass
class _Block:
    """A paragraph (one entry) or a list (one entry per item)."""

    is_list: bool
    parts: list[str] = field(default_factory=list)

    def text(self) -> str:
        return ("\n" if self.is_list else " ").join(self.parts)


def _is_item(line: str, previous: str | None, in_list: bool) -> bool:
    if line.startswith("- "):
        return True
    if not _NUMBERED.match(line):
        return False
    return previous is None or in_list or bool(_ENDS_CLAUSE.search(previous))


def _starts_lower(line: str) -> bool:
    return line[:1].islower()


class _ParagraphJoiner:
    """Turns hard-wrapped lines into paragraphs and list items.

    A line continues the current paragraph or item unless a blank line, a new item or a
    short line ending a sentence (the typical end of a paragraph in wrapped text) comes
    first. A blank line between a line without final punctuation and a line starting in
    lower case is a wrapping accident (OCR double spacing) and does not break.
    """

    def __init__(self, width: int) -> None:
        self.width = width
        self.blocks: list[_Block] = []
        self.after_blank = True
        self.previous: str | None = None

    def feed(self, line: str) -> None:
        if not line:
            self.after_blank = True
            return
        block = self.blocks[-1] if self.blocks else None
        if _is_item(line, self.previous, bool(block and block.is_list and not self.after_blank)):
            self._add_item(line, block)
        elif block and self._continues(line, block):
            block.parts[-1] += " " + line
        else:
            self.blocks.append(_Block(is_list=False, parts=[line]))
        self.previous = line
        self.after_blank = False

    def _add_item(self, line: str, block: _Block | None) -> None:
        same_kind = block and block.is_list and block.parts[-1].startswith("- ") == line.startswith("- ")
        if block and block.is_list and (same_kind or not self.after_blank):
            block.parts.append(line)
        else:
            self.blocks.append(_Block(is_list=True, parts=[line]))

    def _continues(self, line: str, block: _Block) -> bool:
        last = block.parts[-1]
        if self.after_blank:
            return _starts_lower(line) and not _ENDS_CLAUSE.search(last)
        if block.is_list:
            return _starts_lower(line) or not _ENDS_SENTENCE.search(last)
        return not self._ends_paragraph(line)

    def _ends_paragraph(self, line: str) -> bool:
        previous = self.previous or ""
        if self.width < _MIN_WIDTH_FOR_SHORT_LINES or not _ENDS_SENTENCE.search(previous):
            return False
        starts_new = line[:1].isupper() or line[:1].isdigit()
        return starts_new and len(previous) < _SHORT_LINE_RATIO * self.width

    def text(self) -> str:
        return "\n\n".join(block.text() for block in self.blocks)


def join_lines(text: str) -> str:
    """Join hard-wrapped lines into paragraphs (blank line between them) and list items."""
    lines = [line.strip() for line in text.split("\n")]
    joiner = _ParagraphJoiner(width=max((len(line) for line in lines), default=0))
    for line in lines:
        joiner.feed(line)
    return joiner.text()


# --- pipeline -----------------------------------------------------------------------


MAX_PASSES = 4


def _clean_once(text: str, ocr: bool) -> str:
    text = collapse_spaces(normalize_characters(text))
    text = dehyphenate(text)  # hard wrapping, not OCR: digital PDFs are hyphenated too
    text = normalize_bullets(text, ocr=ocr)
    text = join_lines(text)
    if ocr:
        text = fix_ocr_words(text)
    return collapse_spaces(text).strip()


def clean_text(text: str, *, ocr: bool | None = None) -> str:
    """Clean extracted body text; see the module docstring for the result's shape.

    ``ocr`` says whether OCR repairs apply; None detects it on ``text`` itself (callers
    that clean a document piece by piece decide once for the whole document).
    The steps run until the text stops changing (at most ``MAX_PASSES`` times): joining
    lines can expose a pattern for an earlier rule (a bullet marker that was alone on its
    line now starts an item), and cleaning clean text must not change it.
    """
    if ocr is None:  # also on the text as cleaning leaves it: an expanded ligature or joined line can form an OCR trace
        ocr = looks_like_ocr(text) or looks_like_ocr(_clean_once(text, False))
    for _ in range(MAX_PASSES):
        cleaned = _clean_once(text, ocr)
        if cleaned == text:
            break
        text = cleaned
    return text
