"""Loading documents: discovery, every format, the shared corpora and bad files."""
from __future__ import annotations

import logging
import re
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from index.documents import DROP_FRONT_MATTER, Document
from index.formats.plaintext import parse_plain
from index.loaders import (
    SUPPORTED_SUFFIXES,
    LoadError,
    find_source_files,
    load_all,
    load_document,
    load_text,
)
from tests.doc_factories import make_docx, make_pdf

CORPUS = Path("/work/shared/corpus")
ALGORITMEKADER = Path("/work/shared/corpus-algoritmekader")
ARRANGEMENT = CORPUS / "ondersteuningsarrangement.txt"
LEFTOVER_MARKUP = re.compile(r"\{\{|\{%|!!!|\?\?\?|<!--|\]\(|</?[a-z][a-z0-9]*[\s>/]|^=== ", re.MULTILINE)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def section(document: Document, last_heading: str):  # type: ignore[no-untyped-def]
    """The first section whose heading path ends with ``last_heading``."""
    matches = [s for s in document.sections if s.heading_path[-1].endswith(last_heading)]
    assert matches, f"no section ending in {last_heading!r}: {[s.heading_path for s in document.sections]}"
    return matches[0]


def all_text(document: Document) -> str:
    return "\n\n".join(s.text for s in document.sections)


# --- discovery --------------------------------------------------------------------------


def test_find_source_files_walks_folders_skipping_hidden_and_unsupported(tmp_path: Path) -> None:
    write(tmp_path / "b.md", "# B\n\ntekst")
    write(tmp_path / "sub" / "a.txt", "tekst")
    write(tmp_path / "sub" / "c.PDF", "%PDF")
    write(tmp_path / "notes.rtf", "tekst")
    write(tmp_path / ".verborgen.md", "tekst")
    write(tmp_path / ".git" / "x.md", "tekst")
    write(tmp_path / "~$rapport.docx", "lock")
    pairs = find_source_files([tmp_path])
    assert [file.relative_to(tmp_path).as_posix() for file, _ in pairs] == ["b.md", "sub/a.txt", "sub/c.PDF"]
    assert {root for _, root in pairs} == {tmp_path}


def test_find_source_files_accepts_a_single_file_with_its_folder_as_root(tmp_path: Path) -> None:
    file = write(tmp_path / "los.md", "# Los\n\ntekst")
    assert find_source_files([str(file), file]) == [(file, tmp_path)]


def test_find_source_files_rejects_missing_source_and_unsupported_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="bestaat niet - controleer het pad") as missing:
        find_source_files([tmp_path / "weg"])
    assert missing.value.path.endswith("weg")
    with pytest.raises(LoadError, match=r"\.rtf wordt niet ondersteund"):
        find_source_files([write(tmp_path / "x.rtf", "tekst")])


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == {
        ".md", ".markdown", ".mdx", ".mdoc", ".markdoc", ".qmd", ".txt", ".pdf", ".docx", ".html", ".htm",
    }


# --- Markdown -------------------------------------------------------------------------------

MKDOCS_PAGE = """---
title: Opvang in de provincie
theme: kwantitatieve opgave
province: Utrecht
updated: 2020-09-15
valid_until: 2021-01-01
tags: [opvang, ROL]
---
{% include "banner.md" %}
<!-- interne opmerking
over meerdere regels -->
# Opvang in Utrecht

Intro met een [link naar de LRT](https://example.nl/lrt "LRT") en **vet**, *schuin*, _ook schuin_, `code`
en een ![plaatje](img/kaart.png) en {{ macro("x") }} klaar[^1].
Een <span lang="en">_human in the loop_</span> en <b>html</b>.

## Aanpak

!!! note "Let op"

    De opgave is *voorlopig*.

    - eerste punt
    - tweede punt

??? info

    Zonder titel.

=== "Tab een"

    Inhoud van tab een.

### Cijfers

| Wat | Aantal |
|---|---:|
| Directe opgave | 417 |
| ROL | 2.450 |

1. Stap een
   met vervolg
2. Stap twee

```python
opgave = 417
```

```mermaid
graph TD; A-->B
```

```yaml
site_name: Algoritmekader
markdown_extensions:
  - admonition
```

Setext kop
----------

Tekst onder setext.

## Lege kop

## Slot
Laatste zin.

[^1]: De voetnoot zelf.
"""


