"""Quote selection rules on small sentence lists written for the test (no model needed)."""
from __future__ import annotations

from types import SimpleNamespace

from bot.core.answering.extract import (RUNNER_UP_GAP, _expansion, _item_goes_on, _list_run, _render, _split_items,
                                        _typed_sentence, _whole_passage, asks_for_name, close_runner_up)
from index.text import sentences
from bot.core.answering.qtype import DATE, NUMBER, satisfies


def test_inline_list_items_become_items():
    sents = _split_items(["Dit zijn systemen voor: - Biometrie. - Onderwijs en beroepsopleiding, zoals toelating."])
    assert sents == ["Dit zijn systemen voor:", "- Biometrie.", "- Onderwijs en beroepsopleiding, zoals toelating."]
    assert _split_items(["Een gewone zin - met een gedachtestreepje."]) == ["Een gewone zin - met een gedachtestreepje."]


def test_the_best_sentence_brings_the_one_after_it():
    sents = ["Als leveranciers hun inschrijving hebben ingediend, moet worden beoordeeld wie het best past.",
             "Stel een beoordelingsteam samen met voldoende kennis over algoritmes.",
             "De gunning aan de winnaar van de aanbesteding volgt zoals gebruikelijk."]
    assert _expansion(sents, 0, None, None, follow=True) == [0, 1]
    assert _expansion(sents, 0, None, None, follow=False) == [0]


def test_a_sentence_leaning_on_the_previous_one_brings_it():
    sents = ["Het kader kent vijf fases voor de levenscyclus van elk algoritme.", "Deze fases zijn gebaseerd op tien modellen."]
    assert _expansion(sents, 1, None, None) == [0, 1]


def test_a_definite_noun_phrase_brings_the_sentence_that_names_it():
    sents = ["Internet.nl is een online testtool van het Platform Internetstandaarden.",
             "De tools controleren onder meer DKIM, SPF en DMARC.", "Het resultaat toont verbeterpunten."]
    assert _expansion(sents, 1, None, None)[:2] == [0, 1]  # "De tools": the testtool of the sentence before
    unrelated = ["Het kader kent vijf fases.", "De gemeente beslist zelf over de inzet."]
    assert 0 not in _expansion(unrelated, 1, None, None)  # "De gemeente" was not named before


def test_a_colon_brings_its_list_also_after_following():
    sents = ["Het beheerteam zorgt dat het systeem altijd klaar is voor gebruik.", "Dit team:",
             "- voorkomt storingen", "- lost problemen op", "Een nieuwe alinea over iets anders."]
    assert _expansion(sents, 0, None, None, follow=True) == [0, 1, 2, 3]
    assert _list_run(sents, 3) == [1, 2, 3]


def test_numbered_items_count_as_a_list():
    sents = ["Een ernstig incident leidt tot:", "1. het overlijden van een persoon;", "2. schade aan eigendommen.",
             "Meld het binnen vijftien dagen."]
    assert _expansion(sents, 0, None, None) == [0, 1, 2]


def test_a_list_item_brings_the_sentence_that_goes_on_on_its_line_but_not_the_next_block():
    text = ("Voorbeelden:\n1. Bij de start ging de dienst snel aan de slag met toetsen. Volgens de dienst is een schijndossier "
            "het gevaar.\n2. Een tweede voorbeeld.\nEen nieuwe alinea.")
    hit = SimpleNamespace(chunk=SimpleNamespace(text=text))
    sents = sentences(text)
    assert sents[1].startswith("1. Bij de start") and sents[2].startswith("Volgens")  # "1." opens its sentence
    assert _item_goes_on(hit, sents, 1) and not _item_goes_on(hit, sents, 3)  # "Een nieuwe alinea" starts a line
    picked = _expansion(sents, 1, None, hit, follow=_item_goes_on(hit, sents, 1))
    assert picked == [1, 2]
    assert _render(sents, picked, None, hit, 1200) == "1. Bij de start ging de dienst snel aan de slag met toetsen. " \
        "Volgens de dienst is een schijndossier het gevaar."  # one line, as written


def test_naming_questions_are_recognised():
    assert asks_for_name("Sinds de reorganisatie klopt het niet meer. Hoe heet dat verschijnsel?")
    assert asks_for_name("Welk soort fout zit daarin?")
    assert asks_for_name("Hoe wordt zo'n overzicht van maatregelen genoemd?")
    assert not asks_for_name("Wie is verantwoordelijk voor het register?")


def test_a_close_runner_up_is_quoted_as_well():
    assert close_runner_up(5.0, 4.8, gap=0.3)
    assert not close_runner_up(5.0, 4.5, gap=0.3)
    assert close_runner_up(5.0, 4.75) == (4.75 >= 5.0 - RUNNER_UP_GAP)


def test_the_whole_passage_is_quoted_when_no_sentence_holds_the_question():
    covering = SimpleNamespace(coverage=0.6)
    assert _whole_passage(covering, best_sentence=0.2, length=800, max_chars=1200)
    assert not _whole_passage(covering, best_sentence=0.55, length=800, max_chars=1200)  # one sentence holds it
    assert not _whole_passage(covering, best_sentence=0.2, length=1500, max_chars=1200)  # too long to quote whole
    assert not _whole_passage(SimpleNamespace(coverage=0.1), best_sentence=0.0, length=800, max_chars=1200)


def test_a_date_question_brings_the_dated_sentence_and_the_one_it_leans_on():
    sents = ["De NIS2-richtlijn volgt de eerdere richtlijn op.", "Ze geldt voor meer sectoren.",
             "Op dit moment is NIS2 nog niet van kracht.", "De verwachting is dat dit in het derde kwartaal van 2025 gebeurt."]
    question = "Wanneer gaat NIS2 in?"
    assert not satisfies(DATE, sents[0], question=question)  # "NIS2" is a name, not a number
    scores = [0.6, 0.0, 0.6, 0.0]
    typed = [satisfies(DATE, s, question=question) for s in sents]
    assert _typed_sentence(typed, [0, 1], scores) == [2, 3]
    assert _typed_sentence(typed, [3], scores) == []  # the quote already has a date


def test_a_number_far_from_the_question_does_not_join_the_quote():
    sents = ["Een knop moet goed te raken zijn.", "Zorg voor voldoende contrast.", "Het lettertype is minimaal 16 pixels."]
    typed = [satisfies(NUMBER, s, question="Hoe groot moet een knop minimaal zijn?") for s in sents]
    assert _typed_sentence(typed, [0, 1], [0.8, 0.0, 0.1]) == []
