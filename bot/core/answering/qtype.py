"""What kind of answer a question asks for, and whether a quote can be one.

"Hoeveel kost een opvangplek?" is not answered by a sentence about opvangplekken that
holds no amount at all, however on-topic it is. Checking the expected answer type is an
old, cheap question-answering signal that catches exactly those confident misses.
"""
from __future__ import annotations

import re

from index.text import fold

NUMBER, DATE, FREQUENCY, MONEY = "number", "date", "frequency", "money"
PHONE, EMAIL, WEB = "phone", "email", "web"

_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # contact details: asked for by name, and only a number, address or link answers them
    (PHONE, re.compile(r"\btelefoon ?nummer|\btel\.? ?nr\b|\bwelk nummer .{0,40}\bbel")),
    (EMAIL, re.compile(r"\be-?mail ?adres|\bmailadres")),
    (WEB, re.compile(r"\bwebadres|\binternetadres|\bwebsite ?adres|\burl\b|\bop welke website\b")),
    (MONEY, re.compile(r"\bwat kost|\bhoeveel (geld|kost)|\bwelk bedrag\b|\bhoe duur\b|\bhoeveel euro\b|\bwat zijn de kosten\b"
                       r"|\bwelk budget\b|\bwelke vergoeding\b|\bhoe ?hoog is (de|het) (bedrag|budget|vergoeding|subsidie)\b")),
    (FREQUENCY, re.compile(r"\bhoe ?vaak\b|\bhoe dikwijls\b|\bhoe regelmatig\b")),
    # "hoe lang": a duration (weeks, months, a number of years), checked like a date
    (DATE, re.compile(r"\b(tot|vanaf|sinds|per)? ?wanneer\b|\bwelke datum\b|\bin welk jaar\b|\bhoe laat\b|\bwelke dag\b"
                      r"|\bhoe lang\b")),
    # a percentage, or a minimum/maximum of something, is a number as well
    (NUMBER, re.compile(r"\bhoeveel\b|\bhoe ?veel\b|\bhoe groot\b|\bwelk aantal\b|\bhoe hoog\b|\bwelke? percentage\b"
                        r"|\bminima(al|le)\b|\bmaxima(al|le)\b")),
)
_MONTHS = "januari februari maart april mei juni juli augustus september oktober november december"
_DATE_WORDS = re.compile(
    rf"\b({_MONTHS.replace(' ', '|')}|voorjaar|najaar|zomer|winter|kwartaal|week|weken|maand|jaar|eind|begin|"
    r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|vandaag|morgen|uur|"
    r"maanden|jaren|dagen|werkdagen|uren|minuten)\b"
)
_FREQUENCY_WORDS = re.compile(r"(jaarlijks|maandelijks|wekelijks|dagelijks|\bkeer\b|\belke?\b|\bper\b|\bieder(e)?\b|\baltijd\b|\bregelmatig)")
_MONEY_WORDS = re.compile(r"(€|\beuro\b|\bbedrag|\bkosten\b|\bkost\b|\bbudget|\bsubsidie|\bvergoeding|\bfinanciering)")
# Dutch writes numbers as one word built from these parts: "tweehonderd", "vijfentwintig",
# "tienduizenden", "honderdduizenden", "miljoenen", "tientallen".
_NUMBER_PART = (r"(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|zestien|"
                r"zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|"
                r"honderd|duizend|miljoen|miljard)")
_NUMBER_WORD = re.compile(rf"{_NUMBER_PART}(?:en{_NUMBER_PART}|{_NUMBER_PART})*(?:en|den|tallen)?")
_WORD = re.compile(r"[a-z]+")
_PHONE = re.compile(r"\+?\d[\d\s()-]{7,}\d")  # at least nine digits and separators: "070 123 45 67", "+31 6 ..."
_WEB = re.compile(r"https?://|\bwww\.|\b[a-z0-9-]+\.(nl|com|org|eu|net|gov|io|int)\b")


def expected_type(question: str) -> str | None:
    """The answer type a question asks for, or None when it does not say."""
    q = fold(question)
    for kind, pattern in _TYPES:
        if pattern.search(q):
            return kind
    return None


def satisfies(kind: str | None, text: str) -> bool:
    """Whether ``text`` contains something of the expected type (always True for None)."""
    if kind is None:
        return True
    t = fold(text)
    has_digit = any(c.isdigit() for c in t)
    if kind == PHONE:
        return _PHONE.search(t) is not None
    if kind == EMAIL:
        return "@" in t
    if kind == WEB:
        return _WEB.search(t) is not None
    if kind == MONEY:
        return bool(_MONEY_WORDS.search(t))
    if kind == NUMBER:
        return has_digit or any(_is_number_word(w) for w in _WORD.findall(t))
    if kind == DATE:
        return has_digit or bool(_DATE_WORDS.search(t))
    return has_digit or bool(_FREQUENCY_WORDS.search(t))


def _is_number_word(word: str) -> bool:
    """A number written as a word ("twaalf", "honderdduizenden"); the article "een" is not one."""
    return word != "een" and _NUMBER_WORD.fullmatch(word) is not None
