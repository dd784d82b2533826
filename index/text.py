"""Dutch text analysis shared by BM25, coverage features and answer extraction.

One analyzer for every lexical signal keeps them consistent: the BM25 index, the
"does this passage cover the question's words" feature and sentence selection all see
the same stemmed terms.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, NamedTuple

import Stemmer

# Function words (Snowball's Dutch list plus common forms it lacks, and the shorthand people
# type in chat for function-word phrases: "mbt" = met betrekking tot, "ivm" = in verband met).
STOPWORDS: frozenset[str] = frozenset(
    """
    aan al alle alles als altijd andere anders ben bij daar daarom dan dat de der deze die dit doch doen
    door dus een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets
    ik in is ja je jij jou jouw kan kon kunnen maar me meer men met mij mijn moet moeten mogen na naar niet
    niets nog nu of om omdat onder ons onze ook op over reeds te tegen toch toen tot u uit uw van veel voor
    want waren was wat we werd wezen wie wij wil worden wordt zal ze zelf zich zij zijn zo zonder zou zullen
    zouden dan den des die dien eer hen hare heb hadden had hebt kunt mag moest
    doe doet word wordt werden geworden zo'n zulke zulk welk welke waar waarom wanneer hoeveel hoelang hoever
    waarvoor waarmee waarover waarin waaruit waarop waardoor wiens wier
    enz etc bijv bv ca nl o.a. oa
    mbt ivm ipv evt dwz tzt oid aub svp zgn
    the a an of and or to is are what who when where which how
    """.split()
)

# Words that frame a question rather than say what it is about ("wat betekent X",
# "kun je uitleggen ..."). They carry no evidence, so coverage ignores them.
QUESTION_FRAMING: frozenset[str] = frozenset(
    """
    betekent betekenen betekenis bedoeld bedoelt bedoelen houdt houden inhoud
    staat staan vertel vertellen uitleg uitleggen leg weten wil willen graag vraag vragen
    kun kunt kan kunnen zou zouden mogelijk precies eigenlijk ongeveer even
    iemand welk soort type manier vaak
    """.split()
)

_TOKEN_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)


class Term(NamedTuple):
    """A content word of a text, with what makes it salient."""

    stem: str
    surface: str
    salient: bool  # a name, abbreviation or number: evidence must mention it
    alternatives: tuple[str, ...] = ()  # folded synonyms/expansions that count as the same term


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case and strip diacritics, so 'coördinatie' and 'coordinatie' match (cached: words repeat)."""
    nfkd = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in nfkd if not unicodedata.combining(c))


def _word(token: str) -> tuple[str, list[str]]:
    """The word of a token and its hyphen parts: "foto's" -> "foto", "e-mailadres" -> parts.

    A clitic or plural after an apostrophe ("KPI's", "zo'n") is dropped: it is not a word.
    """
    token = token.replace("’", "'")
    if "'" in token:
        head, _, tail = token.partition("'")
        token = head if len(tail) <= 2 else head + tail
    if "-" not in token:
        return token, [token]
    parts = [p for p in token.split("-") if p]
    return "-".join(parts), parts


def raw_tokens(text: str) -> list[str]:
    """Word and number tokens with their original case; a hyphenated word gives its parts
    and the joined form ("e-mailadres" -> "e", "mailadres", "emailadres")."""
    out: list[str] = []
    for match in _TOKEN_RE.finditer(text):
        tok = match.group(0)
        if tok[0].isdigit():
            out.append(tok.replace(",", ".").rstrip("."))
            continue
        _, parts = _word(tok)
        out.extend(parts)
        if len(parts) > 1:
            out.append("".join(parts))
    return out


def stem(word: str) -> str:
    """Stem one already folded word (numbers pass through)."""
    if word[0].isdigit():
        return word.replace(".", "")
    return _stemmer().stemWord(word)


def analyze_folded(folded: Iterable[str]) -> list[str]:
    """Stemmed content tokens from already folded tokens (stop words removed)."""
    return [stem(t) for t in folded if t not in STOPWORDS and (len(t) > 1 or t.isdigit())]


def analyze(text: str) -> list[str]:
    """Stemmed content tokens for BM25 (stop words removed)."""
    return analyze_folded(fold(t) for t in raw_tokens(text))


def _is_salient(surface: str, position: int) -> bool:
    """Names, abbreviations and numbers: things an answer must be about."""
    if any(c.isdigit() for c in surface):
        return True
    if len(surface) >= 2 and surface.isupper():
        return True
    return position > 0 and surface[0].isupper()


