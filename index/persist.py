"""On-disk layout of an index: plain files, written atomically.

``meta.json`` (model, dimensions, files), ``chunks.jsonl`` (one chunk per line) and
``vectors.npy`` (row i embeds chunk i). A build writes a complete new folder next to the
old one and swaps it in with renames, so a crash mid-write never leaves a half-written
index to be loaded.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .documents import Chunk

FORMAT_VERSION = 1
# The version of the ingestion rules (loading, cleaning, chunking) an index was built with.
# Bump it when a change to those rules changes the chunks of unchanged files: an index built
# by older rules still loads, but ``loket`` says it should be rebuilt (only changed
# passages are embedded again, so that is cheap). 0 = not recorded (before this existed).
INGEST_VERSION = 19  # 3: descriptive image alt text kept; 4: the ĳ ligature as "ij"; 5: hard-break backslashes;
# 6: ReSpec term shorthands ({{Term}}, [=term=]) kept as their term; 7: code spans keep the tags and
# template code they show, struck-out text goes, empty table cells keep their column, split reference definitions
# 8: a linked image whose alt text is dropped leaves no link target
# 9: a paragraph that announces a list (ends in a colon) is not cut off from it by a passage boundary
# 10: a ':::' container reflowed into one paragraph keeps its text; a fenced Markdown example is read as text;
#     an MDX live example's render function ({() => ( <> ... </> )}) goes, its text stays (reworked in 11)
# 11: headings in example markup (JSX live code, <pre>, class="example") are text, not the outline; MDX
# live-code wrappers go; a component's title= caption is kept; <pre> is code; sub-items indented under their parent;
# a version/status label line right above a heading joins that heading; an HTML table with a header row reads
# like a Markdown table (rows name their columns); footnotes are read at their reference;
# MyST directives, roles and targets, Docsify callouts; a term's several definitions and <dl> lists as
# "Term: definitie"; snippet include blocks; abbreviation definitions expanded at the first use;
# JSX tags with dotted names (<Tabs.Tab>) and MDX expressions ({" "}, {frontMatter.x}) go
# a long list or table cut into passages keeps one item (row) per line instead of running them together
# Docusaurus <Heading as="h2"> is a heading; a MyST glossary keeps its terms; a do/don't caption keeps its verdict
# 12: indented code blocks are code (no headings from them); LaTeX formulas readable; summaries from more
# front matter keys; <img> alt text like a Markdown image's; pipes inside table cells; a table right under
# another has its own header; a passage's leading sub-item keeps its indentation; Docsify includes go;
# multi-line HTML comments go whole (with fences in them); <abbr title> read with its full words; HTML pages too;
# Docusaurus <CodeBlock> is code; Bootstrap-style .btn links are buttons; MyST list-tables as tables, table
# titles kept, % comments and +++ breaks go; pymdownx keys (++ctrl+c++), H~2~O, m^2^ and CriticMarkup as shown;
# <code>/<samp>/<textarea> spanning lines are code
# 13: what a Liquid {% raw %} block encloses is kept as written; a run-on sentence longer than a passage is cut
# 14: a heading inside an HTML box (a <div> of cards) heads only the box, the text after it is back under
#     the headings before it; the number of a numbered item is no sentence of its own (a long list is never cut
#     between "7." and its text);
#     an HTML link styled as a button (class *button*/btn) is a button; <select> and <form> leave no text;
#     an admonition right under a line of text does not join that paragraph;
#     text above a page's only H1 is filed under that H1 (the page's title), not under the file name;
#     an availability badge ("Beschikbaar", "In ontwikkeling") above a heading labels it like a status
# 15: draft pages (draft: true, published: false) are indexed and cited as concepts; only index: false opts out
# 16: front matter field names in any case ('Title:'); Hugo section shortcodes' titles are headings; navigation
# written into a page goes; a heading that repeats its parent adds no level; VitePress/VuePress home pages read
# from hero and features; an empty table header leaves columns unnamed; <p> in a table cell keeps the row whole
# Hugo link cards go, hugo-book's <---> column separator too; SUMMARY.md/_sidebar.md/_navbar.md menus are skipped;
# a dated post without a title is titled after its slug
# 17: an FAQ question or a bare label line starts the passage of what it introduces (a lead-in before a long
# list is never a passage of its own); a bold label on a line of
# its own reads "Label: tekst"; a table of only column names goes; an image-and-caption table reads as the image;
# ordered items show the numbers the page renders ("1." on every line reads 1, 2, 3); "<docs.example.nl>" and an
# escaped "\<nummer>" are text, not tags; a cut list rejoined in one passage has no blank line in the middle;
# an author's TODO/FIXME note opening a paragraph or item goes (reported as todo)
# 18: headings read as labels (no decorating emoji, no trailing colon; an emoji-only heading names no section);
# a task list that shows progress marks items "Afgerond:"/"Nog open:"; Obsidian wikilinks with a label, embeds,
# %% comments %%, block ids, Dataview fields and queries; Hextra/Nextra tab titles from their tab set, Relearn
# notice titles, kbd/badge shortcodes inline, heading shortcodes as headings, feature-card subtitles, numbered
# steps containers; MyST tab-sets and grids unwrapped, {doc} references named; an unclosed "<!-- toc -->" keeps
# the page in order; a row of buttons goes; API field components keep their name; MDX code expressions go;
# a page shows the values of its own front matter ({{ page.x }}, {{< param x >}}, MyST substitutions);
# Markdoc {% /tag %} closes its tag, link buttons go; .mdoc/.markdoc/.qmd pages are read; a Starlight splash
# page is read from its hero; a Mermaid diagram keeps its accessible description (accDescr); a backtick that
# opens no code span goes (a forgotten one no longer turns the rest of the sentence into code); Docusaurus tabs
# named by values={[...]} take their labels; a count-up figure shows its number, not its placeholder 0
# 19: a front matter title and an H1 wording the same title make one title (the fuller wording); pictographs
# opening/ending a paragraph, item or sentence go (check/cross marks stay); MDX member expressions go and leave
# no loose space; a self-closing component's short caption and a card linking another page (with its teaser)
# go; Docsy tabs with lang= hold code; MyST {ref} without a title is named after its label; Obsidian
# [[Note#Kop]] reads "Note › Kop" and task boxes [-]/[/] read "Vervallen:"/"Bezig:"


class IndexMissingError(FileNotFoundError):
    """No (complete) index at the given place."""


class ModelMismatchError(RuntimeError):
    """The index was built with another embedding model than the one configured."""


@dataclass
class StoredIndex:
    """What is on disk: chunks, their vectors and build metadata."""

    chunks: list[Chunk]
    vectors: np.ndarray
    model_id: str
    embed_keys: list[str] = field(default_factory=list)  # content hash of each chunk's embedded text
    files: dict[str, str] = field(default_factory=dict)  # doc path -> file content hash
    built_at: float = 0.0
    sources: tuple[str, ...] = ()  # absolute paths the index was built from (empty: not recorded)
    ingest: int = INGEST_VERSION  # the ingestion rules it was built with (see INGEST_VERSION)
    source_digests: dict[str, str] = field(default_factory=dict)  # absolute source file -> content hash


def _chunk_to_json(chunk: Chunk, embed_key: str) -> str:
    return json.dumps(
        {
            "id": chunk.id,
            "doc_path": chunk.doc_path,
            "title": chunk.title,
            "heading_path": list(chunk.heading_path),
            "page": chunk.page,
            "text": chunk.text,
            "meta": chunk.meta,
            "ekey": embed_key,
        },
        ensure_ascii=False,
        default=str,
    )


def _chunk_from_json(line: str) -> tuple[Chunk, str]:
    d: dict[str, Any] = json.loads(line)
    chunk = Chunk(
        id=d["id"],
        doc_path=d["doc_path"],
        title=d["title"],
        heading_path=tuple(d["heading_path"]),
        text=d["text"],
        page=d.get("page"),
        meta=d.get("meta") or {},
    )
    return chunk, d.get("ekey", "")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(index_dir: Path) -> list[Path]:
    """Remove temp/old folders that a crashed build left next to ``index_dir``.

    Their names carry the writer's pid; folders of a process that still runs are kept,
    so two builds never remove each other's work.
    """
    removed = []
    for path in Path(index_dir).parent.glob(f".{Path(index_dir).name}.*-*-*"):
        try:
            pid = int(path.name.rsplit("-", 2)[-2])
        except ValueError:
            continue
        if path.is_dir() and not _pid_alive(pid):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def save_index(index_dir: Path, stored: StoredIndex) -> None:
    """Write ``stored`` to ``index_dir`` atomically (new folder, then rename)."""
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(index_dir)
    tmp = index_dir.parent / f".{index_dir.name}.tmp-{os.getpid()}-{time.monotonic_ns()}"
    tmp.mkdir()
    try:
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for chunk, key in zip(stored.chunks, stored.embed_keys):
                fh.write(_chunk_to_json(chunk, key) + "\n")
        np.save(tmp / "vectors.npy", np.asarray(stored.vectors, dtype=np.float32))
        meta = {
            "format": FORMAT_VERSION,
            "model_id": stored.model_id,
            "dim": int(stored.vectors.shape[1]) if stored.vectors.ndim == 2 else 0,
            "n_chunks": len(stored.chunks),
            "files": stored.files,
            "built_at": stored.built_at or time.time(),
            "sources": list(stored.sources),
            "ingest": stored.ingest,
            "source_digests": stored.source_digests,
        }
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        _swap_in(tmp, index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap_in(new_dir: Path, index_dir: Path) -> None:
    old = index_dir.parent / f".{index_dir.name}.old-{os.getpid()}-{time.monotonic_ns()}"
    if index_dir.exists():
        os.replace(index_dir, old)
    os.replace(new_dir, index_dir)
    shutil.rmtree(old, ignore_errors=True)


def read_meta(index_dir: Path) -> dict[str, Any]:
    """The build metadata, or IndexMissingError when there is no complete index."""
    path = Path(index_dir) / "meta.json"
    if not path.exists():
        raise IndexMissingError(f"Geen index in {index_dir}: bouw er een met 'loket index build'.")
    return json.loads(path.read_text(encoding="utf-8"))


def load_index(index_dir: Path, *, expect_model: str | None = None) -> StoredIndex:
    """Load an index; refuse one built with another model than ``expect_model``."""
    index_dir = Path(index_dir)
    meta = read_meta(index_dir)
    if expect_model is not None and meta["model_id"] != expect_model:
        raise ModelMismatchError(
            f"De index in {index_dir} is gebouwd met model '{meta['model_id']}', maar nu is "
            f"'{expect_model}' ingesteld. Bouw de index opnieuw: 'loket index build --rebuild'."
        )
    chunks: list[Chunk] = []
    keys: list[str] = []
    with open(index_dir / "chunks.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                chunk, key = _chunk_from_json(line)
                chunks.append(chunk)
                keys.append(key)
    vectors = np.load(index_dir / "vectors.npy")
    if len(vectors) != len(chunks):
        raise IndexMissingError(f"Index in {index_dir} is onvolledig: bouw hem opnieuw met 'loket index build --rebuild'.")
    return StoredIndex(
        chunks, vectors, meta["model_id"], keys, meta.get("files", {}), meta.get("built_at", 0.0),
        tuple(meta.get("sources") or ()), int(meta.get("ingest") or 0), dict(meta.get("source_digests") or {}),
    )
