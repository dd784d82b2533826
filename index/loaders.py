"""Find and load source documents into :class:`~index.documents.Document` objects.

This is the one entry point for turning files (Markdown with front matter, plain text,
PDF, DOCX, HTML) or Markdown text from the database into documents with clean body
text and heading paths. The format-specific work lives in :mod:`index.formats`; this
module owns file discovery, decoding, titles, metadata and error reporting.

Errors are :class:`LoadError` with a Dutch message that names the file, says what is
wrong and what to do, because they end up in front of the people who maintain the
knowledge folder. Messages and logs never contain document text.
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .documents import DROP_FRONT_MATTER, SECTION_SUMMARY, Document, Dropped, Section
from .formats import FormatError
from .formats.frontmatter import opts_out, page_variables, plain_values, read_front_matter
from .formats.home_page import hero_title, home_page_sections
from .formats.html_page import parse_html
from .formats.markdown import parse_markdown
from .formats.markup import remove_template_code, strip_inline
from .formats.pdf import parse_pdf
from .formats.plaintext import parse_plain
from .formats.word import parse_docx
from .os_errors import os_problem

logger = logging.getLogger(__name__)

# .mdx: Docusaurus, Starlight, Nextra pages; .mdoc/.markdoc: Markdoc (Starlight, Keystatic); .qmd: Quarto
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdx", ".mdoc", ".markdoc", ".qmd"})
# Front matter fields that hold the page's summary (mkdocs/Docusaurus description, the
# Algoritmekader's toelichting, a Jekyll excerpt, a theme's intro or teaser): indexed as a
# passage of its own. The first that holds text wins.
SUMMARY_FIELDS = (
    "description", "summary", "samenvatting", "toelichting", "omschrijving", "beschrijving", "excerpt", "abstract",
    "lead", "lede", "intro", "introductie", "inleiding", "teaser",
)
# A subtitle says what the page is about when it is a phrase, not a label ("Versie 2", "Handleiding").
SUBTITLE_FIELDS = ("subtitle", "ondertitel", "subheading", "tagline")
MIN_SUBTITLE_WORDS = 4
MIN_SUMMARY_WORDS = 2  # one word is a path or a name ("teaser: /img/kaart.jpg"), not a summary
# Groups under which themes keep the page's description: seo: {description: ...}, Hugo [params].
SUMMARY_GROUPS = ("seo", "meta", "metadata", "params", "opengraph", "og")
SUPPORTED_SUFFIXES: frozenset[str] = MARKDOWN_SUFFIXES | {".txt", ".pdf", ".docx", ".html", ".htm"}

EMPTY = "leeg bestand - voeg tekst toe of verwijder het"
NO_TEXT = "bevat geen tekst - voeg tekst toe of verwijder het"
BINARY = "geen tekstbestand (binaire inhoud) - controleer of de bestandsextensie klopt, of verwijder het"
UNDECODABLE = "onbekende tekencodering - sla het bestand op als UTF-8"
MAX_FILE_BYTES = 100 * 1024 * 1024  # larger files are skipped: read whole into memory, hours to embed
MAX_CONTROL_RATIO = 0.05  # more control characters than this: not a text file
SNIFF_BYTES = 8192


def too_large(size: int, limit: int) -> str:
    """Why a file is skipped for its size, and what to do."""
    mb = 1024 * 1024
    return (f"te groot ({size / mb:.0f} MB; de grens is {limit / mb:.0f} MB) - "
            "splits het in kleinere bestanden, bijvoorbeeld per hoofdstuk")


class LoadError(Exception):
    """A file that cannot be loaded; ``str(e)`` is ``"<file>: <why> - <what to do>"``."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


# --- discovery -----------------------------------------------------------------------


# Folders of a documentation repository that hold no pages of their own: templates and
# partials (pulled into other pages), dependencies, and generated sites (copies of the pages).
GENERATOR_FOLDERS = frozenset({
    "node_modules", "_includes", "_layouts", "_sass", "_site", "_data", "partials", "layouts", "themes",
    "build", "site", "public", "dist", "vendor", "__pycache__", "venv", "overrides",
    "versioned_docs", "versioned_sidebars",  # Docusaurus: copies of older versions of docs/
    "i18n",  # Docusaurus: translations of the pages
})


