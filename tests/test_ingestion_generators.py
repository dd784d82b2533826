"""Ingestion of Markdown as other site generators write it: Hugo, Jekyll, VitePress, GitBook, ReSpec.

Each rule is tested on a small document written for the test: what must go (template
tags, tables of contents, embeds, includes, generator folders, a footer on every page of
a small site) and what must stay (the content and titles of containers, captions, the
pages of a folder). The sample sites under ``tests/data/sites/`` (written for these tests)
are loaded whole: no generator syntax may reach a passage, and every fact must.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.boilerplate import drop_repeated, repeat_threshold
from index.documents import (
    DROP_BUTTON, DROP_EMBED, DROP_FRONT_MATTER, DROP_INCLUDE, DROP_REPEATED, DROP_SKIPPED_PATH, DROP_TOC, Document,
    Section,
)
from index.formats.frontmatter import is_draft
from index.loaders import find_source_files, load_all, load_document, load_text, skipped_source_paths
from tests.doc_factories import body, paths, rules

SITES = Path(__file__).parent / "data" / "sites"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path




# --- front matter ----------------------------------------------------------------------------


def test_hugo_toml_front_matter_gives_title_summary_and_dates() -> None:
    doc = load_text(
        '+++\ntitle = "Aansluiten"\ndescription = "Hoe je aansluit."\ndate = 2026-03-01T10:00:00+01:00\n'
        '[params]\n  kleur = "blauw"\n+++\n\nDe tekst.\n',
        path="aansluiten.md",
    )
    assert doc.title == "Aansluiten" and doc.meta["date"] == "2026-03-01" and doc.meta["params"] == {"kleur": "blauw"}
    assert [(s.kind, s.text) for s in doc.sections] == [("summary", "Hoe je aansluit."), ("body", "De tekst.")]
    assert "+++" not in body(doc)


def test_broken_toml_front_matter_keeps_the_page_and_reports_the_line() -> None:
    doc = load_text('+++\ntitle = "Kapot"\nweight = = 3\n+++\n\nDe tekst blijft.\n', path="kapot.md")
    assert doc.title == "Kapot" and body(doc) == "De tekst blijft."
    assert rules(doc) == [DROP_FRONT_MATTER] and "(TOML) op regel 3" in doc.dropped[0].text


def test_a_page_shows_the_values_of_its_own_front_matter() -> None:
    doc = load_text(
        "---\ntitle: Leges\nleges: 45 euro\nparams:\n  termijn: acht weken\n"
        "substitutions:\n  loket: het Omgevingsloket\n---\n"
        "De leges zijn {{ page.leges }}. Een besluit volgt binnen {{< param \"termijn\" >}}.\n\n"
        "Aanvragen gaat via {{ loket }}, {{ page.onbekend }} niet.\n\n{% raw %}Sjabloon: {{ page.leges }}{% endraw %}\n"
        "\nHet kost {{< meta leges >}}.\n",
        path="leges.md",
    )
    assert body(doc) == (
        "De leges zijn 45 euro. Een besluit volgt binnen acht weken.\n\nAanvragen gaat via het Omgevingsloket, niet."
        "\n\nSjabloon: {{ page.leges }}\n\nHet kost 45 euro."
    )


def test_front_matter_field_names_are_read_in_any_case_as_hugo_does() -> None:
    doc = load_text(
        '---\nTitle: Werkgroep over de planning\nSummary: "De werkgroep sprak over de planning van het najaar."\n'
        'Draft: true\n---\n\nDe tekst.\n',
        path="nieuws/20260911planning.md",
    )
    assert doc.title == "Werkgroep over de planning" and is_draft(doc.meta)
    assert [(s.kind, s.text) for s in doc.sections][0] == ("summary", "De werkgroep sprak over de planning van het najaar.")
    toml = load_text('+++\nTitle = "Aansluiten"\ntitle = "Aansluiten op het stelsel"\n+++\n\nTekst.\n', path="a.md")
    assert toml.title == "Aansluiten op het stelsel"  # the field in lower case wins


def test_prose_between_two_rules_is_not_taken_for_broken_front_matter() -> None:
    doc = load_text("---\nLet op: dit is: gewoon tekst\nmet een tweede regel: ja\n---\n\nSlot.\n", path="a.md")
    assert not doc.dropped and doc.meta == {} and body(doc) == "Slot."
    assert "gewoon tekst met een tweede regel" in doc.sections[0].heading_path[-1]  # a setext heading, as Markdown says


# --- Hugo shortcodes -------------------------------------------------------------------------


def test_a_starlight_splash_page_is_read_from_its_hero_and_its_body() -> None:
    doc = load_text(
        "---\ntemplate: splash\nhero:\n  title: Regelbank\n  tagline: Eén plek voor alle regels van de gemeente.\n"
        "  actions:\n    - text: Aan de slag\n      link: /start/\n---\n\n## Volgende stappen\n\nLees de regels.\n",
        path="index.mdx",
    )
    assert doc.title == "Regelbank"
    assert [(s.heading_path, s.text) for s in doc.sections] == [
        (("Regelbank",), "Eén plek voor alle regels van de gemeente."),
        (("Regelbank", "Volgende stappen"), "Lees de regels."),
    ]


def test_hugo_paired_shortcodes_keep_content_and_title() -> None:
    doc = load_text(
        '# T\n\n{{< alert color="warning" title="Let op" >}}\nDe termijn is **zes** weken.\n{{< /alert >}}\n\n'
        '{{% details "Meer weten" %}}\nUitleg in een uitklapper.\n{{% /details %}}\n\n'
        '{{< notice info >}}\nZonder titel.\n{{< /notice >}}\n',
        path="a.md",
    )
    assert body(doc) == "Let op\n\nDe termijn is zes weken.\n\nMeer weten\n\nUitleg in een uitklapper.\n\nZonder titel."
    assert not doc.dropped


def test_a_section_shortcode_heads_its_content_with_its_title() -> None:
    doc = load_text(
        '---\ntitle: Aanvragen\n---\n{{< chapter/section title="" >}}\nOver het aanvragen.\n{{< /chapter/section >}}\n\n'
        '{{< chapter/section title="Voorwaarden" >}}\nDe aanvrager woont in de gemeente.\n{{< /chapter/section >}}\n\n'
        '{{< section title="Termijn" level="3" >}}\nBinnen acht weken.\n{{< /section >}}\n\n'
        '{{< alert title="Let op" >}}\nGeen kopje.\n{{< /alert >}}\n',
        path="aanvragen.md",
    )
    assert [(s.heading_path, s.text) for s in doc.sections] == [
        (("Aanvragen",), "Over het aanvragen."),
        (("Aanvragen", "Voorwaarden"), "De aanvrager woont in de gemeente."),
        (("Aanvragen", "Voorwaarden", "Termijn"), "Binnen acht weken.\n\nLet op\n\nGeen kopje."),
    ]


def test_a_heading_shortcode_is_a_heading_of_the_level_it_states() -> None:
    doc = load_text(
        '---\ntitle: Gids\n---\nInleiding.\n\n{{< header title="Aanvragen" >}}\n\nVia het formulier.\n\n'
        '{{< heading level="3" >}}\n  Kosten\n{{< /heading >}}\n\nDe aanvraag is gratis.\n\n'
        '{{< header "Bezwaar" 2 "right" >}}\n\nBinnen zes weken.\n\n## {{< heading "Contact" >}}\nBel de balie.\n\n'
        '{{< header logo="/logo.png" version="2.1" >}}\n\nSlot.\n',
        path="gids.md",
    )
    assert [(s.heading_path, s.text) for s in doc.sections] == [
        (("Gids",), "Inleiding."),
        (("Gids", "Aanvragen"), "Via het formulier."),
        (("Gids", "Aanvragen", "Kosten"), "De aanvraag is gratis."),
        (("Gids", "Bezwaar"), "Binnen zes weken."),
        (("Gids", "Contact"), "Bel de balie.\n\nSlot."),
    ]


def test_hugo_link_cards_go_and_a_column_separator_is_a_paragraph_break() -> None:
    doc = load_text(
        '# T\n\n{{< columns >}}\nLinks de uitleg voor gemeenten.\n<--->\nRechts de uitleg voor provincies.\n'
        '{{< /columns >}}\n\n{{< cards >}}\n  {{< card link="../start" title="Aan de slag" subtitle="Begin hier" >}}\n'
        '{{< /cards >}}\n\n{{< card title="Openingstijden" >}}\n\n```\n<--->\n```\n',
        path="a.md",
    )
    assert body(doc) == (
        "Links de uitleg voor gemeenten.\n\nRechts de uitleg voor provincies.\n\nOpeningstijden\n\n<--->"
    )
    assert rules(doc) == [DROP_EMBED] and doc.dropped[0].text == "../start"


def test_hugo_self_closing_shortcodes_keep_only_their_caption() -> None:
    doc = load_text(
        '# T\n\nTekst.\n\n{{< figure src="a.png" alt="plaatje" caption="Schema van de keten" >}}\n\n'
        '{{< figure src="b.png" >}}\n\n{{< youtube abc123 >}}\n\nZie [de beheerder]({{< ref "/contact.md" >}}).\n',
        path="a.md",
    )
    assert body(doc) == "Tekst.\n\nSchema van de keten\n\nZie de beheerder."
    assert rules(doc) == [DROP_EMBED] and doc.dropped[0].text == "abc123"


def test_hugo_tabs_keep_their_titles_even_around_code_fences() -> None:
    doc = load_text(
        '# T\n\n{{< tabs "os" >}}\n{{< tab "Linux" >}}\n```bash\nmaak-sleutel --linux\n```\n{{< /tab >}}\n'
        '{{< tab "Windows" >}}\nGebruik het installatieprogramma.\n{{< /tab >}}\n{{< /tabs >}}\n',
        path="a.md",
    )
    text = body(doc)
    assert text.index("Linux") < text.index("maak-sleutel --linux") < text.index("Windows")
    assert "Gebruik het installatieprogramma." in text and "{{" not in text and "os" not in text.split()


def test_hextra_tabs_take_their_titles_from_the_tab_set_or_their_name() -> None:
    doc = load_text(
        '# T\n\n{{< tabs items="Inwoner,Ondernemer" >}}\n  {{< tab >}}Log in met DigiD.{{< /tab >}}\n'
        '  {{< tab >}}Log in met eHerkenning.{{< /tab >}}\n{{< /tabs >}}\n\n'
        '{{< tabs >}}\n{{< tab name="JSON" >}}Stuur het bericht als JSON.{{< /tab >}}\n{{< /tabs >}}\n',
        path="a.md",
    )
    assert body(doc) == (
        "Inwoner\n\nLog in met DigiD.\n\nOndernemer\n\nLog in met eHerkenning.\n\nJSON\n\nStuur het bericht als JSON."
    )


def test_a_docsy_tab_with_a_language_holds_code() -> None:
    doc = load_text(
        '# Koppelen\n\n{{< tabpane >}}\n{{< tab header="Python" lang="python" >}}\n# haal de zaak op\nzaak = api.get(1)\n'
        '{{< /tab >}}\n{{< tab header="Uitleg" >}}\nDe zaak komt uit het zaaksysteem.\n{{< /tab >}}\n{{< /tabpane >}}\n\n'
        '{{< tabpane lang="bash" >}}\n{{< tab "Linux" >}}curl -s https://api.example.nl{{< /tab >}}\n'
        '{{< tab header="Let op" text=true >}}Gebruik een sleutel.{{< /tab >}}\n{{< /tabpane >}}\n',
        path="a.md",
    )
    assert paths(doc) == [("Koppelen",)]  # "# haal de zaak op" is a comment in the code, not a heading
    assert body(doc) == (
        "Python\n\n# haal de zaak op\nzaak = api.get(1)\n\nUitleg\n\nDe zaak komt uit het zaaksysteem.\n\n"
        "Linux\n\ncurl -s https://api.example.nl\n\nLet op\n\nGebruik een sleutel."
    )


def test_a_feature_card_keeps_its_subtitle_and_a_badge_its_text_in_the_sentence() -> None:
    doc = load_text(
        '# T\n\n{{< hextra/feature-grid >}}\n  {{< hextra/feature-card\n    title="Snel"\n'
        '    subtitle="Een besluit binnen een seconde."\n  >}}\n{{< /hextra/feature-grid >}}\n\n'
        'De regeling is {{< badge "nieuw" >}} en {{< badge content="in ontwikkeling" type="warning" >}}.\n',
        path="a.md",
    )
    assert body(doc) == "Snel\n\nEen besluit binnen een seconde.\n\nDe regeling is nieuw en in ontwikkeling."


def test_headings_in_a_steps_container_carry_the_numbers_the_page_shows() -> None:
    hugo = load_text(
        "# Aansluiten\n\n{{% steps %}}\n\n### Account maken\n\nMaak een account.\n\n```sh\n# geen kop\n```\n\n"
        "### Sleutel aanvragen\n\nVraag een sleutel aan.\n\n{{% /steps %}}\n\n## Daarna\n\nKlaar.\n",
        path="a.md",
    )
    assert [s.heading_path[1:] for s in hugo.sections] == [
        ("1. Account maken",), ("2. Sleutel aanvragen",), ("Daarna",),
    ]
    nextra = load_text("# Aansluiten\n\n<Steps>\n### Registreren\n\nMaak een account.\n</Steps>\n", path="a.mdx")
    assert nextra.sections[0].heading_path[-1] == "1. Registreren"
    mintlify = load_text('# Aansluiten\n\n<Steps>\n  <Step title="Registreren">\n    Maak een account.\n  </Step>\n'
                         '  <Step title="Aansluiten">\n    Vraag een certificaat aan.\n  </Step>\n</Steps>\n',
                         path="a.mdx")
    assert body(mintlify) == "1. Registreren\n\nMaak een account.\n\n2. Aansluiten\n\nVraag een certificaat aan."


def test_a_relearn_notice_keeps_its_title_and_a_key_shortcode_its_key_in_the_sentence() -> None:
    doc = load_text(
        '# T\n\n{{% notice warning "Let op" %}}\nDe koppeling is alleen binnen het netwerk bereikbaar.\n'
        '{{% /notice %}}\n\n{{% notice tip %}}\nZonder titel.\n{{% /notice %}}\n\n'
        'Sla op met {{< kbd "Ctrl" >}} + {{< kbd S >}} en ga verder.\n',
        path="a.md",
    )
    assert body(doc) == (
        "Let op\n\nDe koppeling is alleen binnen het netwerk bereikbaar.\n\nZonder titel.\n\n"
        "Sla op met Ctrl + S en ga verder."
    )


def test_markdoc_tags_close_with_a_slash_and_link_buttons_go() -> None:
    doc = load_text(
        '# T\n\nUitleg.\n\n{% aside type="caution" title="Pas op" %}\nDe termijn is kort.\n{% /aside %}\n\n'
        '{% linkbutton href="/start/" %}Begin hier{% /linkbutton %}\n\n'
        '<LinkButton href="/aanvragen/">Vraag aan</LinkButton>\n\n'
        '{% partial file="voet.md" /%}\n\nSlot.\n',
        path="a.mdoc",
    )
    assert body(doc) == "Uitleg.\n\nPas op\n\nDe termijn is kort.\n\nSlot."
    assert sorted(rules(doc)) == sorted([DROP_BUTTON, DROP_BUTTON, DROP_INCLUDE])


def test_hugo_buttons_toc_and_highlight() -> None:
    doc = load_text(
        '# T\n\n{{< toc >}}\n\nUitleg.\n\n{{< button href="/start/" >}}Begin nu{{< /button >}}\n\n'
        '{{< highlight go >}}\nfmt.Println("hallo")\n{{< /highlight >}}\n\n{{< mermaid >}}\ngraph TD; A-->B\n{{< /mermaid >}}\n',
        path="a.md",
    )
    assert body(doc) == 'Uitleg.\n\nfmt.Println("hallo")'
    assert rules(doc) == [DROP_TOC, DROP_BUTTON]


# --- Jekyll: Liquid and kramdown ---------------------------------------------------------------


def test_liquid_tags_go_and_control_flow_content_stays() -> None:
    doc = load_text(
        "# T\n\nVersie {{ site.versie }} is actueel.\n\n{% if site.beta %}\nBeta-tekst.\n{% endif %}\n\n"
        '{% if page.title == "x" %}Alleen hier.{% endif %}\n\n'
        "{% comment %}\nInterne notitie.\n{% endcomment %}\n\n"
        '{% include note.html content="Lees eerst de voorwaarden." %}\n\n{% include_relative voorwaarden.md %}\n\n'
        "{% highlight json %}\n{\"a\": 1}\n{% endhighlight %}\n",
        path="a.md",
    )
    assert body(doc) == 'Versie is actueel.\n\nBeta-tekst.\n\nAlleen hier.\n\nLees eerst de voorwaarden.\n\n{"a": 1}'
    assert rules(doc) == [DROP_INCLUDE] and doc.dropped[0].text == "voorwaarden.md"


def test_what_a_liquid_raw_block_encloses_is_shown_as_written() -> None:
    doc = load_text(
        "# T\n\nDe sleutel {% raw %}{{ token }}{% endraw %} vraag je aan. Versie {{ site.versie }}.\n\n"
        "{%- raw -%}\nGebruik {{ naam }} en {% if %} letterlijk.\n{%- endraw -%}\n\n"
        "{% raw %}\n```\nAuthorization: Bearer {{ token }}\n```\n{% endraw %}\n",
        path="a.md",
    )
    assert body(doc) == ("De sleutel {{ token }} vraag je aan. Versie .\n\nGebruik {{ naam }} en {% if %} letterlijk."
                         "\n\nAuthorization: Bearer {{ token }}")


def test_kramdown_toc_ial_and_extensions() -> None:
    doc = load_text(
        "# Koppelen\n{: .no_toc }\n\n## Inhoud\n{: .no_toc .text-delta }\n\n1. TOC\n{:toc}\n\n"
        "## Versturen\n\nEen bericht is hoogstens 5 MB.\n{: .highlight }\n\n{: .note }\n> Geen persoonsgegevens.\n\n"
        '{::options parse_block_html="true" /}\n\n{::comment}\nRedactienotitie.\n{:/comment}\n\n'
        "{:kader: .box}\n\nSlot.\n",
        path="a.md",
    )
    assert [s.heading_path for s in doc.sections] == [("Koppelen", "Versturen")]
    assert body(doc) == "Een bericht is hoogstens 5 MB.\n\nGeen persoonsgegevens.\n\nSlot."
    assert rules(doc) == [DROP_TOC]


# --- VitePress / VuePress ------------------------------------------------------------------------


def test_a_vitepress_or_vuepress_home_page_is_read_from_its_hero_and_features() -> None:
    vitepress = load_text(
        "---\nlayout: home\nhero:\n  name: Regelwijzer\n  text: Alle regels voor de gemeente op één plek\n"
        "  tagline: Zoek uit welke regels gelden voor een aanvraag.\n  actions:\n    - text: Aan de slag\n"
        "      link: /start\nfeatures:\n  - title: Vergunningen\n    details: Het aanvragen van een vergunning.\n"
        "  - title: Termijnen\n    details: Hoe lang een besluit op een aanvraag duurt.\n---\n",
        path="index.md",
    )
    assert vitepress.title == "Regelwijzer"
    assert [(s.kind, s.text) for s in vitepress.sections] == [
        ("summary", "Alle regels voor de gemeente op één plek\n\nZoek uit welke regels gelden voor een aanvraag."),
        ("body", "- Vergunningen: Het aanvragen van een vergunning.\n- Termijnen: Hoe lang een besluit op een aanvraag duurt."),
    ]
    vuepress = load_text(
        "---\nhome: true\nheroText: Regelwijzer\ntagline: Alle regels voor de gemeente op één plek\n"
        "features:\n- title: Vergunningen\n  details: Het aanvragen van een vergunning.\n---\n\nMeer uitleg.\n",
        path="README.md",
    )
    assert vuepress.title == "Regelwijzer"
    assert [s.text for s in vuepress.sections] == [
        "Alle regels voor de gemeente op één plek", "- Vergunningen: Het aanvragen van een vergunning.", "Meer uitleg.",
    ]
    ordinary = load_text("---\ntitle: Gewoon\nfeatures:\n  - title: Snel\n---\n\nTekst.\n", path="a.md")
    assert [s.text for s in ordinary.sections] == ["Tekst."]


def test_vitepress_containers_toc_badge_and_code_import() -> None:
    doc = load_text(
        "# Gids <Badge type=\"tip\" text=\"v2\" />\n\n[[toc]]\n\n::: tip Sleutel aanvragen\nVia het portaal.\n:::\n\n"
        "::: details Waarom?\nOmdat het moet.\n:::\n\n<<< @/snippets/voorbeeld.ts\n\n@[code](./x.js)\n\n"
        "Status 401 :warning: terug.\n",
        path="a.md",
    )
    assert doc.title == "Gids v2"
    assert body(doc) == "Sleutel aanvragen\n\nVia het portaal.\n\nWaarom?\n\nOmdat het moet.\n\nStatus 401 terug."
    assert rules(doc) == [DROP_TOC, DROP_INCLUDE, DROP_INCLUDE]


# --- GitBook -------------------------------------------------------------------------------------


def test_gitbook_card_tables_and_paragraphs_in_cells_keep_each_row_whole() -> None:
    doc = load_text(
        '# T\n\n<table data-view="cards"><thead><tr><th></th><th></th></tr></thead><tbody>'
        "<tr><td><strong>Starten</strong></td><td>Begin hier met aansluiten.</td></tr>"
        "<tr><td><strong>Beheer</strong></td><td>Alles over het beheer.</td></tr></tbody></table>\n\n"
        "| | |\n|---|---|\n| Loket | Open op werkdagen |\n| Telefoon | Tot vijf uur |\n\n"
        "| Onderdeel | Kosten |\n| --- | --- |\n| Aansluiten | <p>Geen kosten<br>voor gemeenten</p><p>Wel voor anderen</p> |\n",
        path="a.md",
    )
    assert body(doc) == (
        "- Starten; Begin hier met aansluiten.\n- Beheer; Alles over het beheer.\n\n"
        "- Loket; Open op werkdagen\n- Telefoon; Tot vijf uur\n\n"
        "- Onderdeel: Aansluiten; Kosten: Geen kosten voor gemeenten Wel voor anderen"
    )


def test_gitbook_hint_tabs_embed_and_content_ref() -> None:
    doc = load_text(
        '# T\n\n{% hint style="info" %}\nDe sleutel is 24 uur geldig.\n{% endhint %}\n\n'
        '{% tabs %}\n{% tab title="Gemeente" %}\nMet eHerkenning.\n{% endtab %}\n{% tab title="Burger" %}\nMet DigiD.\n'
        "{% endtab %}\n{% endtabs %}\n\n"
        '{% embed url="https://v.example/a" %}\nUitleg in een video.\n{% endembed %}\n\n{% embed url="https://v.example/b" %}\n\n'
        '{% content-ref url="andere.md" %}\n[andere.md](andere.md)\n{% endcontent-ref %}\n',
        path="a.md",
    )
    assert body(doc) == (
        "De sleutel is 24 uur geldig.\n\nGemeente\n\nMet eHerkenning.\n\nBurger\n\nMet DigiD.\n\nUitleg in een video."
    )
    assert rules(doc) == [DROP_EMBED, DROP_EMBED, DROP_EMBED]
    assert [d.text for d in doc.dropped] == ["https://v.example/a", "https://v.example/b", "andere.md"]


# --- ReSpec and generic Markdown -------------------------------------------------------------------


def test_respec_sections_notes_references_and_several_h1s(tmp_path: Path) -> None:
    page = (
        '<section id="abstract">\n\nKorte samenvatting.\n\n</section>\n\n<section id="sotd"></section>\n\n'
        "<section>\n\n# Inleiding\n\nZoals bedoeld in [[RFC2119]] en [[!BSN]].\n\n"
        '<aside class="note">\nZie [[[#wijzigingen]]].\n</aside>\n\n</section>\n\n<section>\n\n# Wijzigingen\n\n'
        "- Veld toegevoegd.\n\n</section>\n"
    )
    doc = load_document(write(tmp_path / "berichtenstandaard" / "index.md", page), root=tmp_path)
    assert doc is not None and doc.title == "Berichtenstandaard"  # two H1s: neither is the page title
    assert [s.heading_path for s in doc.sections] == [("Berichtenstandaard",), ("Inleiding",), ("Wijzigingen",)]
    assert body(doc) == "Korte samenvatting.\n\nZoals bedoeld in RFC2119 en BSN.\n\nZie wijzigingen.\n\n- Veld toegevoegd."


def test_respec_term_shorthands_keep_their_term_and_template_code_still_goes(tmp_path: Path) -> None:
    page = (
        "# Terminologie\n\nEen {{Dataverwerking}} bestaat uit stappen; zie {{Logboek/Logregel}}.\n\n"
        "Het [=COR=] en het [= register | Register van Verwerkingen =] zijn openbaar.\n\n"
        "Versie {{ version }} van {{.Site.Title}}, {{< ref \"x\" >}} en {{Actie|acties}}.\n"
    )
    doc = load_document(write(tmp_path / "ldv.md", page), root=tmp_path)
    assert doc is not None
    assert body(doc) == (
        "Een Dataverwerking bestaat uit stappen; zie Logregel.\n\n"
        "Het COR en het Register van Verwerkingen zijn openbaar.\n\n"
        "Versie van , en acties."
    )


def test_html_details_tables_footnotes_anchors_and_emoji() -> None:
    doc = load_text(
        "# T\n\n## Velden {#velden}\n\n| Veld | Verplicht |\n|---|---|\n| naam | ja |\n\n"
        "<details>\n<summary>Meer</summary>\n\nVerborgen uitleg.\n\n</details>\n\n"
        "Zie noot[^1]. :material-check: :white_check_mark: Klaar, om 10:30 uur.\n\n[^1]: De noot.\n",
        path="a.md",
    )
    assert doc.sections[0].heading_path == ("T", "Velden")
    assert doc.sections[0].text == "- Veld: naam; Verplicht: ja\n\nMeer\n\nVerborgen uitleg.\n\nZie noot (De noot). Klaar, om 10:30 uur."


def test_navigation_written_into_a_page_is_left_out_with_its_links() -> None:
    doc = load_text(
        '# Aanvragen\n\n<div class="sub-navigation-wrapper">\n<div class="tab">\n  <p><a href="../stappen">Stappen</a></p>\n'
        '</div>\n<div class="tab"><p><a href="../kosten">Kosten</a></p></div>\n</div>\n\n'
        'Een aanvraag kost niets.\n\n<div role="navigation"><a href="../a">Vorige</a> <a href="../b">Volgende</a></div>\n\n'
        '<nav><ul><li><a href="/">Home</a></li></ul></nav>\n\n'
        '<div class="navigatie-uitleg">De knop rechtsboven opent het menu.</div>\n',
        path="a.md",
    )
    assert body(doc) == "Een aanvraag kost niets.\n\nDe knop rechtsboven opent het menu."


def test_generated_toc_lists_are_dropped_but_a_list_of_steps_is_kept() -> None:
    doc = load_text(
        "# T\n\n<!-- toc -->\n\n- [Aanvragen](#aanvragen)\n- [Testen](#testen)\n\n<!-- tocstop -->\n\n"
        "## Inhoudsopgave\n\n1. [Aanvragen](#aanvragen)\n2. [Testen](#testen)\n\n"
        "## Aanpak\n\nNeem deze stappen:\n\n1. [Aanvragen](#aanvragen)\n2. [Testen](#testen)\n\n"
        "## Aanvragen\n\nVia het formulier.\n",
        path="a.md",
    )
    assert [s.heading_path[-1] for s in doc.sections] == ["Aanpak", "Aanpak", "Aanvragen"]
    assert "1. Aanvragen\n2. Testen" in body(doc)  # the steps under "Aanpak" stay (as a link list)
    assert rules(doc) == [DROP_TOC, DROP_TOC]


def test_a_toc_marker_without_an_end_keeps_the_page_in_its_order() -> None:
    """mdBook's ``<!-- toc -->`` has no end marker: the code under a later heading stays there."""
    doc = load_text(
        "# Gids\n\n## Installeren\n\n<!-- toc -->\n\nHaal het pakket op.\n\n## Bouwen\n\n```sh\nmake bouw\n```\n\n"
        "Daarna staat het programma klaar.\n",
        path="a.md",
    )
    assert [(s.heading_path[-1], s.text) for s in doc.sections] == [
        ("Installeren", "Haal het pakket op."), ("Bouwen", "make bouw\n\nDaarna staat het programma klaar."),
    ]


