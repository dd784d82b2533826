"""Pick the sentences of the best passages that answer the question.

People want the fact, not a 200-word chunk: the answer quotes the sentences that
cover most of the question's weighted terms, with what they need to make sense (the
list an introducing sentence announces, or the next sentence of a very short one).
"""
from __future__ import annotations

import re
from typing import NamedTuple, Sequence

from index.search import Hit, Query, SearchIndex

from .qtype import expected_type, satisfies
from index.text import fold, in_compound, raw_tokens, sentences, stem

DEFAULT_MAX_CHARS = 1200
SHORT_SENTENCE = 90


class Quote(NamedTuple):
    """Sentences quoted from one hit."""

    text: str
    hit: Hit
    score: float


def sentence_scores(index: SearchIndex, query: Query, sents: Sequence[str]) -> list[float]:
    """IDF-weighted share of question terms each sentence mentions."""
    return index.shares(query, [index.text(s) for s in sents])


def _child_headings(index: SearchIndex, hit: Hit, limit: int = 12) -> list[str]:
    """Headings of the sections right below the hit's section (what a trailing colon announces)."""
    parent = hit.chunk.heading_path
    out: list[str] = []
    for chunk in index.chunks[hit.index + 1 :]:
        if chunk.doc_path != hit.chunk.doc_path or chunk.heading_path[: len(parent)] != parent:
            break
        if len(chunk.heading_path) == len(parent) + 1 and chunk.heading_path[-1] not in out:
            out.append(chunk.heading_path[-1])
        if len(out) >= limit:
            break
    return out


# Demonstratives and pronouns that open a Dutch sentence leaning on the one before it.
_ANAPHORA = ("dat ", "dit ", "deze ", "die ", "daar", "hier", "zij ", "ze ", "zo ", "het gaat ", "hij ")
LIST_QUESTION = re.compile(r"\b(welke|noem|wat zijn (de|alle)|waaruit bestaa|opsomming|overzicht|stappen|onderdelen)\b")
# "Hoe heet dat?", "Welk soort bias ...": the answer is the name a section opens with, so the
# sentence before the best one (where that name usually stands) comes along.
NAME_QUESTION = re.compile(r"\b(hoe heet|hoe heten|hoe noem|welke? soort|wat voor soort|welke term|wat is de naam|hoe wordt .{1,40} genoemd)\b")
# Quote the whole passage (<= max_chars) when it covers this share of the question and no
# sentence holds WHOLE_PASSAGE_SHARE of what it covers: the fact is then spread over the
# passage or in a sentence that shares few words with the question. (Fit parts of three
# corpora: 0.75 / 0.3 quote the fact for 5 more of 125 Algoritmekader questions than
# 0.6 / 0.5, no loss elsewhere; answers grow from about 425 to 525 characters on average.)
WHOLE_PASSAGE_SHARE = 0.75
WHOLE_PASSAGE_COVERAGE = 0.3


def _continues(sentence: str) -> bool:
    """Whether a sentence leans on the one before it ("Dat zijn ...", "Deze ...")."""
    return sentence.lower().startswith(_ANAPHORA)


_DEFINITE_OPENING = re.compile(r"^(?:de|het)\s+([^\W\d_]{3,})", re.IGNORECASE)


def _refers_back(sentence: str, previous: str) -> bool:
    """Whether a sentence opens with a definite noun phrase whose noun the previous sentence
    names: "De tools controleren ..." after "Internet.nl is een online testtool ...". The
    name of what is meant (often the answer) is in that previous sentence.

    Fit parts of six sets: it changes 7 of 268 quotes of the best passage and quotes the
    fact for one more Algoritmekader and one more DON question, none fewer.
    """
    match = _DEFINITE_OPENING.match(sentence)
    if match is None:
        return False
    noun = fold(match.group(1))
    words = [fold(w) for w in raw_tokens(previous)]
    return stem(noun) in {stem(w) for w in words} or in_compound(stem(noun), " " + " ".join(words) + " ")


def _list_run(sents: list[str], i: int) -> list[int]:
    """The list item ``i`` belongs to: its introducing sentence and all its items."""
    start = i
    while start > 0 and _is_item(sents[start]):
        start -= 1
    end = i
    while end + 1 < len(sents) and _is_item(sents[end + 1]):
        end += 1
    return list(range(start, end + 1))


_ITEM = re.compile(r"^(?:[-*•]|\d{1,2}[.)])\s")


def _is_item(sentence: str) -> bool:
    """A list item: "- ...", "* ...", "1. ...", "2) ..."."""
    return _ITEM.match(sentence) is not None


def _starts_line(hit: Hit, sentence: str) -> bool:
    """Whether ``sentence`` starts a line of the passage (not found: as if it did)."""
    at = hit.chunk.text.find(sentence)
    return at <= 0 or hit.chunk.text[at - 1] == "\n"


