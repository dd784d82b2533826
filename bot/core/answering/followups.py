"""Follow-ups that lean on the question before them: "en wie zit erin?", "wat kost dat?".

In a thread (Slack, Teams) or a terminal chat people ask on: "Wat doet het kernteam?" and
then "en wie zit erin?". Asked on its own, such a follow-up has almost nothing to search
for ("zit"), and a passage that happens to say who sits somewhere answers it wrongly. So
a follow-up that points back (a pronominal adverb such as "erin", "daarvan"; a pronoun at
its end, "wat kost dat?"; or a short "en ..." question) is asked together with the question
before it first. The answer must still speak to the follow-up's own words, but not to the
words that only point back, nor to the light verbs they come with ("zitten", "staan"):
those the earlier question already settled. One that points back and names no subject of
its own ("en hoe groot is die?") is not answered alone either way.
"""
from __future__ import annotations

import re
from typing import Sequence

from index.text import Term, fold, query_terms

# er/daar/hier + preposition, written as one word ("erin", "daarvan", "hiermee"). "waar..." is
# a question word ("waarvoor dient het?"), not a pointer back, and is left out.
_POINTER = re.compile(
    r"\b(?:er|daar|hier)(?:aan|achter|bij|binnen|boven|buiten|door|in|langs|mee|na|naar|naast|om|onder|op"
    r"|over|tegen|toe|tussen|uit|van|voor)\b"
)
# The same pointer split in two, its preposition at the end: "is daar een formulier voor?",
# "zit er iemand van de provincie in?". An "er" with no preposition at the end is existential
# ("zijn er kosten aan verbonden?") and points nowhere.
_SPLIT_POINTER = re.compile(
    r"\b(?:er|daar|hier)\b.*\b(?:aan|achter|bij|door|in|mee|na|naar|om|onder|op|over|tegen|toe|uit|van|voor)\W*$"
)
_PRONOUN_AT_END = re.compile(r"\b(?:dat|dit|die|deze|het|hem|hen|hun|ze|zij)\W*$")
_CONNECTIVE = re.compile(r"^(?:en|maar|ook|dus|of)\b")
SHORT_FOLLOWUP_TERMS = 2  # "en in Utrecht?", "en de provincie?": a connective and at most this many words
# Light verbs: with a pointer they say where or how something is ("wie zit erin?", "wat staat
# erin?"), not what about. Adjectives and nouns stay: "en hoe groot is die?" asks for a size.
LIGHT_VERBS = frozenset(
    "zit zitten zat zaten staat staan stond stonden ligt liggen lag lagen doet doen deed deden gaat gaan ging "
    "gingen komt komen kwam kwamen hoort horen hoorde hoorden valt vallen viel vielen hangt hangen hing hingen".split()
)


def points_back(text: str) -> bool:
    """Whether a follow-up refers to what was asked before ("erin", "wat kost dat?"): on its
    own it has no subject, so an answer to it alone would be about something else."""
    folded = fold(text).strip()
    return bool(_POINTER.search(folded) or _SPLIT_POINTER.search(folded) or _PRONOUN_AT_END.search(folded))


OWN_SUBJECT_TERMS = 2  # "Wat is een ROL en hoe groot is die?" names its subject: it may be answered alone


def names_no_subject(text: str, *, besides: frozenset[str] = frozenset()) -> bool:
    """Whether a follow-up has fewer than :data:`OWN_SUBJECT_TERMS` words of its own: not
    counting pointers back, light verbs, nor the folded words in ``besides``."""
    own = [t for t in own_words(query_terms(text)) if fold(t.surface) not in besides]
    return len(own) < OWN_SUBJECT_TERMS


def needs_earlier(text: str) -> bool:
    """Whether a follow-up that points back has too few words of its own to be answered
    alone ("en hoe groot is die?", "wat kost dat?")."""
    return points_back(text) and names_no_subject(text)


def leans_on_earlier(text: str) -> bool:
    """Whether a follow-up continues the question before it: it points back, or it is a short
    "en ..." question ("en in Utrecht?")."""
    if points_back(text):
        return True
    return bool(_CONNECTIVE.match(fold(text).strip())) and len(query_terms(text)) <= SHORT_FOLLOWUP_TERMS


def restate(context: str, followup: str) -> str:
    """The follow-up asked after its context, without the words that only point back or say
    nothing on their own: "Wat doet het kernteam? en wie zit erin?" would otherwise count
    "zit" and "erin" as words the passage lacks. Question words ("wie", "hoeveel") stay."""
    terms = query_terms(followup)
    kept = {fold(t.surface) for t in own_words(terms)}
    drop = {fold(t.surface) for t in terms} - kept
    words = [w for w in followup.split() if fold(w.strip("?!.,;:")) not in drop]
    return f"{context} {' '.join(words)}".strip()


def own_words(terms: Sequence[Term]) -> list[Term]:
    """The words of a leaning follow-up that an answer found with its context must mention:
    not the pointers back, nor the light verbs that come with them."""
    return [t for t in terms if not _POINTER.fullmatch(fold(t.surface)) and fold(t.surface) not in LIGHT_VERBS]
