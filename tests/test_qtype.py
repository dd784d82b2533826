"""Which answer type a question asks for (no model needed)."""
from __future__ import annotations

from bot.core.answering.qtype import DATE, NUMBER, expected_type, satisfies


def test_durations_percentages_and_limits_ask_for_numbers_or_dates():
    assert expected_type("Hoe lang moeten we de logbestanden bewaren?") == DATE
    assert expected_type("Welk percentage van de aanvragen wordt gecontroleerd?") == NUMBER
    assert expected_type("Wat is de minimale lengte van een wachtwoord?") == NUMBER
    assert expected_type("Wie beheert het register?") is None


def test_a_quote_without_a_number_does_not_answer_a_duration():
    assert satisfies(DATE, "De gegevens worden zes maanden bewaard.")
    assert satisfies(NUMBER, "Controleer 5% van de uitkomsten.")
    assert not satisfies(NUMBER, "Controleer steekproefsgewijs een deel van de uitkomsten.")


def test_numbers_written_as_one_dutch_word_count_as_numbers():
    for text in ("Dat moet opschalen naar honderdduizenden transacties per seconde.", "Het gaat om vijfentwintig locaties.",
                 "Er zijn tientallen aanvragen.", "Tweehonderd deelnemers deden mee."):
        assert satisfies(NUMBER, text), text
    assert not satisfies(NUMBER, "Een register is een lijst van verwerkingen en voorbeelden.")
