"""Which answer type a question asks for (no model needed)."""
from __future__ import annotations

from bot.core.answering.qtype import (
    DATE, EMAIL, MONEY, NUMBER, PERCENT, PHONE, VERSION, WEB, WHEN, expected_type, satisfies,
)


def test_durations_percentages_and_limits_ask_for_numbers_or_dates():
    assert expected_type("Hoe lang moeten we de logbestanden bewaren?") == DATE
    assert expected_type("Wat is de bewaartermijn van logregels?") == DATE
    assert expected_type("Welke reactietermijn geldt voor een klacht?") == DATE
    assert expected_type("Wat is de gemiddelde doorlooptijd van een aanvraag?") == DATE
    assert expected_type("Wat is een bewaartermijn?") is None  # what the word means, not how long
    assert expected_type("Welk percentage van de aanvragen wordt gecontroleerd?") == PERCENT
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


def test_contact_details_are_only_answered_by_a_number_address_or_link():
    assert expected_type("Wat is het telefoonnummer van het kernteam?") == PHONE
    assert expected_type("mailadres van de programmadirecteur?") == EMAIL
    assert expected_type("Wat is het webadres van de website?") == WEB
    assert expected_type("Hoe maak ik onze website toegankelijk?") is None  # a website, not its address
    assert satisfies(PHONE, "Bel ons op 070 - 123 45 67.") and satisfies(PHONE, "Telefoon: +31 6 12345678")
    assert not satisfies(PHONE, "Het kernteam is telefonisch bereikbaar in 2020 en 2021.")
    assert satisfies(EMAIL, "Mail naar loket@example.nl.") and not satisfies(EMAIL, "Mail het kernteam.")
    assert satisfies(WEB, "Zie www.example.nl voor meer.") and satisfies(WEB, "Kijk op https://example.org/a")
    assert not satisfies(WEB, "Dat staat op de website van het programma.")


def test_budgets_and_allowances_ask_for_money():
    assert expected_type("Welk budget heeft het arrangement?") == MONEY
    assert expected_type("Welke vergoeding krijgt een gemeente per plek?") == MONEY


def test_an_amount_needs_a_currency_or_a_number_with_a_money_word():
    assert satisfies(MONEY, "Het budget is 5 miljoen.") and satisfies(MONEY, "Deelname is gratis.")
    assert satisfies(MONEY, "Een plek kost € 40 per dag.")
    assert not satisfies(MONEY, "Het budget wordt later door de LRT bepaald.")


def test_a_percentage_needs_a_percent_sign_or_the_word():
    assert expected_type("welk percentage van de nieuwe plekken moet flexibel zijn?") == PERCENT
    assert expected_type("Hoeveel procent van de aanvragen is goedgekeurd?") == PERCENT
    assert satisfies(PERCENT, "Ten minste 30% van de plekken.") and satisfies(PERCENT, "Het gaat om 12 procent.")
    assert not satisfies(PERCENT, "Het gaat om 417 plekken in 2020.")


def test_numbers_the_question_names_do_not_answer_it():
    question = "hoeveel asielzoekers kwamen er in 2015 naar Nederland?"
    assert not satisfies(NUMBER, "De lessen uit de hoge instroom van 2015 zijn verwerkt.", question=question)
    assert satisfies(NUMBER, "In 2015 kwamen er 59.000 asielzoekers.", question=question)
    # a digit inside a word is a name, not a number the question gives: "h1", "nis2"
    assert satisfies(NUMBER, "Een pagina heeft 1 kop van niveau h1.", question="hoeveel h1 koppen mag een pagina hebben")
    assert satisfies(DATE, "De NIS2 geldt vanaf 2025.", question="wanneer gaat nis2 in?")


def test_article_section_and_version_numbers_are_no_quantity():
    question = "Hoeveel punten moet je halen voor het hoogste niveau?"
    assert not satisfies(NUMBER, "Artikel 4 van de verordening vraagt om voldoende kennis.", question=question)
    assert not satisfies(NUMBER, "Zie BIO 9.4.2.1 en hoofdstuk 3.2 voor de eisen.", question=question)
    assert not satisfies(DATE, "Dat staat in art. 36 en in bijlage 2.")
    assert satisfies(NUMBER, "Wie 40 punten haalt, zit op het hoogste niveau.", question=question)
    for text in ("Er komen 1.100 plekken bij.", "Het gaat om 12.345.678 euro.", "De knop is 1.5 cm breed."):
        assert satisfies(NUMBER, text), text  # Dutch thousands and plain decimals stay numbers


