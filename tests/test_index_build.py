"""Persistence and incremental builds with the real default model (tiny documents)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.build import build_from_documents
from index.documents import Document, Section
from index.persist import IndexMissingError, ModelMismatchError, load_index, read_meta
from index.search import RankWeights, SearchIndex


def _doc(path: str, *bodies: str) -> Document:
    return Document(path, path.split(".")[0], [Section((path, f"Kop {i}"), b) for i, b in enumerate(bodies)])


DOCS = [
    _doc("opvang.md", "Een regionale opvanglocatie ligt dicht bij de gemeente van huisvesting.",
         "Een satellietlocatie vangt op wanneer een aanmeldlocatie vol is."),
    _doc("team.md", "Het kernteam is het eerste aanspreekpunt voor vragen van de regietafels."),
    _doc("geld.md", "Subsidieregelingen en financieringsstructuren bepalen wat een gemeente kan betalen."),
]


def test_first_build_embeds_everything_and_persists(tmp_path, embedder):
    report = build_from_documents(DOCS, tmp_path / "idx", embedder, progress=False)
    assert (report.documents, report.chunks, report.embedded, report.reused) == (3, 4, 4, 0)
    assert report.added == ["geld.md", "opvang.md", "team.md"]
    stored = load_index(tmp_path / "idx", expect_model=embedder.model_id)
    assert len(stored.chunks) == 4 and stored.vectors.shape == (4, embedder.dim)
    assert np.allclose(np.linalg.norm(stored.vectors, axis=1), 1.0, atol=1e-4)


def test_unchanged_rebuild_embeds_nothing(tmp_path, embedder):
    build_from_documents(DOCS, tmp_path / "idx", embedder, progress=False)
    report = build_from_documents(DOCS, tmp_path / "idx", embedder, progress=False)
    assert report.embedded == 0 and report.reused == 4
    assert not report.changed_anything


def test_changed_file_re_embeds_only_its_own_new_chunks(tmp_path, embedder):
    build_from_documents(DOCS, tmp_path / "idx", embedder, progress=False)
    changed = [DOCS[0], _doc("team.md", "Het kernteam is altijd bereikbaar per e-mail."), DOCS[2]]
    report = build_from_documents(changed, tmp_path / "idx", embedder, progress=False)
    assert report.embedded == 1
    assert report.changed == ["team.md"] and not report.added and not report.removed


def test_removed_file_leaves_the_index(tmp_path, embedder):
    build_from_documents(DOCS, tmp_path / "idx", embedder, progress=False)
    report = build_from_documents(DOCS[:2], tmp_path / "idx", embedder, progress=False)
    assert report.removed == ["geld.md"] and report.embedded == 0
    stored = load_index(tmp_path / "idx")
    assert all(c.doc_path != "geld.md" for c in stored.chunks)


def test_index_records_its_model_and_refuses_another(tmp_path, embedder):
    build_from_documents(DOCS, tmp_path / "idx", embedder, progress=False)
    assert read_meta(tmp_path / "idx")["model_id"] == embedder.model_id
    with pytest.raises(ModelMismatchError, match="loket index build --rebuild"):
        load_index(tmp_path / "idx", expect_model="st:some-other-model")


def test_missing_index_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexMissingError, match="loket index build"):
        load_index(tmp_path / "nothing")


def test_failed_write_keeps_the_previous_index(tmp_path, embedder, monkeypatch):
    build_from_documents(DOCS, tmp_path / "idx", embedder, progress=False)

    def broken_save(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("index.persist.np.save", broken_save)
    with pytest.raises(OSError):
        build_from_documents(DOCS[:1], tmp_path / "idx", embedder, progress=False)
    monkeypatch.undo()
    assert len(load_index(tmp_path / "idx").chunks) == 4
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]  # no temp folder left behind


def test_hybrid_search_finds_the_right_passage_and_keeps_scores(tmp_path, embedder):
    build_from_documents(DOCS, tmp_path / "idx", embedder, progress=False)
    index = SearchIndex.load(tmp_path / "idx", embedder)
    hits = index.search(index.analyse("Wie is het eerste aanspreekpunt?"), k=3)
    assert hits[0].chunk.doc_path == "team.md"
    assert hits[0].coverage > 0.5 and 0 < hits[0].dense <= 1.0
    assert hits == sorted(hits, key=lambda h: h.score, reverse=True)
    bm25_only = index.search(index.analyse("subsidieregelingen"), k=1, mode="bm25")
    assert bm25_only[0].chunk.doc_path == "geld.md" and bm25_only[0].bm25 > 0


def test_unknown_terms_are_detected_with_compounds(tmp_path, embedder):
    build_from_documents(DOCS, tmp_path / "idx", embedder, progress=False)
    index = SearchIndex.load(tmp_path / "idx", embedder)
    unknown = {t.surface for t in index.unknown_terms(index.analyse("Hoeveel opvang is er in Gelderland?"))}
    assert unknown == {"Gelderland"}  # "opvang" is part of "opvanglocatie"


def test_empty_corpus_builds_an_empty_index_that_answers_nothing(tmp_path, embedder):
    report = build_from_documents([], tmp_path / "idx", embedder, progress=False)
    assert report.chunks == 0
    index = SearchIndex.load(Path(tmp_path / "idx"), embedder)
    assert index.search(index.analyse("iets"), k=3) == []


def test_leftovers_of_a_crashed_build_are_removed_but_live_ones_kept(tmp_path, embedder):
    import os

    dead = tmp_path / ".idx.tmp-999999999-1"
    live = tmp_path / f".idx.tmp-{os.getpid()}-2"
    dead.mkdir()
    live.mkdir()
    build_from_documents(DOCS, tmp_path / "idx", embedder, progress=False)
    assert not dead.exists() and live.exists()
    assert len(load_index(tmp_path / "idx").chunks) == 4


def test_the_section_whose_heading_names_the_question_ranks_first(tmp_path, embedder):
    """Look-alike passages: the heading says which one is about what was asked, also when
    another passage repeats the question's words in its body."""
    docs = [
        Document("register.md", "Register", [Section(("Register", "Inhoud"),
                 "Logregels bevatten geen gegevens die al in het register staan. Over de bewaartermijn van "
                 "logregels zegt het register niets.")]),
        Document("profiel.md", "Profiel", [Section(("Profiel", "Bewaartermijn van logregels"),
                 "Het profiel van een organisatie legt vast hoe lang iets beschikbaar blijft.")]),
    ] + [Document(f"x{i}.md", f"Onderwerp {i}", [Section((f"Onderwerp {i}", "Algemeen"), text)]) for i, text in enumerate([
        "Een organisatie bepaalt zelf welke gegevens zij verwerkt.",
        "Een verwerking wordt vastgelegd met een tijdstip.",
        "De standaard beschrijft een interface voor applicaties.",
    ])]
    build_from_documents(docs, tmp_path / "idx", embedder, progress=False)
    index = SearchIndex.load(tmp_path / "idx", embedder)
    query = index.analyse("Wat is de bewaartermijn van logregels?")
    hits = index.search(query, k=2)
    by_path = {h.chunk.doc_path: h for h in hits}
    assert by_path["profiel.md"].heading == pytest.approx(1.0) and by_path["register.md"].heading == 0.0
    assert hits[0].chunk.doc_path == "profiel.md"
    without = index.search(query, k=2, weights=RankWeights(heading=0.0))
    assert without[0].chunk.doc_path == "register.md"  # on its body alone the other passage wins


def test_a_page_that_opts_out_is_reported_not_indexed(tmp_path, embedder):
    from index.build import build_index
    from index.documents import DROP_OPT_OUT

    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "uit.md").write_text("---\ntitle: Uit\nindex: false\n---\n\nNiet zoeken.\n", encoding="utf-8")
    (tmp_path / "site" / "aan.md").write_text("# Aan\n\nDeze pagina gaat over opvang.\n", encoding="utf-8")
    report = build_index([tmp_path / "site"], tmp_path / "index", embedder, progress=False)
    assert report.documents == 1 and report.dropped == {DROP_OPT_OUT: 1}
    assert report.dropped_items == [f"{DROP_OPT_OUT}\tuit.md\t"]
