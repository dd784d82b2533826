"""YAML front matter: the metadata block between ``---`` lines at the top of Markdown.

Front matter carries what retrieval and citations need besides the text (title, theme,
province, dates of validity). Dates are turned into ``YYYY-MM-DD`` strings so that meta
is plain JSON-able data wherever it ends up (the index, the database, Slack).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from . import FormatError

_OPENING = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Return ``(yaml_text or None, body)``."""
    opening = _OPENING.match(text)
    if not opening:
        return None, text
    closing = _CLOSING.search(text, opening.end())
    if not closing:
        return None, text  # a lone "---" is a thematic break, not front matter
    return text[opening.end():closing.start()], text[closing.end():].lstrip("\r\n")


def plain_values(value: Any) -> Any:
    """Make YAML values plain data: dates become ``YYYY-MM-DD`` strings."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): plain_values(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_values(item) for item in value]
    return value


def parse_front_matter(raw: str) -> dict[str, Any]:
    """Parse the YAML block; the error names the line (counted from the top of the file).

    The YAML parser's own message quotes the offending text; only its short problem
    description is kept, so that no document text ends up in logs.
    """
    try:
        data = yaml.safe_load(raw)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" op regel {mark.line + 2}" if mark else ""  # +1 for 1-based, +1 for '---'
        problem = f" ({exc.problem})" if exc.problem else ""
        raise FormatError(
            f"fout in de front matter (YAML){line}{problem}"
            " - controleer de regels tussen de '---'-markeringen bovenaan"
        ) from None
    except yaml.YAMLError:
        raise FormatError(
            "fout in de front matter (YAML) - controleer de regels tussen de '---'-markeringen bovenaan"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FormatError(
            "de front matter is geen lijst van velden (zoals 'title: ...')"
            " - controleer de regels tussen de '---'-markeringen bovenaan"
        )
    return plain_values(data)


def opts_out(meta: dict[str, Any]) -> bool:
    """True when front matter says ``index: false`` (or no/nee/0)."""
    value = meta.get("index", True)
    if isinstance(value, str):
        return value.strip().lower() in {"false", "no", "nee", "0", "off"}
    return value is False or value == 0