def test_wanneer_with_a_modal_asks_for_the_case_or_the_moment():
    assert expected_type("Wanneer mag je onderscheid maken op geslacht?") == WHEN
    assert expected_type("Mag dat? Zo ja, wanneer?") == WHEN
    assert expected_type("Wanneer komt de nieuwe versie uit?") == DATE
    assert expected_type("Sinds wanneer geldt die plicht?") == DATE
    assert satisfies(WHEN, "Dat mag alleen als de wet er een uitzondering voor maakt.")
    assert satisfies(WHEN, "Dat mag vanaf 1 januari.")
    assert not satisfies(WHEN, "Onderscheid maken is een gevoelig onderwerp.")
    assert not satisfies(DATE, "De nieuwe versie is uitgebreider dan de vorige.")


def test_a_number_with_a_unit_is_a_number_and_a_conjunction_wanneer_asks_for_no_date():
    assert satisfies(NUMBER, "Gebruik minimaal 16px voor lopende tekst.")
    assert satisfies(NUMBER, "Wacht 100ms tussen twee verzoeken.")
    assert not satisfies(NUMBER, "De NIS2-richtlijn en de kop h1.")  # digits inside a name
    assert expected_type("Welke norm beschrijft wanneer een algoritme bias bevat?") is None
    assert expected_type("Wanneer gaat de richtlijn in?") == DATE
    assert expected_type("In welk artikel staat de plicht en sinds wanneer geldt die?") == DATE
    assert expected_type("Wat moet ik doen, en wanneer?") == DATE


def test_a_version_asked_for_needs_a_version_number():
    assert expected_type("Welke TLS-versie moeten we gebruiken?") == VERSION
    assert expected_type("welke versie van de standaard geldt nu?") == VERSION
    assert expected_type("Wat is er nieuw in deze versie?") is None
    assert satisfies(VERSION, "Gebruik minimaal TLS 1.2 voor elke verbinding.")
    assert satisfies(VERSION, "Sinds dit jaar geldt versie 2.0 van de standaard.")  # "versie 2.0" is the answer here
    assert not satisfies(VERSION, "Verbindingen zijn altijd versleuteld met TLS.")
    assert not satisfies(VERSION, "Versie 3 is de nieuwste.", question="Welke versie volgt op versie 3?")


def test_a_share_asked_for_in_percent_is_a_percentage():
    assert expected_type("Welke foutmarge in procenten haalt het model?") == PERCENT
    assert expected_type("Hoe groot is de afwijking, in %?") == PERCENT
    assert not satisfies(PERCENT, "Het model heeft een kleine foutmarge.")


def test_a_year_is_no_count():
    question = "Hoeveel registraties zijn er gepubliceerd?"
    for text in ("In 2023 en 2024 zijn er een aantal registraties gepubliceerd.",
                 "Sinds 2019 publiceren gemeenten registraties.", "Het rapport (2021) beschrijft registraties.",
                 "De registraties van maart 2024.", "Het programma liep 2021-2025."):
        assert not satisfies(NUMBER, text, question=question), text
    for text in ("Er zijn 2000 registraties gepubliceerd.", "In 2024 waren het er twaalf.",
                 "Het ging om 417 registraties in 2020."):
        assert satisfies(NUMBER, text, question=question), text
    assert satisfies(DATE, "Sinds 2019 publiceren gemeenten registraties.")  # as a moment a year still answers


def test_hoe_laat_with_zien_asks_how_not_what_time():
    assert expected_type("Hoe laat de gemeente aan inwoners zien hoe zeker de uitkomst is?") is None
    assert expected_type("Hoe laat begint de bijeenkomst?") == DATE


def test_a_point_of_an_annex_is_no_duration():
    question = "Hoe lang duurt de registratie?"
    assert not satisfies(DATE, "Systemen die in punt 2 van bijlage III staan, worden geregistreerd.", question=question)
    assert satisfies(DATE, "De registratie duurt 2 weken.", question=question)


def test_what_must_at_least_be_in_it_asks_for_contents_not_a_number():
    assert expected_type("Wat moet er minimaal in een DPIA staan?") is None
    assert expected_type("Wat is minimaal nodig voor een registratie?") is None
    assert expected_type("Welke max-age moet de header minimaal hebben?") == NUMBER
    assert expected_type("Wat is de maximale lengte van een linktekst?") == NUMBER
