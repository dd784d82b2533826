"""Ingestion of documentation sites as their generators write Markdown (mkdocs, Docusaurus).

Each rule is tested on a small document written for the test: what must go (attribute
lists, excluded sections, empty expanders, reference link lists, buttons, MDX code,
boilerplate repeated on many pages) and what must stay (admonition and expander content,
link lists that carry content, the front matter summary), plus the OCR guard, the
heading cap and the drop report of a real build.
"""
from __future__ import annotations

from pathlib import Path

from index.boilerplate import drop_repeated, repeated_keys
from index.chunking import DEFAULT_MAX_HEADING_WORDS, chunk_document, embedding_text, heading_text
from index.clean import clean_text, looks_like_ocr
from index.documents import (
    DROP_BUTTON, DROP_EMPTY_CONTAINER, DROP_LINK_LIST, DROP_MDX_CODE, DROP_REPEATED, DROP_SEARCH_EXCLUDE,
    SECTION_LINKS, SECTION_SUMMARY, Chunk, Document, Section,
)
from index.lexical import chunk_text
from index.loaders import load_document, load_text
from tests.doc_factories import rules


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def texts(document: Document) -> str:
    return "\n".join(" › ".join(s.heading_path) + "\n" + s.text for s in document.sections)



# --- mkdocs ------------------------------------------------------------------------------


def test_attribute_lists_are_stripped_from_headings_and_text() -> None:
    doc = load_text(
        "# Titel\n\n## Aanpak {: .kop #aanpak }\n\nEen alinea met een [link](https://x){target=\"_blank\"}.\n",
        path="a.md",
    )
    assert [s.heading_path for s in doc.sections] == [("Titel", "Aanpak")]
    assert doc.sections[0].text == "Een alinea met een link."
    assert "{" not in texts(doc)


def test_search_excluded_heading_drops_its_section_and_subsections_only() -> None:
    doc = load_text(
        "# Titel\n\n## Vereisten { data-search-exclude }\n\nLijst die de site zelf niet doorzoekt.\n\n"
        "### Onderdeel\n\nOok uitgesloten.\n\n## Risico\n\nDit blijft staan.\n",
        path="a.md",
    )
    assert [s.heading_path for s in doc.sections] == [("Titel", "Risico")]
    assert rules(doc) == [DROP_SEARCH_EXCLUDE]
    assert "Ook uitgesloten" in doc.dropped[0].text and doc.dropped[0].heading_path[-1] == "Vereisten"


def test_search_excluded_paragraph_by_block_attribute_line() -> None:
    doc = load_text("# T\n\nDeze alinea telt.\n\nDeze niet.\n{ data-search-exclude }\n\nDeze weer wel.\n", path="a.md")
    assert doc.sections[0].text == "Deze alinea telt.\n\nDeze weer wel."
    assert rules(doc) == [DROP_SEARCH_EXCLUDE]


def test_admonition_and_expander_content_is_kept_and_empty_stubs_dropped() -> None:
    doc = load_text(
        "# T\n\n!!! tip \"Goed om te weten\"\n\n    De termijn is zes weken.\n\n"
        "??? expander \"Bekijk alle vereisten\"\n    <!-- list_vereisten -->\n\n"
        "???+ note \"Open uitklapper\"\n    Inhoud die wel telt.\n\n"
        "!!! info \"Leeg\"\n\n    {{ macro('x') }}\n\nSlot.\n",
        path="a.md",
    )
    body = doc.sections[0].text
    assert "De termijn is zes weken." in body and "Inhoud die wel telt." in body and "Open uitklapper" in body
    assert "Bekijk alle vereisten" not in body and "Leeg" not in body and "macro" not in body
    assert rules(doc) == [DROP_EMPTY_CONTAINER, DROP_EMPTY_CONTAINER]


def test_reference_link_list_is_dropped_but_a_content_link_list_is_kept_apart() -> None:
    doc = load_text(
        "# T\n\nProza over de termijn.\n\n- [Artikel 6 AVG](https://a)\n- [Handreiking](https://b).\n\n"
        "## Bronnen\n\n- [Rapport A](https://c)\n- <https://d>\n\n## Gemengd\n\n- [Wet](https://e) geldt vanaf 2026\n",
        path="a.md",
    )
    kinds = [(s.heading_path[-1], s.kind, s.text) for s in doc.sections]
    assert kinds[0] == ("T", "body", "Proza over de termijn.")
    assert kinds[1] == ("T", SECTION_LINKS, "- Artikel 6 AVG\n- Handreiking.")  # its own section, marked
    assert kinds[2] == ("Gemengd", "body", "- Wet geldt vanaf 2026")  # not only links: prose
    assert rules(doc) == [DROP_LINK_LIST] and "Rapport A" in doc.dropped[0].text