# Files of a repository that are about the repository rather than its subject.
REPOSITORY_FILES = frozenset({
    "license", "licence", "copying", "changelog", "contributing", "code_of_conduct", "code-of-conduct",
    "pull_request_template",
})


# A site's menu kept as a page: GitBook's and mdBook's SUMMARY.md, Docsify's _sidebar.md and
# _navbar.md, a GitHub wiki's _Sidebar.md. Their link lists name the pages; indexed, they competed
# with those pages for every question about them.
NAVIGATION_FILES = frozenset({"SUMMARY.md", "_sidebar.md", "_navbar.md", "_Sidebar.md"})


def _hidden(name: str) -> bool:
    """Hidden files and folders (``.vitepress``, ``.docusaurus``), and Office lock files (``~$rapport.docx``)."""
    return name.startswith((".", "~$"))


def _skipped_folder(name: str) -> bool:
    return _hidden(name) or name.lower() in GENERATOR_FOLDERS


def _supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def _unsupported(path: Path) -> LoadError:
    allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
    kind = path.suffix or "zonder extensie"
    return LoadError(str(path), f"bestandstype {kind} wordt niet ondersteund - gebruik een van: {allowed}")


def _repository_file(name: str) -> bool:
    """LICENSE.md, CHANGELOG.md, CONTRIBUTING.md ...: about the repository, not the subject
    (also in another language: CONTRIBUTING.en.md)."""
    stem = Path(name).stem
    language = _TRANSLATION.match(stem)
    return (language.group("base") if language else stem).lower() in REPOSITORY_FILES


# A translation beside its page (mkdocs-static-i18n, Hugo): "index.en.md" next to "index.md".
KEEP_LANGUAGE = "nl"  # a Dutch page is never a translation to leave out, whatever the site's default
_TRANSLATION = re.compile(r"^(?P<base>.+)\.(?P<lang>[a-z]{2})(?:[-_][A-Za-z]{2})?$")


def _translation(name: str, names: set[str]) -> bool:
    """Another language's copy of a page in the same folder, which would only compete with the
    page itself (and answer in that language): ``index.en.md`` beside ``index.md`` or
    ``index.nl.md``, and ``regels.md`` beside ``regels.nl.md`` (the Dutch site is built from
    the ``.nl`` file; the one without a language is the default language's, or an older copy)."""
    path = Path(name)
    match = _TRANSLATION.match(path.stem)
    if match is not None and match.group("lang") == KEEP_LANGUAGE:
        return False
    base = match.group("base") if match is not None else path.stem
    dutch = f"{base}.{KEEP_LANGUAGE}{path.suffix}" in names
    return dutch or (match is not None and f"{base}{path.suffix}" in names)


# Hugo and others keep each language in a folder of its own: content/nl/..., content/en/...
# Language codes only (not any two letters: "ai", "ui" and "js" are folders of topics).
LANGUAGE_CODES = frozenset({
    "en", "de", "fr", "fy", "es", "it", "pt", "pl", "tr", "ar", "uk", "ru", "zh", "ja", "ko", "da", "sv", "no",
    "nb", "fi", "cs", "ro", "hu", "el", "bg", "hr", "sk", "sl", "lt", "lv", "et", "so", "ti", "fa",
})
_LANGUAGE_FOLDER = re.compile(r"^(?P<lang>[a-z]{2})(?:[-_][a-z]{2})?$")


def _language(folder: str) -> str | None:
    match = _LANGUAGE_FOLDER.match(folder.lower())
    return match.group("lang") if match and match.group("lang") in LANGUAGE_CODES | {KEEP_LANGUAGE} else None


def _other_language_folders(dirnames: list[str]) -> set[str]:
    """Folders named after another language ("en", "de", "en-GB") beside a folder "nl"."""
    languages = {d: _language(d) for d in dirnames}
    if KEEP_LANGUAGE not in languages.values():
        return set()
    return {d for d, lang in languages.items() if lang is not None and lang != KEEP_LANGUAGE}


