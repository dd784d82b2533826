"""Front matter: the metadata block at the top of Markdown.

YAML between ``---`` lines (mkdocs, Docusaurus, Jekyll, Hugo) or TOML between ``+++``
lines (Hugo). Front matter carries what retrieval and citations need besides the text
(title, summary, theme, province, dates of validity). Dates are turned into
``YYYY-MM-DD`` strings so that meta is plain JSON-able data wherever it ends up (the
index, the database, Slack).

A block that does not parse does not cost the page: :func:`read_front_matter` falls
back to the simple ``key: value`` lines it can read and says what was wrong (with the
line, never the text), so that a build reports it while the content is still indexed.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import FormatError

_OPENING = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_TOML_OPENING = re.compile(r"\A(?:\ufeff)?\+\+\+[ \t]*\r?\n")
_TOML_CLOSING = re.compile(r"^\+\+\+[ \t]*\r?$", re.MULTILINE)
# A top-level field line, as a lenient reader sees it: "title: Tekst" or (TOML) "title = 'Tekst'".
_FIELD_LINE = {
    "yaml": re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$"),
    "toml": re.compile(r"^([A-Za-z_][\w-]*)[ \t]*=[ \t]*(.*?)[ \t]*$"),
}
_FIX_HINT = {
    "yaml": "controleer de regels tussen de '---'-markeringen bovenaan",
    "toml": "controleer de regels tussen de '+++'-markeringen bovenaan",
}


@dataclass
class FrontMatter:
    """What the top of a page holds: fields, the body after it, and a problem if it did not parse."""

    meta: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    problem: str | None = None  # Dutch, names the line, never the text


def _split(text: str, opening: re.Pattern[str], closing: re.Pattern[str]) -> tuple[str | None, str]:
    start = opening.match(text)
    if not start:
        return None, text
    end = closing.search(text, start.end())
    if not end:
        return None, text  # a lone "---" is a thematic break, not front matter
    return text[start.end():end.start()], text[end.end():].lstrip("\r\n")


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Return ``(yaml_text or None, body)``."""
    return _split(text, _OPENING, _CLOSING)


def plain_values(value: Any) -> Any:
    """Make YAML/TOML values plain data: dates and times become ISO strings."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): plain_values(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_values(item) for item in value]
    return value


class _DatesAsText(yaml.SafeLoader):
    """A safe loader that leaves dates as written: one impossible date ("2026-27-02") made
    the whole block unreadable, and the page with it."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml(raw: str) -> Any:
    """``yaml.safe_load``, but a value the YAML types cannot hold (a date with month 27) is
    read as text instead of failing the block (the parser raises a bare ValueError then)."""
    try:
        return yaml.safe_load(raw)
    except (ValueError, OverflowError):
        try:
            return yaml.load(raw, Loader=_DatesAsText)  # noqa: S506 (a SafeLoader subclass)
        except (ValueError, OverflowError):
            raise FormatError(f"een waarde in de front matter is ongeldig - {_FIX_HINT['yaml']}") from None


