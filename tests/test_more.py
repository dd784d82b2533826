"""Asking for more of the last answer (bot.core.answering.more)."""
from __future__ import annotations

import pytest

from bot.core.answering.answer import Passage, Source
from bot.core.answering.more import MAX_MORE_CHARS, asks_for_more, continuation
from index.documents import Chunk


@pytest.mark.parametrize("text", ["kun je daar meer over vertellen?", "meer info graag", "Vertel eens meer",
                                  "Kun je dat toelichten?", "en verder?", "meer?"])
def test_asking_for_more_without_a_subject_of_its_own(text):
    assert asks_for_more(text)


@pytest.mark.parametrize("text", ["meer over de GVL-aanvraag in Utrecht?", "Hoeveel meer plekken komen er in Utrecht?",
                                  "Wat is een GVL?", "kun je meer vertellen over de taakstelling van de provincie?"])
def test_a_question_with_a_subject_of_its_own_is_no_request_for_more(text):
    assert not asks_for_more(text)


def chunk(path: str, text: str) -> Chunk:
    return Chunk(id=text[:12], doc_path=path, title="Pagina", heading_path=("Pagina",), text=text)


def shown_from(c: Chunk) -> Passage:
    return Passage(c.text, Source(title=c.title, section=c.section, path=c.doc_path, score=1.0))


PAGE = [
    chunk("a.md", "De werkgroep komt elke maand samen. Zij bespreekt de voortgang van de plannen. "
                  "Verslagen gaan naar alle deelnemers. Wie wil aansluiten, meldt zich bij het secretariaat."),
    chunk("a.md", "Het secretariaat plant de vergaderingen en houdt de actielijst bij."),
    chunk("b.md", "Een andere pagina over iets anders dan de werkgroep."),
]


def test_a_quote_of_part_of_a_passage_is_followed_by_the_whole_passage():
    found = continuation(PAGE, "De werkgroep komt elke maand samen.", [shown_from(PAGE[2]), shown_from(PAGE[0])])
    assert found is not None and (found.row, found.text) == (0, PAGE[0].text)


def test_a_whole_passage_is_followed_by_the_next_passage_of_its_section_and_the_end_by_nothing():
    assert continuation(PAGE, PAGE[0].text, [shown_from(PAGE[0])]).row == 1
    assert continuation(PAGE, PAGE[1].text, [shown_from(PAGE[1])]) is None  # b.md is another page


def test_at_the_end_of_its_section_the_next_passage_found_for_the_question_follows():
    glossary = [chunk("g.md", "Middelgrote locatie waar de procedure begint."),
                Chunk(id="s", doc_path="g.md", title="Pagina", heading_path=("Pagina", "Satelliet"),
                      text="Een andere term: een locatie die opvangt als de eerste vol is.")]
    found_for_question = [shown_from(glossary[0]), shown_from(PAGE[2]), shown_from(PAGE[1])]
    first = continuation(glossary + PAGE, glossary[0].text, found_for_question)
    assert first.row == 4 and first.rest == (found_for_question[2],)  # not the next term of the glossary
    second = continuation(glossary + PAGE, PAGE[2].text, [shown_from(PAGE[2]), *first.rest])
    assert second.row == 3 and second.rest == ()


def test_a_quote_that_opens_with_its_heading_is_still_found_in_its_passage():
    shown = "Werkgroep: " + PAGE[1].text  # a glossary-like quote puts its label first
    assert continuation(PAGE, shown, [shown_from(PAGE[1])]) is None  # the whole passage, last of its page
    assert continuation(PAGE, "Werkgroep: De werkgroep komt elke maand samen.", [shown_from(PAGE[0])]).row == 0


def test_a_passage_no_longer_in_the_index_has_no_continuation():
    gone = chunk("a.md", "Deze tekst stond er vroeger, maar de pagina is sindsdien herschreven.")
    assert continuation(PAGE, gone.text, [shown_from(gone)]) is None


def test_a_long_passage_is_cut_after_a_whole_sentence():
    long = chunk("c.md", " ".join(f"Zin nummer {i} gaat over de werkgroep en haar leden." for i in range(60)))
    found = continuation([long], "Zin nummer 0 gaat over de werkgroep en haar leden.", [shown_from(long)])
    assert len(found.text) <= MAX_MORE_CHARS and found.text.endswith("leden.")
