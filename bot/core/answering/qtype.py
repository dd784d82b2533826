"""What kind of answer a question asks for, and whether a quote can be one.

"Hoeveel kost een opvangplek?" is not answered by a sentence about opvangplekken that
holds no amount at all, however on-topic it is. Checking the expected answer type is an
old, cheap question-answering signal that catches exactly those confident misses.
"""
from __future__ import annotations

import re

from index.text import fold

NUMBER, DATE, FREQUENCY, MONEY, PERCENT = "number", "date", "frequency", "money", "percent"
WHEN = "when"  # "wanneer mag/moet je ...?": the case in which, or a moment
VERSION = "version"  # "welke (TLS-)versie ...?": only a version number answers it
PHONE, EMAIL, WEB = "phone", "email", "web"

_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # contact details: asked for by name, and only a number, address or link answers them
    (PHONE, re.compile(r"\btelefoon ?nummer|\btel\.? ?nr\b|\bwelk nummer .{0,40}\bbel")),
    (EMAIL, re.compile(r"\be-?mail ?adres|\bmailadres")),
    (WEB, re.compile(r"\bwebadres|\binternetadres|\bwebsite ?adres|\burl\b|\bop welke website\b")),
    (MONEY, re.compile(r"\bwat kost|\bhoeveel (geld|kost)|\bwelk bedrag\b|\bhoe duur\b|\bhoeveel euro\b|\bwat zijn de kosten\b"
                       r"|\bwelk budget\b|\bwelke vergoeding\b|\bhoe ?hoog is (de|het) (bedrag|budget|vergoeding|subsidie)\b")),
    # a share asked for by its unit ("de foutmarge in procenten") is a percentage as well
    (PERCENT, re.compile(r"\bwelke? percentage\b|\bhoe ?veel procent\b|\bin procent(en)?\b|\bin %")),
    (FREQUENCY, re.compile(r"\bhoe ?vaak\b|\bhoe dikwijls\b|\bhoe regelmatig\b")),
    # "wanneer" with a modal or a choice asks as often for the case as for the moment
    (WHEN, re.compile(r"(?<!tot )(?<!vanaf )(?<!sinds )(?<!per )\bwanneer (mag|mogen|moet|moeten|kan|kun|kunnen"
                      r"|kies|kiest|gebruik|gebruikt|geldt|gelden|heb|hebben|spreek|spreekt)\b|\bzo ja,? wanneer\b")),
    # "hoe lang", or a duration asked for by its noun ("wat is de bewaartermijn?", "welke
    # doorlooptijd"): weeks, months, a number of years, checked like a date. "Wat is een
    # bewaartermijn?" asks what the word means, so only "de"/"het"/"welke" before it count.
    (DATE, re.compile(r"\b(tot|vanaf|sinds|per)? ?wanneer\b|\bwelke datum\b|\bin welk jaar\b|\bhoe laat\b(?![^.?!]*\b(?:zien|weten|merken|blijken|horen)\b)|\bwelke dag\b"
                      r"|\bhoe lang\b|\b(?:wat is|welke) (?:de |het )?(?:(?!een\b)\w+ )?"
                      r"\w*(?:termijn|doorlooptijd|looptijd|wachttijd|reactietijd|behandeltijd|levertijd|hersteltijd)\b")),
    # "welke versie", "welke TLS-versie": a version number ("1.2", "BIO 1.0")
    (VERSION, re.compile(r"\bwelke? (?:[\w.]+[- ])?versie\b")),
    # a minimum or maximum of something is a number as well
    # ("wat moet er minimaal in staan?" asks for the contents, not a number)
    (NUMBER, re.compile(r"\bhoeveel\b|\bhoe ?veel\b|\bhoe groot\b|\bwelk aantal\b|\bhoe hoog\b"
                        r"|\bminimale\b|\bmaximale\b|(?<!\bwat )(?<!\bwat moet )(?<!\bwat moet er )(?<!\bwat moeten )"
                        r"(?<!\bwat moeten er )(?<!\bwat hoort )(?<!\bwat hoort er )(?<!\bwat is )\b(?:minimaal|maximaal)\b")),
)
_MONTHS = "januari februari maart april mei juni juli augustus september oktober november december"
_DATE_WORDS = re.compile(
    rf"\b({_MONTHS.replace(' ', '|')}|voorjaar|najaar|zomer|winter|kwartaal|week|weken|maand|jaar|eind|begin|"
    r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|vandaag|morgen|uur|"
    r"maanden|jaren|dagen|werkdagen|uren|minuten)\b"
)
_FREQUENCY_WORDS = re.compile(r"(jaarlijks|maandelijks|wekelijks|dagelijks|\bkeer\b|\belke?\b|\bper\b|\bieder(e)?\b|\baltijd\b|\bregelmatig)")
# "Wanneer mag je onderscheid maken?" asks for the case as often as for the moment.
_CONDITION_WORDS = re.compile(r"\b(als|indien|wanneer|tenzij|zodra|mits|voordat|nadat|zolang|uitzondering\w*|voorwaarde\w*|"
                              r"situaties?|gevallen|geval)\b")
