"""Which questions ask for a person (answered with experts) and which stay with the desk."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.network.intent import expert_topic

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("question, topic", [
    ("wie weet er iets van flexwonen?", "flexwonen"),
    ("Wie weet er meer over subsidies voor opvanglocaties?", "subsidies voor opvanglocaties"),
    ("Welke deskundige kan helpen met op- en afschaling?", "op- en afschaling"),
    ("Met wie kan ik sparren over een pilot?", "pilot"),
    ("Bij wie kan ik terecht met vragen over huisvesting van statushouders?", "huisvesting van statushouders"),
    ("Wie heeft er ervaring met noodopvang in een kazerne?", "noodopvang in een kazerne"),
    ("Ik zoek een expert op het gebied van financiering", "financiering"),
    ("Wie kan mij helpen met de prognose van de opvangcapaciteit?", "prognose van de opvangcapaciteit"),
    ("Kent u een deskundige voor juridische vragen?", "juridische vragen"),
])
def test_questions_for_a_person(question, topic):
    assert expert_topic(question) == topic


def test_knowledge_questions_stay_with_the_desk(shared_corpus):
    questions = ["Wie zit er in het kernteam?", "Wie is de rijksheer in Zeeland?", "Wat doet een deskundige van het netwerk?",
                 "Welke deskundigen zitten in het netwerk?", "Wie weet"]
    for name in (shared_corpus.parent / "eval" / "dev.jsonl", REPO / "tests" / "bench" / "shared_corpus_heldout.jsonl"):
        if name.exists():
            questions += [json.loads(line)["question"] for line in name.read_text(encoding="utf-8").splitlines() if line]
    assert len(questions) > 30
    assert [q for q in questions if expert_topic(q)] == []