@pytest.fixture()
def mkdocs_doc(tmp_path: Path) -> Document:
    document = load_document(write(tmp_path / "kb" / "opvang-utrecht.md", MKDOCS_PAGE), root=tmp_path)
    assert document is not None
    return document


def test_markdown_front_matter_becomes_meta_with_iso_dates(mkdocs_doc: Document) -> None:
    assert mkdocs_doc.path == "kb/opvang-utrecht.md"
    assert mkdocs_doc.title == "Opvang in de provincie"
    assert mkdocs_doc.meta["province"] == "Utrecht"
    assert mkdocs_doc.meta["updated"] == "2020-09-15"
    assert mkdocs_doc.meta["valid_until"] == "2021-01-01"
    assert mkdocs_doc.meta["tags"] == ["opvang", "ROL"]


def test_markdown_heading_paths_follow_h1_to_h6_nesting(mkdocs_doc: Document) -> None:
    paths = [s.heading_path for s in mkdocs_doc.sections]
    assert paths == [
        ("Opvang in Utrecht",),
        ("Opvang in Utrecht", "Aanpak"),
        ("Opvang in Utrecht", "Aanpak", "Cijfers"),
        ("Opvang in Utrecht", "Setext kop"),
        ("Opvang in Utrecht", "Slot"),
    ]  # "Lege kop" has no body and is dropped


def test_markdown_inline_syntax_is_stripped(mkdocs_doc: Document) -> None:
    intro = mkdocs_doc.sections[0].text
    assert intro == (
        "Intro met een link naar de LRT en vet, schuin, ook schuin, code en een en klaar (De voetnoot zelf). "
        "Een human in the loop en html."
    )


def test_markdown_admonitions_and_tabs_are_unwrapped(mkdocs_doc: Document) -> None:
    assert section(mkdocs_doc, "Aanpak").text == (
        "Let op\n\nDe opgave is voorlopig.\n\n- eerste punt\n- tweede punt\n\nZonder titel.\n\n"
        "Tab een\n\nInhoud van tab een."
    )


def test_an_admonition_right_under_a_line_of_text_is_no_part_of_that_paragraph() -> None:
    """Python-Markdown ends a paragraph where ``???``/``!!!`` starts, even without a blank line."""
    doc = load_text(
        '# Werkwijze\n\nOnline aanvragen\n??? tip "Handige tips"\n    - Houd je DigiD bij de hand.\n\n'
        "Aan de balie\n!!! note\n    Maak eerst een afspraak.\n",
        path="a.md",
    )
    assert doc.sections[0].text == (
        "Online aanvragen\n\nHandige tips\n\n- Houd je DigiD bij de hand.\n\nAan de balie\n\nMaak eerst een afspraak."
    )


def test_markdown_tables_lists_and_code(mkdocs_doc: Document) -> None:
    assert section(mkdocs_doc, "Cijfers").text == (
        "- Wat: Directe opgave; Aantal: 417\n- Wat: ROL; Aantal: 2.450\n\n1. Stap een met vervolg\n2. Stap twee\n\nopgave = 417"
    )


def test_markdown_footnote_text_is_read_at_its_reference_not_under_the_last_heading(mkdocs_doc: Document) -> None:
    assert section(mkdocs_doc, "Slot").text == "Laatste zin."
    assert "klaar (De voetnoot zelf)." in mkdocs_doc.sections[0].text
    assert not LEFTOVER_MARKUP.search(all_text(mkdocs_doc))


