"""Direct identifiers in free text that Loket keeps as knowledge (verified-answer questions).

Retention keeps a verified answer's question because the desk matches new questions on its
wording; what identifies a person directly goes: Slack mentions and links, e-mail
addresses, phone numbers and long numbers (BSN, case or customer numbers). Names written
out in prose cannot be found reliably this way: the core team checks the wording when it
saves an answer (see docs/reliability.md), and ``loket privacy forget`` removes the
verified answers made from a person's questions for as long as they are linked.
"""
from __future__ import annotations

import re

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>"), "@verwijderd"),
    (re.compile(r"<(?:https?://)?[^|>\s]*slack\.com/[^>]*>|https?://[^\s>]*slack\.com/\S*", re.IGNORECASE), "[link]"),
    (re.compile(r"<mailto:[^>]*>|[^\s@<>|]+@[^\s@<>|]+\.[a-z]{2,}", re.IGNORECASE), "[e-mailadres]"),
    (re.compile(r"(?<![\w+])(?:\+31|0031|0)[\s-]?(?:\d[\s-]?){8}\d(?!\w)"), "[telefoonnummer]"),
    (re.compile(r"(?<![\w.,])\d{7,}(?![\w.,]\d)"), "[nummer]"),
    (re.compile(r"\b[UW](?=[A-Z]*\d)[A-Z0-9]{8,}\b"), "verwijderd"),  # a bare Slack user id (has a digit)
)


def scrub_identifiers(text: str | None) -> str | None:
    """``text`` without direct identifiers (see module docstring); None stays None."""
    if not text:
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
