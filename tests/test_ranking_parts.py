"""Unit tests for the parts of ranking and evaluation that need no model: mined
abbreviations, stem-matched synonyms, fusion, the fixed split and the intervals."""
from __future__ import annotations

import json

import numpy as np
import pytest

from bot.core.answering.answer import Answer, Passage, Source
from bot.core.answering.evaluation import EvalResult, contains_fact, is_frozen, judge, read_items, select, wilson
from bot.core.answering.synonyms import Synonyms
from index.abbreviations import long_form, mine_abbreviations
from index.search import Candidates, RankWeights
from index.text import query_terms


def test_abbreviations_are_mined_where_the_text_defines_them():
    found = mine_abbreviations([
        "Volgens de Algemene Verordening Gegevensbescherming (AVG) moet je dat melden.",
        "Doe eerst een Data Protection Impact Assessment (DPIA). Zie ook het Impact Assessment Mensenrechten en "
        "Algoritmes (IAMA).",
        "Dit staat in bijlage (B) en in hoofdstuk (III).",  # no long form: not an abbreviation definition
        "De (AVG) zonder uitleg.",
    ])
    assert found["AVG"] == "algemene verordening gegevensbescherming"
    assert found["DPIA"] == "data protection impact assessment"
    assert found["IAMA"] == "impact assessment mensenrechten en algoritmes"
    assert "B" not in found and "III" not in found


def test_abbreviations_are_mined_from_glossary_lines_and_table_rows():
    found = mine_abbreviations([
        "- ROB — Regionaal Overleg Beheer, komt elk kwartaal samen.\n"
        "- VNB — Vereniging van Nederlandse Buurthuizen.\n"
        "| WBI | Wet Bijzondere Inzet |\n"
        "API: Application Programming Interface voor koppelingen\n"
        "NB: niet bedoeld voor de gemeente\n"  # two letters spell anything: not read
        "KLM: de maatschappij die vliegt\n"  # the text after the colon does not spell it
        "Stap 1: open het formulier",
    ])
    assert found["ROB"] == "regionaal overleg beheer"
    assert found["VNB"] == "vereniging van nederlandse buurthuizen"
    assert found["WBI"] == "wet bijzondere inzet"
    assert found["API"] == "application programming interface"  # ends on the word of its last letter
    assert "NB" not in found and "KLM" not in found


def test_a_short_form_followed_by_its_long_form_in_parentheses_is_mined():
    found = mine_abbreviations([
        "Je moet de WBI (Wet Bijzondere Inzet) naleven.",
        "Wij publiceren in DCAT (Data Catalog Vocabulary, een W3C-standaard).",
        "De API (zie hoofdstuk 3) en het KVK (dat we gebruiken) staan hier.",  # no long form in the brackets
        "Bel de ROB (Regionaal Overleg Beheer van de provincie) op.",  # more than the long form: not read
    ])
    assert found["WBI"] == "wet bijzondere inzet"
    assert found["DCAT"] == "data catalog vocabulary"
    assert "API" not in found and "KVK" not in found and "ROB" not in found


def test_a_glossary_long_form_may_follow_an_article_when_it_is_written_as_a_name():
    found = mine_abbreviations([
        "- SZW — het ministerie van Sociale Zaken en Werkgelegenheid.\n"
        "- VNB — de Vereniging van Nederlandse Buurthuizen.\n"
        "- KPI — het kader per indicator, zie hieronder.\n",  # lower case after "het": a chance spelling
    ])
    assert found["SZW"] == "sociale zaken en werkgelegenheid"
    assert found["VNB"] == "vereniging van nederlandse buurthuizen"
    assert "KPI" not in found


def test_long_form_needs_the_letters_in_order_starting_a_word():
    assert long_form("GVL", "een gemeenschappelijke vreemdelingenlocatie") == "gemeenschappelijke vreemdelingenlocatie"
    assert long_form("XYZ", "een gemeenschappelijke vreemdelingenlocatie") is None


def test_synonyms_match_on_stems_and_reach_the_bm25_query():
    synonyms = Synonyms([["opvangplek", "opvangplaats"], ["ROL", "regionale opvanglocatie"]])
    terms = synonyms.expand("Hoeveel opvangplekken zijn er?", query_terms("Hoeveel opvangplekken zijn er?"))
    term = next(t for t in terms if t.surface == "opvangplekken")
    assert "opvangplaats" in term.alternatives
    assert "opvangplaat" in synonyms.query_tokens(terms) or any(t.startswith("opvangpla") for t in synonyms.query_tokens(terms))
    # An abbreviation only matches as written: "rol" is also an ordinary word.
    plain = synonyms.expand("Welke rol heeft de provincie?", query_terms("Welke rol heeft de provincie?"))
    assert all(not t.alternatives for t in plain)
    caps = synonyms.expand("Wat is een ROL?", query_terms("Wat is een ROL?"))
    assert "regionale opvanglocatie" in caps[0].alternatives


def test_mined_groups_can_be_added():
    synonyms = Synonyms()
    synonyms.add_groups([["AVG", "algemene verordening gegevensbescherming"]])
    terms = synonyms.expand("Geldt de AVG?", query_terms("Geldt de AVG?"))
    assert "algemene verordening gegevensbescherming" in next(t for t in terms if t.surface == "AVG").alternatives


