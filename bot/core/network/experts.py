"""The expert directory: who in the network knows what, and how to reach them.

The directory is YAML maintained by the core team: ``knowledge/experts.yaml`` (a list of
entries) and/or one file per expert in a folder (``knowledge/experts/*.yaml``, each a
mapping or a list). It is validated on load. A broken entry is reported with its file and
line and left out; every other entry still loads, so one typo never empties the
directory. Even a YAML syntax error only costs the entry it is in: the file is then read
entry by entry (top-level ``- `` items).

The messages are Dutch (they reach the people who maintain the file) and never quote
field values, except the offending key or value where that is the point.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

from bot.core.monitoring import taxonomy as tx_

log = logging.getLogger(__name__)

GENERAL_THEME = "algemene kennis"
# Theme names as the knowledge pages' front matter uses them (see knowledge/README.md).
THEMES: tuple[str, ...] = (GENERAL_THEME,) + tuple(label.lower() for label in tx_.THEMES.values())
REQUIRED = ("id", "name", "organisation", "role", "themes", "provinces", "description")
OPTIONAL = ("slack_user_id", "email", "available", "example")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLACK_USER_RE = re.compile(r"^[UW][A-Z0-9]{2,20}$")
EMAIL_RE = re.compile(r"^[^@\s<>|]+@[^@\s<>|]+\.[a-z]{2,}$", re.IGNORECASE)
MAX_DESCRIPTION = 600


@dataclass(frozen=True)
class Expert:
    """One entry of the directory."""

    id: str
    name: str
    organisation: str
    role: str
    themes: tuple[str, ...]
    provinces: tuple[str, ...]  # province names, or ("landelijk",)
    description: str
    slack_user_id: str | None = None
    email: str | None = None
    available: bool = True
    example: bool = False
    source: str = ""  # "file:line", for messages to maintainers

    @property
    def national(self) -> bool:
        return tx_.LANDELIJK in self.provinces

    def profile_text(self) -> str:
        """What matching reads: role, organisation, themes, provinces and the description."""
        return (f"{self.role} bij {self.organisation}. Thema's: {', '.join(self.themes)}. "
                f"Regio: {', '.join(self.provinces)}. {self.description}")


@dataclass(frozen=True)
class Problem:
    """A broken entry (or file): where, and what to do about it."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Directory:
    """The experts that loaded, and the problems of those that did not."""

    experts: tuple[Expert, ...] = ()
    problems: tuple[Problem, ...] = ()
    files: tuple[str, ...] = field(default_factory=tuple)

    def available(self) -> tuple[Expert, ...]:
        return tuple(e for e in self.experts if e.available)

    def get(self, expert_id: str) -> Expert | None:
        return next((e for e in self.experts if e.id == expert_id), None)


# -- validation of one entry -------------------------------------------------------------------
def _theme(value: Any) -> str | None:
    """The canonical theme name for what was typed ("Flexwonen" -> the flexible housing theme)."""
    text = str(value or "").strip().lower()
    if text in THEMES:
        return text
    try:
        return tx_.THEMES[tx_.parse_theme(text)].lower()
    except tx_.UnknownValue:
        return None


def _region(value: Any) -> str | None:
    try:
        return tx_.parse_region(str(value or ""))
    except tx_.UnknownValue:
        return None


def _as_list(value: Any) -> list[Any] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return value
    return None


def _flag(entry: dict[str, Any], key: str, default: bool, errors: list[str]) -> bool:
    value = entry.get(key, default)
    if isinstance(value, bool):
        return value
    errors.append(f"'{key}' moet true of false zijn")
    return default


def _text_fields(entry: dict[str, Any], errors: list[str]) -> dict[str, str]:
    out = {}
    for key in ("id", "name", "organisation", "role", "description"):
        value = entry.get(key)
        if value is None or not str(value).strip():
            errors.append(f"veld '{key}' ontbreekt of is leeg")
        out[key] = " ".join(str(value or "").split())
    if out["id"] and not ID_RE.match(out["id"]):
        errors.append("'id' moet kebab-case zijn (kleine letters, cijfers en streepjes)")
    if len(out["description"]) > MAX_DESCRIPTION:
        errors.append(f"'description' is te lang (maximaal {MAX_DESCRIPTION} tekens)")
    return out


def _list_field(entry: dict[str, Any], key: str, parse, what: str, errors: list[str]) -> tuple[str, ...]:
    values = _as_list(entry.get(key))
    if not values:
        errors.append(f"veld '{key}' ontbreekt of is leeg (een lijst van {what})")
        return ()
    parsed = []
    for value in values:
        item = parse(value)
        if item is None:
            errors.append(f"onbekende waarde '{str(value)[:40]}' in '{key}' - gebruik een van de {what}")
        elif item not in parsed:
            parsed.append(item)
    return tuple(parsed)