def _walk(folder: Path, skipped: list[Path] | None = None) -> list[Path]:
    """Supported files under ``folder``; generator folders, repository and navigation files, translations beside
    their page (or in a language folder beside ``nl/``), a default-language file beside its ``.nl``
    page and generated HTML beside Markdown sources are left out (and listed in ``skipped``
    when given), hidden entries silently."""
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        others = _other_language_folders(dirnames)
        kept = sorted(d for d in dirnames if not _skipped_folder(d) and d not in others)
        if skipped is not None:
            skipped.extend(Path(dirpath) / d for d in sorted(dirnames) if not _hidden(d) and d not in kept)
        dirnames[:] = kept
        names = set(filenames)
        for name in filenames:
            if _hidden(name) or not _supported(Path(name)):
                continue
            if _repository_file(name) or name in NAVIGATION_FILES or _translation(name, names):
                if skipped is not None:
                    skipped.append(Path(dirpath) / name)
                continue
            files.append(Path(dirpath) / name)
    return _without_generated_pages(files, skipped)


# A page a site generator wrote (its output committed beside its Markdown sources).
_GENERATOR_META = re.compile(
    rb"""<meta\s[^>]*name=["']?generator["']?[^>]*content=["']?(?:mkdocs|hugo|docusaurus|jekyll|vitepress|vuepress|"""
    rb"""sphinx|jupyter.?book|gitbook|astro|starlight|docsify|nextra|eleventy|gatsby|zola|pelican|quarto|hexo)""",
    re.IGNORECASE,
)
HTML_SUFFIXES = frozenset({".html", ".htm"})


def _generated_page(path: Path) -> bool:
    """An HTML page whose ``<meta name="generator">`` names a static site generator."""
    try:
        with path.open("rb") as handle:
            return bool(_GENERATOR_META.search(handle.read(SNIFF_BYTES)))
    except OSError:
        return False


def _without_generated_pages(files: list[Path], skipped: list[Path] | None) -> list[Path]:
    """Leave out generated HTML pages when the folder also holds Markdown: they are the
    built copies of those pages (a site committed next to its sources) and would only
    compete with them. A folder of HTML only (a built site given on purpose) keeps them."""
    if not any(f.suffix.lower() in MARKDOWN_SUFFIXES for f in files):
        return files
    generated = {f for f in files if f.suffix.lower() in HTML_SUFFIXES and _generated_page(f)}
    if skipped is not None:
        skipped.extend(sorted(generated))
    return [f for f in files if f not in generated]


def skipped_source_paths(sources: Sequence[Path | str]) -> list[str]:
    """Generator folders and repository files that a walk of ``sources`` leaves out, for the build report."""
    skipped: list[Path] = []
    for source in sources:
        path = Path(source).expanduser()
        if path.is_dir():
            before = len(skipped)
            _walk(path, skipped)
            skipped[before:] = [p.relative_to(path) for p in skipped[before:]]
    return [p.as_posix() for p in skipped]


def find_source_files(sources: Sequence[Path | str]) -> list[tuple[Path, Path]]:
    """Return sorted ``(file, root)`` pairs for every supported file under ``sources``.

    A source is a folder (walked recursively, hidden entries skipped; its root is the
    folder) or a single file (its root is its folder). A missing source or an explicitly
    named unsupported file raises :class:`LoadError`; whether a file opts out with
    ``index: false`` is decided when it is loaded.
    """
    pairs: dict[Path, tuple[Path, Path]] = {}
    for source in sources:
        path = Path(source).expanduser()
        if not path.exists():
            raise LoadError(str(source), "bestand of map bestaat niet - controleer het pad")
        if path.is_dir():
            for file in _walk(path):
                pairs.setdefault(file.resolve(), (file, path))
        elif _supported(path):
            pairs.setdefault(path.resolve(), (path, path.parent))
        else:
            raise _unsupported(path)
    return sorted(pairs.values(), key=lambda pair: pair[0].as_posix())


