"""Integrity of the held-out evaluation data in tests/data: format, ids, pages and facts.

The question files are only useful if every label can be trusted: an ``expect`` phrase that
does not occur on its page, or a ``doc`` that does not exist, silently turns a correct answer
into a miss. These checks run on the data alone (no index, no model) and never look at how
Loket answers the questions.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ALGORITMEKADER, SHARED

DATA = Path(__file__).resolve().parent / "data"
EVAL_DIR = DATA / "eval"
DON_CORPUS = DATA / "corpus-don"
GBO_CORPUS = DATA / "corpus-gebruikersonderzoeken"
LOGIUS_CORPUS = DATA / "corpus-logius"
MIJNSERVICES_CORPUS = DATA / "corpus-mijnservices"
NERDS_CORPUS = DATA / "corpus-nerds"
NLDS_CORPUS = DATA / "corpus-nlds"
ZGW_CORPUS = DATA / "corpus-zgw"
# Corpora copied into tests/data, each with a MANIFEST.tsv of the files it copied unmodified.
COPIED_CORPORA = (
    DON_CORPUS, GBO_CORPUS, LOGIUS_CORPUS, MIJNSERVICES_CORPUS, NERDS_CORPUS, NLDS_CORPUS,
    ZGW_CORPUS,
)

# Every question file and the corpus its ``doc`` paths are relative to.
CORPUS_OF = {
    "don.jsonl": DON_CORPUS,
    "gebruikersonderzoeken.jsonl": GBO_CORPUS,
    "logius.jsonl": LOGIUS_CORPUS,
    "mijnservices.jsonl": MIJNSERVICES_CORPUS,
    "nerds.jsonl": NERDS_CORPUS,
    "nlds.jsonl": NLDS_CORPUS,
    "zgw.jsonl": ZGW_CORPUS,
    "shared-corpus-heldout.jsonl": SHARED / "corpus",
    "shared-corpus-users.jsonl": SHARED / "corpus",
    "shared-corpus-users2.jsonl": SHARED / "corpus",
    "algoritmekader-extra.jsonl": ALGORITMEKADER,
}
KEYS = {"id", "question", "expect", "doc"}
# A question sharing this many consecutive words with its page was copied, not asked.
COPIED_RUN = 7

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_BRACKETS = re.compile(r"\[([^\]\n]+)\]")
_TAG = re.compile(r"<[^<>\n]+>")
_QUOTE_MARK = re.compile(r"(?m)^[ \t]*>[ \t]?")
_EDGE_UNDERSCORE = re.compile(r"(?<!\w)_+|_+(?!\w)")
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Lower-cased text with single spaces, as a reader sees it after Markdown rendering."""
    return " ".join(text.casefold().split())


def page_text(raw: str) -> str:
    """Strip the Markdown markup an answer would not repeat: links, emphasis, code marks, tags."""
    text = _LINK.sub(r"\1", raw)
    text = _BRACKETS.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _QUOTE_MARK.sub("", text)
    text = text.replace("*", "").replace("`", "")
    text = _EDGE_UNDERSCORE.sub("", text)
    return normalise(text)