def _contact(entry: dict[str, Any], errors: list[str]) -> tuple[str | None, str | None]:
    slack = str(entry.get("slack_user_id") or "").strip() or None
    email = str(entry.get("email") or "").strip() or None
    if slack and not SLACK_USER_RE.match(slack):
        errors.append("'slack_user_id' is geen Slack-lid-id (zoals U012AB3CD)")
    if email and not EMAIL_RE.match(email):
        errors.append("'email' is geen geldig e-mailadres")
    if not slack and not email:
        errors.append("geef 'email' of 'slack_user_id': anders is de deskundige niet te bereiken")
    return slack, email


def validate_entry(entry: Any, *, source: str = "") -> tuple[Expert | None, list[str]]:
    """An :class:`Expert` from one YAML mapping, or None and the reasons (Dutch)."""
    if not isinstance(entry, dict):
        return None, ["een entry moet een lijst van velden zijn (zoals 'name: ...')"]
    errors: list[str] = []
    unknown = sorted(str(k) for k in entry if k not in REQUIRED + OPTIONAL)
    if unknown:
        errors.append(f"onbekend veld {', '.join(repr(k) for k in unknown)} - controleer de spelling")
    text = _text_fields(entry, errors)
    themes = _list_field(entry, "themes", _theme, "thema's uit knowledge/README.md", errors)
    provinces = _list_field(entry, "provinces", _region, "provincies (of 'landelijk')", errors)
    slack, email = _contact(entry, errors)
    available = _flag(entry, "available", True, errors)
    example = _flag(entry, "example", False, errors)
    if errors:
        return None, errors
    return Expert(themes=themes, provinces=provinces, slack_user_id=slack, email=email, available=available,
                  example=example, source=source, **text), []


# -- files -------------------------------------------------------------------------------------
def _items_with_lines(text: str) -> list[tuple[Any, int]]:
    """The entries of a YAML document with the line each starts on (1-based)."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is None:
        return []
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    loader = yaml.SafeLoader("")
    try:
        return [(loader.construct_object(item, deep=True), item.start_mark.line + 1) for item in items]
    finally:
        loader.dispose()


_ITEM_START = re.compile(r"^- ", re.MULTILINE)


def _segments(text: str) -> list[tuple[str, int]]:
    """Split a list file at its top-level ``- `` items: ``(text, first line)`` each."""
    starts = [m.start() for m in _ITEM_START.finditer(text)]
    return [(text[a:b], text.count("\n", 0, a) + 1) for a, b in zip(starts, starts[1:] + [len(text)])]


def _yaml_problem(exc: yaml.YAMLError) -> tuple[int | None, str]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None)
    return (mark.line + 1 if mark else None), f"YAML-fout{f' ({problem})' if problem else ''} - controleer inspringing en dubbele punten"


def _entries(text: str, name: str) -> tuple[list[tuple[Any, int]], list[Problem]]:
    """Entries of one file; on a syntax error, entry by entry so only the broken ones are lost."""
    try:
        return _items_with_lines(text), []
    except yaml.YAMLError as exc:
        segments = _segments(text)
        if len(segments) < 2:
            line, message = _yaml_problem(exc)
            return [], [Problem(name, line, message)]
    entries, problems = [], []
    for segment, first in segments:
        try:
            entries.extend((value, line + first - 1) for value, line in _items_with_lines(segment))
        except yaml.YAMLError as exc:
            line, message = _yaml_problem(exc)
            problems.append(Problem(name, (line or 1) + first - 1, message))
    return entries, problems


def load_file(path: Path, *, display: str | None = None) -> Directory:
    """The experts of one YAML file (see module docstring)."""
    name = display or path.as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return Directory(problems=(Problem(name, None, f"kan niet worden gelezen ({type(exc).__name__})"),), files=(name,))
    entries, problems = _entries(text, name)
    experts: list[Expert] = []
    for value, line in entries:
        expert, errors = validate_entry(value, source=f"{name}:{line}")
        if expert is None:
            problems.append(Problem(name, line, "; ".join(errors)))
        else:
            experts.append(expert)
    return Directory(tuple(experts), tuple(problems), (name,))


def expert_files(paths: Iterable[Path | str]) -> list[Path]:
    """The YAML files of ``paths`` (files, or folders searched one level deep), sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith(".")))
        elif path.is_file():
            found.append(path)
    return found


def load_directory(paths: Sequence[Path | str]) -> Directory:
    """All experts of ``paths``; duplicate ids are problems (the first one wins)."""
    experts: list[Expert] = []
    problems: list[Problem] = []
    files: list[str] = []
    seen: dict[str, str] = {}
    for path in expert_files(paths):
        part = load_file(path)
        files.extend(part.files)
        problems.extend(part.problems)
        for expert in part.experts:
            if expert.id in seen:
                file, _, line = expert.source.rpartition(":")
                problems.append(Problem(file, int(line), f"id '{expert.id}' komt al voor in {seen[expert.id]} - kies een uniek id"))
                continue
            seen[expert.id] = expert.source
            experts.append(expert)
    for problem in problems:
        log.warning("expert directory: %s", problem)
    return Directory(tuple(experts), tuple(problems), tuple(files))


def default_paths(experts_file: Path) -> list[Path]:
    """``experts.yaml`` and, next to it, an ``experts/`` folder with one file per expert."""
    return [experts_file, experts_file.with_suffix("")]