def test_markdown_title_falls_back_to_h1_then_file_name(tmp_path: Path) -> None:
    with_h1 = load_document(write(tmp_path / "x.md", "# Kop een\n\nTekst."))
    assert with_h1 is not None and with_h1.title == "Kop een"
    bare = load_document(write(tmp_path / "opgave-zuid_holland.md", "Alleen tekst."))
    assert bare is not None and bare.title == "Opgave zuid holland"
    assert bare.sections[0].heading_path == ("Opgave zuid holland",)


def test_markdown_html_blocks_keep_headings_and_items(tmp_path: Path) -> None:
    page = (
        '<div class="grid">\n  <div>\n    <h2>Over het kader</h2>\n    <p>Regels voor <a href="x">algoritmes</a>.</p>\n'
        '    <ul><li>› <a href="a">Tijdlijn</a></li><li>Beslishulp</li></ul>\n'
        '    <button onclick="x()">&times;</button>\n  </div>\n</div>\n'
    )
    document = load_document(write(tmp_path / "kader" / "index.md", page), root=tmp_path)
    assert document is not None
    assert [(s.heading_path, s.text) for s in document.sections] == [
        (("Kader", "Over het kader"), "Regels voor algoritmes.\n\n- Tijdlijn\n- Beslishulp")
    ]


def test_markdown_merge_conflict_markers_and_pymdownx_blocks_are_dropped(tmp_path: Path) -> None:
    page = (
        "# Bronnen\n\n<<<<<<< release\n* De [handreiking](https://a) lezen\n=======\n* De [handreiking](https://b) volgen\n"
        ">>>>>>> main\n\n/// html | div[style='float: left;']\nTekst in blok.\n///\n"
    )
    document = load_document(write(tmp_path / "b.md", page))
    assert document is not None
    assert document.sections[0].text == "- De handreiking lezen\n- De handreiking volgen\n\nTekst in blok."


def test_index_false_opts_out(tmp_path: Path) -> None:
    hidden = write(tmp_path / "README.md", "---\nindex: false\ntitle: Over\n---\n# Over\n\nNiet indexeren.")
    assert load_document(hidden) is None
    write(tmp_path / "wel.md", "# Wel\n\nWel indexeren.")
    errors: list[LoadError] = []
    assert [d.path for d in load_all([tmp_path], on_error=errors.append)] == ["wel.md"]
    assert errors == []


def test_text_above_the_pages_heading_is_filed_under_the_pages_title() -> None:
    """A note above the H1 ("> Dit is een concept") belongs to the page the H1 names, not to its file name."""
    doc = load_text("> Deze tekst is nog een concept.\n\n# Leges voor paspoorten\n\nEen paspoort kost geld.\n",
                    path="docs/kosten/pp.nl.md")
    assert doc.title == "Leges voor paspoorten"
    assert [(s.heading_path, s.text) for s in doc.sections] == [
        (("Leges voor paspoorten",), "Deze tekst is nog een concept."),
        (("Leges voor paspoorten",), "Een paspoort kost geld."),
    ]


def test_load_text_from_memory() -> None:
    document = load_text(
        "# Geverifieerd antwoord\n\nHet kernteam is bereikbaar via **e-mail**.",
        path="verified/42",
        title="Hoe bereik ik het kernteam?",
        meta={"verified_on": __import__("datetime").date(2020, 7, 1)},
    )
    assert document.path == "verified/42"
    assert document.title == "Hoe bereik ik het kernteam?"
    assert document.sections[0].heading_path == ("Hoe bereik ik het kernteam?",)
    assert document.sections[0].text == "Het kernteam is bereikbaar via e-mail."
    assert document.meta == {"verified_on": "2020-07-01"}


def test_a_file_over_the_size_limit_is_skipped_with_what_to_do(tmp_path: Path) -> None:
    page = tmp_path / "export.md"
    page.write_text("# Export\n\n" + "Een regel tekst over opvang.\n" * 4000, encoding="utf-8")
    with pytest.raises(LoadError, match=r"export\.md: te groot \(0 MB; de grens is 0 MB\) - splits het"):
        load_document(page, root=tmp_path, max_bytes=50_000)
    assert load_document(page, root=tmp_path).title == "Export"  # under the default limit


