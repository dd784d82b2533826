"""Ingestion of Markdown constructs at the edges of what pages usually hold: indented code,
math, summaries under other front matter keys, images in HTML, pipes in table cells.

Each test loads a small document written for the test and asserts on the sections a
reader would get: what the page shows stays readable, markup never opens a section.
"""
from __future__ import annotations

from pathlib import Path

import docx

from index.documents import DROP_BUTTON, DROP_EMPTY_TABLE, DROP_INCLUDE, DROP_TODO, Document
from index.chunking import chunk_document
from index.loaders import load_document, load_text
from tests.doc_factories import body, paths




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


# --- tables ------------------------------------------------------------------------------------


def test_an_escaped_pipe_or_a_pipe_in_code_stays_inside_its_cell() -> None:
    doc = load_text(
        "# Zoeken\n\n| Teken | Betekenis |\n|---|---|\n| `kat|hond` | een van beide |\n"
        "| kat \\| hond | ook een van beide |\n| `a \\| b` | in code, ontsnapt |\n| ``c|d`` | dubbele backticks |\n",
        path="a.md",
    )
    assert body(doc).split("\n") == [
        "- Teken: kat|hond; Betekenis: een van beide",
        "- Teken: kat|hond; Betekenis: ook een van beide",
        "- Teken: a|b; Betekenis: in code, ontsnapt",
        "- Teken: c|d; Betekenis: dubbele backticks",
    ]


def test_a_table_right_under_another_table_has_its_own_header() -> None:
    doc = load_text("# Twee\n\n| Dag | Open |\n|---|---|\n| ma | 9 uur |\n\n| Loket | Plaats |\n|---|---|\n"
                    "| noord | Zwolle |\n", path="a.md")
    assert body(doc) == "- Dag: ma; Open: 9 uur\n\n- Loket: noord; Plaats: Zwolle"