# --- decoding and titles ----------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Windows-1252 is the usual encoding of Dutch text saved by older Windows tools; it is
    used silently as a fallback because it decodes such files correctly ("financiële").
    Content with NUL bytes or many control characters is rejected as binary.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FormatError(UNDECODABLE) from None
    if b"\x00" in data[:SNIFF_BYTES]:
        raise FormatError(BINARY)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise FormatError(BINARY) from None
    sample = text[:SNIFF_BYTES]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if sample and control / len(sample) > MAX_CONTROL_RATIO:
        raise FormatError(BINARY)
    return text


# A folder's own page (Hugo _index.md, mkdocs/VitePress index.md, GitHub README.md): its
# title is the folder's name, not "Index".
FOLDER_PAGE_STEMS = frozenset({"index", "_index", "readme"})
# A Jekyll post (and many a Hugo news item) is named after its date and slug: 2025-09-11-werkgroep.md.
# Jekyll titles it after the slug; the date is no part of the title.
_DATED_STEM = re.compile(r"^\d{4}-\d{2}-\d{2}-(?=.*[A-Za-z])")


def readable_stem(path: str) -> str:
    """A title made from a file name: ``opgave-zuid-holland.md`` -> ``Opgave zuid holland``.

    A folder's own page (``aansluiten/_index.md``) takes the folder's name; a dated post
    (``2025-09-11-werkgroep.md``) the words after its date, as Jekyll titles it.
    """
    file = Path(path)
    stem = file.stem
    language = _TRANSLATION.match(stem)
    if language and language.group("lang") == KEEP_LANGUAGE:  # intro.nl.md: the page "intro"
        stem = language.group("base")
    if stem.lower() in FOLDER_PAGE_STEMS and file.parent.name:
        stem = file.parent.name
    stem = _DATED_STEM.sub("", stem)
    words = " ".join(re.sub(r"[-_.]+", " ", stem).split())
    return (words[:1].upper() + words[1:]) if words else stem


_WORD = re.compile(r"\w+")


def _page_title_once(front_title: str, h1: str) -> str | None:
    """The one title of a page whose front matter title and H1 word the same title differently, else None.

    "Aanvragen van een vergunning" over "# Vergunning aanvragen" would show as two levels of the heading
    path ("Aanvragen van een vergunning › Vergunning aanvragen"). When the words of one are all in the
    other, they name the page alike and the fuller wording is its title (an NLDS tab title "Grafieken ·
    Content · Richtlijnen" over "# Grafieken"; "Algoritmekader" over "# Het Algoritmekader"). When each
    has words of its own ("Gemeenteraad, burgemeester, afval icoon" over "# Onderzoek iconen februari
    2023"), both say something the other does not, and both stay.
    """
    title_words, h1_words = set(_WORD.findall(front_title.casefold())), set(_WORD.findall(h1.casefold()))
    if h1_words <= title_words:
        return front_title
    return h1 if title_words < h1_words else None


def _front_matter_title(meta: dict[str, Any]) -> str | None:
    title = meta.get("title")
    if title is None:
        return None
    return " ".join(str(title).split()) or None


# --- per format -------------------------------------------------------------------------


def _front_matter_problem(problem: str | None) -> list[Dropped]:
    return [Dropped(DROP_FRONT_MATTER, (), problem)] if problem else []


def _markdown(text: str, *, path: str, respect_opt_out: bool) -> Document | None:
    front = read_front_matter(text)
    meta, body = front.meta, front.body
    if respect_opt_out and opts_out(meta):
        return None
    fallback = readable_stem(path)
    front_title = _front_matter_title(meta) or hero_title(meta)
    dropped = _front_matter_problem(front.problem)
    first_h1, sections = parse_markdown(page_variables(body, meta), title=front_title or fallback, drops=dropped)
    title = front_title or first_h1 or fallback
    if title != fallback and not front_title:
        sections = _rerooted(sections, fallback, title)  # a note above the H1 belongs to the page it names
    elif front_title and first_h1 and first_h1 != front_title and (once := _page_title_once(front_title, first_h1)):
        title = once
        sections = _rerooted(_rerooted(sections, first_h1, title), front_title, title)
    sections = with_summary(home_page_sections(meta, title) + sections, meta, title)
    return Document(path=path, title=title, sections=sections, meta=meta, dropped=dropped)