def test_load_text_reads_front_matter_and_rejects_empty_text() -> None:
    document = load_text("---\ntheme: contact\n---\nTekst.", path="announcement/1")
    assert document.meta == {"theme": "contact"} and document.title == "1"
    with pytest.raises(LoadError, match="^announcement/2: leeg"):
        load_text("  \n", path="announcement/2")


# --- plain text: the OCR'd support arrangement ---------------------------------------------


@pytest.fixture(scope="module")
def arrangement() -> Document:
    document = load_document(ARRANGEMENT, root=CORPUS)
    assert document is not None
    return document


def test_arrangement_title_and_numbered_heading_paths(arrangement: Document) -> None:
    assert arrangement.path == "ondersteuningsarrangement.txt"
    assert arrangement.title == "Ondersteuningsarrangement Uitvoeringsagenda"
    assert arrangement.meta["subtitle"] == "Bijlage V | Uitvoeringsagenda Flexibilisering Asielketen"
    paths = [s.heading_path[1:] for s in arrangement.sections]
    assert paths[:2] == [("1) Inleiding",), ("2) Doel van het ondersteuningsarrangement",)]
    assert ("3) Functies en rollen", "IV. Netwerkfunctie (makelaar)") in paths
    assert ("4) Beschikbare kennis en expertise", "II. Specifieke kennis") in paths
    assert ("5) Inrichting", "II. Deskundigennetwerk") in paths
    assert paths[-1] == ("6) Contactgegevens",)
    assert all(s.heading_path[0] == arrangement.title and s.page is None for s in arrangement.sections)


def test_arrangement_kernteam_section(arrangement: Document) -> None:
    kernteam = section(arrangement, "Kernteam")
    assert kernteam.heading_path[-2:] == ("5) Inrichting", "1. Kernteam")
    assert "J&V, BZK, SZW" in kernteam.text
    assert "coördineert dat vragen worden beantwoord" in kernteam.text


def test_arrangement_text_is_clean(arrangement: Document) -> None:
    text = all_text(arrangement)
    assert "juni 2020 |" not in text and "| juni 2020" not in text  # running footer
    assert "¢" not in text and "\ne " not in text
    assert not re.search(r"\w- (?!en |of )\w", text), "broken hyphenation left"
    assert "onder- steuning" not in text and "COA-medewerkers" in text
    for fixed in ("financiële", "geëvalueerd", "creëert", "coördinatie", "o.a. subsidieregelingen", "thema's:"):
        assert fixed in text
    for ocr in ("codrdin", "financiéle", "0.a.", "’", "“", "''"):
        assert ocr not in text


def test_arrangement_lists(arrangement: Document) -> None:
    specific = section(arrangement, "Specifieke kennis").text
    items = [line for line in specific.split("\n") if line.startswith("- ")]
    assert len(items) == 7
    assert items[1] == "- Kennis van type opvanglocaties: kaders, inrichting en beheer, diensten en activiteiten, financiering;"
    contact = section(arrangement, "Contactgegevens").text
    assert contact.endswith("3. Plv. Programmadirecteur Programma Flexibilisering Asielketen Alrita Borst: a.h.borst@minjenv.nl")


def test_running_headers_repeated_on_pages_are_removed_from_text_files(tmp_path: Path) -> None:
    bodies = ["Het kernteam beantwoordt vragen.", "Zie bijlage 2.", "Zie bijlage 3."]
    page = "Rapport opvang\n\n{body}\n\nRapport opvang - versie 2\n\n{n}\n"
    text = "\f".join(page.format(body=body, n=n) for n, body in enumerate(bodies, start=1))
    document = load_document(write(tmp_path / "rapport.txt", "Titel van het rapport\n\n" + text))
    assert document is not None
    assert document.title == "Titel van het rapport"
    assert all_text(document) == "Het kernteam beantwoordt vragen.\n\nZie bijlage 2.\n\nZie bijlage 3."


