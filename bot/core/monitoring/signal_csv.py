"""The signal register as CSV (``loket signal export``), and reading such a file back.

One row per signal, stable keys (not labels) so a spreadsheet can filter on them and a
script can read the file back unchanged: :func:`read_csv` returns exactly what
:func:`write_csv` was given. Cells that a spreadsheet would run as a formula (starting
with ``=``, ``+``, ``-``, ``@``, tab or CR) get a leading apostrophe, which
:func:`read_csv` removes again (a text that starts with an apostrophe gets a second one).
"""
from __future__ import annotations

import csv
from typing import IO, Iterable

from bot.core.monitoring.signals import SignalView

COLUMNS = ("id", "type", "province", "theme", "title", "description", "severity", "status", "owner", "created_by",
           "created_at", "updated_at", "escalations", "lrt_escalated_at", "lrt_escalated_by", "source_permalink")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Guard formula-like text with an apostrophe (and text that starts with one, to stay reversible)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START + ("'",)) else text


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def row(s: SignalView) -> dict[str, str]:
    """One signal as CSV values (times ISO 8601 UTC, escalations as "12;14")."""
    values = {
        "id": s.id, "type": s.kind, "province": s.province, "theme": s.theme, "title": s.title,
        "description": s.description, "severity": s.severity, "status": s.status, "owner": s.owner,
        "created_by": s.created_by, "created_at": s.created_at.isoformat(), "updated_at": s.updated_at.isoformat(),
        "escalations": ";".join(str(n) for n in s.escalations),
        "lrt_escalated_at": s.lrt_escalated_at.isoformat() if s.lrt_escalated_at else None,
        "lrt_escalated_by": s.lrt_escalated_by, "source_permalink": s.source_permalink,
    }
    return {k: _cell(v) for k, v in values.items()}


def write_csv(signals: Iterable[SignalView], fh: IO[str]) -> int:
    """Write the header and one row per signal; returns the number of rows."""
    writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for signal in signals:
        writer.writerow(row(signal))
        count += 1
    return count


def read_csv(fh: IO[str]) -> list[dict[str, str]]:
    """The rows of an exported file, as plain strings (the inverse of :func:`row`)."""
    return [{k: _uncell(v or "") for k, v in r.items()} for r in csv.DictReader(fh)]