def test_folder_pages_are_titled_after_their_folder(tmp_path: Path) -> None:
    write(tmp_path / "aansluiten" / "_index.md", "Tekst over aansluiten.\n")
    write(tmp_path / "testen" / "README.md", "Tekst over testen.\n")
    write(tmp_path / "index.md", "Startpagina.\n")
    docs = {d.path: d.title for d in load_all([tmp_path])}
    assert docs == {"aansluiten/_index.md": "Aansluiten", "testen/README.md": "Testen",
                    "index.md": tmp_path.name[:1].upper() + tmp_path.name[1:].replace("_", " ")}


def test_a_front_matter_title_and_an_h1_wording_the_same_title_make_one_title() -> None:
    from index.chunking import chunk_document, heading_text

    doc = load_text("---\ntitle: Aanvragen van een vergunning\n---\n\n# Vergunning aanvragen\n\nDat kan online.\n\n"
                    "## Kosten\n\nDe leges zijn 25 euro.\n", path="a.md")
    assert doc.title == "Aanvragen van een vergunning"
    assert paths(doc) == [("Aanvragen van een vergunning",), ("Aanvragen van een vergunning", "Kosten")]
    assert heading_text(chunk_document(doc)[1]) == "Aanvragen van een vergunning › Kosten"
    fuller = load_text("---\ntitle: Algoritmekader\n---\n\nInleiding.\n\n# Het Algoritmekader\n\nUitleg.\n", path="b.md")
    assert fuller.title == "Het Algoritmekader" and set(paths(fuller)) == {("Het Algoritmekader",)}
    both = load_text("---\ntitle: Gemeenteraad en afval icoon\n---\n\n# Onderzoek iconen 2023\n\nTekst.\n", path="c.md")
    assert both.title == "Gemeenteraad en afval icoon" and paths(both) == [("Onderzoek iconen 2023",)]


