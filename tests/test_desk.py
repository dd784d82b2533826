"""End to end over ../shared/corpus with the real default model: answer, escalate, verify."""
from __future__ import annotations

import json

from bot.core.answering.answer import KIND_EMPTY, KIND_SMALLTALK, KIND_VERIFIED, VerifiedItem
from bot.core.answering.decision import FEATURES
from bot.core.answering.desk import MAX_QUESTION_CHARS, Desk, _source
from bot.core.answering.extract import DEFAULT_MAX_CHARS


def test_answers_with_a_quote_and_a_citation(desk):
    answer = desk.ask("Wat is het e-mailadres van het ondersteuningsarrangement?")
    assert answer.answered and answer.kind == "answer"
    assert "flexibilisering.asielketen@minjenv.nl" in answer.answer
    assert answer.sources and answer.sources[0].path == "ondersteuningsarrangement.txt"
    assert answer.sources[0].section  # heading path for the citation
    assert desk.answer_at <= answer.confidence <= 1.0


def test_answer_quotes_sentences_not_the_whole_passage(desk):
    answer = desk.ask("Tot wanneer is het ondersteuningsarrangement operationeel?")
    assert answer.answered and "december 2020" in answer.answer
    assert len(answer.answer) < len(answer.passages[0].text)
    assert len(answer.answer) <= DEFAULT_MAX_CHARS


def test_question_about_something_the_corpus_never_mentions_is_escalated(desk):
    answer = desk.ask("Wat is de hoofdstad van Canada?")
    assert not answer.answered and answer.needs_escalation
    assert answer.confidence < desk.answer_at
    assert answer.passages  # the core team sees what Loket found
    assert "kernteam" in answer.answer


def test_unknown_province_is_escalated_even_with_familiar_words(desk):
    answer = desk.ask("Hoeveel opvangplekken moet de provincie Limburg in 2020 realiseren?")
    assert not answer.answered


def test_greetings_thanks_and_empty_input_get_a_friendly_reply_without_search(desk):
    for text, kind in (("Hoi!", KIND_SMALLTALK), ("Dank je wel", KIND_SMALLTALK), ("   ", KIND_EMPTY), ("", KIND_EMPTY)):
        answer = desk.ask(text)
        assert answer.answered and answer.kind == kind and answer.sources == [] and answer.answer


def test_a_message_without_a_word_asks_for_a_question_instead_of_escalating(desk):
    for text in ("q", "x!", "12", "q?"):
        answer = desk.ask(text)
        assert answer.answered and answer.kind == KIND_EMPTY and answer.sources == [], text
        assert "hele zin" in answer.answer
    assert desk.ask("?").kind == KIND_SMALLTALK  # a lone question mark asks for help
    assert desk.ask("AVG?").kind not in (KIND_EMPTY, KIND_SMALLTALK)  # a short word is still a question


def test_greeting_with_a_real_question_is_answered(desk):
    answer = desk.ask("Hallo, wat is het e-mailadres van het ondersteuningsarrangement?")
    assert answer.kind == "answer" and "@minjenv.nl" in answer.answer


def test_huge_and_markup_input_is_handled(desk):
    answer = desk.ask("<@U123> <!channel> " + "opvang " * 5000)
    assert answer.question and len(answer.question) <= MAX_QUESTION_CHARS
    assert len(answer.answer) <= DEFAULT_MAX_CHARS


def test_verified_answer_is_found_for_a_similar_question(desk):
    before = desk.ask("Hoeveel geld krijgt de provincie Gelderland voor een nieuwe regionale opvanglocatie?")
    assert not before.answered
    desk.add_verified_answer(VerifiedItem(
        key="verified-1",
        question="Hoeveel geld krijgt de provincie Gelderland voor een nieuwe regionale opvanglocatie?",
        answer="Daar is geen vast bedrag voor; het COA vergoedt per opvangplek.",
        answered_by="U_CORE", answered_at="2026-11-20",
    ))
    after = desk.ask("Hoeveel geld krijgt Gelderland voor een nieuwe regionale opvanglocatie?")
    assert after.answered and after.kind == KIND_VERIFIED
    assert "kernteam" in after.answer and "per opvangplek" in after.answer
    assert after.sources[0].kind == "verified"
    unrelated = desk.ask("Wat is een GVL?")
    assert unrelated.kind != KIND_VERIFIED
    desk.remove_verified_answer("verified-1")
    assert desk.ask("Hoeveel geld krijgt Gelderland voor een nieuwe regionale opvanglocatie?").kind != KIND_VERIFIED


def test_set_verified_answers_replaces_the_set(desk):
    item = VerifiedItem("v-9", "Mag een gemeente een ROL weigeren?", "Nee, dat is bestuurlijk afgesproken.")
    desk.set_verified_answers([item])
    assert desk.ask("Mag een gemeente een ROL weigeren?").kind == KIND_VERIFIED
    desk.set_verified_answers([])
    assert desk.ask("Mag een gemeente een ROL weigeren?").kind != KIND_VERIFIED


def test_json_shape(desk):
    data = desk.ask("Wat is een GVL?").to_json()
    assert set(data) >= {"question", "answered", "answer", "confidence", "sources"}
    assert set(data["sources"][0]) >= {"title", "section", "path", "score"}
    json.dumps(data)


def test_synonyms_count_as_the_same_term(desk):
    plain = desk.analyse("Wat is een statushouder?")
    assert "vergunninghouder" in plain.terms[0].alternatives