def parse_front_matter(raw: str) -> dict[str, Any]:
    """Parse the YAML block; the error names the line (counted from the top of the file).

    The YAML parser's own message quotes the offending text; only its short problem
    description is kept, so that no document text ends up in logs.
    """
    try:
        data = _load_yaml(raw)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" op regel {mark.line + 2}" if mark else ""  # +1 for 1-based, +1 for '---'
        problem = f" ({exc.problem})" if exc.problem else ""
        raise FormatError(f"fout in de front matter (YAML){line}{problem} - {_FIX_HINT['yaml']}") from None
    except yaml.YAMLError:
        raise FormatError(f"fout in de front matter (YAML) - {_FIX_HINT['yaml']}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FormatError(f"de front matter is geen lijst van velden (zoals 'title: ...') - {_FIX_HINT['yaml']}")
    return plain_values(data)


def parse_toml_front_matter(raw: str) -> dict[str, Any]:
    """Parse a Hugo TOML block; the error names the line (counted from the top of the file)."""
    try:
        return plain_values(tomllib.loads(raw))
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = f" op regel {int(found.group(1)) + 1}" if found else ""
        raise FormatError(f"fout in de front matter (TOML){line} - {_FIX_HINT['toml']}") from None


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def lenient_fields(raw: str, *, syntax: str = "yaml") -> dict[str, str] | None:
    """The simple top-level ``key: value`` (TOML ``key = value``) lines of a broken block.

    ``None`` when the block does not look like fields at all (most unindented lines are
    something else): then it was prose between two thematic breaks, not front matter.
    """
    pattern = _FIELD_LINE[syntax]
    lines = [line for line in raw.splitlines() if line.strip() and not line[:1].isspace()
             and not line.lstrip().startswith(("#", "- ", "["))]
    matches = [pattern.match(line) for line in lines]
    if not lines or sum(m is not None for m in matches) * 2 < len(lines):
        return None
    return {m.group(1): _unquote(m.group(2)) for m in matches if m is not None and m.group(2)}


def lower_case_keys(meta: dict[str, Any]) -> dict[str, Any]:
    """Top-level field names in lower case, as Hugo reads them (``Title:`` is the title).

    Hugo treats front matter field names case-insensitively, and sites write ``Title:`` or
    ``Description:``; read as written, such a page lost its title to its file name. A field
    written in lower case wins over another spelling of the same name.
    """
    folded = {str(key).lower(): value for key, value in meta.items() if str(key) != str(key).lower()}
    folded.update({key: value for key, value in meta.items() if str(key) == str(key).lower()})
    return folded


def _read(raw: str, body: str, syntax: str) -> FrontMatter | None:
    """Parse a block; ``None`` when it is not front matter at all."""
    parse = parse_toml_front_matter if syntax == "toml" else parse_front_matter
    try:
        return FrontMatter(lower_case_keys(parse(raw)), body)
    except FormatError as exc:
        fields = lenient_fields(raw, syntax=syntax)
        if fields is None:
            return None
        read = ", ".join(sorted(fields)) or "geen"
        return FrontMatter(lower_case_keys(fields), body, f"{exc} (pagina wel geïndexeerd; gelezen velden: {read})")


def read_front_matter(text: str) -> FrontMatter:
    """Split and parse the front matter of ``text`` (YAML ``---`` or TOML ``+++``), leniently.

    A block that does not parse yields the fields that can be read line by line and a
    ``problem``; one that is not a mapping of fields at all is not front matter, and the
    whole text is the body.
    """
    for syntax, opening, closing in (("yaml", _OPENING, _CLOSING), ("toml", _TOML_OPENING, _TOML_CLOSING)):
        raw, body = _split(text, opening, closing)
        if raw is None:
            continue
        return _read(raw, body, syntax) or FrontMatter({}, text)
    return FrontMatter({}, text)


def _false(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"false", "no", "nee", "0", "off"}
    return value is False or value == 0


def _true(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "ja", "1", "on"}
    return value is True or value == 1


def opts_out(meta: dict[str, Any]) -> bool:
    """True when front matter says ``index: false`` (or no/nee/0): the page asks not to be found."""
    return _false(meta.get("index", True))


def is_draft(meta: dict[str, Any]) -> bool:
    """A page its site does not publish yet: a Hugo/Docusaurus ``draft: true`` or a Jekyll
    ``published: false``. It is indexed all the same, and cited as a concept: documentation
    repositories keep much of their content in drafts for a long time (8 of 20 pages of one
    VNG site), and a question about it deserves that text rather than an escalation."""
    return _false(meta.get("published", True)) or _true(meta.get("draft", False))


# A page's text may show values from its own front matter: Jekyll {{ page.kosten }}, Hugo
# {{< param "kosten" >}} / {{% param kosten %}}, Quarto {{< meta kosten >}}, VitePress
# {{ $frontmatter.kosten }}, Docusaurus {frontMatter.kosten}, MyST {{ kosten }} with "substitutions:"
# (Jupyter Book). The generator puts the value there; without it the sentence has a hole
# ("De leges zijn ." for "De leges zijn {{ page.leges }}.").
_PAGE_VARIABLE = re.compile(
    r"\{\{-?\s*(?:page\.|\$frontmatter\.)(?P<page>[\w-]+)\s*-?\}\}"
    r"|\{\{[<%]\s*(?:param|meta)\s+(?:name=)?[\"']?(?P<param>[\w.-]+)[\"']?\s*[>%]\}\}"
    r"|(?<!\{)\{\s*frontMatter\.(?P<mdx>\w+)\s*\}(?!\})"
    r"|\{\{\s*(?P<myst>[\w-]+)\s*\}\}"
)
_RAW_BLOCK = re.compile(r"(\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\})", re.DOTALL)


def _scalar(value: Any) -> str | None:
    """A front matter value as the text a page would show, if it is one value (not a list or mapping)."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        return None
    return str(value).strip() or None


def _variable_value(match: re.Match[str], meta: dict[str, Any]) -> str:
    """The value a page variable shows, or the variable as written when the page does not define it."""
    if match.group("myst") is not None:
        substitutions = meta.get("substitutions")
        value = substitutions.get(match.group("myst")) if isinstance(substitutions, dict) else None
    else:
        key = (match.group("page") or match.group("param") or match.group("mdx")).lower()
        params = meta.get("params") if isinstance(meta.get("params"), dict) else {}
        value = meta.get(key, params.get(key))
    return _scalar(value) or match.group(0)


def page_variables(body: str, meta: dict[str, Any]) -> str:
    """Fill in the values a page shows from its own front matter (outside Liquid ``raw`` blocks).

    Only values the page defines are filled in; anything else is left to the template rules.
    """
    if not meta or "{" not in body:
        return body
    parts = _RAW_BLOCK.split(body) if "raw" in body else [body]
    return "".join(part if i % 2 else _PAGE_VARIABLE.sub(lambda m: _variable_value(m, meta), part)
                   for i, part in enumerate(parts))