def _summary_field(meta: dict[str, Any]) -> str | None:
    """The first of :data:`SUMMARY_FIELDS` in ``meta`` that holds text, else a subtitle that is a phrase."""
    for key in SUMMARY_FIELDS:
        value = meta.get(key)
        if isinstance(value, str) and len(value.split()) >= MIN_SUMMARY_WORDS:
            return value
    for key in SUBTITLE_FIELDS:
        value = meta.get(key)
        if isinstance(value, str) and len(value.split()) >= MIN_SUBTITLE_WORDS:
            return value
    return None


def front_matter_summary(meta: dict[str, Any]) -> str | None:
    """The page summary from front matter: a summary field at the top, else one in a group
    such as ``seo:`` or Hugo's ``[params]`` (:data:`SUMMARY_GROUPS`)."""
    groups = [meta] + [meta[g] for g in SUMMARY_GROUPS if isinstance(meta.get(g), dict)]
    for group in groups:
        value = _summary_field(group)
        if value is not None:
            return strip_inline(value) or None
    return None


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def with_summary(sections: list[Section], meta: dict[str, Any], title: str) -> list[Section]:
    """Put the front matter summary in front as a section of its own (kind ``summary``).

    It is skipped when the body already holds it word for word (the Algoritmekader
    repeats part of its toelichting in the text): a second copy would only compete.
    """
    summary = front_matter_summary(meta)
    if not summary:
        return sections
    body = _normalised(" ".join(s.text for s in sections))
    if _normalised(summary) in body:
        return sections
    return [Section((title,), summary, None, SECTION_SUMMARY)] + sections


def _plain_text(text: str, *, path: str) -> Document | None:
    front = read_front_matter(text)
    meta, body = front.meta, front.body
    if opts_out(meta):
        return None
    front_title = _front_matter_title(meta)
    result = parse_plain(body.split("\f"), title=front_title or readable_stem(path))
    title = front_title or result.title or readable_stem(path)
    return Document(path=path, title=title, sections=with_summary(result.sections, meta, title),
                    meta={**result.meta, **meta}, dropped=_front_matter_problem(front.problem))


def _pdf(data: bytes, *, path: str) -> Document:
    result = parse_pdf(data, title=readable_stem(path))
    return Document(path=path, title=result.title or readable_stem(path), sections=result.sections, meta=result.meta)


def _docx(data: bytes, *, path: str) -> Document:
    title, sections = parse_docx(data, title=readable_stem(path))
    return Document(path=path, title=title or readable_stem(path), sections=sections)


def _html(data: bytes, *, path: str) -> Document:
    """An HTML page; a Jekyll/Hugo page in HTML has front matter and template code to remove first."""
    front = read_front_matter(decode_text(data))
    front_title = _front_matter_title(front.meta)
    title, sections = parse_html(remove_template_code(front.body), title=front_title or readable_stem(path))
    title = front_title or title or readable_stem(path)
    return Document(path=path, title=title, sections=with_summary(sections, front.meta, title), meta=front.meta,
                    dropped=_front_matter_problem(front.problem))


def _parse(data: bytes, *, suffix: str, path: str) -> Document | None:
    if suffix in MARKDOWN_SUFFIXES:
        return _markdown(decode_text(data), path=path, respect_opt_out=True)
    if suffix == ".txt":
        return _plain_text(decode_text(data), path=path)
    if suffix == ".pdf":
        return _pdf(data, path=path)
    if suffix == ".docx":
        return _docx(data, path=path)
    return _html(data, path=path)


# --- public API ---------------------------------------------------------------------------