# --- other formats ----------------------------------------------------------------------


def test_docx_headings_lists_and_tables(tmp_path: Path) -> None:
    document = load_document(make_docx(tmp_path / "werkwijze.docx"), root=tmp_path)
    assert document is not None
    assert document.title == "Werkwijze kernteam"
    assert [(s.heading_path, s.text) for s in document.sections] == [
        (("Werkwijze kernteam",), "Het kernteam is het eerste aanspreekpunt voor de PRT's."),
        (
            ("Werkwijze kernteam", "Taken"),
            "Het kernteam heeft drie taken:\n\n- vragen beantwoorden\n- kaders ontwikkelen\n- de LRT informeren",
        ),
        (
            ("Werkwijze kernteam", "Taken", "Bezetting"),
            "- Organisatie: COA; Aantal: 2\n- Organisatie: VNG; Aantal: 1\n\nDe bezetting wordt elk kwartaal herzien.",
        ),
    ]


def test_docx_dutch_heading_styles_and_core_title(tmp_path: Path) -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    document.core_properties.title = "Notitie rijksheren"
    for name in ("Kop 1", "Kop 2"):
        document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Rol van de rijksheer", style="Kop 1")
    document.add_paragraph("Coördinatie", style="Kop 2")
    document.add_paragraph("De rijksheer coördineert het provinciale plan.")
    document.save(str(tmp_path / "notitie.docx"))
    loaded = load_document(tmp_path / "notitie.docx")
    assert loaded is not None and loaded.title == "Notitie rijksheren"
    assert [(s.heading_path, s.text) for s in loaded.sections] == [
        (("Notitie rijksheren", "Rol van de rijksheer", "Coördinatie"), "De rijksheer coördineert het provinciale plan.")
    ]


PDF_PAGES = [
    [
        "Notitie opvang | juni 2020",
        "Rapport over de opvang",
        "1) Inleiding",
        "Dit is de eerste alinea van de inleiding, die over meerdere regels",
        "loopt. De financiéle kaders zijn bekend en de onder-",
        "steuning is geregeld.",
        "2) Aanpak",
        "Het kernteam werkt 0.a. in opdracht van de LRT.",  # a second OCR sign: OCR repairs apply
    ],
    [
        "Notitie opvang | juni 2020",
        "Vervolg van de aanpak op de tweede pagina.",
        "I. Kernteam",
        "De ministeries van J&V, BZK en SZW.",
    ],
]


def test_pdf_pages_headings_and_furniture(tmp_path: Path) -> None:
    pdf = tmp_path / "notitie.pdf"
    pdf.write_bytes(make_pdf(PDF_PAGES, footers=["1", "2"], title="Microsoft Word - notitie.docx"))
    document = load_document(pdf)
    assert document is not None
    assert document.title == "Rapport over de opvang"
    assert [(s.heading_path[1:], s.page, s.text) for s in document.sections] == [
        (
            ("1) Inleiding",),
            1,
            "Dit is de eerste alinea van de inleiding, die over meerdere regels loopt. "
            "De financiële kaders zijn bekend en de ondersteuning is geregeld.",
        ),
        (("2) Aanpak",), 1, "Het kernteam werkt o.a. in opdracht van de LRT."),
        (("2) Aanpak",), 2, "Vervolg van de aanpak op de tweede pagina."),
        (("2) Aanpak", "I. Kernteam"), 2, "De ministeries van J&V, BZK en SZW."),
    ]


def test_pdf_title_from_metadata_when_text_has_none(tmp_path: Path) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(make_pdf([["Dit is gewoon een zin die begint op de eerste regel van de pagina."]], title="Notitie LRT"))
    document = load_document(pdf)
    assert document is not None and document.title == "Notitie LRT"


