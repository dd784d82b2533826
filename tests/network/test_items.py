"""Announcements and lessons learned: stored in the database, searchable through the desk, cited with province."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.core import privacy
from bot.core.answering.desk import Desk
from bot.core.network.extra_docs import ExtraDocuments
from bot.core.network.items import InvalidItem, KnowledgeItems
from bot.core.network.vector_cache import VectorCache
from bot.core.service import NotAllowed
from bot.store.models import AuditEntry

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
CORE = "UKERN001"
LESSON = dict(
    title="Omwonenden vroeg betrekken bij een nieuwe opvanglocatie",
    text=("In Gelderland organiseerde de gemeente Apeldoorn drie inloopavonden voor omwonenden voordat het besluit "
          "over de nieuwe opvanglocatie viel. Door de bewoners vroeg te betrekken bleef het draagvlak groot en kwamen "
          "er nauwelijks bezwaren. Les: begin met informeren vóór het besluit, niet erna."),
    province="gelderland", theme="opvanglocaties")
QUESTION = "Hoe zorg je voor draagvlak bij omwonenden voor een nieuwe opvanglocatie?"


def items_on(desk: Desk, store, embedder) -> KnowledgeItems:
    layer = ExtraDocuments(desk, VectorCache(embedder))
    return KnowledgeItems(store, is_core=lambda u: u == CORE, layer=layer, clock=lambda: NOW)


def test_a_saved_lesson_answers_a_later_question_cited_with_its_province(desk, store, embedder):
    assert not desk.ask(QUESTION).answered  # the knowledge base itself has nothing on this
    items = items_on(desk, store, embedder)
    lesson = items.add_lesson(CORE, **LESSON)
    assert (lesson.province, lesson.theme) == ("Gelderland", "opvanglocaties")

    answer = desk.ask(QUESTION)
    assert answer.answered and "inloopavonden" in answer.answer
    (source,) = answer.sources
    assert source.title == "Lesson learned uit Gelderland: Omwonenden vroeg betrekken bij een nieuwe opvanglocatie"
    assert source.path == f"les-{lesson.id}" and source.updated == "2026-03-02"
    assert desk.ask("Wat is een GVL?").answered  # the knowledge base still answers as before


def test_a_restarted_loket_finds_the_lesson_from_the_database(desk, store, embedder, search_index, shared_corpus):
    items_on(desk, store, embedder).add_lesson(CORE, **LESSON)
    fresh = Desk(search_index)  # another replica, or after a restart
    assert not fresh.ask(QUESTION).answered
    assert items_on(fresh, store, embedder).sync() is True
    assert fresh.ask(QUESTION).sources[0].title.startswith("Lesson learned uit Gelderland")
    again = items_on(fresh, store, embedder)  # attached twice (a restart on the same desk): no duplicates
    again.sync()
    assert len(fresh.index.chunks) == len(search_index.chunks) + 1
    assert again.sync() is False  # only a change in the database merges again


def test_an_announcement_is_searchable(desk, store, embedder):
    items = items_on(desk, store, embedder)
    items.add_announcement(CORE, title="Nieuwe prognose opvangcapaciteit 2026",
                           text="De halfjaarlijkse prognose van de benodigde opvangcapaciteit per provincie voor 2026 "
                                "verschijnt op 15 april 2026 op de website.")
    answer = desk.ask("Wanneer verschijnt de prognose van de opvangcapaciteit voor 2026?")
    assert answer.answered and "15 april 2026" in answer.answer
    assert answer.sources[0].title == "Bericht van het kernteam: Nieuwe prognose opvangcapaciteit 2026"


def test_only_the_core_team_saves_and_it_is_audited(desk, store, embedder):
    items = items_on(desk, store, embedder)
    with pytest.raises(NotAllowed):
        items.add_lesson("UASKER01", **LESSON)
    with pytest.raises(InvalidItem) as bad:
        items.add_lesson(CORE, **{**LESSON, "province": "Atlantis"})
    assert bad.value.field == "province"
    with pytest.raises(InvalidItem):
        items.add_announcement(CORE, title=" ", text="x")
    items.add_announcement(CORE, title="t", text="tekst")
    with store.tx() as tx:
        actions = [(a.action, a.result) for a in tx.session.query(AuditEntry).order_by(AuditEntry.seq)]
    assert actions == [("knowledge.lesson", "denied"), ("knowledge.announce", "ok")]
    assert [i.kind for i in items.all()] == ["bericht"]


def test_forgetting_the_author_keeps_the_lesson(desk, store, embedder):
    items = items_on(desk, store, embedder)
    lesson = items.add_lesson(CORE, **{**LESSON, "text": LESSON["text"] + f" Vragen? <@{CORE}>"})
    assert privacy.export(store, CORE)["network"]["knowledge_items"][0]["id"] == lesson.id
    counts = privacy.forget(store, CORE)["network"]
    assert counts["knowledge_items_author"] == 1 and counts["knowledge_items_mentions"] == 1
    (kept,) = items.all()
    assert kept.created_by == privacy.PSEUDONYM and CORE not in kept.text and "inloopavonden" in kept.text


def test_forgetting_drops_cached_vectors_of_the_text_it_changed(desk, store, embedder, tmp_path):
    from bot.core.network import vector_cache

    path = tmp_path / "cache" / "knowledge-vectors.npz"
    items = KnowledgeItems(store, is_core=lambda u: u == CORE, layer=ExtraDocuments(desk, VectorCache(embedder, path)),
                           clock=lambda: NOW)
    items.add_lesson(CORE, **{**LESSON, "text": LESSON["text"] + f" Vragen? <@{CORE}>"})
    before = set(VectorCache(embedder, path)._read_file())
    assert before and before <= set(vector_cache._MEMORY)
    privacy.forget(store, CORE)
    assert items.sync() is True  # the background loop's round
    after = set(VectorCache(embedder, path)._read_file())
    assert after and not before & after  # the text with the mention is gone from the file...
    assert not before & set(vector_cache._MEMORY)  # ...and from memory
    assert "inloopavonden" in desk.ask(QUESTION).answer  # the lesson itself is still found


def test_the_cli_removes_this_data_dir_s_cache_when_forget_changed_an_item(desk, store, embedder, db_url, tmp_path,
                                                                           monkeypatch, capsys):
    from bot.cli import main as cli
    from bot.core.network.hub import KNOWLEDGE_CACHE_FILE

    path = tmp_path / KNOWLEDGE_CACHE_FILE
    items = KnowledgeItems(store, is_core=lambda u: u == CORE, layer=ExtraDocuments(desk, VectorCache(embedder, path)),
                           clock=lambda: NOW)
    items.add_lesson(CORE, **LESSON)
    assert path.exists()
    monkeypatch.setenv("LOKET_DATABASE_URL", db_url)
    monkeypatch.setenv("LOKET_DATA_DIR", str(tmp_path))
    assert cli(["privacy", "forget", "UANDER01"]) == 0  # someone not mentioned: the cache stays
    assert path.exists()
    items.add_announcement(CORE, title="Overleg verplaatst", text=f"Het overleg met <@UANDER01> is verplaatst naar "
                                                                   "donderdag in Apeldoorn.")
    assert cli(["privacy", "forget", "UANDER01"]) == 0
    assert not path.exists()
    capsys.readouterr()
