"""Dutch analysis and chunking: the units every other part of retrieval builds on."""
from __future__ import annotations

from index.chunking import chunk_document, chunk_id, embedding_text, split_section_text
from index.documents import Document, Section
from index.text import analyze, fold, query_terms, sentences


def test_analyze_stems_and_drops_stop_words():
    toks = analyze("De provinciale plannen van de gemeenten")
    assert "de" not in toks and "van" not in toks
    assert analyze("plannen") == analyze("plan")
    assert analyze("opvanglocaties")[0] == analyze("opvanglocatie")[0]


def test_numbers_keep_their_value():
    assert "2450" in analyze("2.450 plekken")
    assert "2020" in analyze("in 2020")


def test_fold_strips_diacritics_for_matching():
    assert fold("Coördinatie") == "coordinatie"
    assert fold("financiële") == "financiele"


def test_query_terms_mark_names_and_numbers_salient():
    terms = {t.surface: t for t in query_terms("Hoeveel plekken moet Zuid-Holland in 2020 realiseren?")}
    assert terms["2020"].salient
    assert terms["ZuidHolland"].salient and terms["ZuidHolland"].alternatives == ("zuid holland",)
    assert not terms["plekken"].salient
    assert "Hoeveel" not in terms  # question word, not content


def test_hyphenated_words_match_joined_and_apart():
    (term,) = query_terms("Wat is het e-mailadres?")
    assert term.stem == analyze("emailadres")[0] and term.alternatives == ("e mailadres",)


def test_compound_members_match_but_short_prefixes_do_not():
    from index.text import in_compound

    assert in_compound("opvang", " de opvanglocaties ")
    assert in_compound("locatie", " opvanglocaties ")
    assert in_compound("vorm", " het vormt ")
    assert not in_compound("schrijft", " het beschrijft ")


def test_question_framing_words_are_not_terms():
    assert [t.surface for t in query_terms("Wat betekent taakstelling?")] == ["taakstelling"]


def test_chat_shorthand_for_function_words_is_not_a_term():
    # Left in, "ivm" and "mbt" would count as words the corpus never uses, a sign to escalate.
    question = "Wat doet de PRT ivm de planning, en wat mbt huisvesting?"
    assert [t.surface for t in query_terms(question)] == ["PRT", "planning", "huisvesting"]


def test_sentences_split_on_punctuation_and_list_items():
    sents = sentences("Eerste zin. Tweede zin, o.a. met afkorting.\n- punt een\n- punt twee")
    assert sents == ["Eerste zin.", "Tweede zin, o.a. met afkorting.", "- punt een", "- punt twee"]


def test_an_abbreviation_before_a_number_or_name_ends_no_sentence():
    sents = sentences("Zie art. 5 lid 2 van de wet. Dat staat in nr. 12, o.a. De Raad vond dat. Het kost ca. 300 euro. "
                      "Stukken, brieven enz. Daarna volgt de rest.")
    assert sents == ["Zie art. 5 lid 2 van de wet.", "Dat staat in nr. 12, o.a. De Raad vond dat.", "Het kost ca. 300 euro.",
                     "Stukken, brieven enz.", "Daarna volgt de rest."]


def test_the_number_of_a_numbered_item_is_no_sentence_of_its_own():
    sents = sentences("12. De aanvrager tekent het formulier. Daarna volgt de rest.\n3) Bewaar een kopie.\nIn 2. Fase kan het.")
    assert sents == ["12. De aanvrager tekent het formulier.", "Daarna volgt de rest.", "3) Bewaar een kopie.",
                     "In 2.", "Fase kan het."]


def test_a_long_numbered_list_is_cut_between_items_never_after_an_items_number():
    items = [f"{i}. Iedere deelnemer houdt zich aan afspraak nummer {i} van de groep" for i in range(1, 25)]
    passages = split_section_text("\n".join(items), max_words=55)
    assert len(passages) > 1
    assert "\n".join(passages).split("\n") == items  # each number stays with its item's words


def _para(n: int, word: str = "woord") -> str:
    return " ".join([word] * (n - 1)) + " einde."


def test_split_keeps_passages_under_the_limit_and_whole_sentences():
    text = "\n\n".join(_para(60, f"w{i}") for i in range(6))
    passages = split_section_text(text, max_words=130)
    assert len(passages) == 3
    assert all(len(p.split()) <= 130 for p in passages)
    assert all(p.rstrip().endswith(".") for p in passages)


def test_long_paragraph_is_cut_at_sentence_boundaries():
    para = " ".join(f"Zin nummer {i} gaat over iets." for i in range(100))
    passages = split_section_text(para, max_words=60)
    assert len(passages) > 1
    assert all(p.startswith("Zin nummer") and p.endswith(".") for p in passages)


def test_a_run_on_without_full_stops_is_cut_into_passages_of_at_most_the_limit():
    # OCR text or a transcript: one "sentence" of 1,000 words, no capital after any full stop.
    words = [f"woord{i % 97}" for i in range(1000)]
    passages = split_section_text(" ".join(words) + ".", max_words=180)
    assert len(passages) == 6
    assert all(len(p.split()) <= 180 for p in passages)
    assert " ".join(passages).split() == words[:-1] + [words[-1] + "."]  # nothing lost, order kept