def test_link_list_chunk_carries_its_kind_for_ranking() -> None:
    doc = load_text("# T\n\nTekst.\n\n- [Een](https://a)\n- [Twee](https://b)\n", path="a.md")
    chunks = chunk_document(doc)
    assert [c.meta.get("chunk_kind") for c in chunks] == [None, SECTION_LINKS]


def test_button_links_are_dropped() -> None:
    doc = load_text("# DPIA\n\nUitleg.\n\n[Direct naar de DPIA](https://ap.nl){ .button .md-button--secondary }\n",
                    path="a.md")
    assert doc.sections[0].text == "Uitleg."
    assert rules(doc) == [DROP_BUTTON]


def test_a_row_of_buttons_is_dropped_whole() -> None:
    """Two buttons side by side (mkdocs, or Docsy's <a class="btn"> with a row attribute list) are no text."""
    doc = load_text(
        "# Start\n\nUitleg.\n\n[Aanmelden](/aanmelden/){ .md-button .md-button--primary } [Meer](/over/){ .md-button }"
        '\n\n<a class="btn btn-primary" href="/a/">Lees meer</a>\n<a class="btn" href="/b/">Begin</a>\n{.p-initial}\n\n'
        "Slot.\n",
        path="a.md",
    )
    assert doc.sections[0].text == "Uitleg.\n\nSlot."
    assert rules(doc) == [DROP_BUTTON, DROP_BUTTON]


def test_macros_are_removed() -> None:
    doc = load_text("# T\n\nVoor {{ page.meta.id }} geldt {% if x %}iets{% endif %} dit.\n", path="a.md")
    assert doc.sections[0].text == "Voor geldt iets dit."


# --- Docusaurus ----------------------------------------------------------------------------

MDX_PAGE = """---
title: Aanvragen
description: Hoe je een subsidie aanvraagt en binnen welke termijn.
sidebar_position: 2
---
import Tabs from '@theme/Tabs';
import TabItem from '@theme/TabItem';
import {
  Kaart,
  Knop,
} from '@site/src/components';
export const toc = [{value: 'x', id: 'x'}];

# Aanvragen {#aanvragen}

{/* een MDX-opmerking */}

:::note[Let op]
Aanvragen kan tot 1 maart.
:::

:::tip

:::

<Tabs groupId="rol">
  <TabItem value="gemeente" label="Gemeente">

Gemeenten vragen aan via het portaal.

  </TabItem>
</Tabs>

<Kaart titel="x" />

:::warning Verlopen regeling
De oude regeling stopt in 2027.
:::
"""


def test_docusaurus_mdx_page(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "docs" / "aanvragen.mdx", MDX_PAGE), root=tmp_path)
    assert doc is not None and doc.title == "Aanvragen"
    body = texts(doc)
    assert "Gemeente\n\nGemeenten vragen aan via het portaal." in body  # the tab's label titles its content
    for kept in ("Let op", "Aanvragen kan tot 1 maart.", "Gemeenten vragen aan via het portaal.",
                 "Verlopen regeling", "De oude regeling stopt in 2027."):
        assert kept in body
    for gone in ("import", "export", "@theme", "Tabs", "TabItem", "Kaart", ":::", "{", "MDX-opmerking"):
        assert gone not in body, gone
    assert rules(doc).count(DROP_MDX_CODE) == 4 and rules(doc).count(DROP_EMPTY_CONTAINER) == 1


def test_front_matter_summary_is_its_own_searchable_passage_with_the_title(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "aanvragen.mdx", MDX_PAGE), root=tmp_path)
    summary = doc.sections[0]
    assert summary.kind == SECTION_SUMMARY and summary.heading_path == ("Aanvragen",)
    assert summary.text == "Hoe je een subsidie aanvraagt en binnen welke termijn."
    chunk = chunk_document(doc)[0]
    assert chunk.meta["chunk_kind"] == SECTION_SUMMARY
    assert embedding_text(chunk).startswith("Aanvragen\n") and "termijn" in chunk_text(chunk)


