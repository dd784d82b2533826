"""The general-Dutch cap on question-word weights (index/background.py) and its use in search."""
from __future__ import annotations

import pytest

from index import background
from index.background import general_weight, zipf
from index.text import query_terms


def test_common_words_are_capped_lower_than_rare_ones():
    top = 8.0
    assert zipf("doet") > zipf("regelen") > zipf("algoritme") > zipf("qwzrtx") == 0.0
    assert general_weight("doet", top) < general_weight("regelen", top) <= general_weight("onderaannemer", top) == top
    assert general_weight("de", top) == pytest.approx(top * background.FLOOR)


def test_the_cap_falls_linearly_on_the_zipf_scale():
    assert general_weight("qwzrtx", 10.0, common=6.0, rare=4.0) == 10.0  # unseen word: no cap
    mid = 10.0 * (6.0 - zipf("doet")) / 2.0
    assert general_weight("doet", 10.0, common=6.0, rare=4.0) == pytest.approx(max(mid, 10.0 * background.FLOOR))
    assert general_weight("doet", 10.0, common=4.0, rare=4.0) == 10.0  # degenerate bounds: no cap


def test_without_wordfreq_every_word_counts_fully(monkeypatch):
    monkeypatch.setattr(background, "_lookup", lambda: None)
    background.zipf.cache_clear()
    try:
        assert general_weight("doet", 7.5) == 7.5
    finally:
        background.zipf.cache_clear()


def _term(question: str, surface: str):
    return next(t for t in query_terms(question) if t.surface == surface)


def test_a_light_verb_no_longer_outweighs_the_subject(search_index):
    question = "Wat regelt de rijksheer gewoon?"
    gewoon, rijksheer = _term(question, "gewoon"), _term(question, "rijksheer")
    unseen = search_index.lexical.idf("\x00")
    assert search_index.term_weight(gewoon) < unseen  # before the cap: the weight of the rarest word
    assert search_index.term_weight(gewoon) == pytest.approx(min(unseen, general_weight("gewoon", unseen)))
    assert search_index.term_weight(rijksheer) == pytest.approx(search_index.lexical.idf("rijksheer"))


def test_names_and_numbers_are_not_capped(search_index):
    question = "Wat krijgt Limburg in 2031?"
    unseen = search_index.lexical.idf("\x00")
    assert search_index.term_weight(_term(question, "Limburg")) == pytest.approx(unseen * 1.5)
    assert search_index.term_weight(_term(question, "2031")) == pytest.approx(unseen * 1.5)
