"""Follow-ups that lean on the question before them (bot.core.answering.followups)."""
from __future__ import annotations

import pytest

from bot.core.answering.followups import leans_on_earlier, needs_earlier, own_words, points_back, restate
from index.text import query_terms


@pytest.mark.parametrize("text", ["en wie zit erin?", "wie zitten daarin", "Wat kost dat?", "hoe lang duurt het?",
                                  "Staat daarover iets in het plan?", "Wie betaalt ervoor", "Is daar een formulier voor?",
                                  "zit er iemand van de provincie in?", "Wie zit er in?"])
def test_a_pointer_back_or_a_pronoun_at_the_end_points_back(text):
    assert points_back(text) and leans_on_earlier(text)


@pytest.mark.parametrize("text", ["Wat is een GVL?", "Waarvoor dient het kernteam?", "Zijn er kosten aan verbonden?",
                                  "Wat doet het kernteam voor de PRT's?", "Voor wie is het bedoeld?",
                                  "Hoe staat het daar met de opvang in Utrecht?"])
def test_a_question_of_its_own_does_not_point_back(text):
    # "waarvoor" asks (it is no pointer back); "er" alone is existential; "het" before a verb is a subject.
    assert not points_back(text)


def test_a_short_en_question_leans_on_the_earlier_one_but_a_long_one_does_not():
    assert leans_on_earlier("en in Utrecht?") and not points_back("en in Utrecht?")
    assert not leans_on_earlier("en hoe vraag ik een nieuwe laptop aan bij de servicedesk?")


def test_own_words_leave_out_the_pointer_and_light_verbs_but_keep_what_is_asked():
    assert [t.surface for t in own_words(query_terms("en wie zit erin?"))] == []
    assert [t.surface for t in own_words(query_terms("en hoe groot is die?"))] == ["groot"]
    assert [t.surface for t in own_words(query_terms("wat kost de opvang daarvan in Utrecht?"))] == ["kost", "opvang",
                                                                                                    "Utrecht"]


def test_restate_asks_the_follow_up_after_its_context_without_the_words_that_point_back():
    assert restate("Wat doet het kernteam?", "en wie zit erin?") == "Wat doet het kernteam? en wie"
    assert restate("Wat is een ROL?", "En hoe groot is die?") == "Wat is een ROL? En hoe groot is die?"


def test_a_follow_up_with_a_subject_of_its_own_may_be_answered_alone():
    assert needs_earlier("en hoe groot is die?") and needs_earlier("wat kost dat?") and needs_earlier("en wie zit erin?")
    assert points_back("Wat is een ROL en hoe groot is die?") and not needs_earlier("Wat is een ROL en hoe groot is die?")
    assert needs_earlier("wie zit er in?") and needs_earlier("zit er iemand van de provincie in?")
    assert not needs_earlier("Wat is de Spreidingswet en welke gemeenten doen er aan mee?")
    assert not needs_earlier("en in Utrecht?")  # leans on the question before it, but points nowhere