def test_a_dated_post_without_a_title_is_titled_after_its_slug_as_jekyll_does() -> None:
    assert load_text("Het bericht.\n", path="_posts/2026-05-01-nieuwe-versie-van-de-api.md").title == (
        "Nieuwe versie van de api"
    )
    assert load_text("Notulen.\n", path="verslagen/2026-05-01.md").title == "2026 05 01"  # a date alone stays
    assert load_text("Notulen.\n", path="verslag-2026-05-01.md").title == "Verslag 2026 05 01"


def test_generator_folders_are_skipped(tmp_path: Path) -> None:
    for folder in ("node_modules/x", "_includes", "layouts/partials", ".vitepress", "site", "build", "_site", "public",
                   "versioned_docs/version-1.0"):
        write(tmp_path / folder / "pagina.md", "Niet indexeren.\n")
    for name in ("LICENSE.md", "CHANGELOG.md", "docs/CONTRIBUTING.md"):
        write(tmp_path / name, "Over de repository.\n")
    write(tmp_path / "docs" / "pagina.md", "Wel indexeren.\n")
    assert [f.relative_to(tmp_path).as_posix() for f, _ in find_source_files([tmp_path])] == ["docs/pagina.md"]
    assert sorted(skipped_source_paths([tmp_path])) == [
        "CHANGELOG.md", "LICENSE.md", "_includes", "_site", "build", "docs/CONTRIBUTING.md", "layouts",
        "node_modules", "public", "site", "versioned_docs",
    ]  # hidden folders (.vitepress) go silently, as before
    assert find_source_files([tmp_path / "site"])[0][0].name == "pagina.md"  # named as a source: walked


