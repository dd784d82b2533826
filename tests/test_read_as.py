"""An answer to a mistyped question says which words it searched for instead (all channels)."""
from __future__ import annotations

import json

from bot.cli.render import render_answer
from bot.core.answering.answer import Answer, Source
from bot.slack import blocks
from bot.teams import cards

SOURCE = Source(title="Leveranciers", section="Leveranciers › Inkoop", path="inkoop.md", score=0.8)


def _answer(**kw) -> Answer:
    base = dict(question="Mag onze leverancer dat?", answered=True, answer="Ja, als het contract het regelt.",
                confidence=0.9, sources=[SOURCE])
    return Answer(**(base | kw)).reading([("leverancer", "leverancier")])


def test_an_answer_notes_the_words_it_read_otherwise_and_an_escalation_does_not():
    answer = _answer()
    assert answer.read_as == (("leverancer", "leverancier"),)
    assert answer.read_as_line == "Gelezen als: leverancier (getypt: leverancer)"
    assert json.loads(json.dumps(answer.to_json()))["read_as"] == [{"typed": "leverancer", "read_as": "leverancier"}]
    escalated = _answer(answered=False)
    assert escalated.read_as == () and escalated.read_as_line is None
    assert Answer("q", True, "a", 1.0).reading([]).read_as_line is None


def test_slack_shows_the_line_under_the_answer_escaped():
    msg = blocks.answer_message(_answer(), 3)
    contexts = [e["text"] for b in msg["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert "Gelezen als: leverancier (getypt: leverancer)" in contexts
    odd = Answer("q", True, "a", 1.0, [SOURCE]).reading([("<b>x", "x&y")])
    assert any("&lt;b&gt;x" in t and "x&amp;y" in t for b in blocks.answer_message(odd, 1)["blocks"]
               if b["type"] == "context" for t in [e["text"] for e in b["elements"]])


def test_teams_shows_the_line_in_the_card_as_literal_text():
    card = cards.answer_card(_answer(), question_id=3, asker_id="29:abc")
    runs = [i["text"] for b in card["content"]["body"] if b["type"] == "RichTextBlock" for i in b["inlines"]]
    assert "Gelezen als: leverancier (getypt: leverancer)" in runs


def test_the_terminal_shows_the_line_after_the_sources():
    lines = render_answer(_answer()).splitlines()
    assert lines[-1] == "(Gelezen als: leverancier (getypt: leverancer))"
    assert "Gelezen" not in render_answer(Answer("q", True, "a", 1.0, [SOURCE]))