_MONEY_WORDS = re.compile(r"(\bbedrag|\bkosten\b|\bkost\b|\bbudget|\bsubsidie|\bvergoeding|\bfinanciering)")
_CURRENCY = re.compile(r"€|\beuro\b|\bgratis\b|\bkosteloos\b|\bkost(en)? niets\b|\bgeen kosten\b")
_PERCENT = re.compile(r"%|\bprocent\b|\bpercent\b")
_DIGITS = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")  # a number standing alone, not "h1" or "nis2"
_NUMERAL = re.compile(r"(?<![^\W\d_])\d")  # a number, perhaps with a unit ("16px", "100ms"), not inside a name
# Dutch writes numbers as one word built from these parts: "tweehonderd", "vijfentwintig",
# "tienduizenden", "honderdduizenden", "miljoenen", "tientallen".
_NUMBER_PART = (r"(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|zestien|"
                r"zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|"
                r"honderd|duizend|miljoen|miljard)")
_NUMBER_WORD = re.compile(rf"{_NUMBER_PART}(?:en{_NUMBER_PART}|{_NUMBER_PART})*(?:en|den|tallen)?")
_WORD = re.compile(r"[a-z]+")
# A number that names a place in a text or a version is no quantity: "artikel 4", "fase 0",
# "BIO 9.4.2.1", "WCAG 2.1", "bijlage III". A dotted number is a section or version number
# of three groups or more ("9.4.2.1", "2.0.1") unless every group after the first has three
# digits (Dutch thousands: "12.345.678"); "1.5" and "1.100" stay numbers.
_REFERENCE_WORDS = (r"artikel|art|artt|lid|leden|fase|hoofdstuk|hfst|paragraaf|par|bijlage|annex|sectie|stap|versie|"
                    r"niveau|onderdeel|overweging|bio|iso|iec|nen|wcag|module|pagina|blz|nr|"
                    r"principe|maatregel|vereiste|criterium|succescriterium|punt|sub|onderdelen")
_REFERENCE = re.compile(rf"\b(?:{_REFERENCE_WORDS})\.? ?\d+(?:[.,:-]\d+)*[a-z]?\b")
_SECTION_NUMBER = re.compile(r"(?<![\w.,])(?!\d+(?:\.\d{3})+(?![\w.]))\d+\.\d+\.\d+(?:\.\d+)*(?![\w])")
# A year is a moment, not a count: "hoeveel IAMA's zijn er gepubliceerd?" is not answered by
# "In 2023 en 2024 zijn ...". A year-like number counts as a year after a word that places it in
# time ("in", "sinds", "eind", a month, "en" in "2023 en 2024") or when nothing but punctuation or
# a conjunction follows it; "2000 inwoners" stays a number.
_YEAR = re.compile(r"(?<![\w.,])(?:19|20)\d\d(?![\w]|[.,]\d)")
_TIME_WORDS = frozenset(("in sinds vanaf tot na voor van eind begin medio uiterlijk per jaar t/m en of " + _MONTHS).split())
_AFTER_YEAR = re.compile(r"\s*(?:$|[.,;:!?)/–-]|(?:en|of|t/m|tot)\b)")
_PHONE = re.compile(r"\+?\d[\d\s()-]{7,}\d")  # at least nine digits and separators: "070 123 45 67", "+31 6 ..."
_WEB = re.compile(r"https?://|\bwww\.|\b[a-z0-9-]+\.(nl|com|org|eu|net|gov|io|int)\b")


