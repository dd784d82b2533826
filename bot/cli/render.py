"""Plain-text rendering of answers for the terminal (pure functions)."""
from __future__ import annotations

from bot.core.answering.answer import Answer, Source
from bot.core.answering.validity import currency_label


def source_line(source: Source) -> str:
    """'Titel › Sectie (pad, p. 3)' for a citation."""
    where = source.path + (f", p. {source.page}" if source.page else "")
    if source.updated and source.kind == "document":  # how current the source is (bot.core.answering.validity)
        where += f", {currency_label({'updated': source.updated})}"
    label = source.section if source.section.startswith(source.title) else f"{source.title} › {source.section}"
    return f"{label} ({where})"


def render_answer(answer: Answer) -> str:
    """The answer as the terminal chat shows it: quote, then sources."""
    if answer.kind in ("smalltalk", "empty"):
        return answer.answer
    lines = [answer.answer]
    if answer.answered and answer.sources:
        lines.append("")
        lines.append("Bron: " if len(answer.sources) == 1 else "Bronnen:")
        lines[-1] = lines[-1] + (source_line(answer.sources[0]) if len(answer.sources) == 1 else "")
        if len(answer.sources) > 1:
            lines.extend(f"  - {source_line(s)}" for s in answer.sources)
    if answer.read_as_line:
        lines.append(f"({answer.read_as_line})")
    return "\n".join(lines)