def test_a_word_table_right_under_another_table_has_its_own_header(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Tijden", style="Heading 1")
    for rows in ([("Dag", "Open"), ("ma", "9 uur")], [("Loket", "Plaats"), ("noord", "Zwolle")]):
        table = document.add_table(rows=2, cols=2)
        for row, cells in zip(table.rows, rows):
            for cell, value in zip(row.cells, cells):
                cell.text = value
    document.save(tmp_path / "tijden.docx")
    doc = load_document(tmp_path / "tijden.docx", root=tmp_path)
    assert doc is not None
    assert "- Dag: ma; Open: 9 uur" in body(doc) and "- Loket: noord; Plaats: Zwolle" in body(doc)


# --- images ------------------------------------------------------------------------------------


def test_an_html_image_keeps_an_alt_text_that_describes_it_and_drops_a_label() -> None:
    doc = load_text(
        '# Cijfers\n\n<img src="grafiek.png" alt="Staafdiagram van het aantal aanvragen per kwartaal, hoogste in het '
        'derde kwartaal">\n\n<p><img alt=\'icoon\' src="i.svg"/> Bel ons gerust.</p>\n',
        path="a.md",
    )
    assert body(doc) == ("Staafdiagram van het aantal aanvragen per kwartaal, hoogste in het derde kwartaal.\n\n"
                         "Bel ons gerust.")


def test_an_image_inside_a_sentence_gets_no_full_stop_of_its_own() -> None:
    doc = load_text(
        "# Route\n\nVolg ![de blauwe pijlen op de vloer van de hal naar de balie](pijl.png) tot aan het loket.\n\n"
        "![Plattegrond van de begane grond met de ingang, de wachtruimte en drie balies](kaart.png) Kom op tijd.\n",
        path="a.md",
    )
    assert body(doc) == (
        "Volg de blauwe pijlen op de vloer van de hal naar de balie tot aan het loket.\n\n"
        "Plattegrond van de begane grond met de ingang, de wachtruimte en drie balies. Kom op tijd."
    )


# --- front matter summaries ----------------------------------------------------------------------


def summary(front_matter: str) -> str | None:
    doc = load_text(f"---\ntitle: Aansluiten\n{front_matter}\n---\n\nDe tekst van de pagina.\n", path="a.md")
    return next((s.text for s in doc.sections if s.kind == "summary"), None)


def test_summary_text_under_other_keys_and_groups_is_the_pages_summary() -> None:
    assert summary("intro: Hoe een gemeente aansluit.") == "Hoe een gemeente aansluit."
    assert summary("omschrijving: Wat aansluiten **kost**.") == "Wat aansluiten kost."
    assert summary("teaser: Alles over de aansluiting.") == "Alles over de aansluiting."
    assert summary("seo:\n  description: Aansluiten in drie stappen.") == "Aansluiten in drie stappen."
    assert summary("params:\n  summary: Voor wie aansluiten verplicht is.") == "Voor wie aansluiten verplicht is."
    assert summary("subtitle: Van aanvraag tot eerste bericht") == "Van aanvraag tot eerste bericht"
    assert summary("description: Eerst dit.\nseo:\n  description: Niet dit.") == "Eerst dit."


def test_labels_paths_and_ids_are_no_summary() -> None:
    assert summary("subtitle: Handleiding") is None  # a label
    assert summary("teaser: /assets/kaart.jpg") is None  # an image of the theme
    assert summary("id: aansluiten-stappen\nlayout: page\ntags: [aansluiten, kosten]") is None


# --- formulas ----------------------------------------------------------------------------------


def test_inline_formulas_read_as_text_and_money_stays_money() -> None:
    doc = load_text(
        "# Rekenen\n\nDe oppervlakte is $A = \\pi r^2$ bij straal $r$. Tel \\( x_1 + x_2 \\) op.\n\n"
        "Een pakket kost $5 en een groot pakket $10. Zie \\(bijlage\\). In code blijft `$x^2$` staan.\n",
        path="a.md",
    )
    assert body(doc) == (
        "De oppervlakte is A = π r² bij straal r. Tel x₁ + x₂ op.\n\n"
        "Een pakket kost $5 en een groot pakket $10. Zie (bijlage). In code blijft $x^2$ staan."
    )


def test_a_display_formula_is_one_readable_paragraph_and_sentences_around_it_stay_whole() -> None:
    doc = load_text(
        "# Gemiddelde\n\nHet gemiddelde is:\n\n$$\n\\bar{x} = \\frac{1}{n} \\sum_{i=1}^{n} x_i\n$$\n\n"
        "Daarna de spreiding.\n\n\\begin{equation}\ns = \\sqrt{\\frac{\\sum (x_i - \\bar{x})^2}{n - 1}} \\label{eq:s}\n"
        "\\end{equation}\n\n```math\n- a + b\n```\n\nKlaar.\n",
        path="a.md",
    )
    assert doc.sections[0].text.split("\n\n") == [
        "Het gemiddelde is:", "x̄ = 1/n Σᵢ₌₁ⁿ xᵢ", "Daarna de spreiding.", "s = √((Σ (xᵢ - x̄)²)/(n - 1))", "- a + b",
        "Klaar.",
    ]
    assert paths(doc) == [("Gemiddelde",)]


# --- lists in quotes ---------------------------------------------------------------------------


def test_a_quoted_list_keeps_its_sub_items_under_their_parent_in_the_passage() -> None:
    doc = load_text(
        "# Citaat\n\n> Stappen:\n>\n> 1. aanvragen\n>    - met DigiD\n> 2. betalen\n>\n>    Dat kan per maand.\n>\n"
        ">    - per kwartaal kan ook\n",
        path="a.md",
    )
    [passage] = [c.text for c in chunk_document(doc)]
    assert passage == ("Stappen:\n\n1. aanvragen\n  - met DigiD\n2. betalen\n\nDat kan per maand.\n\n"
                       "  - per kwartaal kan ook")


# --- generator directives ----------------------------------------------------------------------


def test_a_docsify_include_leaves_no_link_text_and_is_reported() -> None:
    doc = load_text("# Hulp\n\nVoor.\n\n[inhoud](_media/contact.md ':include')\n\n[script](a.js \":include :type=code\")\n\n"
                    "Lees [de uitleg](uitleg.md) eerst.\n", path="a.md")
    assert body(doc) == "Voor.\n\nLees de uitleg eerst."
    assert [(d.rule, d.text) for d in doc.dropped] == [(DROP_INCLUDE, "_media/contact.md"), (DROP_INCLUDE, "a.js")]


def test_a_comment_around_a_code_fence_hides_all_of_it() -> None:
    doc = load_text(
        "# Pagina\n\nVoor.\n\n<!--\nOude uitleg.\n\n```bash\necho oud\n```\n\n## Oude kop\n-->\n\n"
        "Gebruik `<!--` om te beginnen.\n\nTekst <!-- een\nopmerking --> loopt door.\n\n<!-- toc -->\n- [Voor](#voor)\n"
        "<!-- tocstop -->\n",
        path="a.md",
    )
    assert paths(doc) == [("Pagina",)]
    assert body(doc) == "Voor.\n\nGebruik <!-- om te beginnen.\n\nTekst loopt door."


def test_an_abbreviation_element_is_read_with_its_full_words() -> None:
    doc = load_text('# Registers\n\nDe <abbr title="Basisregistratie Personen">BRP</abbr> en de <abbr>KvK</abbr>.\n',
                    path="a.md")
    assert body(doc) == "De BRP (Basisregistratie Personen) en de KvK."


def test_an_html_page_keeps_described_images_abbreviations_and_the_header_of_each_table(tmp_path: Path) -> None:
    page = tmp_path / "tarieven.html"
    page.write_text(
        '<html><body><h1>Tarieven</h1><p>De <abbr title="Basisregistratie Personen">BRP</abbr> kost niets.</p>'
        '<img alt="logo"><p><img src="t.png" alt="Lijngrafiek van het tarief per jaar, van vier euro in 2020 naar zes '
        'euro nu"></p><table><tr><th>Jaar</th><th>Tarief</th></tr><tr><td>2020</td><td>4</td></tr></table>'
        "<table><tr><th>Dienst</th><th>Duur</th></tr><tr><td>inschrijven</td><td>1 dag</td></tr></table></body></html>",
        encoding="utf-8",
    )
    doc = load_document(page, root=tmp_path)
    assert doc is not None
    assert body(doc) == (
        "De BRP (Basisregistratie Personen) kost niets.\n\n"
        "Lijngrafiek van het tarief per jaar, van vier euro in 2020 naar zes euro nu.\n\n"
        "- Jaar: 2020; Tarief: 4\n\n- Dienst: inschrijven; Duur: 1 dag"
    )


def test_a_link_styled_as_a_bootstrap_button_is_dropped_like_a_material_button() -> None:
    doc = load_text("# Start\n\nVraag het aan.\n\n[Aanvragen](https://example.org/aanvraag){: .btn .btn-primary }\n",
                    path="a.md")
    assert body(doc) == "Vraag het aan."
    assert [d.rule for d in doc.dropped] == [DROP_BUTTON]


def test_an_html_link_styled_as_a_button_and_a_form_control_leave_no_text() -> None:
    doc = load_text(
        '# Start\n\nVraag het aan bij de balie.\n\n<div class="kaart">\n    <p>Een formulier voor de aanvraag.</p>\n'
        '    <a href="https://example.org/aanvraag" class="actie-button" target="_blank">Openen</a>\n</div>\n\n'
        '<select id="soort">\n    <option value="">Alle soorten</option>\n    <option value="a">Vergunning</option>\n'
        '</select>\n\nLees ook <a class="md-button" href="/uitleg/">de uitleg</a> over de kosten.\n',
        path="a.md",
    )
    assert body(doc) == "Vraag het aan bij de balie.\n\nEen formulier voor de aanvraag.\n\nLees ook de uitleg over de kosten."
    assert [(d.rule, d.text) for d in doc.dropped] == [(DROP_BUTTON, "Openen")]


def test_a_docusaurus_code_block_component_is_code_not_headings() -> None:
    doc = load_text(
        '# Installeren\n\n<CodeBlock language="bash">\n  # pakketten\n  npm install\n</CodeBlock>\n\n'
        '<CodeBlock language="js">{`const a = 1;\n# geen kop`}</CodeBlock>\n\nKlaar.\n',
        path="a.mdx",
    )
    assert paths(doc) == [("Installeren",)]
    assert body(doc) == "# pakketten\nnpm install\nconst a = 1;\n# geen kop\n\nKlaar."


def test_a_myst_list_table_reads_as_a_table_and_comments_and_block_breaks_go() -> None:
    doc = load_text(
        "(termijnen)=\n# Bewaren\n\n% nog aanvullen\n```{list-table} Termijnen\n:header-rows: 1\n\n* - Gegeven\n  - Termijn\n"
        "* - Naam\n  - zeven jaar, of langer\n    als de wet dat eist\n```\n\n+++\n\n$$\nt = 7\n$$ (eq-termijn)\n",
        path="a.md",
    )
    assert body(doc) == ("Termijnen\n\n- Gegeven: Naam; Termijn: zeven jaar, of langer als de wet dat eist\n\nt = 7")


def test_a_line_starting_with_a_percent_sign_stays_on_a_page_that_is_not_myst() -> None:
    doc = load_text("# Cijfers\n\nDat geldt voor 45\n% van de gemeenten.\n", path="a.md")
    assert body(doc) == "Dat geldt voor 45 % van de gemeenten."


def test_keys_sub_and_superscripts_and_critic_markup_read_as_shown() -> None:
    doc = load_text(
        "# Tekens\n\nDruk op ++ctrl+alt+del++. Water is H~2~O, de vloer 12 m^2^, de wachttijd ~5 minuten.\n\n"
        "De termijn is {--vier--}{++zes++} weken, {~~per brief~>per e-mail~~} en {==snel==}{>>nakijken<<}.\n\n"
        "Voor C++ en a++ geldt niets.\n",
        path="a.md",
    )
    assert body(doc) == (
        "Druk op Ctrl+Alt+Del. Water is H₂O, de vloer 12 m², de wachttijd ~5 minuten.\n\n"
        "De termijn is zes weken, per e-mail en snel.\n\nVoor C++ en a++ geldt niets."
    )


def test_code_and_textarea_elements_that_span_lines_are_code_and_inline_code_stays_in_its_sentence() -> None:
    doc = load_text(
        "# Pagina\n\nGebruik <code>git pull</code> eerst.\n\n<code>\n# geen kop\ngit push\n</code>\n\n"
        "<textarea>\n## ook geen kop\n</textarea>\n\n## Echte kop\n\nSlot.\n",
        path="a.md",
    )
    assert paths(doc) == [("Pagina",), ("Pagina", "Echte kop")]
    assert doc.sections[0].text == "Gebruik git pull eerst.\n\n# geen kop\ngit push\n## ook geen kop"


# --- headings inside an HTML box ---------------------------------------------------------------


BOXED_PAGE = (
    "# Verhuizen\n\n## Per fase\n\n### 1. Voorbereiden\n\nZoek een nieuwe woning.\n\n"
    '<div class="kader">\n    <h3>Direct regelen</h3>\n\n'
    '    <div class="kaart">\n        <h4>Adreswijziging</h4>\n        <p>Geef je nieuwe adres door.</p>\n'
    "    </div>\n</div>\n\n"
    "Wat je na deze fase hebt: een huurcontract.\n\n### 2. Verhuisdag\n\nHuur een bus.\n"
)


def test_a_heading_inside_an_html_box_ends_with_the_box() -> None:
    """A heading in a box (a <div> of cards) names the box; the text under the box belongs
    to the heading above it again, as a reader sees the box end."""
    doc = load_text(BOXED_PAGE, path="a.md")
    by_path = {s.heading_path: s.text for s in doc.sections}
    assert by_path[("Verhuizen", "Per fase", "Direct regelen", "Adreswijziging")] == "Geef je nieuwe adres door."
    after_box = [s for s in doc.sections if "huurcontract" in s.text]
    assert [s.heading_path for s in after_box] == [("Verhuizen", "Per fase", "1. Voorbereiden")]
    assert paths(doc)[-1] == ("Verhuizen", "Per fase", "2. Verhuisdag")


def test_card_titles_in_a_markdown_grid_end_with_the_grid_and_a_boxed_page_title_stays() -> None:
    doc = load_text(
        '<div align="center">\n  <h1>Subsidiewijzer</h1>\n</div>\n\n## Regelingen\n\n'
        '<div class="grid cards" markdown>\n\n-   ### Energie\n\n    Subsidie voor isolatie.\n\n'
        "-   ### Wonen <b>## geen kop</b>\n\n    Subsidie voor een aanpassing.\n\n</div>\n\n"
        "Alle regelingen sluiten op 1 juli.\n",
        path="index.md",
    )
    assert doc.title == "Subsidiewijzer"
    assert [(s.heading_path[1:], s.text) for s in doc.sections] == [
        (("Regelingen", "Energie"), "Subsidie voor isolatie."),
        (("Regelingen", "Wonen ## geen kop"), "Subsidie voor een aanpassing."),
        (("Regelingen",), "Alle regelingen sluiten op 1 juli."),
    ]


def test_after_a_box_a_skipped_heading_level_is_restored_with_its_parent() -> None:
    doc = load_text(
        "# Paspoort\n\n## Aanvragen\n\n#### Bij de balie\n\nNeem een pasfoto mee.\n\n"
        '<aside class="tip">\n  <h3>Let op</h3>\n  <p>Maak eerst een afspraak.</p>\n</aside>\n\n'
        "Betaal met je pinpas.\n",
        path="a.md",
    )
    assert [(s.heading_path[1:], s.text) for s in doc.sections] == [
        (("Aanvragen", "Bij de balie"), "Neem een pasfoto mee."),
        (("Aanvragen", "Let op"), "Maak eerst een afspraak."),
        (("Aanvragen", "Bij de balie"), "Betaal met je pinpas."),
    ]


def test_a_heading_that_repeats_the_page_title_adds_no_level_to_the_heading_path() -> None:
    doc = load_text(
        "---\ntitle: Bezwaar maken\n---\n\n## Bezwaar maken\n\nBinnen zes weken.\n\n### Kosten\n\nGeen.\n\n"
        "## Beroep\n\nBij de rechtbank.\n\n### Beroep\n\nNa het bezwaar.\n",
        path="bezwaar.md",
    )
    assert paths(doc) == [
        ("Bezwaar maken",), ("Bezwaar maken", "Kosten"), ("Bezwaar maken", "Beroep"), ("Bezwaar maken", "Beroep"),
    ]


# --- labels, empty tables and figures set in tables ---------------------------------------------


def test_a_bold_label_on_a_line_of_its_own_is_read_as_a_run_in_label() -> None:
    doc = load_text(
        "# Afspraken\n\n- **Wachttijd**  \n  De tijd tussen melding en eerste reactie.\n"
        "- **Hersteltijd**\n  De tijd tot de storing verholpen is.\n- **Let op:**\n  Dit telt alleen op werkdagen.\n\n"
        "> **Opmerking**\n> Feestdagen tellen niet mee.\n\n**Vet begin** en de zin loopt door.\n\n"
        "**Beslissing**\nvalt binnen een week.\n",
        path="a.md",
    )
    assert body(doc) == (
        "- Wachttijd: De tijd tussen melding en eerste reactie.\n- Hersteltijd: De tijd tot de storing verholpen is.\n"
        "- Let op: Dit telt alleen op werkdagen.\n\nOpmerking: Feestdagen tellen niet mee.\n\n"
        "Vet begin en de zin loopt door.\n\nBeslissing valt binnen een week."
    )


def test_a_table_with_column_names_but_no_rows_leaves_nothing_and_is_reported() -> None:
    doc = load_text(
        "# Velden\n\n## Subsidies\n\n| Veld | Verplicht | Gebruik |\n|---|---|---|\n\n"
        "## Vergunningen\n\n| Veld | Verplicht |\n|---|---|\n| datum | Ja |\n\n| Eén mededeling in een kader |\n|---|\n",
        path="a.md",
    )
    assert paths(doc) == [("Velden", "Vergunningen")]
    assert body(doc) == "- Veld: datum; Verplicht: Ja\n\nEén mededeling in een kader"
    assert [(d.rule, d.text) for d in doc.dropped] == [(DROP_EMPTY_TABLE, "Veld | Verplicht | Gebruik")]


def test_an_image_with_its_caption_in_a_one_column_table_reads_like_the_image() -> None:
    doc = load_text(
        "# Proces\n\nDe aanvraag loopt zo.\n\n| ![Schema](img/schema.png) |\n| :--: |\n| Figuur 2 |\n\n"
        "| [![Kaart](img/kaart.png)](img/kaart.png) |\n|:-:|\n"
        "| De kaart toont de drie regio's met elk een eigen loket voor aanvragen |\n\nDaarna volgt het besluit.\n",
        path="a.md",
    )
    assert body(doc) == (
        "De aanvraag loopt zo.\n\nDe kaart toont de drie regio's met elk een eigen loket voor aanvragen.\n\n"
        "Daarna volgt het besluit."
    )


def test_ordered_items_show_the_numbers_the_page_renders() -> None:
    doc = load_text(
        "# Installeren\n\n1. Open de map\n1. Start het script\n    1. Kopieer de regel\n    1. Plak hem\n"
        "1. Controleer het resultaat\n\nDaarna:\n\n3. Sluit af\n5. Meld je af\n\n- los punt\n\n1. Nieuwe lijst\n",
        path="a.md",
    )
    assert body(doc) == (
        "1. Open de map\n2. Start het script\n  1. Kopieer de regel\n  2. Plak hem\n3. Controleer het resultaat\n\n"
        "Daarna:\n\n3. Sluit af\n4. Meld je af\n- los punt\n1. Nieuwe lijst"
    )


def test_a_host_name_in_angle_brackets_is_text_not_a_tag() -> None:
    doc = load_text(
        "# Publiceren\n\nDaarna moet <docs.voorbeeld.nl> opnieuw gesynchroniseerd worden via <www.voorbeeld.nl/beheer>."
        "\n\nEen <span>opgemaakt</span> woord.\n",
        path="a.md",
    )
    assert body(doc) == (
        "Daarna moet docs.voorbeeld.nl opnieuw gesynchroniseerd worden via www.voorbeeld.nl/beheer.\n\n"
        "Een opgemaakt woord."
    )


def test_an_escaped_angle_bracket_is_shown_not_read_as_the_start_of_a_tag() -> None:
    doc = load_text("# Afspraken\n\nNoem de taak met een #\\<nummer> in de titel, als \\<team\\>-\\<nummer\\>.\n", path="a.md")
    assert body(doc) == "Noem de taak met een #<nummer> in de titel, als <team>-<nummer>."


def test_an_authors_todo_note_is_left_out_and_reported() -> None:
    doc = load_text(
        "# Testopstelling\n\nDe testdata staat in een eigen map.\n\n// TODO generator toevoegen\n\n> TO DO\n\n"
        "_TODO: nog nagaan_\n\n- Eerste stap\n- [TODO - controleren]\n\nDe todo-lijst van het team staat online.\n",
        path="a.md",
    )
    assert body(doc) == "De testdata staat in een eigen map.\n\n- Eerste stap\n\nDe todo-lijst van het team staat online."
    assert [d.rule for d in doc.dropped] == [DROP_TODO] * 4
    placeholder = load_text("---\ntitle: Logging\n---\n> // TODO\n", path="b.md")
    assert placeholder.title == "Logging" and placeholder.sections == []  # a placeholder page gives no passage


def test_a_heading_is_read_as_its_label_without_decorating_emoji_or_a_trailing_colon() -> None:
    doc = load_text(
        "# 📔 Handleiding\n\n## 🚀 Aan de slag\n\nBegin met inloggen.\n\n### Voorbeeld:\n\nEen voorbeeld.\n\n"
        "## Tips ✨\n\nBewaar je sleutel.\n\n## ❌ Vaktaal\n\nGebruik geen jargon.\n",
        path="a.md",
    )
    assert doc.title == "Handleiding"
    assert paths(doc) == [  # a cross or check mark is a verdict, not decoration: it stays
        ("Handleiding", "Aan de slag"), ("Handleiding", "Aan de slag", "Voorbeeld"), ("Handleiding", "Tips"),
        ("Handleiding", "❌ Vaktaal"),
    ]


def test_text_under_an_emoji_only_heading_is_not_filed_under_the_heading_before_it() -> None:
    doc = load_text("# Gids\n\n## Installeren\n\nDownload het pakket.\n\n## 📝\n\nLosse notities.\n", path="a.md")
    assert [(s.heading_path, s.text) for s in doc.sections] == [
        (("Gids", "Installeren"), "Download het pakket."), (("Gids",), "Losse notities."),
    ]


def test_decorating_pictographs_in_text_and_list_items_go_but_verdict_marks_stay() -> None:
    doc = load_text(
        "# Map\n\n- 📁 Documenten\n- 🗂️ Archief ✨\n  - 📄 Besluit\n- ✅ Goedgekeurd\n- ❌ Afgewezen\n\n"
        "ℹ️ Lees eerst de handleiding.\n\n⚠️\n\nKlik op het ⚙️-menu. ⚠️ Zet een 👍 bij de reactie.\n",
        path="a.md",
    )
    assert body(doc) == (
        "- Documenten\n- Archief\n  - Besluit\n- ✅ Goedgekeurd\n- ❌ Afgewezen\n\n"
        "Lees eerst de handleiding.\n\nKlik op het ⚙️-menu. Zet een 👍 bij de reactie."
    )


def test_a_task_list_that_shows_progress_says_which_items_are_done() -> None:
    doc = load_text(
        "# Project\n\n## Voortgang\n\n- [x] Besluit genomen\n- [ ] Besluit gepubliceerd\n  - [X] Tekst klaar\n\n"
        "## Meenemen\n\n- [ ] Paspoort\n- [ ] Uittreksel\n",
        path="a.md",
    )
    assert body(doc) == (
        "- Afgerond: Besluit genomen\n- Nog open: Besluit gepubliceerd\n  - Afgerond: Tekst klaar\n\n"
        "- Paspoort\n- Uittreksel"
    )


def test_obsidian_cancelled_and_begun_tasks_say_their_state() -> None:
    doc = load_text(
        "# Project\n\n- [x] Aanvraag ontvangen\n- [/] Advies opvragen\n- [-] Hoorzitting plannen\n- [ ] Besluit nemen\n\n"
        "## Lijst\n\n- [-] Oude stap\n- [ ] Nieuwe stap\n",
        path="a.md",
    )
    assert body(doc) == (
        "- Afgerond: Aanvraag ontvangen\n- Bezig: Advies opvragen\n- Vervallen: Hoorzitting plannen\n"
        "- Nog open: Besluit nemen\n\n- Vervallen: Oude stap\n- Nog open: Nieuwe stap"
    )


def test_obsidian_wikilinks_embeds_comments_and_block_ids_read_as_the_page_shows_them() -> None:
    doc = load_text(
        "# Begrippen\n\nZie [[zaakgericht-werken|zaakgericht werken]] en de [[Archiefwet]].\n\n![[keten.png]]\n\n"
        "![[Andere notitie#Termijnen]]\n\nEen zaak heeft een eigenaar. %% nog nakijken %% ^zaak-1\n",
        path="a.md",
    )
    assert body(doc) == "Zie zaakgericht werken en de Archiefwet.\n\nEen zaak heeft een eigenaar."


def test_an_obsidian_link_to_a_heading_reads_as_note_and_heading() -> None:
    doc = load_text(
        "# Werkwijze\n\nZie [[Aanvragen#Termijnen]], [[#Bezwaar]] en [[Archief#^blok-2]]; ook [[Aanvragen#Kosten|de kosten]].\n",
        path="a.md",
    )
    assert body(doc) == "Zie Aanvragen › Termijnen, Bezwaar en Archief; ook de kosten."


def test_obsidian_queries_go_and_a_dataview_field_reads_as_label_and_value() -> None:
    doc = load_text(
        "# Koppeling\n\nStatus:: in gebruik\n\n```dataview\nTABLE status FROM \"koppelingen\"\n```\n\n"
        "```tasks\nnot done\n```\n\nIn C++ heet het std::string.\n",
        path="a.md",
    )
    assert body(doc) == "Status: in gebruik\n\nIn C++ heet het std::string."


def test_a_mermaid_diagram_keeps_its_accessible_description() -> None:
    doc = load_text(
        "# Melden\n\n```mermaid\ngraph LR\n  accTitle: Meldroute\n  accDescr: Een melding gaat van de inwoner naar het "
        "meldpunt en dan naar de afdeling.\n  A --> B\n```\n\n```mermaid\ngraph TD\n  accDescr {\n    Twee regels\n"
        "    beschrijving.\n  }\n  A --> B\n```\n\n```mermaid\ngraph TD\n  A --> B\n```\n\nDaarna volgt een besluit.\n",
        path="a.md",
    )
    assert body(doc) == (
        "Een melding gaat van de inwoner naar het meldpunt en dan naar de afdeling.\n\nTwee regels beschrijving.\n\n"
        "Daarna volgt een besluit."
    )


def test_a_backtick_left_open_does_not_turn_the_words_up_to_the_next_code_span_into_code() -> None:
    doc = load_text(
        "# T\n\nZet `aan en <b>vet</b> met [de uitleg](https://x.nl) en `code` hier.\n\n"
        "Een losse ` backtick, en `twee` `spans` naast elkaar, en ``a ` b`` blijven.\n",
        path="a.md",
    )
    assert body(doc) == (
        "Zet aan en vet met de uitleg en code hier.\n\nEen losse backtick, en twee spans naast elkaar, en a ` b blijven."
    )


def test_a_count_up_figure_shows_the_number_it_counts_to_not_its_placeholder() -> None:
    doc = load_text(
        '# Cijfers\n\n<p><span class="counter" data-count="342">0</span> gemeenten zijn aangesloten.</p>\n\n'
        '<p><span data-purecounter-start="0" data-purecounter-end="1200" class="purecounter">0</span> koppelingen.</p>\n\n'
        '<p><span data-value="nl">Nederlands</span> is de taal.</p>\n',
        path="a.md",
    )
    assert body(doc) == "342 gemeenten zijn aangesloten.\n\n1200 koppelingen.\n\nNederlands is de taal."