# A question word before "wanneer" in the same sentence makes it a conjunction: "welke norm
# beschrijft wanneer een algoritme bias bevat?" asks for a norm, not a moment.
# "..., en wanneer?" and "sinds wanneer" still ask for a moment.
_ASKED_BEFORE_WANNEER = re.compile(r"\b(wat|welke?|wie|hoe|waar|waarom|waarvoor|waarmee|hoeveel)\b[^.?!]*"
                                   r"(?<!\ben )(?<!\bof )(?<!\btot )(?<!\bvanaf )(?<!\bsinds )(?<!\bper )(?<!,)(?<!, )"
                                   r"\bwanneer\b")


def expected_type(question: str) -> str | None:
    """The answer type a question asks for, or None when it does not say."""
    q = fold(question)
    for kind, pattern in _TYPES:
        match = pattern.search(q)
        if match and kind in (DATE, WHEN) and "wanneer" in match.group(0) and _ASKED_BEFORE_WANNEER.search(q):
            continue
        if match:
            return kind
    return None


def satisfies(kind: str | None, text: str, *, question: str = "") -> bool:
    """Whether ``text`` contains something of the expected type (always True for None).

    Numbers the ``question`` itself names are no answer to it: "hoeveel asielzoekers kwamen
    er in 2015?" is not answered by a sentence whose only number is 2015. An amount needs a
    currency, or a number next to a word for money: "het budget wordt later bepaald" is none.
    """
    if kind is None:
        return True
    if kind == VERSION:  # "versie 1.0" is the answer here, not a reference to skip
        return _DIGITS.search(_without_given_numbers(fold(text), fold(question))) is not None
    t = _without_references(_without_given_numbers(fold(text), fold(question)))
    has_digit = _NUMERAL.search(t) is not None  # "16px" and "3e" are numbers; "nis2", "h1", "e5" are names
    has_number = has_digit or any(_is_number_word(w) for w in _WORD.findall(t))
    if kind == PHONE:
        return _PHONE.search(t) is not None
    if kind == EMAIL:
        return "@" in t
    if kind == WEB:
        return _WEB.search(t) is not None
    if kind == MONEY:
        return bool(_CURRENCY.search(t)) or (has_number and bool(_MONEY_WORDS.search(t)))
    if kind == PERCENT:
        return has_digit and _PERCENT.search(t) is not None
    if kind == NUMBER:
        counted = _without_years(t)
        return _NUMERAL.search(counted) is not None or any(_is_number_word(w) for w in _WORD.findall(counted))
    if kind == DATE:
        return has_digit or bool(_DATE_WORDS.search(t))
    if kind == WHEN:
        return has_digit or bool(_DATE_WORDS.search(t)) or bool(_CONDITION_WORDS.search(t))
    return has_digit or bool(_FREQUENCY_WORDS.search(t))


def _without_given_numbers(text: str, question: str) -> str:
    """``text`` with the digit numbers that also occur in ``question`` blanked out."""
    given = set(_DIGITS.findall(question))
    if not given:
        return text
    return _DIGITS.sub(lambda m: " " if m.group() in given else m.group(), text)


def _without_years(text: str) -> str:
    """``text`` with the years that place something in time blanked out (see :data:`_YEAR`)."""
    def blank(m: re.Match[str]) -> str:
        before = text[:m.start()].rstrip()
        word = before.rsplit(None, 1)[-1] if before else ""
        in_time = word in _TIME_WORDS or before.endswith(("(", "/", "-", "–")) or _AFTER_YEAR.match(text, m.end())
        return " " if in_time else m.group()
    return _YEAR.sub(blank, text)


def _without_references(text: str) -> str:
    """``text`` with article, section and version numbers blanked out (see :data:`_REFERENCE`)."""
    return _SECTION_NUMBER.sub(" ", _REFERENCE.sub(" ", text))


def _is_number_word(word: str) -> bool:
    """A number written as a word ("twaalf", "honderdduizenden"); the article "een" is not one."""
    return word != "een" and _NUMBER_WORD.fullmatch(word) is not None
