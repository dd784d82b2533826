"""The set-based mention test answers exactly as the per-text compound regex it replaced."""
from __future__ import annotations

import itertools

from index.mentions import MentionIndex, split_words
from index.text import Term, fold, in_compound, query_terms

CORPUS = [
    "De ondersteuningsarrangementen voor gemeenten lopen tot 2026.",
    "Opvanglocaties en AI-leveranciers: de Algemene Verordening Gegevensbescherming (AVG) geldt.",
    "Het arrangement vormt de basis; statushouders krijgen een woning.",
    "Beschrijft de regionale opvang - zie ook e-mailadres en COA-functies.",
]
OUTSIDE = ["Een vergunninghouder meldt zich bij de opvangcentra.", "Leveranciersmanagement en zo'n 12 woningen"]


def reference(words: tuple[frozenset[str], str], term: Term) -> bool:
    """The landed ``SearchIndex.mentions`` on (vocab, blob), kept here as the oracle."""
    vocab, blob = words
    surface = fold(term.surface)
    if term.stem in vocab or surface in vocab:
        return True
    if in_compound(surface, blob) or (not term.salient and in_compound(term.stem, blob)):
        return True
    return any(f" {alt} " in blob or (" " not in alt and alt in vocab) for alt in term.alternatives)


def test_mentions_match_the_regex_test_on_corpus_and_unseen_texts() -> None:
    index = MentionIndex(w for text in CORPUS for w in split_words(text)[1])
    questions = [
        "Tot wanneer loopt het arrangement?", "Welke opvang is er voor statushouders?",
        "Geldt de AVG voor leveranciers?", "Wat is een locatie?", "Hoe werkt mail naar functies in 2026?",
        "Wie schrijft de woningen toe?",
    ]
    terms = [t for q in questions for t in query_terms(q)]
    terms.append(terms[0]._replace(alternatives=("regionale opvang", "verordening")))
    checked = 0
    for text, term in itertools.product(CORPUS + OUTSIDE, terms):
        vocab, _, blob = split_words(text)
        assert index.mentions(index.text(text), term) == reference((vocab, blob), term), (text, term)
        checked += 1
    assert checked == len(terms) * (len(CORPUS) + len(OUTSIDE))
    some = index.text(CORPUS[0])
    assert index.mentions(some, query_terms("Wat is een arrangement?")[0])  # compound member
    assert not index.mentions(index.text(CORPUS[3]), query_terms("Wie schrijft dat?")[0])  # short prefix: no


def test_share_weighs_mentioned_terms() -> None:
    index = MentionIndex(split_words(CORPUS[2])[1])
    terms = query_terms("Krijgen statushouders een fiets?")
    weights = [1.0] * len(terms)
    (share,) = index.share([index.text(CORPUS[2])], terms, weights)
    mentioned = sum(index.mentions(index.text(CORPUS[2]), t) for t in terms)
    assert 0 < mentioned < len(terms)
    assert share == mentioned / len(terms)


def test_in_compound_answers_as_the_compound_pattern() -> None:
    """The occurrence-by-occurrence check gives the regex's answer, on crafted and random words."""
    import random

    from index.text import compound_pattern

    rng = random.Random(7)
    alphabet = "abcdeéöst-2_ "
    crafted = [" opvanglocaties ", " ondersteuningsarrangement ", " beschrijft ", " vormt ", " ai-leverancier ",
               " opvangxyz ", " xopvang ", " abcdopvangst ", " abcopvang ", " 2024opvang ", " opvang_ab "]
    blobs = crafted + [" " + "".join(rng.choice(alphabet) for _ in range(rng.randint(4, 30))) + " " for _ in range(3000)]
    parts = ["opvang", "arrangement", "schrijft", "vorm", "leverancier", "abcd", "bcde", "st-2", "eeee", "opv"]
    agree = 0
    for blob in blobs:
        for part in parts + [blob.strip()[1:5], blob.strip()[2:7]]:
            expected = len(part) >= 4 and compound_pattern(part).search(blob) is not None
            assert in_compound(part, blob) == expected, (part, blob)
            agree += expected
    assert agree > 50  # the random words do contain members, not only misses