def test_a_sites_menu_kept_as_a_page_is_skipped_and_reported(tmp_path: Path) -> None:
    write(tmp_path / "SUMMARY.md", "# Summary\n\n* [Inleiding](README.md)\n* [Beheer](beheer.md)\n")
    write(tmp_path / "docs" / "_sidebar.md", "- [Home](/)\n- [Beheer](beheer.md)\n")
    write(tmp_path / "docs" / "_navbar.md", "- [Contact](contact.md)\n")
    write(tmp_path / "docs" / "beheer.md", "# Beheer\n\nHet beheer ligt bij de gemeente.\n")
    write(tmp_path / "docs" / "summary.md", "# Samenvatting\n\nDe gemeente beheert het loket.\n")
    found = sorted(f.relative_to(tmp_path).as_posix() for f, _ in find_source_files([tmp_path]))
    assert found == ["docs/beheer.md", "docs/summary.md"]  # a page of prose called summary.md stays
    assert sorted(skipped_source_paths([tmp_path])) == ["SUMMARY.md", "docs/_navbar.md", "docs/_sidebar.md"]


def test_generated_html_beside_markdown_sources_is_skipped_but_a_built_site_alone_is_indexed(tmp_path: Path) -> None:
    page = '<html><head><meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.5"></head>' \
           "<body><main><h1>Aanvragen</h1><p>Tekst.</p></main></body></html>"
    write(tmp_path / "repo" / "docs" / "aanvragen.md", "# Aanvragen\n\nTekst.\n")
    write(tmp_path / "repo" / "aanvragen" / "index.html", page)
    write(tmp_path / "repo" / "eigen.html", "<html><body><h1>Eigen pagina</h1><p>Met de hand.</p></body></html>")
    write(tmp_path / "gebouwd" / "aanvragen" / "index.html", page)
    found = [f.relative_to(tmp_path).as_posix() for f, _ in find_source_files([tmp_path / "repo", tmp_path / "gebouwd"])]
    assert found == ["gebouwd/aanvragen/index.html", "repo/docs/aanvragen.md", "repo/eigen.html"]
    assert skipped_source_paths([tmp_path / "repo"]) == ["aanvragen/index.html"]


def test_a_translation_beside_its_page_is_skipped_but_a_dutch_one_is_not(tmp_path: Path) -> None:
    for name in ("index.md", "index.en.md", "over.md", "over.de.md", "engels.en.md", "start.md", "start.nl.md",
                 "i18n/en/pagina.md", "CONTRIBUTING.en.md"):
        write(tmp_path / "docs" / name, "Tekst.\n")
    assert [f.relative_to(tmp_path / "docs").as_posix() for f, _ in find_source_files([tmp_path / "docs"])] == [
        "engels.en.md", "index.md", "over.md", "start.nl.md",
    ]  # a page only in English has nothing beside it to be a copy of
    assert sorted(skipped_source_paths([tmp_path])) == [
        "docs/CONTRIBUTING.en.md", "docs/i18n", "docs/index.en.md", "docs/over.de.md", "docs/start.md"]


def test_the_default_language_copy_beside_the_dutch_page_is_skipped(tmp_path: Path) -> None:
    """mkdocs-static-i18n (and Hugo) build ``regels.nl.md`` for the Dutch site; ``regels.md`` beside it is
    the default-language file: an older Dutch copy or the English one, which would only compete with it."""
    write(tmp_path / "docs" / "methoden" / "regels.md", "# Regels\n\nDe oude tekst over het opstellen van regels.\n")
    write(tmp_path / "docs" / "methoden" / "regels.nl.md", "# Regels\n\nDe tekst over het opstellen van regels.\n")
    write(tmp_path / "docs" / "methoden" / "alleen.md", "# Alleen\n\nEen pagina zonder vertaling.\n")
    found = [f.relative_to(tmp_path / "docs").as_posix() for f, _ in find_source_files([tmp_path / "docs"])]
    assert found == ["methoden/alleen.md", "methoden/regels.nl.md"]
    assert skipped_source_paths([tmp_path / "docs"]) == ["methoden/regels.md"]