def test_decision_features_are_bounded_and_the_shipped_model_prefers_strong_evidence(desk: Desk):
    query = desk.analyse("Wat is een GVL?")
    hits = desk.index.search(query, k=5)
    assessment = desk.assess(query, hits)
    assert set(assessment.features) == set(FEATURES)
    for name in ("coverage", "page_coverage", "sentence", "bm25_agree", "unknown_share", "type_miss"):
        assert 0.0 <= assessment.features[name] <= 1.0, name
    strong = dict(assessment.features, coverage=1.0, page_coverage=1.0, sentence=1.0, unknown_salient=0.0,
                  unknown_share=0.0)
    unknown = dict(strong, unknown_salient=2.0, unknown_share=0.5, coverage=0.4, sentence=0.3)
    assert desk.decision.probability(strong) > desk.decision.probability(unknown)


def test_ranking_modes_are_measurable(desk: Desk):
    desk.mode = "bm25"
    bm25 = desk.ask("Wat is een GVL?")
    desk.mode = "dense"
    dense = desk.ask("Wat is een GVL?")
    assert bm25.passages and dense.passages


def test_expected_answer_type_is_detected_and_checked():
    from bot.core.answering.qtype import DATE, FREQUENCY, MONEY, NUMBER, expected_type, satisfies

    assert expected_type("Hoeveel plekken zijn er nodig?") == NUMBER
    assert expected_type("Wat kost een opvangplek?") == MONEY
    assert satisfies(MONEY, "De subsidie is 5 euro.") and not satisfies(MONEY, "Het gaat om 417 plekken.")
    assert expected_type("Tot wanneer loopt het?") == DATE
    assert expected_type("Hoe vaak komt de prognose uit?") == FREQUENCY
    assert expected_type("Wat is een GVL?") is None
    assert satisfies(NUMBER, "Het gaat om 417 plekken.") and not satisfies(NUMBER, "Een plek is een bed.")
    assert satisfies(DATE, "vanaf juni") and not satisfies(DATE, "bij de gemeente")
    assert satisfies(FREQUENCY, "een halfjaarlijkse update") and satisfies(None, "wat dan ook")


def test_on_topic_quote_without_the_asked_amount_is_escalated(desk):
    answer = desk.ask("Wat kost een opvangplek per jaar?")
    assert not answer.answered


def test_verified_answer_is_not_reused_for_another_province(desk):
    desk.add_verified_answer(VerifiedItem(
        key="verified-2", question="Hoeveel geld krijgt de provincie Gelderland voor een nieuwe regionale opvanglocatie?",
        answer="Gelderland krijgt geen vast bedrag.",
    ))
    other = desk.ask("Hoeveel geld krijgt de provincie Utrecht voor een nieuwe regionale opvanglocatie?")
    assert other.kind != KIND_VERIFIED
    same = desk.ask("Hoeveel geld krijgt de provincie Gelderland voor een regionale opvanglocatie?")
    assert same.kind == KIND_VERIFIED


def test_an_answer_found_with_context_must_speak_to_the_follow_up_itself(desk):
    context = "Wat is het doel van het ondersteuningsarrangement?"
    found = desk.ask(f"{context} Hoe vraag ik een nieuwe laptop aan bij de servicedesk?")
    about_goal = desk.ask(context)
    assert about_goal.answered
    assert desk.speaks_to("Voor wie is het bedoeld?", about_goal)  # elliptic: the context fills it in
    assert not desk.speaks_to("Hoe vraag ik een nieuwe laptop aan bij de servicedesk?", found)  # its own subject is missing
    assert desk.speaks_to("En wat is het doel van het ondersteuningsarrangement?", about_goal)


def test_a_mention_of_a_colleague_is_no_part_of_the_question(desk):
    plain = desk.ask("Wat is het e-mailadres van het ondersteuningsarrangement?")
    for handle in ("@U0123ABC", "@jan.devries", "@Jan_de_Vries"):
        mentioned = desk.ask(f"{handle} Wat is het e-mailadres van het ondersteuningsarrangement?")
        assert mentioned.answered == plain.answered and mentioned.answer == plain.answer, handle
    assert desk.ask("@U0123ABC").kind == KIND_EMPTY  # only a mention: no question at all


def test_a_draft_page_is_cited_as_a_concept(embedder, tmp_path):
    """A page its site has not published (draft: true) is searched, and its citation says so."""
    from index.build import build_index
    from index.search import SearchIndex

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "aanvragen.md").write_text(
        "---\ntitle: Subsidie aanvragen\ndraft: true\n---\n\n# Subsidie aanvragen\n\n"
        "Een gemeente vraagt de opvangsubsidie aan via het aanvraagportaal van het ministerie, uiterlijk 1 maart.\n",
        encoding="utf-8")
    (tmp_path / "docs" / "verantwoorden.md").write_text(
        "# Verantwoorden\n\nDe gemeente verantwoordt de besteding van de subsidie in de jaarrekening.\n", encoding="utf-8")
    build_index([tmp_path / "docs"], tmp_path / "index", embedder, progress=False)
    draft_desk = Desk(SearchIndex.load(tmp_path / "index", embedder))
    hits = draft_desk.index.search(draft_desk.analyse("Hoe vraagt een gemeente de opvangsubsidie aan?"), k=2)
    sources = {h.chunk.doc_path: _source(h) for h in hits}
    assert sources["aanvragen.md"].title == "Subsidie aanvragen (concept)"
    assert sources["verantwoorden.md"].title == "Verantwoorden"