def test_html_page(tmp_path: Path) -> None:
    page = """<!doctype html><html><head><title>Site | Kernteam</title><style>p{}</style></head><body>
    <nav><a href="/">Home</a></nav><header>Sitekop</header>
    <main><h1>Het kernteam</h1><p>Het kernteam is <b>bereikbaar</b> &amp; toegankelijk.</p>
    <h2>Leden</h2><ul><li>COA</li><li>VNG</li></ul>
    <table><tr><th>Rol</th><th>Aantal</th></tr><tr><td>Secretaris</td><td>1</td></tr></table></main>
    <aside>Zie ook</aside><footer>Voettekst</footer><script>track()</script></body></html>"""
    document = load_document(write(tmp_path / "kernteam.html", page))
    assert document is not None
    assert document.title == "Het kernteam"
    assert [(s.heading_path, s.text) for s in document.sections] == [
        (("Het kernteam",), "Het kernteam is bereikbaar & toegankelijk."),
        (("Het kernteam", "Leden"), "- COA\n- VNG\n\n- Rol: Secretaris; Aantal: 1"),
    ]


def test_html_title_tag_is_used_without_h1(tmp_path: Path) -> None:
    document = load_document(write(tmp_path / "p.htm", "<title>Contact</title><p>Mail het loket.</p>"))
    assert document is not None and document.title == "Contact"


# --- bad files -----------------------------------------------------------------------------