def test_a_translation_beside_the_dutch_page_and_other_language_folders_are_skipped(tmp_path: Path) -> None:
    # mkdocs-static-i18n without a default file (intro.nl.md + intro.en.md), and Hugo's folder per language.
    for name in ("intro.nl.md", "intro.en.md", "over/legitimaat.nl.md", "over/legitimaat.en-GB.md",
                 "content/nl/aanvragen.md", "content/en/aanvragen.md", "content/de/antrag.md",
                 "onderwerpen/ai/regels.md", "onderwerpen/en/x.md"):
        write(tmp_path / "docs" / name, "# Tekst\n\nTekst.\n")
    found = [f.relative_to(tmp_path / "docs").as_posix() for f, _ in find_source_files([tmp_path / "docs"])]
    assert found == ["content/nl/aanvragen.md", "intro.nl.md", "onderwerpen/ai/regels.md", "onderwerpen/en/x.md",
                     "over/legitimaat.nl.md"]  # "ai" is a topic, and "en" without a folder "nl" the only copy
    assert sorted(skipped_source_paths([tmp_path / "docs"])) == [
        "content/de", "content/en", "intro.en.md", "over/legitimaat.en-GB.md"]


def test_a_dutch_language_suffix_is_no_part_of_the_title_from_the_file_name(tmp_path: Path) -> None:
    write(tmp_path / "docs" / "open-innovatie.nl.md", "Tekst over innovatie.\n")
    assert load_document(tmp_path / "docs" / "open-innovatie.nl.md", root=tmp_path).title == "Open innovatie"


# --- boilerplate on a small site ----------------------------------------------------------------------


def page(n: int, *paragraphs: str) -> Document:
    return Document(path=f"p{n:02d}.md", title=f"Pagina {n}", sections=[Section((f"Pagina {n}",), "\n\n".join(paragraphs))])


FOOTER = ("Deze site wordt beheerd door het programmateam.", "Licentie: CC0, tenzij anders vermeld.")


@pytest.mark.parametrize("pages", [12, 4])
def test_a_footer_on_every_page_of_a_small_site_is_kept_once(pages: int) -> None:
    docs = [page(n, f"Eigen inhoud van pagina {n}.", *FOOTER) for n in range(pages)]
    result = drop_repeated(docs, min_docs=repeat_threshold(len(docs)))
    assert body(result[0]) == "\n\n".join((f"Eigen inhoud van pagina 0.",) + FOOTER)
    for n, doc in enumerate(result[1:], start=1):
        assert body(doc) == f"Eigen inhoud van pagina {n}." and rules(doc) == [DROP_REPEATED, DROP_REPEATED]


def test_repeat_threshold_scales_with_the_size_of_the_site() -> None:
    assert [repeat_threshold(n) for n in (2, 3, 4, 6, 8, 10, 12, 250)] == [3, 3, 3, 3, 4, 5, 5, 5]
    two_of_three = [page(0, "Gedeeld."), page(1, "Gedeeld."), page(2, "Anders.")]
    assert drop_repeated(two_of_three, min_docs=repeat_threshold(3)) == two_of_three


# --- the sample sites -------------------------------------------------------------------------------

NOISE = re.compile(r"\{\{|\}\}|\{%|%\}|\{:|\+\+\+|:::|\[\[|\]\]|<[A-Za-z/]|NIET INDEXEREN|\btoc\b|-->|@/|--8<--", re.I)
FACTS = {
    "hugo": ["vijftien werkdagen", "tussen 18.00 en 20.00 uur", "PKIoverheid-certificaat", "Welke gegevens heb ik nodig?",
             "Overzicht van de berichtenketen", "Acceptatie", "testcertificaat", "curl -X POST"],
    "jekyll": ["hoogstens 5 MB", "Verstuur nooit persoonsgegevens", "binnen tien werkdagen",
               "nieuwste versie van de koppelspecificatie", "ontvangstbevestigingen"],
    "vitepress": ["een jaar geldig", "Waarom een jaar?", "stopt op 1 juli 2027", "status 401", "versie 2 van de API"],
    "gitbook": ["binnen vijf minuten", "Teamlid", "alleen de eigen sleutels", "Korte uitlegvideo", "--id 42"],
    "respec": ["uniek kenmerk", "Veld: bijlage; Type: bestand; Verplicht: nee", "hoogstens 40 tekens",
               "Waarom een uniek kenmerk?", "optioneel geworden", "RFC2119"],
}
TITLES = {
    "hugo": {"content/_index.md": "Berichtenbox voor bedrijven", "content/aansluiten/_index.md": "Aansluiten"},
    "gitbook": {"README.md": "Berichtenbox kennisbank", "paginas/sleutels.md": "Sleutels beheren"},
    "respec": {"index.md": "Respec"},
}


@pytest.mark.parametrize("generator", sorted(FACTS))
def test_sample_site_has_all_its_facts_and_none_of_its_syntax(generator: str) -> None:
    errors: list[Exception] = []
    docs = load_all([SITES / generator], on_error=errors.append)
    assert not errors
    text = "\n".join(" › ".join(s.heading_path) + "\n" + s.text for d in docs for s in d.sections)
    assert not NOISE.findall(text), NOISE.findall(text)
    for fact in FACTS[generator]:
        assert fact in text, fact
    for path, title in TITLES.get(generator, {}).items():
        assert {d.path: d.title for d in docs}[path] == title