def load_rows(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        assert line.strip(), f"{path.name}:{n}: empty line"
        rows.append(json.loads(line))
    return rows


def eval_files() -> list[Path]:
    return sorted(EVAL_DIR.glob("*.jsonl"))


def corpus_for(path: Path) -> Path:
    corpus = CORPUS_OF[path.name]
    if not corpus.is_dir():
        pytest.skip(f"corpus for {path.name} not found at {corpus} (set LOKET_SHARED_DIR)")
    return corpus


def test_every_question_file_has_a_known_corpus():
    names = {p.name for p in eval_files()}
    assert names == set(CORPUS_OF), names ^ set(CORPUS_OF)


@pytest.mark.parametrize("path", eval_files(), ids=lambda p: p.name)
def test_rows_have_the_eval_format(path):
    for row in load_rows(path):
        assert set(row) == KEYS, row
        assert isinstance(row["id"], str) and row["id"].strip(), row
        assert isinstance(row["question"], str) and len(row["question"].split()) >= 2, row
        if row["expect"] is None:
            assert row["doc"] is None, f"{row['id']}: unanswerable question with a doc"
        else:
            assert isinstance(row["doc"], str) and row["doc"], f"{row['id']}: no doc"
            assert isinstance(row["expect"], list) and row["expect"], row["id"]
            assert all(isinstance(f, str) and f.strip() for f in row["expect"]), row["id"]


def test_ids_are_unique_across_all_files():
    ids = [row["id"] for path in eval_files() for row in load_rows(path)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, duplicates


@pytest.mark.parametrize("path", eval_files(), ids=lambda p: p.name)
def test_each_file_has_answerable_and_unanswerable_questions(path):
    rows = load_rows(path)
    answerable = sum(row["expect"] is not None for row in rows)
    assert answerable >= 25 and len(rows) - answerable >= 8, (answerable, len(rows))


@pytest.mark.parametrize("path", eval_files(), ids=lambda p: p.name)
def test_every_doc_exists_and_holds_its_expected_facts(path):
    corpus = corpus_for(path)
    missing, absent = [], []
    for row in load_rows(path):
        if row["doc"] is None:
            continue
        page = corpus / row["doc"]
        if not page.is_file():
            missing.append((row["id"], row["doc"]))
            continue
        text = page_text(page.read_text(encoding="utf-8"))
        absent += [(row["id"], fact) for fact in row["expect"] if normalise(fact) not in text]
    assert not missing, missing
    assert not absent, absent


def longest_shared_run(question: str, page: str) -> int:
    """Length of the longest run of consecutive words the question shares with the page."""
    q, p = _WORD.findall(question.casefold()), " ".join(_WORD.findall(page.casefold()))
    best = 0
    for start in range(len(q)):
        for end in range(start + best + 1, len(q) + 1):
            if f" {' '.join(q[start:end])} " not in f" {p} ":
                break
            best = end - start
    return best


@pytest.mark.parametrize("path", eval_files(), ids=lambda p: p.name)
def test_questions_are_not_copied_from_their_page(path):
    corpus = corpus_for(path)
    copied = []
    for row in load_rows(path):
        if row["doc"] is None:
            continue
        page = page_text((corpus / row["doc"]).read_text(encoding="utf-8"))
        run = longest_shared_run(row["question"], page)
        if run >= COPIED_RUN:
            copied.append((row["id"], run))
    assert not copied, copied


@pytest.mark.parametrize("corpus", COPIED_CORPORA, ids=lambda p: p.name)
def test_corpus_pages_are_the_unmodified_copies_listed_in_the_manifest(corpus):
    lines = (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "path\tcommit\tchars", lines[0]
    listed = {}
    for line in lines[1:]:
        rel, commit, chars = line.split("\t")
        assert re.fullmatch(r"[0-9a-f]{40}", commit), line
        listed[rel] = int(chars)
    for rel, chars in listed.items():
        text = (corpus / rel).read_bytes().decode("utf-8")
        assert len(text) == chars, (rel, len(text), chars)
    pages = {str(p.relative_to(corpus)) for p in corpus.rglob("*") if p.suffix in {".md", ".mdx"}}
    assert pages - {"LICENSE.md"} <= set(listed), sorted(pages - set(listed))


@pytest.mark.parametrize("corpus", COPIED_CORPORA, ids=lambda p: p.name)
def test_copied_corpus_states_its_origin_and_licence(corpus):
    readme = (corpus / "README.txt").read_text(encoding="utf-8")
    assert "not used for tuning" in readme
    assert any(p.name.startswith(("LICENSE", "NOTICE")) for p in corpus.iterdir()), corpus
