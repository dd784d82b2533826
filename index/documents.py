"""Plain data types shared by loaders, the chunker and the index.

Loaders turn a file into a :class:`Document` made of :class:`Section` objects; the
chunker turns sections into :class:`Chunk` objects that carry everything a citation
needs (title, heading path, page, path) so that nothing has to be looked up later.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


# Why text was left out of the index (keys of BuildReport.dropped).
DROP_SEARCH_EXCLUDE = "search-exclude"  # marked data-search-exclude by the site's author
DROP_EMPTY_CONTAINER = "empty-container"  # admonition/expander without content: only its title
DROP_LINK_LIST = "link-list"  # a list of only links under a references heading ("Bronnen")
DROP_EMPTY_TABLE = "empty-table"  # a Markdown table with column names but no rows: nothing to read
DROP_TODO = "todo"  # an author's note to self ("// TODO ...", "FIXME"): not (yet) content
DROP_BUTTON = "button"  # a link styled as a button ("Direct naar de DPIA"): navigation
DROP_MDX_CODE = "mdx-code"  # import/export lines of an .mdx page
DROP_REPEATED = "repeated"  # the same paragraph on many pages: kept on the first only
DROP_EMBED = "embed"  # video, tweet or card linking another page (Hugo/GitBook tags): nothing to read
DROP_INCLUDE = "include"  # content included from another file by a template tag: not resolved here
DROP_TOC = "toc"  # a table of contents ([[toc]], {:toc}, a list of only in-page links): repeats the headings
DROP_SKIPPED_PATH = "skipped-path"  # generator folder (node_modules, _includes, site ...), LICENSE/CHANGELOG file,
# a site's menu kept as a page (SUMMARY.md, _sidebar.md), a translation beside its page (index.en.md next to
# index.md), or a generated HTML page beside Markdown sources
DROP_OPT_OUT = "opt-out"  # a page whose front matter says index: false: its author keeps it out of search
DROP_FRONT_MATTER = "front-matter"  # front matter that does not parse: fields read line by line, page kept

SECTION_BODY = "body"
SECTION_SUMMARY = "summary"  # the page's front matter description/summary/toelichting
SECTION_LINKS = "links"  # a list whose items are only links (names of other pages): weak evidence


@dataclass(frozen=True)
class Section:
    """A run of body text under one heading path (and, for PDF, on one page)."""

    heading_path: tuple[str, ...]
    text: str
    page: int | None = None
    kind: str = SECTION_BODY


@dataclass(frozen=True)
class Dropped:
    """Text a loader or the build left out on purpose: the rule, where, and its start."""

    rule: str
    heading_path: tuple[str, ...]
    text: str


@dataclass
class Document:
    """A loaded source document.

    ``path`` is the identity of the document in the index (relative to the source root
    where possible); ``meta`` holds front matter such as theme, province, source, updated,
    url, valid_from, valid_until, superseded_by.
    """

    path: str
    title: str
    sections: list[Section]
    meta: dict[str, Any] = field(default_factory=dict)
    dropped: list[Dropped] = field(default_factory=list)


@dataclass(frozen=True)
class Chunk:
    """The unit of retrieval: a passage of one section, with its citation data."""

    id: str  # content hash: same text + same citation data -> same id
    doc_path: str
    title: str
    heading_path: tuple[str, ...]
    text: str
    page: int | None = None
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def section(self) -> str:
        """Human-readable section label for citations."""
        return " › ".join(self.heading_path)