def _candidates(dense, coverage, bm25, page, heading=None) -> Candidates:
    dense, bm25 = np.asarray(dense, float), np.asarray(bm25, float)
    heading = np.zeros(len(dense)) if heading is None else np.asarray(heading, float)
    return Candidates(np.arange(len(dense)), dense, (dense - dense.mean()) / max(dense.std(), 1e-3), bm25,
                      bm25 / bm25.max(), np.asarray(coverage, float), np.asarray(page, float),
                      np.zeros(len(dense), int), np.zeros(len(dense), int), np.zeros(len(dense)), heading)


def test_fusion_lets_coverage_and_bm25_overturn_a_small_cosine_lead():
    c = _candidates(dense=[0.84, 0.83, 0.70], coverage=[0.2, 0.9, 0.1], bm25=[1.0, 8.0, 0.5], page=[0.3, 1.0, 0.1])
    assert int(np.argmax(c.dense)) == 0
    assert int(np.argmax(c.first_stage(RankWeights(coverage=1.0, bm25=0.5, page=0.5)))) == 1
    assert int(np.argmax(c.first_stage(RankWeights(coverage=0.0, bm25=0.0, page=0.0)))) == 0


def test_fusion_does_not_depend_on_the_cosine_range_of_a_model():
    narrow = _candidates(dense=[0.84, 0.83, 0.80], coverage=[0.2, 0.9, 0.1], bm25=[1, 2, 1], page=[0.2, 0.9, 0.1])
    wide = _candidates(dense=[0.64, 0.54, 0.24], coverage=[0.2, 0.9, 0.1], bm25=[1, 2, 1], page=[0.2, 0.9, 0.1])
    w = RankWeights()
    assert list(np.argsort(-narrow.first_stage(w))) == list(np.argsort(-wide.first_stage(w)))


def test_the_split_rule_is_fixed_and_applies_to_every_set():
    ids = [f"q{i}" for i in range(200)]
    frozen = [i for i in ids if is_frozen(i)]
    assert 0.3 < len(frozen) / len(ids) < 0.5
    assert is_frozen("dev-a01") == is_frozen("dev-a01")
    from bot.core.answering.evaluation import EvalItem

    items = [EvalItem(i, "vraag", None) for i in ids]
    assert {i.id for i in select(items, "frozen")} == set(frozen)
    assert len(select(items, "fit")) + len(frozen) == len(ids)
    with pytest.raises(ValueError):
        select(items, "test")


def test_shared_sets_split_as_documented():
    from conftest import DEV_EVAL, SHARED

    ak = SHARED / "eval" / "algoritmekader-train.jsonl"
    if not DEV_EVAL.is_file() or not ak.is_file():
        pytest.skip("shared eval files not found")
    assert (len(select(read_items(DEV_EVAL), "frozen")), len(read_items(DEV_EVAL))) == (13, 33)
    assert (len(select(read_items(ak), "frozen")), len(read_items(ak))) == (41, 125)


def test_a_fact_is_found_across_case_accents_and_line_breaks():
    answer = "Het arrangement vormt een netwerk van partners\nen   deskundigen voor de Coördinatie."
    assert contains_fact(answer, ["netwerk van partners en deskundigen"])
    assert contains_fact(answer, ["coordinatie"])
    assert not contains_fact(answer, ["netwerk van deskundigen"])


def test_wilson_interval():
    lo, hi = wilson(8, 10)
    assert lo == pytest.approx(0.490, abs=0.002) and hi == pytest.approx(0.943, abs=0.002)
    assert wilson(0, 0) is None
    assert wilson(10, 10)[1] == 1.0 and wilson(0, 10)[0] == 0.0


def _answer(answered: bool, text: str, path: str) -> Answer:
    src = Source(title="t", section="s", path=path, score=1.0)
    return Answer("q", answered, text, 0.9, [src], passages=[Passage(text, src)])


def test_page_labelled_questions_are_judged_by_the_page(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text("\n".join(json.dumps(d) for d in [
        {"id": "a", "question": "Wat?", "expect": None, "doc": "sub/page.md"},
        {"id": "b", "question": "Wie?", "expect": ["de minister"], "doc": "sub/page.md"},
        {"id": "c", "question": "Hoe?", "expect": None},
    ]) + "\n", encoding="utf-8")
    a, b, c = read_items(f)
    assert a.answerable and a.docs == ("sub/page.md",) and not c.answerable
    assert judge(a, _answer(True, "iets", "sub/page.md"), 1.0)["correct"]
    assert not judge(a, _answer(True, "iets", "other.md"), 1.0)["correct"]
    # With facts, the fact decides (right page, no fact: not correct).
    assert not judge(b, _answer(True, "iets", "sub/page.md"), 1.0)["correct"]
    assert judge(b, _answer(True, "De Minister beslist", "x.md"), 1.0)["hit1"]
    assert judge(c, _answer(False, "", "x.md"), 1.0)["correct"]
    rows = EvalResult([judge(a, _answer(True, "x", "sub/page.md"), 5.0), judge(c, _answer(True, "x", "x.md"), 7.0)])
    s = rows.summary()
    assert s["precision_answered"] == 0.5 and s["detail"]["precision_answered"]["n"] == 2
    assert s["escalated_unanswerable"] == 0.0 and s["detail"]["answered_correct"]["ci95"] is not None


def test_words_of_the_situation_before_the_question_sentence_are_told_apart():
    from index.search import situation_stems
    from index.text import stem

    found = situation_stems("We zitten in de PRT Gelderland en missen cijfers. Leveren jullie ook cijfers aan?")
    assert stem("gelderland") in found and stem("cijfers") not in found  # asked again in the question sentence
    assert situation_stems("Hoeveel plekken moet Gelderland realiseren?") == frozenset()
    assert situation_stems("Wat is een GVL? En wie beheert die?") == frozenset()  # no situation: two questions
