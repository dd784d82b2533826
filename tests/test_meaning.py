"""Questions that ask what an abbreviation stands for are answered with the corpus's own definition."""
from __future__ import annotations

import pytest

from bot.core.answering.meaning import asked_meaning, definition_text
from index.abbreviations import defining_sentence


@pytest.mark.parametrize("question, short", [
    ("waar staat coa voor", "coa"),
    ("Waar staat de afkorting ROB eigenlijk voor?", "ROB"),
    ("Waarvoor staat J&V?", "J&V"),
    ("wat betekent CdK?", "CdK"),
    ("Wat is de betekenis van de afkorting DCAT", "DCAT"),
    ("wat houdt PRT in?", "PRT"),
    ("Wat is BZK voluit?", "BZK"),
    ("Hoe schrijf je IPO voluit", "IPO"),
    ("cdk = ? zie het steeds staan in de stukken", "cdk"),
    ("Even een vraag. GVL voluit?", "GVL"),
    ("Waar is WBI de afkorting van?", "WBI"),
    ("waar staan de letters PRT's eigenlijk voor", "PRT"),
])
def test_questions_for_the_letters_name_the_short_form(question, short):
    asked = asked_meaning(question)
    assert asked is not None and asked.short == short and not asked.more_asked


@pytest.mark.parametrize("question", [
    "Wat betekent de AVG voor gemeenten?",  # what the law implies, not its letters
    "Wat is een GVL?",  # search answers what it is, not only its name
    "Waar staat het adres van het kernteam?",
    "Wat houdt het ondersteuningsarrangement in voor onze gemeente?",
    "Wie staat er voor de PRT?",
])
def test_other_questions_are_left_to_search(question):
    assert asked_meaning(question) is None


def test_a_second_question_joined_on_is_noticed_but_a_remark_is_not():
    assert asked_meaning("waar staat BIO voor en geldt die ook voor ons?").more_asked
    assert not asked_meaning("Waar staat PID voor bij de wallet?").more_asked


def test_the_glossary_line_is_the_definition_before_a_sentence_that_uses_the_long_form():
    texts = [
        "Het Regionaal Overleg Beheer (ROB) komt elk kwartaal samen. Het ROB besluit over het beheer.",
        "Begrippen\n- ROB — Regionaal Overleg Beheer, het overleg van de beheerders.\n- VNB — Vereniging van Buurthuizen.",
    ]
    found = defining_sentence("ROB", "regionaal overleg beheer", texts)
    assert found is not None and found.row == 1
    assert definition_text(found.sentence) == "ROB — Regionaal Overleg Beheer, het overleg van de beheerders."
    only_prose = defining_sentence("ROB", "regionaal overleg beheer", texts[:1])
    assert only_prose is not None and only_prose.sentence.startswith("Het Regionaal Overleg Beheer (ROB)")
    assert defining_sentence("XYZ", "x y z", texts) is None


def test_a_table_row_is_quoted_without_its_borders():
    assert definition_text("| WBI | Wet Bijzondere Inzet |") == "WBI — Wet Bijzondere Inzet"


def test_desk_quotes_where_the_corpus_spells_out_the_abbreviation(desk):
    for question in ("waar staat coa voor", "Wat betekent de afkorting COA?", "coa = ?"):
        answer = desk.ask(question)
        assert answer.answered and "Centraal Orgaan opvang asielzoekers" in answer.answer, question
        assert answer.sources[0].path == "begrippen.md"


def test_desk_leaves_an_abbreviation_the_corpus_never_spells_out_to_search(desk):
    assert desk.index.definition("XQZ") is None
    answer = desk.ask("Waar staat XQZ voor?")
    assert not answer.answered


def test_desk_answers_both_parts_of_a_question_with_a_second_part(desk):
    answer = desk.ask("Waar staat COA voor en wat doet het kernteam?")
    assert answer.answered
    assert answer.answer.startswith("COA — Centraal Orgaan opvang asielzoekers")
    assert "eerste aanspreekpunt" in answer.answer  # the second part, from the page on the core team
    assert len(answer.sources) == 2


def test_a_glossary_written_as_headings_defines_its_terms(tmp_path, embedder):
    """One heading per term ("### ROB — Regionaal Overleg Beheer"), the text under it about what
    the body does: the heading says what the letters stand for, the text what it is."""
    from bot.core.answering.desk import Desk
    from index.build import build_index
    from index.search import SearchIndex

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "begrippen.md").write_text(
        "# Begrippen\n\n## Overleggen\n\n### ROB — Regionaal Overleg Beheer\n\n"
        "Het overleg van de beheerders van de buurthuizen. Het ROB komt elk kwartaal samen.\n\n"
        "### VNB — Vereniging van Nederlandse Buurthuizen\n\nDe koepel van alle buurthuizen.\n",
        encoding="utf-8")
    (tmp_path / "docs" / "werkwijze.md").write_text(
        "# Werkwijze\n\nHet ROB bespreekt de begroting. De VNB stuurt elk jaar een verslag aan het ROB.\n",
        encoding="utf-8")
    build_index([tmp_path / "docs"], tmp_path / "index", embedder, progress=False)
    index = SearchIndex.load(tmp_path / "index", embedder)
    assert index.abbreviations["ROB"] == "regionaal overleg beheer"
    answer = Desk(index).ask("waar staat rob voor?")
    assert answer.answered
    assert answer.answer.startswith("ROB — Regionaal Overleg Beheer: Het overleg van de beheerders")
    assert answer.sources[0].path == "begrippen.md"