def query_terms(question: str) -> list[Term]:
    """The content terms of a question, de-duplicated, with salience marked.

    A hyphenated word ("e-mailadres", "Zuid-Holland") is one term; its parts written
    apart count as an alternative.
    """
    seen: set[str] = set()
    terms: list[Term] = []
    for i, match in enumerate(_TOKEN_RE.finditer(question)):
        token = match.group(0)
        if token[0].isdigit():
            surface, parts = token.replace(",", ".").rstrip("."), [token]
        else:
            _, parts = _word(token)
            surface = "".join(parts)
        folded = fold(surface)
        if folded in STOPWORDS or folded in QUESTION_FRAMING or (len(folded) < 2 and not folded.isdigit()):
            continue
        s = stem(folded)
        if s in seen:
            continue
        seen.add(s)
        alternatives = (" ".join(fold(p) for p in parts),) if len(parts) > 1 else ()
        salient = any(_is_salient(p, i) for p in parts)
        terms.append(Term(s, surface, salient, alternatives))
    return terms


@lru_cache(maxsize=4096)
def compound_pattern(part: str) -> re.Pattern[str]:
    """Words that contain ``part`` as a compound member: "opvang" in "opvanglocaties",
    "locatie" in "opvanglocaties", "arrangement" in "ondersteuningsarrangement".

    The rest of the word must be at least four letters, so derivations with short
    prefixes ("schrijft" in "beschrijft") do not count as the same word.
    """
    p = re.escape(part)
    letter, not_letter_before, not_letter_after = r"[^\W\d_]", r"(?<![^\W\d_])", r"(?![^\W\d_])"
    return re.compile(
        rf"{not_letter_before}{p}(?:{letter}{{4,}}|{letter}{{0,2}}{not_letter_after})"  # opvang-locaties, vorm-t
        rf"|{letter}{{4,}}{p}{letter}{{0,2}}{not_letter_after}"  # ondersteunings-arrangement
    )


def in_compound(part: str, blob: str) -> bool:
    """Whether some word of ``blob`` (folded words separated by spaces) has ``part`` as a compound member.

    The same answer as ``compound_pattern(part).search(blob)``, checked at each occurrence of
    ``part`` instead: compiling that pattern for every new question word cost more than
    searching with it.
    """
    if len(part) < 4:
        return False
    n, i = len(part), blob.find(part)
    while i >= 0:
        after = 0  # letters right after the part, counted up to four
        while after < 4 and i + n + after < len(blob) and _is_letter(blob[i + n + after]):
            after += 1
        if after != 3 and (i == 0 or not _is_letter(blob[i - 1])):  # opvang-locaties, vorm-t
            return True
        if after <= 2 and i >= 4 and all(_is_letter(c) for c in blob[i - 4 : i]):  # ondersteunings-arrangement
            return True
        i = blob.find(part, i + 1)
    return False


def _is_letter(char: str) -> bool:
    """What ``[^\\W\\d_]`` matches: a word character that is not a digit or underscore."""
    return char.isalnum() and not char.isdecimal()


# Abbreviations that a number or a name follows, never the end of a sentence: "art. 5",
# "nr. 12", "o.a. De Belastingdienst", "ca. 300".
_NO_SENTENCE_END = frozenset({
    "art", "artt", "nr", "nrs", "no", "blz", "pag", "par", "hfdst", "hst", "bijl", "fig", "tab", "vgl", "zgn",
    "o.a", "m.b.t", "i.v.m", "t.a.v", "d.w.z", "bijv", "bv", "m.u.v", "t.b.v", "i.p.v", "o.b.v", "a.d.h.v", "i.c.m",
    "mr", "dr", "ir", "ing", "drs", "prof", "mevr", "dhr", "stb", "stcrt", "kamerstukken", "jo", "ca", "resp",
    "e.g", "i.e", "vs", "incl", "excl",
})
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"'“(]?[A-Z0-9ÀÁÂÄÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜ])")


def _ends_in_abbreviation(part: str) -> bool:
    last = part.rsplit(None, 1)[-1].lstrip("(\"'“")
    return last.endswith(".") and last[:-1].lower() in _NO_SENTENCE_END


# What numbers a list item ("12.", "3)", "b.", "iv.", "- 2."): it opens the item's first sentence.
_ITEM_NUMBER = re.compile(r"(?:[-*+•]\s+)?\(?(?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,6})[.)]")


def sentences(text: str) -> list[str]:
    """Split text into sentences; list items and lines count as their own sentence.
    A full stop of an abbreviation that a number or name follows ("art. 5") ends none, nor
    does the full stop of the number that starts a numbered item ("14. Als ...")."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        parts: list[str] = []
        for part in _SENTENCE_BREAK.split(line):
            if parts and (_ends_in_abbreviation(parts[-1]) or (len(parts) == 1 and _ITEM_NUMBER.fullmatch(parts[0]))):
                parts[-1] += " " + part
            else:
                parts.append(part)
        out.extend(p.strip() for p in parts if p.strip())
    return out