def test_build_reports_the_new_rules(tmp_path: Path, monkeypatch, capsys) -> None:
    import json

    from bot.cli import main

    monkeypatch.setenv("LOKET_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("LOKET_SOURCES", raising=False)
    monkeypatch.setenv("LOKET_DATABASE_URL", f"sqlite:///{tmp_path / 'loket.db'}")
    assert main(["index", "build", "--source", str(SITES), "--json", "--details"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == [] and report["documents"] == 10
    dropped = report["dropped"]
    assert dropped[DROP_EMBED] == 4 and dropped[DROP_TOC] == 3 and dropped[DROP_INCLUDE] == 2
    assert dropped[DROP_BUTTON] == 1 and dropped[DROP_SKIPPED_PATH] == 5
    assert f"{DROP_SKIPPED_PATH}\tvitepress/node_modules\t" in report["dropped_items"]
    assert any(item.startswith("embed\tgitbook/README.md\tpaginas/sleutels.md") for item in report["dropped_items"])
    assert main(["index", "build", "--source", str(SITES)]) == 0
    assert "ingesloten video, tweet of verwijskaart" in capsys.readouterr().out


def test_pandoc_quarto_and_myst_colon_divs_keep_title_and_content() -> None:
    doc = load_text(
        '# T\n\n::: {.callout-note title="Let op"}\nQuarto-inhoud.\n:::\n\n'
        ":::{note} MyST-titel\n:class: dropdown\nMyST-inhoud.\n:::\n\n::: {.column}\n:::\n",
        path="a.md",
    )
    assert body(doc) == "Let op\n\nQuarto-inhoud.\n\nMyST-titel\n\nMyST-inhoud."
    assert rules(doc) == ["empty-container"]


def test_definition_lists_read_as_term_and_definition() -> None:
    doc = load_text("# T\n\nBewaartermijn\n:   Zeven jaar na afloop.\n\nAPI\n: Een koppelvlak.\n", path="a.md")
    assert body(doc) == "Bewaartermijn: Zeven jaar na afloop.\n\nAPI: Een koppelvlak."


def test_html_page_of_a_generator_has_its_front_matter_and_template_code_removed(tmp_path: Path) -> None:
    page = (
        "---\nlayout: page\ntitle: Over ons\ndescription: Wie het team is.\n---\n"
        "<h2>Team</h2>\n<p>Wij zijn {{ site.aantal }} mensen.</p>\n{% include voettekst.html %}\n"
    )
    doc = load_document(write(tmp_path / "over.html", page), root=tmp_path)
    assert doc is not None and doc.title == "Over ons" and doc.meta["layout"] == "page"
    assert [(s.heading_path, s.kind, s.text) for s in doc.sections] == [
        (("Over ons",), "summary", "Wie het team is."), (("Over ons", "Team"), "body", "Wij zijn mensen."),
    ]


def test_line_breaks_in_table_cells_and_github_alerts() -> None:
    doc = load_text(
        "# T\n\n| Veld | Uitleg |\n|---|---|\n| naam | eerste regel<br>tweede regel |\n| leeftijd | in jaren |\n\n"
        "> [!NOTE]\n> Een melding in GitHub-stijl.\n\n> [!TIP]- Handige titel\n> Inhoud van de callout.\n",
        path="a.md",
    )
    assert body(doc) == (
        "- Veld: naam; Uitleg: eerste regel tweede regel\n- Veld: leeftijd; Uitleg: in jaren\n\n"
        "Een melding in GitHub-stijl.\n\nHandige titel\n\nInhoud van de callout."
    )


def test_draft_and_unpublished_pages_are_indexed_as_drafts_but_index_false_is_not(tmp_path: Path) -> None:
    write(tmp_path / "concept.md", '+++\ntitle = "Concept"\ndraft = true\n+++\n\nNog niet af.\n')
    write(tmp_path / "verborgen.md", "---\ntitle: Verborgen\npublished: false\n---\n\nNiet gepubliceerd.\n")
    write(tmp_path / "klaar.md", "---\ntitle: Klaar\ndraft: false\n---\n\nGepubliceerd.\n")
    write(tmp_path / "uit.md", "---\ntitle: Uit\nindex: false\n---\n\nNiet zoeken.\n")
    documents = {d.title: d for d in load_all([tmp_path])}
    assert sorted(documents) == ["Concept", "Klaar", "Verborgen"]
    assert [is_draft(documents[t].meta) for t in ("Concept", "Klaar", "Verborgen")] == [True, False, True]


# --- images ----------------------------------------------------------------------------------


def test_an_image_keeps_an_alt_text_that_describes_it_and_drops_labels(tmp_path: Path) -> None:
    chart = ("![Kanaalkeuze voor een melding: een cirkeldiagram met niet melden 34%, telefonisch 33% en app 13%]"
             "(https://example.org/venray-2.png)")
    text = f"# Meldingen\n\nDe uitkomst van de enquête.\n{chart}\n\n![logo](logo.png) ![ai_lifecycle_visual_75759](a.png)\n\nEinde."
    doc = load_document(write(tmp_path / "melden.md", text), root=tmp_path)
    assert doc is not None
    text = body(doc)
    assert "niet melden 34%, telefonisch 33% en app 13%." in text  # the chart's figures are searchable
    assert "logo" not in text and "ai_lifecycle" not in text and "png" not in text  # labels and file names are not
    linked = load_document(write(tmp_path / "link.md", f"# L\n\n[{chart}](https://example.org/groot)\n"), root=tmp_path)
    assert linked is not None and "telefonisch 33%" in body(linked) and "example.org" not in body(linked)


def test_a_hard_line_break_backslash_leaves_no_trace() -> None:
    doc = load_text("# Status\n\nZaaknummer\\\n11234899818\n\nEen ster \\* blijft en C:\\Users ook.\n", path="status.md")
    assert body(doc) == "Zaaknummer 11234899818\n\nEen ster * blijft en C:\\Users ook."


# --- what a Jekyll/Hugo smoke test found (pages written for the test) -----------------------------


def test_code_spans_keep_the_tags_and_template_code_they_show() -> None:
    doc = load_text(
        "# Tabellen\n\nZet `<th>` om een kopcel en plaats `<code>` en `</code>` rond je code. "
        "Schrijf `{{ site.baseurl }}` voor de basis-URL; <b>vet</b> en {{ site.title }} gaan weg.\n",
        path="a.md",
    )
    assert body(doc) == ("Zet <th> om een kopcel en plaats <code> en </code> rond je code. "
                         "Schrijf {{ site.baseurl }} voor de basis-URL; vet en gaan weg.")


def test_struck_out_text_is_withdrawn_not_current() -> None:
    doc = load_text("# Regels\n\nEen besluit mag worden gewijzigd als:\n\n- ~~de status voorlopig is~~\n"
                    "- de status definitief is\n\nDit geldt ~~niet~~ ook voor bijlagen.\n", path="a.md")
    assert "voorlopig" not in body(doc) and "niet" not in body(doc)
    assert "- de status definitief is" in body(doc) and "Dit geldt ook voor bijlagen." in body(doc)


def test_empty_table_cells_keep_each_value_under_its_own_column() -> None:
    doc = load_text(
        "# Versies\n\n| Release | Zaken | Catalogi | Documenten |\n|---|---|---|---|\n"
        "| `0.18.0` |  |  | `0.15.0` |\n| 1.0 | 1.1 | | |\n| 2.0 |\n",
        path="a.md",
    )
    assert body(doc).split("\n") == [
        "- Release: 0.18.0; Documenten: 0.15.0", "- Release: 1.0; Zaken: 1.1", "- Release: 2.0",
    ]


def test_reference_definition_with_its_url_on_the_next_line_is_no_text() -> None:
    doc = load_text("# Releases\n\nZie de [wijzigingen][diff-1.3].\n\n[diff-1.3]:\n"
                    "  https://example.org/compare/a...b \"Verschil\"\n\nDaarna volgt versie 1.4.\n", path="a.md")
    assert body(doc) == "Zie de wijzigingen.\n\nDaarna volgt versie 1.4."


def test_a_linked_image_leaves_no_link_target_behind() -> None:
    doc = load_text('# Model\n\n[![Gegevensmodel](model.png)](model.png "Gegevensmodel - klik voor groot") '
                    "Het model toont drie objecten.\n", path="a.md")
    assert body(doc) == "Het model toont drie objecten."


# --- what reading the DON corpus found (pages written for the test) -------------------------------


def test_a_container_reflowed_into_one_paragraph_keeps_all_its_text() -> None:
    doc = load_text("# Status\n\nDe dienst is nog in ontwikkeling.\n\n:::note Let op de naam Deze dienst heeft niets\n"
                    "te maken met voorbeeld.com, een ander product. :::\n\nDaarna volgt de planning.\n", path="a.md")
    assert body(doc) == ("De dienst is nog in ontwikkeling.\n\nLet op de naam Deze dienst heeft niets te maken met "
                         "voorbeeld.com, een ander product.\n\nDaarna volgt de planning.")


def test_a_markdown_example_in_a_fence_is_read_as_text_without_opening_sections() -> None:
    doc = load_text("# Bestuur\n\nEen voorbeeld:\n\n```markdown title=\"BESTUUR.md\"\n# Bestuur van het project\n\n"
                    "Besluiten nemen we samen.\n\n## Beheerders\n\n1. Ada Jansen\n1. Bob de Vries\n```\n", path="a.md")
    assert [s.heading_path for s in doc.sections] == [("Bestuur",)]
    assert body(doc) == ("Een voorbeeld:\n\nBestuur van het project\n\nBesluiten nemen we samen.\n\nBeheerders\n\n"
                         "1. Ada Jansen\n2. Bob de Vries")


def test_an_mdx_live_example_keeps_its_text_without_the_render_function() -> None:
    doc = load_text("# Citaten\n\nZet een citaat tussen aanhalingstekens.\n\n<Voorbeeld>\n  <Canvas language=\"html\">\n"
                    "    {() => (\n      <>\n        <p>Zij vroeg: \"Komt u morgen?\"</p>\n      </>\n    )}\n"
                    "  </Canvas>\n</Voorbeeld>\n\n<Canvas>{() => ( <> <p>Download het verslag (pdf)</p> </> )}</Canvas>\n",
                    path="a.mdx")
    text = body(doc)
    assert 'Zij vroeg: "Komt u morgen?"' in text and "Download het verslag (pdf)" in text
    assert "=>" not in text and "<>" not in text and "</>" not in text and ")}" not in text


# --- example markup on design-system and HTML guidance pages (pages written for the test) ----------


def test_headings_inside_a_live_example_do_not_take_over_the_outline() -> None:
    doc = load_text(
        "# Knoppen\n\n## Labels\n\nSchrijf op de knop wat er gebeurt.\n\n"
        '<Richtlijn soort="doen" title="Gebruik een werkwoord op de knop.">\n  <Voorbeeld taal="html">\n'
        "    {() => (\n      <>\n        <h1>Formulier versturen</h1>\n        <p>De knop heet Verstuur.</p>\n"
        "      </>\n    )}\n  </Voorbeeld>\n</Richtlijn>\n\n## Testen\n\nLees elke knop hardop voor.\n",
        path="knoppen.mdx",
    )
    assert [s.heading_path for s in doc.sections] == [("Knoppen", "Labels"), ("Knoppen", "Testen")]
    assert doc.sections[0].text == ("Schrijf op de knop wat er gebeurt.\n\nGebruik een werkwoord op de knop.\n\n"
                                    "Formulier versturen\n\nDe knop heet Verstuur.")
    for leaked in ("=>", "<>", "</>", ")}", "{", "Voorbeeld", "Richtlijn"):
        assert leaked not in body(doc), leaked


def test_headings_in_preformatted_markup_and_example_blocks_are_text() -> None:
    doc = load_text(
        "# Kopjes\n\nZo ziet de opmaak eruit:\n\n<pre><code>&lt;h4&gt;Openingstijden&lt;/h4&gt;</code></pre>\n\n"
        '<pre class="voorbeeld">\n<h3>Adres</h3>\n</pre>\n\n'
        '<div class="example">\n<h2>Contact</h2>\n<p>Bel het loket.</p>\n</div>\n\n'
        "<div>\n<h2>Echte kop</h2>\n</div>\n\nTekst onder de echte kop.\n",
        path="a.md",
    )
    assert [s.heading_path for s in doc.sections] == [("Kopjes",), ("Kopjes", "Echte kop")]
    assert doc.sections[0].text == ("Zo ziet de opmaak eruit:\n\n<h4>Openingstijden</h4>\nAdres\n\n"
                                    "Contact\n\nBel het loket.")
    assert doc.sections[1].text == "Tekst onder de echte kop."


def test_a_diagram_in_a_pre_element_is_dropped_like_a_mermaid_fence() -> None:
    doc = load_text('# Stroom\n\n<pre class="mermaid">\ngraph TD; A-->B\n</pre>\n\nDe aanvraag gaat naar B.\n', path="a.md")
    assert body(doc) == "De aanvraag gaat naar B."


# --- list structure ----------------------------------------------------------------------------------


def test_a_sub_item_stays_under_its_parent_item() -> None:
    doc = load_text(
        "# Inloggen\n\nJe hebt nodig:\n\n- een inlogmiddel\n    - voor bedrijven: eHerkenning\n"
        "    - voor inwoners: DigiD\n        * met sms-controle\n- een machtiging\n  1. vraag haar aan\n"
        "  2. wacht op de bevestiging\n- een werkplek\n\nDaarna kun je inloggen.\n\n  - los punt\n",
        path="a.md",
    )
    assert body(doc).split("\n") == [
        "Je hebt nodig:", "", "- een inlogmiddel", "  - voor bedrijven: eHerkenning", "  - voor inwoners: DigiD",
        "    - met sms-controle", "- een machtiging", "  1. vraag haar aan", "  2. wacht op de bevestiging",
        "- een werkplek", "", "Daarna kun je inloggen.", "", "- los punt",
    ]


def test_a_continued_item_paragraph_keeps_the_list_open_for_its_sub_items() -> None:
    doc = load_text("# Stappen\n\n1. Aanvragen\n\n   Dat kan online.\n\n   - met DigiD\n2. Betalen\n", path="a.md")
    assert "1. Aanvragen\n\nDat kan online.\n\n  - met DigiD\n2. Betalen" in body(doc)


def test_a_version_label_above_a_heading_labels_that_heading() -> None:
    doc = load_text(
        "# Koppeling\n\nDe oude koppeling stopt in mei.\n\n**v2.1**\n\n## Nieuwe koppeling\n\nGebruik de nieuwe sleutel.\n\n"
        "Versie 3 · beta\n## Proef\n\nAlleen voor testers.\n\nv4\n\n## Plannen voor v4\n\nNog niet bekend.\n\n"
        "Versie 2 van de regeling geldt tot mei.\n\n## Slot\n\nEinde.\n",
        path="a.md",
    )
    assert [(s.heading_path[-1], s.text) for s in doc.sections] == [
        ("Koppeling", "De oude koppeling stopt in mei."),
        ("Nieuwe koppeling (v2.1)", "Gebruik de nieuwe sleutel."),
        ("Proef (Versie 3 · beta)", "Alleen voor testers."),
        ("Plannen voor v4", "Nog niet bekend.\n\nVersie 2 van de regeling geldt tot mei."),  # a sentence is no label
        ("Slot", "Einde."),
    ]
    titled = load_text("Versie 2.0\n\n# Handleiding\n\nTekst.\n", path="b.md")
    assert titled.title == "Handleiding" and body(titled) == "Versie 2.0\n\nTekst."


def test_an_availability_badge_above_a_card_title_labels_that_title() -> None:
    doc = load_text(
        '# Hulpmiddelen\n\n<div class="kaart">\n  <span class="badge">Beschikbaar</span>\n  <h3>Rekenhulp</h3>\n'
        '  <p>Bereken de kosten van een aanvraag.</p>\n</div>\n<div class="kaart">\n'
        '  <span class="badge">In ontwikkeling</span>\n  <h3>Planner</h3>\n  <p>Plan de stappen.</p>\n</div>\n',
        path="a.md",
    )
    assert [(s.heading_path[-1], s.text) for s in doc.sections] == [
        ("Rekenhulp (Beschikbaar)", "Bereken de kosten van een aanvraag."),
        ("Planner (In ontwikkeling)", "Plan de stappen."),
    ]


def test_an_html_table_with_a_header_row_reads_like_a_markdown_table() -> None:
    doc = load_text(
        "# Kleuren\n\n<table class=\"legenda\">\n  <caption>Legenda</caption>\n  <thead>\n    <tr><th><strong>Kleur</strong></th><th>Betekenis</th></tr>\n"
        "  </thead>\n  <tbody>\n    <tr><td>Rood</td><td>Verplicht <br/>voor iedereen</td></tr>\n"
        "    <tr><td>Blauw</td><td><code>optioneel</code>, soms</td></tr>\n  </tbody>\n</table>\n\n"
        "<table><tr><td colspan=\"2\">Zonder kop</td></tr><tr><td>a</td><td>b</td></tr></table>\n",
        path="a.md",
    )
    assert body(doc).split("\n\n") == [
        "Legenda", "- Kleur: Rood; Betekenis: Verplicht voor iedereen\n- Kleur: Blauw; Betekenis: optioneel, soms",
        "Zonder kop |", "a | b |",  # spanning cells, no header row: the rows stay lines of text
    ]


def test_a_footnote_is_read_at_its_reference_with_its_source_and_without_its_link() -> None:
    doc = load_text(
        "# Bewaren\n\n## Termijn\n\nStukken gaan na tien jaar weg.[^wet] Dat geldt ook voor kopieën[^wet][^regeling], "
        "niet voor foto's.[^leeg]\n\n## Uitzondering\n\nBouwtekeningen blijven bewaard.[^lang] Ook schetsen.[^lang]\n\n"
        "Zie verder het handboek.[^boek]\n\n"
        "[^wet]: Archiefwet, artikel 5. [Bekijk bron](https://example.org/wet)\n"
        "[^regeling]: Regeling, artikel 2.\n"
        "[^boek]: [Handboek bewaren, deel 2](https://example.org/boek)\n"
        "[^lang]: Zie de toelichting\nbij het besluit.\n\n    Een tweede alinea van de noot.\n\n"
        "[^los]: Een noot zonder verwijzing.\n\n```\nvoorbeeld[^wet]\n```\n",
        path="a.md",
    )
    assert [(s.heading_path[-1], s.text) for s in doc.sections] == [
        ("Termijn", "Stukken gaan na tien jaar weg (Archiefwet, artikel 5). Dat geldt ook voor kopieën "
                    "(Regeling, artikel 2), niet voor foto's."),  # a note is given once per paragraph
        ("Uitzondering", "Bouwtekeningen blijven bewaard. Ook schetsen.\n\n"  # a note of several sentences follows
                         "Zie de toelichting bij het besluit. Een tweede alinea van de noot.\n\n"
                         "Zie verder het handboek (Handboek bewaren, deel 2).\n\n"  # a link that is the source stays
                         "Een noot zonder verwijzing.\n\nvoorbeeld[^wet]"),
    ]


# --- MyST (Jupyter Book) and Docsify ------------------------------------------------------------------


def test_myst_directives_are_unwrapped_like_admonitions_and_code_stays_code() -> None:
    doc = load_text(
        "# Handleiding\n\n```{note}\nDe **termijn** is zes weken.\n```\n\n"
        "````{admonition} Let op\n:class: tip\n\nBewaar het besluit.\n\n```{code-block} python\nprint(1)\n```\n````\n\n"
        "```{figure} kaart.png\n:width: 50%\n\nDe regio's op een kaart.\n```\n\n```{toctree}\n:maxdepth: 2\n\nintro\n```\n\n"
        "```{mermaid}\ngraph TD; A-->B\n```\n\n(aanvragen-label)=\n## Aanvragen\n\nZie {ref}`de stappen <stappen>`, "
        "{term}`DigiD` en {numref}`Figuur {number} <fig:kaart>` (formule {eq}`eq:termijn`).\n",
        path="a.md",
    )
    assert [(s.heading_path[-1], s.text) for s in doc.sections] == [
        ("Handleiding", "De termijn is zes weken.\n\nLet op\n\nBewaar het besluit.\n\nprint(1)\n\nDe regio's op een kaart."),
        ("Aanvragen", "Zie de stappen, DigiD en Figuur (formule )."),  # a bare label is no text
    ]
    assert rules(doc) == [DROP_TOC]


def test_a_myst_tab_set_or_grid_is_unwrapped_so_its_tabs_keep_their_titles_and_text() -> None:
    doc = load_text(
        "# T\n\n````{tab-set}\n```{tab-item} Gemeente\nGemeenten melden via het portaal.\n```\n"
        "```{tab-item} Provincie\nProvincies melden per brief.\n```\n````\n\n"
        "`````{grid} 2\n````{grid-item-card} Kosten\nDe aanvraag is gratis.\n````\n`````\n",
        path="a.md",
    )
    assert body(doc) == (
        "Gemeente\n\nGemeenten melden via het portaal.\n\nProvincie\n\nProvincies melden per brief.\n\n"
        "Kosten\n\nDe aanvraag is gratis."
    )


def test_a_myst_doc_reference_without_a_title_is_named_after_its_page() -> None:
    doc = load_text(
        "# T\n\n- {doc}`../aanvragen/kosten-en-termijnen` legt de leges uit.\n- {doc}`Bezwaar <bezwaar>` ook.\n",
        path="a.md",
    )
    assert body(doc) == "- kosten en termijnen legt de leges uit.\n- Bezwaar ook."


def test_a_myst_ref_without_a_title_is_named_after_its_label() -> None:
    doc = load_text("# T\n\nLees eerst {ref}`bezwaar-maken` en daarna {ref}`sec:termijnen_en_kosten`.\n", path="a.md")
    assert body(doc) == "Lees eerst bezwaar maken en daarna termijnen en kosten."


def test_a_myst_glossary_reads_as_terms_with_their_definitions() -> None:
    doc = load_text("# Begrippen\n\n```{glossary}\nBezwaar\n  Een reactie op een besluit.\n  Binnen zes weken.\n\n"
                    "Beroep\n  Een zaak bij de rechter.\n```\n", path="a.md")
    assert body(doc) == "Bezwaar: Een reactie op een besluit. Binnen zes weken.\n\nBeroep: Een zaak bij de rechter."


def test_docsify_callout_markers_go_and_their_text_stays() -> None:
    doc = load_text("# Start\n\n?> Log eerst in.\n\n!> Deel je wachtwoord niet.\n", path="a.md")
    assert body(doc) == "Log eerst in.\n\nDeel je wachtwoord niet."


def test_a_term_with_two_definitions_and_an_html_definition_list_read_as_term_and_definition() -> None:
    doc = load_text(
        "# Begrippen\n\nBezwaar\n:   Een reactie op een besluit.\n:   Binnen zes weken in te dienen.\n\n"
        "<dl>\n  <dt>Beroep</dt>\n  <dd>Een zaak bij de <b>rechter</b>.</dd>\n</dl>\n",
        path="a.md",
    )
    assert body(doc) == ("Bezwaar: Een reactie op een besluit. Binnen zes weken in te dienen.\n\n"
                         "Beroep: Een zaak bij de rechter.")


def test_a_block_of_snippet_includes_leaves_no_file_names() -> None:
    doc = load_text("# Pagina\n\nTekst.\n\n--8<--\nincludes/kop.md\nincludes/voet.md\n--8<--\n\nSlot.\n", path="a.md")
    assert body(doc) == "Tekst.\n\nSlot."
    assert rules(doc) == [DROP_INCLUDE] and doc.dropped[0].text == "includes/kop.md includes/voet.md"


def test_an_abbreviation_is_expanded_once_at_its_first_use_and_a_glossary_keeps_its_entries() -> None:
    doc = load_text(
        "# Privacy\n\n## De AVG\n\nDe AVG en de UAVG gelden. De AVG geldt ook hier.\n\n"
        "Wet: Uitvoeringswet AVG (UAVG).\n\n`AVG` in code.\n\n"
        "*[AVG]: Algemene verordening gegevensbescherming\n*[UAVG]: Uitvoeringswet AVG\n*[BRP]: Basisregistratie Personen\n",
        path="a.md",
    )
    assert body(doc) == ("De AVG (Algemene verordening gegevensbescherming) en de UAVG (Uitvoeringswet AVG) gelden. "
                         "De AVG geldt ook hier.\n\nWet: Uitvoeringswet AVG (UAVG).\n\nAVG in code.")
    glossary = load_text("*[AVG]: Algemene verordening gegevensbescherming\n*[BRP]: Basisregistratie Personen\n",
                         path="afkortingen.md")
    assert body(glossary) == "- AVG: Algemene verordening gegevensbescherming\n- BRP: Basisregistratie Personen"


def test_a_docusaurus_heading_component_is_a_heading() -> None:
    doc = load_text(
        '# Taak ophalen\n\nGeeft een taak terug.\n\n<Heading\n  id={"request"}\n  as={"h2"}\n  className={"x"}\n>\n'
        '  <Translate id="theme.request">Verzoek</Translate>\n</Heading>\n\nDe parameters.\n\n'
        '<Heading as={"h2"} children={"Antwoord"} />\n\nDe taak.\n',
        path="a.api.mdx",
    )
    assert [(s.heading_path, s.text) for s in doc.sections] == [
        (("Taak ophalen",), "Geeft een taak terug."), (("Taak ophalen", "Verzoek"), "De parameters."),
        (("Taak ophalen", "Antwoord"), "De taak."),
    ]


def test_mdx_components_with_dotted_names_and_mdx_expressions_leave_no_code() -> None:
    doc = load_text(
        "# Tabs\n\n<Tabs items={['Gemeente', 'Provincie']}>\n  <Tabs.Tab>Tekst voor gemeenten.</Tabs.Tab>\n</Tabs>\n\n"
        "Versie {frontMatter.version} is{\" \"}\n<strong>nieuw</strong>; het pad is /taken/{uuid}.\n",
        path="a.mdx",
    )
    assert body(doc) == "Gemeente\n\nTekst voor gemeenten.\n\nVersie is nieuw; het pad is /taken/{uuid}."


def test_nextra_tabs_take_their_titles_from_the_items_of_their_tab_set() -> None:
    doc = load_text(
        "import { Tabs } from 'nextra/components'\n\n# T\n\n<Tabs items={['Inwoner', \"Ondernemer\"]}>\n"
        "  <Tabs.Tab>Inwoners loggen in met DigiD.</Tabs.Tab>\n  <Tabs.Tab>\n```sh\ninloggen --eherkenning\n```\n"
        "  </Tabs.Tab>\n</Tabs>\n\n<Tabs>\n  <Tab title=\"Eigen titel\">Een tab met een eigen titel.</Tab>\n</Tabs>\n",
        path="a.mdx",
    )
    assert body(doc) == (
        "Inwoner\n\nInwoners loggen in met DigiD.\n\nOndernemer\n\ninloggen --eherkenning\n\n"
        "Eigen titel\n\nEen tab met een eigen titel."
    )


def test_mdx_code_expressions_and_render_functions_leave_no_code_and_a_string_its_text() -> None:
    doc = load_text(
        "# T\n\nBijgewerkt in {new Date().getFullYear()} door {formatNaam(auteur.naam)}.\n\n"
        "<BrowserOnly>{() => <Kaart />}</BrowserOnly>\n\n{'Letterlijke tekst'} blijft, net als /zaken/{uuid}.\n\n"
        "{% raw %}Gebruik {{ site.url }} in de sjabloon.{% endraw %}\n",
        path="a.mdx",
    )
    assert body(doc) == (
        "Bijgewerkt in door.\n\nLetterlijke tekst blijft, net als /zaken/{uuid}.\n\n"
        "Gebruik {{ site.url }} in de sjabloon."
    )


def test_an_mdx_member_expression_goes_and_leaves_no_loose_spaces() -> None:
    doc = load_text(
        "# T\n\nEr zijn {data.length} regelingen (zie {props.items[0].naam}) en {meta?.aantal}, zie /zaken/{uuid}.\n\n"
        "Schrijf `{zaak.id}` in de sjabloon.\n",
        path="a.mdx",
    )
    assert body(doc) == "Er zijn regelingen (zie) en, zie /zaken/{uuid}.\n\nSchrijf {zaak.id} in de sjabloon."


def test_a_self_closing_component_leaves_no_lone_label() -> None:
    doc = load_text(
        '# Stappen\n\n<StepVocabulary label="Kernbegrippen van een stap"/>\n\nEen stap heeft een naam.\n\n'
        '<Guideline appearance="dont" title="Gebruik geen vaktaal" />\n\n'
        '<Figure caption="Kaart van Nederland met de twaalf provincies en hun hoofdsteden" />\n',
        path="a.mdx",
    )
    assert body(doc) == (
        "Een stap heeft een naam.\n\nNiet doen: Gebruik geen vaktaal\n\n"
        "Kaart van Nederland met de twaalf provincies en hun hoofdsteden"
    )


def test_a_card_that_links_another_page_goes_with_its_teaser() -> None:
    doc = load_text(
        '# Overzicht\n\n<CardGroup cols={2}>\n<Card title="Aanvragen" href="/aanvragen">\n  Vraag de vergunning online aan.\n'
        '</Card>\n<Card title="Kosten" icon="euro">\n  De aanvraag kost 25 euro.\n</Card>\n</CardGroup>\n\n'
        '<LinkCard title="Bezwaar" href="/bezwaar" description="Lees hoe u bezwaar maakt." />\n\nTot slot.\n',
        path="a.mdx",
    )
    assert body(doc) == "Kosten\n\nDe aanvraag kost 25 euro.\n\nTot slot."


def test_docusaurus_tabs_named_by_their_values_take_the_label_of_their_value() -> None:
    doc = load_text(
        "# T\n\n<Tabs\n  defaultValue=\"inwoner\"\n  values={[\n    {label: 'Inwoner', value: 'inwoner'},\n"
        "    {value: \"bedrijf\", label: \"Ondernemer\"},\n  ]}>\n<TabItem value=\"bedrijf\">\n\nVia eHerkenning.\n\n"
        "</TabItem>\n<TabItem value=\"inwoner\">\n\nVia DigiD.\n\n</TabItem>\n</Tabs>\n",
        path="a.mdx",
    )
    assert body(doc) == "Ondernemer\n\nVia eHerkenning.\n\nInwoner\n\nVia DigiD."


def test_an_api_field_component_keeps_its_name_type_and_whether_it_is_required() -> None:
    doc = load_text(
        '# Zaken opvragen\n\n<ParamField query="status" type="string" required>\n'
        '  De status van de zaak.\n</ParamField>\n\n'
        '<ResponseField name="id" type="integer">\n  Het nummer van de zaak.\n</ResponseField>\n',
        path="a.mdx",
    )
    assert body(doc) == (
        "status (string, verplicht)\n\nDe status van de zaak.\n\nid (integer)\n\nHet nummer van de zaak."
    )


def test_a_do_or_dont_caption_keeps_its_verdict() -> None:
    doc = load_text(
        '# Links\n\n<Guideline appearance="dont" title="Gebruik een link als knop.">\n  <Canvas>Verstuur</Canvas>\n'
        '</Guideline>\n\n<Guideline appearance="do" title="Gebruik een knop voor een actie.">\n  <Canvas>Verstuur</Canvas>\n'
        '</Guideline>\n\n<Aside type="note" title="Let op">Knoppen staan rechts.</Aside>\n',
        path="links.mdx",
    )
    text = body(doc)
    assert "Niet doen: Gebruik een link als knop." in text and "Wel doen: Gebruik een knop voor een actie." in text
    assert "Let op" in text and "doen: Let op" not in text  # a note is no verdict
