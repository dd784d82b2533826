"""Remove markup from Markdown text: mkdocs macros, comments, inline HTML, inline syntax.

Block structure (headings, lists, tables) is handled in :mod:`index.formats.markdown`;
this module only rewrites text so that what is left is what a reader sees: link text
without the URL, no emphasis markers, images only by an alt text that describes them, no
template code.
"""
from __future__ import annotations

import html
import re
from typing import Callable

from index.clean import normalize_characters

# --- attribute lists (mkdocs attr_list, Docusaurus heading ids) -------------------------

_ATTR_TOKEN = r"""(?:[.#][\w-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s{}"']+))"""
_ATTR_FIRST = rf"(?::\s*(?:{_ATTR_TOKEN}|[\w-]+)|{_ATTR_TOKEN}|data-[\w-]+)"
ATTR_LIST = re.compile(rf"\{{\s*{_ATTR_FIRST}(?:\s+(?:{_ATTR_TOKEN}|[\w-]+))*\s*\}}")
_SEARCH_EXCLUDE = re.compile(r"(?<![\w-])data-search-exclude(?![\w-])")
_TRAILING_ATTR_LIST = re.compile(rf"\s*({ATTR_LIST.pattern})\s*$")


def split_attr_list(line: str) -> tuple[str, str]:
    """``("## Kop", "{ data-search-exclude }")`` for a line ending in an attribute list."""
    match = _TRAILING_ATTR_LIST.search(line)
    if not match:
        return line, ""
    return line[: match.start()], match.group(1)


def excluded_from_search(attr_list: str) -> bool:
    """True for an attribute list that carries ``data-search-exclude`` (mkdocs Material)."""
    return bool(_SEARCH_EXCLUDE.search(attr_list))


def is_attr_list(line: str) -> bool:
    """A line that is nothing but an attribute list (attr_list's block syntax)."""
    return bool(ATTR_LIST.fullmatch(line.strip()))


# --- template code and comments (run on raw text, may span lines) ---------------------

_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


# ReSpec (the specifications of Logius, Geonovum, W3C) links terms with shorthands that render
# as the term itself: {{Register}} (IDL; {{Window/event}} shows "event"), [=term=] and
# [=term|shown text=]. Template engines write {{ variable }} with spaces, or start with a dot or
# sigil ({{.Title}}, {{< ref >}}), so only an identifier tight against the braces is ReSpec's.
_RESPEC_IDL = re.compile(r"\{\{([A-Za-z_][\w-]*(?:/[\w-]+(?:\(\))?)*)(?:\|([^{}|\n]+))?\}\}")
_RESPEC_TERM = re.compile(r"\[=\s*([^\[\]=|\n]+?)\s*(?:\|\s*([^\[\]=|\n]+?)\s*)?=\]")


def respec_shorthands(text: str) -> str:
    """ReSpec's term links as the words they render: "Een {{Dataverwerking}} bestaat uit ..."
    keeps its subject, which template removal would otherwise cut out."""
    text = _RESPEC_IDL.sub(lambda m: (m.group(2) or m.group(1).rsplit("/", 1)[-1]).strip(), text)
    return _RESPEC_TERM.sub(lambda m: m.group(2) or m.group(1), text)


def remove_template_code(text: str) -> str:
    """Drop mkdocs/Jinja macros (``{{ ... }}``, ``{% ... %}``, ``{# ... #}``) and HTML comments.

    Macros render to content we cannot reproduce; leaving them in would put template
    code into answers. ReSpec's term shorthands are not macros: they become their term
    (:func:`respec_shorthands`).
    """
    return _TEMPLATE.sub("", respec_shorthands(_COMMENT.sub("", text)))


# --- block-level HTML embedded in Markdown --------------------------------------------

_DROPPED_ELEMENTS = re.compile(
    r"<(script|style|button|svg|noscript|template|iframe)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE
)
_HEADING_ELEMENT = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.DOTALL | re.IGNORECASE)
_LIST_ITEM_START = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
_ROW_END = re.compile(r"</tr\s*>", re.IGNORECASE)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TABLE_ROW_LINE = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.MULTILINE)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|section|article|main|ul|ol|li|table|thead|tbody|tfoot|tr|blockquote|details|summary"
    r"|figure|figcaption|dl|dt|dd|hr|aside|nav|header|footer|pre|form|fieldset|center)\b[^>]*>",
    re.IGNORECASE,
)
# A JSX tab (Docusaurus <TabItem value="x" label="Gemeente">): its label titles the content,
# as a mkdocs content tab's title does.
_TAB_LABEL = re.compile(r"<TabItem\b[^<>]*?\blabel=(?:\"([^\"]*)\"|'([^']*)')[^<>]*>")
# VitePress/VuePress <Badge text="beta" />: the badge shows its text.
_BADGE = re.compile(r"<Badge\b[^<>]*?\btext=(?:\"([^\"]*)\"|'([^']*)')[^<>]*>")
_ANY_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|<[A-Za-z][\w:-]*=[^<>]*>")
# MDX live examples wrap their markup in a render function: "{() => ( <> ... </> )}".
_JSX_RENDER = re.compile(r"\{\s*\(\s*\)\s*=>\s*\(\s*(?:<>)?|(?:</>)?\s*\)\s*\}(?=\s*(?:<|$))|</?>", re.MULTILINE)


