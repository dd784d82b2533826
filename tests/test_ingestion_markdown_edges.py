"""Ingestion of Markdown constructs at the edges of what pages usually hold: indented code,
math, summaries under other front matter keys, images in HTML, pipes in table cells.

Each test loads a small document written for the test and asserts on the sections a
reader would get: what the page shows stays readable, markup never opens a section.
"""
from __future__ import annotations

from index.documents import Document
from index.loaders import load_text


def body(document: Document) -> str:
    return "\n\n".join(s.text for s in document.sections)


def paths(document: Document) -> list[tuple[str, ...]]:
    return [s.heading_path for s in document.sections]


# --- code is shown, it does not structure the page ---------------------------------------------


def test_headings_inside_an_indented_code_block_are_code_not_sections() -> None:
    doc = load_text(
        "# Opmaak\n\nZo schrijf je een kop:\n\n    <h2>Contact</h2>\n    # Adres\n\n    ## Openingstijden\n\n"
        "Daarna volgt de tekst.\n\n## Echte kop\n\nTekst onder de kop.\n",
        path="a.md",
    )
    assert doc.title == "Opmaak"
    assert paths(doc) == [("Opmaak",), ("Opmaak", "Echte kop")]
    assert doc.sections[0].text == (
        "Zo schrijf je een kop:\n\n<h2>Contact</h2>\n# Adres\n## Openingstijden\n\nDaarna volgt de tekst."
    )


def test_indented_lines_under_a_list_item_or_inside_a_component_stay_text() -> None:
    doc = load_text(
        "# Stappen\n\n1. Vraag aan\n\n    Dat kan online.\n\n2. Betaal\n\n        # geen kop in de lijst\n\n"
        '<Tabs>\n  <Tab title="Inwoner">\n\n    Log in met DigiD.\n\n  </Tab>\n</Tabs>\n\n## Slot\n\nKlaar.\n',
        path="a.md",
    )
    assert paths(doc) == [("Stappen",), ("Stappen", "Slot")]
    text = body(doc)
    assert "Dat kan online." in text and "Log in met DigiD." in text
    assert "```" not in text


def test_headings_inside_pre_and_code_elements_do_not_open_sections() -> None:
    doc = load_text(
        "# Pagina\n\nVoorbeeld:\n\n<pre>\n<h2>Binnen pre</h2>\n# hekje in pre\n</pre>\n\n"
        "<code><h3>Binnen code</h3></code>\n\n## Echte kop\n\nSlot.\n",
        path="a.md",
    )
    assert paths(doc) == [("Pagina",), ("Pagina", "Echte kop")]
    assert "# hekje in pre" in doc.sections[0].text and "Binnen code" in doc.sections[0].text
