"""The result types of ``Desk.ask``: what Loket answers and on what evidence.

These are plain frozen dataclasses so the Slack layer, the CLI and the tests can all
render them without knowing how retrieval works.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Iterable

# Answer.kind values
KIND_ANSWER = "answer"  # quoted from the knowledge base
KIND_VERIFIED = "verified"  # an earlier answer of the core team
KIND_SMALLTALK = "smalltalk"  # greeting, thanks, help: a friendly reply, no search
KIND_EMPTY = "empty"  # nothing (usable) was asked
KIND_NONE = "none"  # no good evidence: escalate to the core team


@dataclass(frozen=True)
class Source:
    """A cited document section."""

    title: str
    section: str
    path: str
    score: float
    url: str | None = None
    page: int | None = None
    kind: str = "document"  # "document" or "verified"
    updated: str | None = None


@dataclass(frozen=True)
class Passage:
    """A passage found for the question (also kept when Loket does not answer)."""

    text: str
    source: Source


@dataclass(frozen=True)
class Answer:
    """Loket's reply to one question.

    ``answered`` is False when the evidence is too weak: the caller escalates to the core
    team. ``passages`` holds the best passages found either way, so an escalation can show
    the core team what Loket saw.
    """

    question: str
    answered: bool
    answer: str
    confidence: float
    sources: list[Source] = field(default_factory=list)
    kind: str = KIND_ANSWER
    passages: list[Passage] = field(default_factory=list)
    read_as: tuple[tuple[str, str], ...] = ()  # (typed, read as): mistyped words searched as corpus words

    def reading(self, corrections: Iterable[tuple[str, str]]) -> "Answer":
        """This answer noting the words of the question that were read as other words
        (``(typed, fixed)`` pairs), so the asker can see what was searched for."""
        pairs = tuple((typed, fixed) for typed, fixed in corrections)
        return replace(self, read_as=pairs) if pairs and self.answered else self

    @property
    def read_as_line(self) -> str | None:
        """The line every channel shows under an answer to a mistyped question, or None."""
        if not self.read_as:
            return None
        return "Gelezen als: " + ", ".join(f"{fixed} (getypt: {typed})" for typed, fixed in self.read_as)

    @property
    def needs_escalation(self) -> bool:
        """True when the core team should take this question."""
        return not self.answered

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of ``loket ask --json``."""
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "confidence": round(float(self.confidence), 4),
            "kind": self.kind,
            "read_as": [{"typed": typed, "read_as": fixed} for typed, fixed in self.read_as],
            "sources": [
                {k: v for k, v in asdict(s).items() if k in ("title", "section", "path", "score", "url", "page")}
                | {"score": round(float(s.score), 4)}
                for s in self.sources
            ],
        }


@dataclass(frozen=True)
class VerifiedItem:
    """A question answered by the core team, kept so the next asker gets it directly."""

    key: str  # stable id, e.g. "verified-12"
    question: str
    answer: str
    answered_by: str | None = None
    answered_at: str | None = None  # ISO date