def html_blocks_to_markdown(text: str) -> str:
    """Turn embedded HTML into the Markdown the block parser understands.

    Headings become ATX headings (so they join the heading path), list items become
    ``- `` items, table rows separate lines with ``|`` between cells, other block
    elements become line breaks; remaining tags are removed and their text kept.
    """
    text = _JSX_RENDER.sub("", _DROPPED_ELEMENTS.sub("", text))
    text = _TABLE_ROW_LINE.sub(lambda m: _LINE_BREAK.sub(" ", m.group(0)), text)  # <br> in a cell: a space
    text = _BADGE.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = _TAB_LABEL.sub(lambda m: "\n\n" + (m.group(1) or m.group(2) or "") + "\n\n", text)
    text = _HEADING_ELEMENT.sub(
        lambda m: "\n\n" + "#" * int(m.group(1)) + " " + " ".join(_ANY_TAG.sub("", m.group(2)).split()) + "\n\n",
        text,
    )
    text = _LIST_ITEM_START.sub("\n- ", text)
    text = _CELL_END.sub(" | ", text)
    text = _ROW_END.sub("\n\n", text)
    text = _LINE_BREAK.sub("\n", text)
    text = _BLOCK_TAG.sub("\n", text)
    return _ANY_TAG.sub("", text)


# --- inline Markdown (one logical line at a time) -------------------------------------

_BRACKETED = r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]"
_PARENS = r"\((?:[^()]|\([^()]*\))*\)"
_INLINE_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"\[\^[^\]\s]+\]"), ""),  # footnote marker [^1]
    (re.compile(r"!" + _BRACKETED + r"(?:" + _PARENS + r"|\[[^\]]*\])"), lambda m: _described(m.group(1))),  # image
    (re.compile(r"\[\s*\](?:" + _PARENS + r")?"), ""),  # left by a removed image: [![alt](img)](img "title")
    (re.compile(_BRACKETED + _PARENS), r"\1"),  # [text](url)
    (re.compile(_BRACKETED + r"\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>"), r"\1"),  # autolink
    (re.compile(r"<([^@>\s]+@[^@>\s]+\.[a-z]{2,})>", re.IGNORECASE), r"\1"),  # e-mail autolink
    (ATTR_LIST, ""),  # attribute list {target="_blank"}, { data-search-exclude }, {: .class }
    (re.compile(r"\{/\*.*?\*/\}"), ""),  # MDX comment {/* ... */}
    (re.compile(r":(?:material|fontawesome|octicons|simple)-[\w-]+:"), ""),  # mkdocs icon
    (re.compile(r"(?<![^\s(\[]):[a-z0-9_+-]*[a-z][a-z0-9_+-]*:(?=[\s.,;!?)\]]|$)"), ""),  # emoji :warning:
    (re.compile(r"\[\[\[?!?#?([^\[\]|]+?)\]\]\]?"), r"\1"),  # ReSpec reference [[RFC2119]], wiki link
    (re.compile(r"\[/?[ibu]\]", re.IGNORECASE), ""),  # BBCode emphasis
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis *x*
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),  # emphasis _x_
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), ""),  # struck out: withdrawn text, not the current rule
    (re.compile(r"(==|\^\^)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # mark, insert
    (re.compile(r"\\([!-/:-@\[-`{-~])"), r"\1"),  # backslash escape
    (re.compile(r"\\(?=\s|$)"), ""),  # hard line break "regel\" (CommonMark), joined into the paragraph
)
_SPACES = re.compile(r"\s+")
MIN_DESCRIPTION_WORDS = 8  # alt text this long describes a chart or diagram; shorter is a label or file name


def _described(alt: str) -> str:
    """What an image leaves in the text: its alt text when that describes it (accessible
    sites spell out a chart's figures there: "cirkeldiagram ...: niet melden 34%, ..."),
    nothing for a label ("logo", "schema") or a file name."""
    words = alt.split()
    if len(words) < MIN_DESCRIPTION_WORDS:
        return ""
    text = " ".join(words)
    return text if text.endswith((".", "!", "?")) else text + "."


_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_MASK = re.compile("\x00(\\d+)\x00")


def outside_code_spans(text: str, transform: Callable[[str], str], *, keep_ticks: bool = True) -> str:
    """Apply ``transform`` to the text outside inline code spans; a span stays as written.

    Technical pages name elements and syntax in code ("zet `<th>` om een kopcel",
    "`{{ site.url }}`"): removing tags or template code there cut the words out of the
    sentence. Without ``keep_ticks`` a span is put back without its backticks.
    """
    spans: list[str] = []

    def mask(m: re.Match[str]) -> str:
        spans.append(m.group(0) if keep_ticks else m.group(2))
        return f"\x00{len(spans) - 1}\x00"

    masked = _CODE_SPAN.sub(mask, text)
    if not spans:
        return transform(text)
    return _MASK.sub(lambda m: spans[int(m.group(1))], transform(masked))


def _strip_prose(text: str) -> str:
    text = _ANY_TAG.sub("", text)
    for pattern, replacement in _INLINE_RULES:
        text = pattern.sub(replacement, text)
    return html.unescape(text)


def strip_inline(text: str) -> str:
    """Remove inline Markdown and HTML from one logical line and normalise characters
    (code spans keep their text, without backticks)."""
    text = outside_code_spans(text, _strip_prose, keep_ticks=False)
    text = normalize_characters(text)  # digital text: no OCR repairs (index.clean.looks_like_ocr)
    return _SPACES.sub(" ", text).strip()
