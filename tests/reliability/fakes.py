"""A stand-in desk for service-level reliability tests that do not need retrieval.

``answered("...")`` / ``unanswered("...")`` mark a question so the fake desk answers or
escalates it; the real desk is used by the Slack-level tests.
"""
from __future__ import annotations

from typing import Sequence

from bot.core.answering.answer import KIND_ANSWER, KIND_NONE, Answer, VerifiedItem

CORE = "UKERN001"
ANSWER_MARK = " [a]"


def answered(text: str) -> str:
    return text + ANSWER_MARK


def unanswered(text: str) -> str:
    return text


class FakeDesk:
    """Answers marked questions, escalates the rest; keeps verified answers like the desk."""

    def __init__(self) -> None:
        self.verified: dict[str, VerifiedItem] = {}
        self.asked: list[str] = []

    def ask(self, question: str) -> Answer:
        self.asked.append(question)
        if question.endswith(ANSWER_MARK):
            return Answer(question, True, "Zie het draaiboek.", 0.9, [], KIND_ANSWER)
        return Answer(question, False, "Weet ik niet.", 0.1, [], KIND_NONE)

    def add_verified_answer(self, item: VerifiedItem) -> None:
        self.verified[item.key] = item

    def remove_verified_answer(self, key: str) -> None:
        self.verified.pop(key, None)

    def set_verified_answers(self, items: Sequence[VerifiedItem]) -> None:
        self.verified = {i.key: i for i in items}
