"""Mistyped question words corrected to corpus words (index/spelling.py) and their use in search."""
from __future__ import annotations

from index.spelling import Correction, Speller, max_edits
from index.text import stem

WORDS = ["leverancier", "leveranciers", "systeem", "persoonsgegevens", "data", "fase", "gemeente", "gemeenten",
         "netwerk", "kosten", "aanpak", "aantallen", "opvang"]


def _speller(words=WORDS, passages=None) -> Speller:
    known = set(words)
    return Speller(words, passages=passages or {}, knows=lambda w: w in known)


def test_a_slip_of_one_or_two_keystrokes_becomes_the_corpus_word():
    speller = _speller()
    assert speller.correct("leverancer") == "leverancier"  # one letter left out
    assert speller.correct("sytseem") == "systeem"  # two neighbouring letters swapped: one edit
    assert speller.correct("persoonsgegvns") == "persoonsgegevens"  # two edits in a long word
    assert speller.correct("aantalen") == "aantallen"


def test_words_that_are_not_typos_stay_as_typed():
    speller = _speller()
    assert speller.correct("leverancier") is None  # the corpus knows it
    assert speller.correct("vergadert") is None  # general Dutch: a word the corpus does not use, not a typo
    assert speller.correct("datafase") is None  # a new compound of two corpus words
    assert speller.correct("fsae") is None  # too short for an edit to be a safe guess
    assert speller.correct("sysssteeeem") is None  # too far from every corpus word
    assert speller.correct("hebben") is None  # stop word


def test_short_words_allow_one_edit_and_long_words_two():
    assert [max_edits(w) for w in ("kost", "kosten", "systeem", "leverancer")] == [0, 1, 1, 2]
    assert _speller().correct("systeeem") == "systeem"  # eight letters: two edits allowed, one needed
    assert _speller().correct("gmeentn") is None  # seven letters, two edits away: left alone


def test_among_equally_close_words_the_one_on_most_passages_wins():
    words = ["kosten", "koster"]
    assert stem("kosten") != stem("koster")
    assert _speller(words, passages={stem("koster"): 40, stem("kosten"): 1}).correct("kostem") == "koster"
    assert _speller(words, passages={stem("koster"): 1, stem("kosten"): 40}).correct("kostem") == "kosten"


def test_fix_replaces_plain_words_and_reports_them():
    text, corrections = _speller().fix("Mag onze leverancer de persoonsgegvns in dat systeem zien?")
    assert text == "Mag onze leverancier de persoonsgegevens in dat systeem zien?"
    assert corrections == [Correction("leverancer", "leverancier"), Correction("persoonsgegvns", "persoonsgegevens")]


def test_fix_leaves_names_abbreviations_and_hyphenated_words_alone():
    speller = _speller(WORDS + ["utrecht"])
    text, corrections = speller.fix("Wat kost het Leverancer-systeem in Utrect en bij LEVERANCER?")
    assert corrections == [] and text == "Wat kost het Leverancer-systeem in Utrect en bij LEVERANCER?"
    text, _ = speller.fix("Leverancer kiezen: hoe?")  # first word of the question: a capital is no name
    assert text == "Leverancier kiezen: hoe?"


def test_a_mistyped_question_is_searched_as_the_corpus_words_but_kept_as_asked(search_index):
    typed = "Wie heeft de aantalen per provincie vastgesteld?"
    query = search_index.analyse(typed)
    assert query.text == typed
    assert "aantallen" in {t.surface for t in query.terms}
    assert not search_index.unknown_terms(query)
    plain = search_index.analyse("Wie heeft de aantallen per provincie vastgesteld?")
    assert [h.chunk.id for h in search_index.search(query, k=3)] == [h.chunk.id for h in search_index.search(plain, k=3)]


def test_the_desk_answers_a_mistyped_question_as_the_plain_one(desk):
    plain = desk.ask("Wie is het eerste aanspreekpunt voor de provinciale regietafels?")
    typed = desk.ask("Wie is het eerste aanspreekpnut voor de provinciale regietafels?")
    assert plain.answered and typed.answered
    assert typed.answer == plain.answer and typed.sources == plain.sources
    assert typed.question.startswith("Wie is het eerste aanspreekpnut")  # the core team sees what was asked
    assert typed.read_as == (("aanspreekpnut", "aanspreekpunt"),) and plain.read_as == ()