def test_summary_fields_and_no_second_copy_of_text_already_in_the_body() -> None:
    fresh = load_text("---\ntitle: M\ntoelichting: Leg de keuze vast.\n---\n# M\n\nIets anders.\n", path="m.md")
    assert fresh.sections[0].kind == SECTION_SUMMARY and fresh.sections[0].text == "Leg de keuze vast."
    repeated = load_text("---\ntitle: M\nsummary: Leg de keuze vast.\n---\n# M\n\nLeg de keuze  vast. En meer.\n",
                         path="m.md")
    assert [s.kind for s in repeated.sections] == ["body"]


# --- repeated text across documents ----------------------------------------------------------


def page(n: int, *paragraphs: str) -> Document:
    return Document(path=f"p{n:02d}.md", title=f"Pagina {n}", sections=[Section((f"Pagina {n}",), "\n\n".join(paragraphs))])


FEEDBACK = "Help ons deze pagina te verbeteren: mail ons."


def test_paragraph_on_many_pages_is_kept_once() -> None:
    docs = [page(n, f"Eigen tekst {n}.", FEEDBACK) for n in range(6)]
    result = drop_repeated(docs, min_docs=5)
    assert [s.text for s in result[0].sections] == [f"Eigen tekst 0.\n\n{FEEDBACK}"]
    for n, doc in enumerate(result[1:], start=1):
        assert doc.sections[0].text == f"Eigen tekst {n}."
        assert [(d.rule, d.text) for d in doc.dropped] == [(DROP_REPEATED, FEEDBACK)]


def test_repeat_threshold_and_normalisation() -> None:
    docs = [page(n, "Gedeelde alinea!" if n % 2 else "gedeelde   ALINEA") for n in range(4)]
    assert repeated_keys(docs, min_docs=5) == set()  # four pages: below the default-like threshold
    assert repeated_keys(docs, min_docs=4) == {"gedeelde alinea"}  # case, spacing, punctuation aside
    assert drop_repeated(docs, min_docs=5) == docs


def test_a_page_of_only_boilerplate_loses_its_section() -> None:
    docs = [page(n, FEEDBACK) for n in range(5)]
    result = drop_repeated(docs, min_docs=5)
    assert len(result[0].sections) == 1 and all(not d.sections for d in result[1:])


# --- titles and OCR -------------------------------------------------------------------------


def test_long_titles_are_capped_in_what_is_embedded_and_matched() -> None:
    title = "Een zeer lange paginatitel " + " ".join(f"woord{i}" for i in range(30))
    chunk = Chunk(id="x", doc_path="a.md", title=title, heading_path=(title, "Midden", "Toelichting"), text="De kern.")
    head = heading_text(chunk)
    assert len(head.split()) <= DEFAULT_MAX_HEADING_WORDS + 3  # + separator and ellipsis marks
    assert head.startswith("Een zeer lange") and head.endswith("Toelichting") and "Midden" not in head
    assert embedding_text(chunk) == head + "\nDe kern." and chunk_text(chunk) == head + "\nDe kern."
    short = Chunk(id="y", doc_path="a.md", title="Kort", heading_path=("Kort", "Kop"), text="Tekst.")
    assert heading_text(short) == "Kort › Kop"


def test_ocr_repairs_only_on_text_with_ocr_signs() -> None:
    ocr = "De financiéle kaders zijn geévalueerd.\n\nDe punten:\ne Kennis van opvang\ne Contractvormen"
    assert looks_like_ocr(ocr)
    assert "financiële" in clean_text(ocr) and "geëvalueerd" in clean_text(ocr) and "- Kennis" in clean_text(ocr)
    digital = "Het café organiseert een reünie met Michaéla."
    assert not looks_like_ocr(digital) and clean_text(digital) == digital


def test_markdown_never_gets_ocr_repairs() -> None:
    doc = load_text("# T\n\nDe financiéle kaders, geévalueerd door 0.a. het team.\n", path="a.md")
    assert doc.sections[0].text == "De financiéle kaders, geévalueerd door 0.a. het team."


def test_plain_text_with_ocr_signs_is_repaired(tmp_path: Path) -> None:
    text = "Notitie\n\nDe financiéle kaders zijn geévalueerd en de codrdinatie is geregeld.\n"
    doc = load_document(write(tmp_path / "n.txt", text))
    assert doc is not None and "financiële" in texts(doc) and "coördinatie" in texts(doc)