def _item_goes_on(hit: Hit, sents: list[str], i: int) -> bool:
    """Whether list item ``i`` goes on in a sentence on the same line ("1. Bij de invoering ...
    Volgens het Kadaster ..."): that sentence is part of the item, not the next block."""
    return i + 1 < len(sents) and not _is_item(sents[i + 1]) and not _starts_line(hit, sents[i + 1])


def _expansion(sents: list[str], i: int, index: SearchIndex, hit: Hit, *, max_follow: int = 3,
               follow: bool = False) -> list[int]:
    """Indexes of sentence ``i`` plus what it needs: its list, or the sentences that lean on it.

    A sentence ending in a colon takes its list (or, without list markup, the next two
    sentences). With ``follow`` (the best sentence) or a very short sentence, the next
    sentence comes along: a question often restates the setting in its own words, and the
    fact is the sentence after it. Then sentences starting with "Dat ...", "Deze ..." and
    the like follow the one before them.
    """
    picked = [i]
    if i > 0 and (_continues(sents[i]) or _refers_back(sents[i], sents[i - 1])) and not _is_item(sents[i - 1]):
        picked.insert(0, i - 1)  # "Dit geldt voor ...", "De tools ...": the sentence it points back to
    j = i + 1
    if not sents[i].rstrip().endswith(":"):
        takes_next = follow or len(sents[i]) < SHORT_SENTENCE
        while j < len(sents) and len(picked) <= max_follow and not _is_item(sents[j]):
            if not (_continues(sents[j]) or (takes_next and j == i + 1)):
                break
            picked.append(j)
            j += 1
    if sents[picked[-1]].rstrip().endswith(":"):  # the list (or what follows) that it announces
        j = picked[-1] + 1
        start = j
        while j < len(sents) and _is_item(sents[j]):
            picked.append(j)
            j += 1
        if j == start:
            picked.extend(range(start, min(start + 2, len(sents))))
    return picked


_INLINE_ITEM = re.compile(r"(?<=[.;:,])\s+-\s+(?=\S)")


def _split_items(sents: list[str]) -> list[str]:
    """Split list items run together on one line ("... warmte. - Onderwijs ...") into items."""
    out: list[str] = []
    for sent in sents:
        parts = _INLINE_ITEM.split(sent)
        out.append(parts[0])
        out.extend(f"- {p}" for p in parts[1:])
    return out


def _render(sents: list[str], picked: list[int], index: SearchIndex, hit: Hit, max_chars: int) -> str:
    parts = [sents[k] for k in sorted(set(picked))]
    if parts[-1].rstrip().endswith(":") and max(picked) == len(sents) - 1:
        parts.extend(f"- {h}" for h in _child_headings(index, hit))
    out: list[str] = []
    for part in parts:
        room = max_chars - len("\n".join(out)) - 1
        if out and len(part) > room:
            if room > 200:  # a long item or sentence: as much of it as fits, cut at a word
                out.append(part[:room].rsplit(" ", 1)[0] + " …")
            break
        out.append(part)
    joined = "".join((("\n" if _is_item(p) or (_is_item(out[k - 1]) and _starts_line(hit, p)) else " ") if k else "") + p
                     for k, p in enumerate(out))
    return joined[:max_chars].rstrip()



def best_quote(index: SearchIndex, query: Query, hit: Hit, *, max_chars: int = DEFAULT_MAX_CHARS) -> Quote:
    """The best one or two sentences (with context) of a hit, in document order.

    The second-best sentence is added when it is at least half as good: facts are often
    split over a topic sentence and the one that names the details.
    """
    sents = _split_items(sentences(hit.chunk.text))
    if not sents:
        return Quote("", hit, 0.0)
    scores = sentence_scores(index, query, sents)
    kind = expected_type(query.text)
    typed = [satisfies(kind, s, question=query.text) for s in sents] if kind is not None else None
    if typed is not None:  # a sentence that holds the asked type (a date, a number) is likelier the answer
        scores = [sc + (0.15 if t else 0.0) for sc, t in zip(scores, typed)]
    order = sorted(range(len(sents)), key=lambda i: (-scores[i], i))
    best = order[0]
    if _whole_passage(hit, scores[best], len(hit.chunk.text), max_chars):
        return Quote(_with_heading(index, query, hit, hit.chunk.text.strip(), max_chars), hit, min(hit.coverage, 1.0))
    picked = _expansion(sents, best, index, hit, follow=not _is_item(sents[best]) or _item_goes_on(hit, sents, best))
    if best > 0 and asks_for_name(query.text):
        picked.insert(0, best - 1)
    if _is_item(sents[best]) and LIST_QUESTION.search(fold(query.text)):
        picked += _list_run(sents, best)  # "welke ..." asked for the list, not one item
    if len(order) > 1:
        second = order[1] if order[1] not in picked else (order[2] if len(order) > 2 else None)
        if second is not None and scores[second] > 0 and scores[second] >= 0.5 * scores[best]:
            picked += _expansion(sents, second, index, hit)
    if typed is not None:
        picked += _typed_sentence(typed, picked, scores)
    text = _render(sents, picked, index, hit, max_chars)
    return Quote(_with_heading(index, query, hit, text, max_chars), hit, min(scores[best], 1.0))