GARBAGE = bytes(range(256)) * 8


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("leeg.md", b"", "leeg bestand - voeg tekst toe of verwijder het"),
        ("spaties.txt", b"  \n\n ", "leeg bestand"),
        ("rommel.md", GARBAGE, "geen tekstbestand (binaire inhoud)"),
        ("rommel.txt", bytes([0x81, 0x8D, 0x90] * 50), "geen tekstbestand"),
        ("rommel.pdf", GARBAGE, "beschadigde PDF (kan niet worden gelezen) - sla het opnieuw op of verwijder het"),
        ("rommel.docx", GARBAGE, "beschadigd Word-bestand (geen geldig .docx)"),
        ("rommel.html", GARBAGE, "geen tekstbestand"),
    ],
)
def test_bad_files_raise_load_error_naming_the_file(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(LoadError) as error:
        load_document(tmp_path / name, root=tmp_path)
    assert error.value.path == name
    assert str(error.value).startswith(f"{name}: {reason}")
    assert " - " in str(error.value)  # says what to do next


def test_truncated_pdf_is_reported_as_damaged(tmp_path: Path) -> None:
    data = make_pdf(PDF_PAGES)
    for cut in (len(data) // 2, len(data) - 30):
        (tmp_path / "kapot.pdf").write_bytes(data[:cut])
        with pytest.raises(LoadError, match="^kapot.pdf: beschadigde PDF"):
            load_document(tmp_path / "kapot.pdf", root=tmp_path)


def test_pdf_without_text_is_reported_as_probable_scan(tmp_path: Path) -> None:
    (tmp_path / "scan.pdf").write_bytes(make_pdf([[]]))
    with pytest.raises(LoadError, match="geen tekst; is het een scan\\? Gebruik een PDF met tekstlaag"):
        load_document(tmp_path / "scan.pdf")


def test_encrypted_pdf_is_reported(tmp_path: Path) -> None:
    plain = tmp_path / "open.pdf"
    plain.write_bytes(make_pdf(PDF_PAGES))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="geheim", algorithm="RC4-128")
    with (tmp_path / "geheim.pdf").open("wb") as handle:
        writer.write(handle)
    with pytest.raises(LoadError, match="beveiligd met een wachtwoord"):
        load_document(tmp_path / "geheim.pdf")


def test_zip_that_is_not_a_docx(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "archief.docx", "w") as archive:
        archive.writestr("notities.txt", "geen Word")
    with pytest.raises(LoadError, match="^archief.docx: beschadigd Word-bestand"):
        load_document(tmp_path / "archief.docx", root=tmp_path)


def test_broken_yaml_front_matter_keeps_the_page_and_names_the_line(tmp_path: Path) -> None:
    text = "---\ntitle: Goed\ntheme: [niet gesloten\nupdated: 2020-01-01\n---\n# Kop\n\nTekst."
    document = load_document(write(tmp_path / "fout.md", text), root=tmp_path)
    assert document is not None and document.title == "Goed"  # fields read line by line
    assert document.meta == {"title": "Goed", "theme": "[niet gesloten", "updated": "2020-01-01"}
    assert [s.text for s in document.sections] == ["Tekst."]
    [problem] = document.dropped
    assert problem.rule == DROP_FRONT_MATTER
    assert problem.text.startswith("fout in de front matter (YAML) op regel ")
    assert "niet gesloten" not in problem.text  # no document text in the report
    line = int(re.search(r"op regel (\d+)", problem.text).group(1))  # type: ignore[union-attr]
    assert line in (4, 5)


def test_an_impossible_date_in_front_matter_keeps_every_field(tmp_path: Path) -> None:
    text = "---\ntitle: Toetsenbord\ndate_conducted: 2026-27-02\nupdated: 2024-03-01\ntags: [kaart, toegankelijkheid]\n---\nTekst."
    document = load_document(write(tmp_path / "kaart.md", text), root=tmp_path)
    assert document is not None and document.title == "Toetsenbord"
    assert document.meta["date_conducted"] == "2026-27-02"  # as written, not a parse failure
    assert document.meta["tags"] == ["kaart", "toegankelijkheid"]
    assert not document.dropped and [s.text for s in document.sections] == ["Tekst."]


def test_front_matter_that_is_not_a_mapping_is_text(tmp_path: Path) -> None:
    document = load_document(write(tmp_path / "lijst.md", "---\n- een\n- twee\n---\nTekst."))
    assert document is not None and document.meta == {} and not document.dropped
    assert "- een\n- twee" in document.sections[0].text and "Tekst." in document.sections[0].text


def test_windows_1252_text_is_decoded_silently(tmp_path: Path) -> None:
    (tmp_path / "oud.txt").write_bytes("Kennis van financiële kaders – “ja”.".encode("cp1252"))
    document = load_document(tmp_path / "oud.txt")
    assert document is not None
    assert document.sections[0].text == 'Kennis van financiële kaders – "ja".'


def test_load_all_keeps_going_and_reports_each_bad_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path / "goed.md", "# Goed\n\nTekst.")
    (tmp_path / "leeg.md").write_bytes(b"")
    (tmp_path / "kapot.pdf").write_bytes(b"%PDF-1.4 kapot")
    write(tmp_path / "sub" / "ook-goed.txt", "Nog een tekst.")
    errors: list[LoadError] = []
    documents = load_all([tmp_path, tmp_path / "bestaat-niet"], on_error=errors.append)
    assert [d.path for d in documents] == ["goed.md", "sub/ook-goed.txt"]
    assert sorted(e.path for e in errors) == sorted(["kapot.pdf", "leeg.md", str(tmp_path / "bestaat-niet")])
    with caplog.at_level(logging.WARNING, logger="index.loaders"):
        load_all([tmp_path])
    assert sorted(r.getMessage().split(": ")[1] for r in caplog.records) == ["kapot.pdf", "leeg.md"]


