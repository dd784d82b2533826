"""Answer "wie weet er iets van …?" with experts instead of a passage.

The desk asks its responders before it searches the knowledge base (see
``Desk.add_responder``). :class:`ExpertResponder` answers only questions that ask for a
person (:func:`~bot.core.network.intent.expert_topic`) *and* have a matching available
expert; everything else (also "wie weet …" without a match) goes the usual way, so the
core team still sees it.

The answer is an :class:`ExpertAnswer`: an ordinary :class:`~bot.core.answering.answer.Answer`
(plain text for the terminal and the database) that also carries the matches, so the
Slack adapter can show each expert with a mention and a mail link.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.core.answering.answer import Answer

from .experts import Expert
from .finder import ExpertFinder
from .intent import expert_topic
from .matcher import ExpertMatch

KIND_EXPERTS = "experts"
EXAMPLE_NOTE = "Let op: dit zijn voorbeeldgegevens (rollen, geen echte personen)."


@dataclass(frozen=True)
class ExpertAnswer(Answer):
    """An answer that names experts; ``experts`` holds them with why they match."""

    topic: str = ""
    experts: tuple[ExpertMatch, ...] = ()


def contact_line(expert: Expert) -> str:
    """How to reach an expert, in plain text."""
    ways = []
    if expert.slack_user_id:
        ways.append("via Slack")
    if expert.email:
        ways.append(expert.email)
    return " of ".join(ways) if ways else "via het kernteam"


def describe(match: ExpertMatch) -> str:
    """One expert as a plain-text line: who, where, why, how to reach."""
    e = match.expert
    region = ", ".join(e.provinces)
    return (f"{e.name} — {e.role}, {e.organisation} ({region}). Waarom: {match.reason}. "
            f"{e.description} Contact: {contact_line(e)}.")


def expert_text(topic: str, matches: list[ExpertMatch] | tuple[ExpertMatch, ...]) -> str:
    """The plain-text answer listing ``matches`` for ``topic``."""
    lines = [f"Deze deskundigen uit het netwerk weten meer over {topic}:"]
    lines += [f"{i}. {describe(m)}" for i, m in enumerate(matches, 1)]
    if any(m.expert.example for m in matches):
        lines.append(EXAMPLE_NOTE)
    return "\n".join(lines)


def expert_answer(question: str, topic: str, matches: list[ExpertMatch]) -> ExpertAnswer:
    return ExpertAnswer(question=question, answered=True, answer=expert_text(topic, matches),
                        confidence=matches[0].score if matches else 0.0, sources=[], kind=KIND_EXPERTS,
                        topic=topic, experts=tuple(matches))


class ExpertResponder:
    """A desk responder: experts for "who knows about X?" questions (see module docstring)."""

    def __init__(self, finder: ExpertFinder, *, k: int = 3) -> None:
        self.finder = finder
        self.k = k

    def __call__(self, question: str) -> Answer | None:
        topic = expert_topic(question)
        if topic is None:
            return None
        matches = self.finder.match(topic, k=self.k)
        if not matches:
            return None
        return expert_answer(question, topic, matches)