# A sentence of the asked type joins the quote when it (or the sentence before it) covers at
# least this share of what the best sentence covers. Fit parts of six sets: one more DON
# answer holds its fact (a date two sentences after the best one), no other answer changed.
TYPED_SHARE = 0.5


def _typed_sentence(typed: list[bool], picked: list[int], scores: list[float]) -> list[int]:
    """When no picked sentence holds the kind of answer asked for (``typed``: which sentences
    do), the one that does and that is on the question, itself or with the sentence before
    it ("Op dit moment is NIS2 nog niet van kracht. De verwachting is ... 2025."), both kept."""
    if any(typed[i] for i in picked):
        return []
    best = max(scores[i] for i in picked)
    candidates = [i for i, t in enumerate(typed) if t and i not in picked]
    context = {i: max(scores[i], scores[i - 1] if i > 0 else 0.0) for i in candidates}
    found = [i for i in candidates if context[i] > 0 and context[i] >= TYPED_SHARE * best]
    if not found:
        return []
    i = max(found, key=lambda k: (context[k], -k))
    return [i - 1, i] if i > 0 and scores[i - 1] > scores[i] else [i]


def asks_for_name(question: str) -> bool:
    """Whether the question asks what something is called ("Hoe heet dat verschijnsel?")."""
    return NAME_QUESTION.search(fold(question)) is not None


def _whole_passage(hit: Hit, best_sentence: float, length: int, max_chars: int) -> bool:
    """The passage answers (it covers the question) but no single sentence does: quote it whole."""
    return (length <= max_chars and hit.coverage >= WHOLE_PASSAGE_COVERAGE
            and best_sentence < WHOLE_PASSAGE_SHARE * hit.coverage)


RUNNER_UP_GAP = 0.3  # score units: a runner-up this close to the best passage (other section) is quoted too


def worth_adding(index: SearchIndex, query: Query, first: Quote, other: Quote) -> bool:
    """A second source is quoted when it is from elsewhere and either scored about as well
    (:func:`close_runner_up`) or answers part of the question the first quote leaves open
    (question words the first does not mention and it does)."""
    a, b = first.hit, other.hit
    if not other.text or (a.chunk.doc_path == b.chunk.doc_path and a.chunk.heading_path == b.chunk.heading_path):
        return False
    if first.score >= 1.0:
        return False
    if close_runner_up(a.score, b.score):
        return True
    weights = index.weights(query)
    first_words, other_words = index.text(first.text), index.text(other.text)
    total = max(sum(weights), 1e-9)
    new = sum(w for t, w in zip(query.terms, weights)
              if index.mentions(other_words, t) and not index.mentions(first_words, t)) / total
    return new >= 0.2 and b.score >= a.score - 1.0


def close_runner_up(best: float, other: float, *, gap: float | None = None) -> bool:
    """Whether another section scored so close to the best that ranking cannot tell them apart.

    On sites with many look-alike pages the fact is often in the runner-up (fit parts: a
    quarter of the Algoritmekader misses of the first passage hold it in the second), so
    both are quoted rather than betting on the first.
    """
    return other >= best - (RUNNER_UP_GAP if gap is None else gap)


def _with_heading(index: SearchIndex, query: Query, hit: Hit, text: str, max_chars: int) -> str:
    """Lead with the section heading when it names what was asked and the quote does not.

    Glossary-style sections ("IPO — Interprovinciaal Overleg") carry the key fact in the
    heading; a quote of the body alone would leave it out.
    """
    heading = hit.chunk.heading_path[-1] if hit.chunk.heading_path else ""
    if not heading or heading == hit.chunk.title:
        return text
    head_words, quote_words = index.text(heading), index.text(text)
    if any(index.mentions(head_words, t) and not index.mentions(quote_words, t) for t in query.terms):
        joiner = ":\n" if _is_item(text) else ": "
        return f"{heading}{joiner}{text}"[:max_chars]
    return text


def compose(quotes: Sequence[Quote], *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Join quotes from different passages, never past ``max_chars``."""
    out: list[str] = []
    for q in quotes:
        if not q.text or q.text in out:
            continue
        if out and len("\n\n".join(out + [q.text])) > max_chars:
            break
        out.append(q.text)
    return "\n\n".join(out)[:max_chars]