def test_load_all_reports_unexpected_parser_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "a.md", "# A\n\nTekst.")

    def explode(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    monkeypatch.setattr("index.loaders.parse_markdown", explode)
    errors: list[LoadError] = []
    assert load_all([tmp_path], on_error=errors.append) == []
    assert str(errors[0]) == "a.md: onverwachte fout bij het lezen (RuntimeError) - meld dit bij de beheerder van Loket"


# --- shared corpora ---------------------------------------------------------------------


def test_shared_corpus_files_all_load() -> None:
    errors: list[LoadError] = []
    documents = load_all([CORPUS], on_error=errors.append)
    assert errors == []
    assert sorted(d.path for d in documents) == [
        "begrippen.md", "ondersteuningsarrangement.txt", "opgave-zuid-holland.md", "uitvoeringsagenda-overzicht.md",
    ]
    zuid_holland = next(d for d in documents if d.path == "opgave-zuid-holland.md")
    assert zuid_holland.meta["province"] == "Zuid-Holland"
    assert "- Wat: Directe opgave; Aantal opvangplekken: 417; Gereed: 2020" in zuid_holland.sections[0].text


def test_algoritmekader_corpus_loads_without_errors_or_markup(record_property) -> None:  # type: ignore[no-untyped-def]
    files = find_source_files([ALGORITMEKADER])
    errors: list[LoadError] = []
    started = time.perf_counter()
    documents = load_all([ALGORITMEKADER], on_error=errors.append)
    elapsed = time.perf_counter() - started
    record_property("algoritmekader_seconds", round(elapsed, 3))
    assert errors == []
    assert len(documents) == len(files) > 240
    leftovers = [
        (d.path, s.heading_path) for d in documents for s in d.sections if LEFTOVER_MARKUP.search(s.text)
    ]
    assert leftovers == []
    assert sum(len(d.sections) for d in documents) > 1000
    assert elapsed < 10, f"loading took {elapsed:.1f}s"


def test_algoritmekader_faq_keeps_admonition_questions() -> None:
    document = load_document(ALGORITMEKADER / "over-het-algoritmekader/veelgestelde-vragen.md", root=ALGORITMEKADER)
    assert document is not None
    first = document.sections[0]
    assert first.heading_path == ("Veelgestelde vragen", "A - Algemene informatie")
    assert first.text.startswith("Wat is het Algoritmekader?\n\nHet Algoritmekader is een hulpmiddel")


# --- robustness ------------------------------------------------------------------------------

_MARKUP_SOUP = st.lists(
    st.sampled_from([
        "# ", "## ", "\n", "\n\n", "    ", "!!! note \"T\"", "??? info", '=== "Tab"', "- ", "1. ", "| a | b |",
        "|---|---|", "```", "```mermaid", "{{ x }}", "{% y %}", "<!--", "-->", "<div>", "</div>", "<h2>", "</h2>",
        "[t](u)", "![i](p)", "**", "_", "[^1]", "[^1]: ", "---", "===", "///", "tekst", "Kop", "1) Kop", "IV. Kop",
        "¢ ", "e ", "\f", ":", ".",
        '{{< x "t" >}}', "{{< /x >}}", '{{% details "d" %}}', "{{% /details %}}", '{% tab title="t" %}', "{% endtab %}",
        "{% comment %}", "+++", "[[toc]]", "{:toc}", "> [!NOTE] ", "<!-- toc -->", "<!-- tocstop -->", "::: {.a}",
        "{::comment}", "{:/comment}", "--8<-- ", ": ", "<br>",
    ]),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_MARKUP_SOUP, st.text(), _MARKUP_SOUP.map(lambda body: "---\n" + body)))
def test_parsers_never_crash_and_always_return_clean_sections(text: str) -> None:
    try:
        markdown = load_text(text, path="soup.md")
    except LoadError as error:  # a proper, explained refusal is fine; anything else is a bug
        assert error.reason.startswith(("leeg bestand", "fout in de front matter", "de front matter is geen"))
        markdown = None
    plain = parse_plain(text.split("\f"), title="Soep")
    for sections in ([] if markdown is None else markdown.sections, plain.sections):
        for s in sections:
            assert s.text == s.text.strip() and s.text
            assert all(part == " ".join(part.split()) and part for part in s.heading_path)


def test_an_unreadable_file_is_explained_in_dutch(tmp_path):
    from index.loaders import LoadError, load_document

    link = tmp_path / "weg.md"
    link.symlink_to(tmp_path / "bestaat-niet.md")  # a dangling link: the OS says "No such file or directory"
    with pytest.raises(LoadError) as err:
        load_document(link, root=tmp_path)
    assert "bestaat niet - controleer het pad" in str(err.value) and "No such file" not in str(err.value)