def test_tiny_tail_merges_into_previous_passage():
    text = _para(100) + "\n\n" + _para(10, "staart")
    passages = split_section_text(text, max_words=100, min_words=40)
    assert len(passages) == 1 and "staart" in passages[0]


def test_a_paragraph_announcing_a_list_stays_with_the_list():
    intro = "Een aanvraag doorloopt de volgende stappen:"
    items = "- indienen bij de gemeente\n- beoordelen door het kernteam\n- besluit binnen zes weken"
    text = "\n\n".join([_para(70, "eerst"), _para(20, "dan"), intro, items + " " + _para(40, "lijst")])
    passages = split_section_text(text, max_words=120)
    assert len(passages) == 2
    assert not passages[0].rstrip().endswith(":")
    assert passages[1].startswith(intro) and "- indienen bij de gemeente" in passages[1]


def test_a_question_or_a_bare_label_stays_with_what_follows_it():
    question = "Mag ik de aanvraag later nog wijzigen?"
    answer = "Ja, tot het besluit kunt u de aanvraag aanvullen. " + _para(30, "antwoord")
    text = "\n\n".join([_para(70, "eerst"), _para(30, "dan"), question, answer])
    passages = split_section_text(text, max_words=120)
    assert len(passages) == 2 and passages[1].startswith(question + "\n\nJa, tot het besluit")

    label = "Uitzonderingen"
    items = "- een storing bij de leverancier\n- gepland onderhoud " + _para(30, "lijst")
    passages = split_section_text("\n\n".join([_para(70, "eerst"), _para(30, "dan"), label, items]), max_words=120)
    assert len(passages) == 2 and passages[1].startswith(label + "\n\n- een storing")

    closing = "Dit gold tot de wijziging van vorig jaar."  # a sentence ends the passage it belongs to
    passages = split_section_text("\n\n".join([_para(70, "eerst"), _para(30, "dan"), closing, _para(40, "na")]),
                                  max_words=120)
    assert passages[0].endswith(closing)


def test_a_lead_in_before_a_list_longer_than_a_passage_is_not_a_passage_of_its_own():
    intro = "Tijdens het overleg doorlopen we de volgende stappen:"
    items = "\n".join(f"{n}. Stap {n}: " + _para(30, f"stap{n}") for n in range(1, 6))
    passages = split_section_text(intro + "\n\n" + items, max_words=100)
    assert passages[0].startswith(intro + "\n\n1. Stap 1:")
    assert all(p.strip() != intro for p in passages)


def test_a_cut_list_whose_short_tail_is_merged_back_reads_as_written():
    items = [f"- Punt {n}: " + _para(12, f"uitleg{n}") for n in range(1, 5)]
    items.append("- Slotpunt met een korte uitleg. Met nog een zin erachter.")
    passages = split_section_text("\n".join(items), max_words=60, min_words=40)
    assert len(passages) == 1 and "\n\n" not in passages[0]
    assert passages[0].endswith("\n- Slotpunt met een korte uitleg. Met nog een zin erachter.")


def test_chunks_keep_citation_data_and_stable_ids():
    doc = Document("a/b.md", "Titel", [Section(("Titel", "Kop"), "Tekst over iets.", page=3)], {"theme": "x"})
    (chunk,) = chunk_document(doc)
    assert chunk.heading_path == ("Titel", "Kop") and chunk.page == 3 and chunk.doc_path == "a/b.md"
    assert chunk.section == "Titel › Kop"
    assert chunk.meta["theme"] == "x"
    assert chunk.id == chunk_id("a/b.md", ("Titel", "Kop"), 3, "Tekst over iets.")
    assert chunk.id != chunk_id("a/b.md", ("Titel", "Kop"), 3, "Tekst over iets anders.")
    assert embedding_text(chunk).startswith("Titel › Kop\n")


def test_embedding_text_adds_title_when_heading_path_lacks_it():
    doc = Document("x.md", "Documenttitel", [Section(("Kop",), "Inhoud.")])
    assert embedding_text(chunk_document(doc)[0]).startswith("Documenttitel › Kop\n")


def test_apostrophe_plurals_keep_their_word():
    assert [t.surface for t in query_terms("Wat zijn de privacyrisico's van KPI's?")] == ["privacyrisico", "KPI"]
    assert "foto" in analyze("foto's")


def test_a_long_list_is_cut_between_items_and_keeps_one_item_per_line():
    items = [f"- Begrip {i}: een omschrijving van het begrip in twaalf woorden voor de test hier." for i in range(30)]
    items.insert(5, "  - een onderdeel van het begrip, ingesprongen onder zijn item.")
    passages = split_section_text("\n".join(items), max_words=100)
    assert len(passages) > 1
    for passage in passages:
        assert all(line.lstrip().startswith("- ") for line in passage.split("\n"))
    assert "\n  - een onderdeel van het begrip" in "\n".join(passages)
    assert "\n".join(passages).split("\n") == items  # nothing run together, nothing lost


def test_a_long_paragraph_still_runs_its_sentences_together():
    para = " ".join(f"Zin {i} gaat over iets." for i in range(60))
    passages = split_section_text(para, max_words=50)
    assert all("\n" not in p for p in passages) and " ".join(passages) == para
