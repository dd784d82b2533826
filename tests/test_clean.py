"""Rules of :mod:`index.clean`: each rule on a small example, then properties on any text."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.clean import (
    OCR_WORD_FIXES,
    clean_text,
    dehyphenate,
    fix_ocr_words,
    join_lines,
    normalize_bullets,
    normalize_characters,
)

# --- hyphenation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("het onder-\nsteuningsarrangement", "het ondersteuningsarrangement"),
        ("de betrokken COA-\nmedewerkers", "de betrokken COA-medewerkers"),
        ("provincie Noord-\nHolland", "provincie Noord-Holland"),
        ("periode 2020-\n2021", "periode 2020-2021"),
        ("de J&V-\nambtenaren", "de J&V-ambtenaren"),
        ("de Schengen-\nlanden", "de Schengen-landen"),
        ("Klaar. Onder-\nsteuning volgt", "Klaar. Ondersteuning volgt"),
        ("Onder-\nsteuning volgt", "Ondersteuning volgt"),
        ("- Onder-\nsteuning", "- Ondersteuning"),
        ("flexibel op-\nen afschalen", "flexibel op- en afschalen"),
        ("het kennis-\nof informatieloket", "het kennis- of informatieloket"),
        ("een onder-\n   steuning met inspringing", "een ondersteuning met inspringing"),
    ],
)
def test_dehyphenate(text: str, expected: str) -> None:
    assert dehyphenate(text) == expected


def test_dehyphenate_leaves_hyphens_inside_lines_and_dashes_alone() -> None:
    text = "kennis- en informatieloket\n- een item\nwoord -\nvolgende"
    assert dehyphenate(text) == text


def test_dehyphenate_across_ocr_double_spacing_only_for_lower_case() -> None:
    assert dehyphenate("onder-\n\nsteuning") == "ondersteuning"
    assert dehyphenate("zie hoofdstuk 3-\n\nDe volgende") == "zie hoofdstuk 3-\n\nDe volgende"


# --- bullets ----------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["•", "·", "¢", "-", "*", "–", "▪", "\uf0b7"])
def test_strong_bullet_markers_become_dash_items(marker: str) -> None:
    assert normalize_bullets(f"{marker} Eerste punt\n{marker} Tweede punt") == "- Eerste punt\n- Tweede punt"


def test_ocr_e_bullets_in_a_row_become_items() -> None:
    text = "Kennis over:\n\ne Kennis van type opvanglocaties;\n\ne Flexibele opvangvormen;\n e Methodiek op- en afschaling"
    assert clean_text(text) == (
        "Kennis over:\n\n- Kennis van type opvanglocaties;\n- Flexibele opvangvormen;\n- Methodiek op- en afschaling"
    )


def test_ocr_o_bullet_after_colon_becomes_item() -> None:
    assert normalize_bullets("De thema's:\no Opvangcapaciteit") == "De thema's:\n- Opvangcapaciteit"


def test_lone_e_or_o_at_line_start_in_prose_is_not_a_bullet() -> None:
    text = "Dit is een lange zin over de letter\ne die toevallig vooraan een regel staat."
    assert normalize_bullets(text) == text
    assert clean_text(text) == "Dit is een lange zin over de letter e die toevallig vooraan een regel staat."


def test_bullet_item_continuation_lines_are_joined_into_one_line() -> None:
    text = "De kennis:\n¢ Kennis van type opvanglocaties: kaders, inrichting,\nfinanciering;\n¢ Contractvormen"
    assert clean_text(text) == "De kennis:\n\n- Kennis van type opvanglocaties: kaders, inrichting, financiering;\n- Contractvormen"


def test_bullet_alone_on_its_line_is_attached_to_the_next_line() -> None:
    assert clean_text("Punten:\n•\nEerste punt\n•\nTweede punt") == "Punten:\n\n- Eerste punt\n- Tweede punt"


def test_numbered_items_stay_numbered_each_on_one_line() -> None:
    text = "Bereikbaar via:\n1. Emailadres loket@example.nl\n2. Secretaris Jan Jansen:\nj.jansen@example.nl"
    assert clean_text(text) == (
        "Bereikbaar via:\n\n1. Emailadres loket@example.nl\n2. Secretaris Jan Jansen: j.jansen@example.nl"
    )


# --- OCR leftovers and characters ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("financiéle kaders", "financiële kaders"),
        ("wordt geévalueerd", "wordt geëvalueerd"),
        ("heeft of creéert toegang", "heeft of creëert toegang"),
        ("onder codrdinatie van", "onder coördinatie van"),
        ("Codrdineert de vragen", "Coördineert de vragen"),
        ("regelingen (0.a. subsidies)", "regelingen (o.a. subsidies)"),
    ],
)
def test_ocr_word_fixes(text: str, expected: str) -> None:
    assert fix_ocr_words(text) == expected


@pytest.mark.parametrize("text", ["één keer", "het café is open", "Zoé", "versie 10.a.1", "coördinatie"])
def test_ocr_word_fixes_leave_correct_dutch_alone(text: str) -> None:
    assert fix_ocr_words(text) == text


def test_every_ocr_fix_documents_its_reason() -> None:
    assert all(fix.reason for fix in OCR_WORD_FIXES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thema'’s en CdK’'s", "thema's en CdK's"),
        ("PRT’s", "PRT's"),
        ("“Er wordt”", '"Er wordt"'),
        ("“\"Er wordt\"”", '"Er wordt"'),
        ("‘kort’ en „lang”", "'kort' en \"lang\""),
        ("non\u00a0breaking", "non breaking"),
        ("onder\u00adsteuning", "ondersteuning"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("ﬁnanciering en ﬂexibel", "financiering en flexibel"),
        ("bĳ de Ĳssel zĳn", "bij de IJssel zijn"),
        ("bel\x07 en\x1b tik", "bel en tik"),
        ("regel\r\nnieuw\rlaatste", "regel\nnieuw\nlaatste"),
        ("pagina\feen", "pagina\neen"),
        ("e\u0308", "ë"),
    ],
)
def test_normalize_characters(text: str, expected: str) -> None:
    assert normalize_characters(text) == expected


def test_clean_text_collapses_spaces_and_applies_nfc() -> None:
    result = clean_text("twee   spaties\tand tab en financie\u0308le")
    assert result == "twee spaties and tab en financiële"
    assert unicodedata.is_normalized("NFC", result)


# --- paragraphs ----------------------------------------------------------------------------


def test_hard_wrapped_lines_are_joined_and_blank_lines_separate_paragraphs() -> None:
    text = "Het ondersteuningsarrangement is\neen hulpmotor.\n\nDe LRT besluit."
    assert join_lines(text) == "Het ondersteuningsarrangement is een hulpmotor.\n\nDe LRT besluit."


def test_ocr_blank_line_inside_a_sentence_does_not_break_the_paragraph() -> None:
    text = "op diverse thema's specifieke deskundigheid\n\nvereist. Deze komt beschikbaar."
    assert join_lines(text) == "op diverse thema's specifieke deskundigheid vereist. Deze komt beschikbaar."


def test_short_line_ending_a_sentence_before_a_capital_starts_a_new_paragraph() -> None:
    text = (
        "Het kernteam is het eerste aanspreekpunt voor vragen van de PRT's en\n"
        "van hun ondersteuners in de provincies.\n"
        "Daarnaast is er een netwerk van deskundigen beschikbaar voor iedereen."
    )
    assert join_lines(text).split("\n\n") == [
        "Het kernteam is het eerste aanspreekpunt voor vragen van de PRT's en van hun ondersteuners in de provincies.",
        "Daarnaast is er een netwerk van deskundigen beschikbaar voor iedereen.",
    ]


def test_full_line_ending_a_sentence_does_not_break_the_paragraph() -> None:
    text = (
        "Het kernteam is het eerste aanspreekpunt voor vragen van de PRT's.\n"
        "Daarnaast is er een netwerk van deskundigen beschikbaar voor iedereen."
    )
    assert "\n" not in join_lines(text)


def test_clean_text_on_an_ocr_fragment() -> None:
    text = (
        "Het ondersteuningsarrangement bestaat uit experts die veel kennis en onder-\n"
        "steuning bieden aan COA-\nmedewerkers en de PRT’s. Kennis van financiéle\n"
        "kaders (0.a. subsidieregelingen) is aanwezig.\n"
    )
    assert clean_text(text) == (
        "Het ondersteuningsarrangement bestaat uit experts die veel kennis en ondersteuning bieden aan "
        "COA-medewerkers en de PRT's. Kennis van financiële kaders (o.a. subsidieregelingen) is aanwezig."
    )


# --- properties ------------------------------------------------------------------------------

_DOCUMENT_LIKE = st.lists(
    st.sampled_from(
        list("abc eoEO.:;,-–•¢*()1)IVé'’\"“”\u00ad\u00a0\t\x0cﬁ") + ["\n", "\n\n", "codrdin", "0.a.", "COA-"]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), _DOCUMENT_LIKE))
@example("CodrdinAé\ufb00")  # found by CI: the ligature, expanded, completed an OCR trace only on the second clean
def test_clean_text_never_crashes_and_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert isinstance(once, str)
    assert clean_text(once) == once


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), _DOCUMENT_LIKE))
def test_clean_text_output_has_no_control_characters_or_stray_whitespace(text: str) -> None:
    result = clean_text(text)
    assert all(ch == "\n" or ord(ch) >= 32 for ch in result)
    assert "  " not in result and "\n\n\n" not in result
    assert result == result.strip()
