"""The fixed vocabularies of monitoring: provinces, themes, signal kinds, severities and states.

Stored values are short stable keys (``"op_afschaling"``, ``"in_behandeling"``); users
see the Dutch labels. ``parse_*`` accept what people type in Slack or on the command line
("noord brabant", "Fryslân", "risico's", "In behandeling") and return the key, or raise
:class:`UnknownValue` with a Dutch message that lists the choices.
"""
from __future__ import annotations

import re
import unicodedata

LANDELIJK = "landelijk"
PROVINCES: tuple[str, ...] = (
    "Groningen", "Fryslân", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht",
    "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg",
)
REGIONS: tuple[str, ...] = PROVINCES + (LANDELIJK,)
_REGION_ALIASES = {"friesland": "Fryslân", "brabant": "Noord-Brabant", "nl": LANDELIJK, "nationaal": LANDELIJK,
                   "lrt": LANDELIJK, "nh": "Noord-Holland", "zh": "Zuid-Holland", "nb": "Noord-Brabant"}

# Themes of the support arrangement (section 4.II of the source document), plus "overig".
THEMES: dict[str, str] = {
    "opvangcapaciteit": "Kwantitatieve opgave opvangcapaciteit",
    "opvanglocaties": "Type opvanglocaties",
    "flexibele_opvang": "Flexibele opvangvormen en woningmarkt",
    "op_afschaling": "Op- en afschaling",
    "financieel_juridisch": "Financiële en juridische kaders",
    "beleidsmatig": "Beleidsmatige kaders",
    "projecten_pilots": "Projecten en pilots",
    "overig": "Overig",
}
OTHER_THEME = "overig"

KINDS: dict[str, str] = {"kans": "Kans", "risico": "Risico", "issue": "Issue"}
SEVERITIES: dict[str, str] = {"laag": "Laag", "middel": "Middel", "hoog": "Hoog"}
SEVERITY_ORDER = {"hoog": 0, "middel": 1, "laag": 2}

# Signal statuses, in their usual order.
NEW, IN_PROGRESS, ESCALATED, CLOSED = "nieuw", "in_behandeling", "geescaleerd", "afgesloten"
SIGNAL_STATUSES: dict[str, str] = {
    NEW: "Nieuw",
    IN_PROGRESS: "In behandeling",
    ESCALATED: "Geëscaleerd naar LRT",
    CLOSED: "Afgesloten",
}
OPEN_SIGNAL_STATUSES = (NEW, IN_PROGRESS, ESCALATED)

# Provincial plan states, in order.
PLAN_STATES: dict[str, str] = {
    "niet_gestart": "Niet gestart",
    "in_voorbereiding": "In voorbereiding",
    "concept": "Concept",
    "ingediend": "Ingediend",
    "vastgesteld": "Vastgesteld",
}
PLAN_NOT_STARTED = "niet_gestart"


class UnknownValue(ValueError):
    """A value outside a vocabulary; ``str(exc)`` is a Dutch sentence for the user."""


def _norm(text: str) -> str:
    """Fold case, accents, apostrophes and separators: 'Fryslân' -> 'fryslan', "risico's" -> 'risicos'."""
    nfkd = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(c for c in nfkd if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", plain)


def _parse(value: str, choices: dict[str, str], what: str, aliases: dict[str, str] | None = None) -> str:
    """The key whose key or label matches ``value`` (or is the only one it is a prefix of)."""
    wanted = _norm(value or "")
    if not wanted:
        raise UnknownValue(f"Geef een {what}: {', '.join(choices.values())}.")
    for alias, key in (aliases or {}).items():
        if _norm(alias) == wanted:
            return key
    singular = {wanted, wanted.removesuffix("s"), wanted.removesuffix("en")}
    for key, label in choices.items():
        if singular & {_norm(key), _norm(label)}:
            return key
    for match in (str.startswith, str.__contains__):  # a unique prefix, else a unique part
        found = {key for key, label in choices.items() if match(_norm(label), wanted) or match(_norm(key), wanted)}
        if len(found) == 1 and len(wanted) >= 3:
            return found.pop()
    raise UnknownValue(f"Onbekende {what} '{value}'. Kies uit: {', '.join(choices.values())}.")


def parse_region(value: str) -> str:
    """A province name as stored ('Noord-Brabant') or 'landelijk'."""
    return _parse(value, {r: r for r in REGIONS}, "provincie", _REGION_ALIASES)


def parse_province(value: str) -> str:
    """One of the twelve provinces (not 'landelijk': plans are provincial)."""
    key = parse_region(value)
    if key == LANDELIJK:
        raise UnknownValue("Een provinciaal plan hoort bij een van de twaalf provincies.")
    return key


_THEME_ALIASES = {"financien": "financieel_juridisch", "geld": "financieel_juridisch", "subsidie": "financieel_juridisch",
                  "flexwonen": "flexibele_opvang", "capaciteit": "opvangcapaciteit", "beleid": "beleidsmatig",
                  "pilot": "projecten_pilots", "project": "projecten_pilots", "overige": OTHER_THEME}


def parse_theme(value: str) -> str:
    return _parse(value, THEMES, "thema", _THEME_ALIASES)


def parse_kind(value: str) -> str:
    return _parse(value, KINDS, "soort signaal")


def parse_severity(value: str) -> str:
    return _parse(value, SEVERITIES, "ernst")


def parse_signal_status(value: str) -> str:
    return _parse(value, SIGNAL_STATUSES, "status", {"escalatie": ESCALATED, "lrt": ESCALATED, "open": NEW})


def parse_plan_state(value: str) -> str:
    return _parse(value, PLAN_STATES, "planstatus")


def label(vocabulary: dict[str, str], key: str | None) -> str:
    """The Dutch label of ``key`` (the key itself when unknown, '–' for None)."""
    if key is None:
        return "–"
    return vocabulary.get(key, key)