def _display_path(path: Path, root: Path | None) -> str:
    if root is None:
        return path.as_posix()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def load_document(path: Path, *, root: Path | None = None, max_bytes: int = MAX_FILE_BYTES) -> Document | None:
    """Load one file; ``None`` when its front matter says ``index: false``.

    ``Document.path`` is the path relative to ``root`` (POSIX style) when given, else the
    path as passed. Empty, binary, undecodable, corrupt and too large (over ``max_bytes``)
    files raise :class:`LoadError`.
    """
    path = Path(path)
    display = _display_path(path, Path(root) if root is not None else None)
    if not _supported(path):
        raise LoadError(display, _unsupported(path).reason)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(display, too_large(size, max_bytes))
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(display, f"kan niet worden gelezen: {os_problem(exc)}") from None
    if not data.strip():
        raise LoadError(display, EMPTY)
    try:
        document = _parse(data, suffix=path.suffix.lower(), path=display)
    except FormatError as exc:
        raise LoadError(display, str(exc)) from None
    if document is not None and not document.sections and path.suffix.lower() not in MARKDOWN_SUFFIXES:
        raise LoadError(display, NO_TEXT)
    if document is not None and root is not None and document.title == readable_stem(display):
        document = _retitle(document, _root_page_title(display, Path(root)))
    return document


def _root_page_title(display: str, root: Path) -> str:
    """The source folder's own page (``index.md``/``README.md`` at its top) is titled after the folder."""
    file = Path(display)
    if file.parent.name or file.stem.lower() not in FOLDER_PAGE_STEMS or not root.resolve().name:
        return readable_stem(display)
    return readable_stem(f"{root.resolve().name}/{file.name}")


def load_text(text: str, *, path: str, title: str | None = None, meta: dict | None = None) -> Document:
    """Load Markdown held in memory (verified answers, announcements from the database).

    Front matter in ``text`` is honoured; ``title`` and ``meta`` given here win over it.
    ``index: false`` is ignored: the caller decided to load this text.
    """
    if not text.strip():
        raise LoadError(path, EMPTY)
    try:
        document = _markdown(text, path=path, respect_opt_out=False)
    except FormatError as exc:
        raise LoadError(path, str(exc)) from None
    assert document is not None
    if title:
        document = _retitle(document, title)
    document.meta.update(plain_values(meta or {}))
    return document


def _retitle(document: Document, title: str) -> Document:
    """Use ``title`` as the document title and as the root of paths that started with the old one."""
    sections = _rerooted(document.sections, document.title, title)
    return Document(path=document.path, title=title, sections=sections, meta=document.meta, dropped=document.dropped)


def _rerooted(sections: list[Section], old: str, new: str) -> list[Section]:
    """The sections with ``new`` as the root of the heading paths that started with ``old``."""
    return [Section((new,) + s.heading_path[1:], s.text, s.page, s.kind) if s.heading_path[:1] == (old,) else s
            for s in sections]


def _warn(error: LoadError) -> None:
    logger.warning("Overgeslagen: %s", error)


def load_all(
    sources: Sequence[Path | str], *, on_error: Callable[[LoadError], None] | None = None,
    on_opt_out: Callable[[str], None] | None = None,
) -> list[Document]:
    """Load every supported file under ``sources``, skipping files that fail.

    Each failure (a missing source, a corrupt file, a bug in a parser) is passed to
    ``on_error`` (default: a warning log naming the file) so that one bad file never
    stops indexing of the rest. A page that asks to stay out (``index: false``) is passed
    to ``on_opt_out`` (its display path), so the build can say so.
    """
    report = on_error or _warn
    documents: list[Document] = []
    seen: set[Path] = set()
    for source in sources:
        try:
            pairs = find_source_files([source])
        except LoadError as exc:
            report(exc)
            continue
        for file, root in pairs:
            if file.resolve() in seen:
                continue
            seen.add(file.resolve())
            try:
                document = _load_guarded(file, root)
            except LoadError as exc:
                report(exc)
                continue
            if document is not None:
                documents.append(document)
            elif on_opt_out is not None:
                on_opt_out(_display_path(file, root))
    return documents


def _load_guarded(file: Path, root: Path) -> Document | None:
    """:func:`load_document`, with any other exception (a bug in a parser) as a LoadError."""
    try:
        return load_document(file, root=root)
    except LoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - one file must not stop the whole load
        reason = f"onverwachte fout bij het lezen ({type(exc).__name__}) - meld dit bij de beheerder van Loket"
        raise LoadError(_display_path(file, root), reason) from exc
