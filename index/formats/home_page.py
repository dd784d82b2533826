"""The home page of a VitePress, VuePress or Starlight site: its words are in the front matter.

A ``layout: home`` page has no Markdown body: the theme renders the hero (VitePress
``hero: {name, text, tagline}``, VuePress ``heroText`` and ``tagline``) and the feature cards
(``features: [{title, details}]``) from front matter fields. Read as an ordinary page it had
no passage at all and was titled after its file name ("Index"), while the hero says what the
site is for and the cards name its parts. Starlight's splash pages (``template: splash``) write
the same ``hero: {title, tagline}`` above a body of their own.
"""
from __future__ import annotations

from typing import Any

from index.documents import SECTION_SUMMARY, Section

from .markup import strip_inline


def _text(value: Any) -> str:
    return " ".join(strip_inline(value).split()) if isinstance(value, str) else ""


def _hero(meta: dict[str, Any]) -> dict[str, Any]:
    hero = meta.get("hero")
    return hero if isinstance(hero, dict) else {}


def hero_title(meta: dict[str, Any]) -> str | None:
    """The name the hero shows in large type (VitePress ``hero.name``, Starlight ``hero.title``,
    VuePress ``heroText``)."""
    hero = _hero(meta)
    return _text(hero.get("name")) or _text(hero.get("title")) or _text(meta.get("herotext")) or None


def _hero_lines(meta: dict[str, Any], title: str) -> list[str]:
    hero = _hero(meta)
    lines = [_text(hero.get("text")), _text(hero.get("tagline"))]
    if not hero:
        lines = [_text(meta.get("tagline"))]
    return [line for line in lines if line and line != title]


def _feature_lines(meta: dict[str, Any]) -> list[str]:
    features = meta.get("features")
    if not isinstance(features, list):
        return []
    lines = []
    for feature in features:
        if not isinstance(feature, dict):
            continue
        name, details = _text(feature.get("title")), _text(feature.get("details"))
        if name or details:
            lines.append(f"- {name}: {details}" if name and details else f"- {name or details}")
    return lines


def _is_home_page(meta: dict[str, Any]) -> bool:
    """A page whose theme renders a hero from its front matter: VitePress/VuePress ``layout: home``
    (``home: true``), Starlight ``template: splash``."""
    layout = str(meta.get("layout", "")).strip().lower()
    return layout == "home" or bool(meta.get("home")) or str(meta.get("template", "")).strip().lower() == "splash"


def home_page_sections(meta: dict[str, Any], title: str) -> list[Section]:
    """The hero's text as the page's summary and the feature cards as a list, for a home page;
    nothing for any other page."""
    if not _is_home_page(meta):
        return []
    sections = []
    hero = _hero_lines(meta, title)
    if hero:
        sections.append(Section((title,), "\n\n".join(hero), None, SECTION_SUMMARY))
    features = _feature_lines(meta)
    if features:
        sections.append(Section((title,), "\n".join(features)))
    return sections
