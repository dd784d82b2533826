"""Document validity: current sources first; an outdated one only with a warning; how current a source is."""
from __future__ import annotations

from datetime import date

import pytest

from bot.core.answering.desk import Desk
from bot.core.answering.validity import (
    CURRENT, EXPIRED, NOT_YET, SUPERSEDED, currency_label, outdated_note, validity,
)
from index.build import build_index
from index.search import SearchIndex

TODAY = date(2026, 6, 1)


def page(title: str, body: str, **meta: str) -> str:
    front = "\n".join(f"{k}: {v}" for k, v in {"title": title, "theme": "overig", **meta}.items())
    return f"---\n{front}\n---\n# {title}\n\n## Regeling\n\n{body}\n"


CORPUS = {
    "buurtbus-2020.md": page("Vergoeding buurtbussen 2020",
                             "De vergoeding per opvangplek voor de proef met buurtbussen bedraagt 1.200 euro per jaar.",
                             updated="2020-01-15", valid_until="2020-12-31", superseded_by="buurtbus-2021.md"),
    "buurtbus-2021.md": page("Vergoeding buurtbussen 2021",
                             "De vergoeding per opvangplek voor de proef met buurtbussen bedraagt 1.500 euro per jaar.",
                             updated="2021-01-10", valid_from="2021-01-01"),
    "fietsenstalling.md": page("Regeling fietsenstallingen",
                               "De regeling voor fietsenstallingen bij een azc gaf gemeenten 300 euro per stalling.",
                               updated="2018-03-01", valid_until="2019-12-31"),
    "zwemles.md": page("Zwemles voor kinderen", "Kinderen in de opvang krijgen zwemles via de gemeente.",
                       updated="2020-05-01"),
}


@pytest.fixture(scope="module")
def desk(tmp_path_factory, embedder) -> Desk:
    root = tmp_path_factory.mktemp("validity")
    for name, text in CORPUS.items():
        (root / "docs").mkdir(exist_ok=True)
        (root / "docs" / name).write_text(text, encoding="utf-8")
    build_index([root / "docs"], root / "index", embedder, progress=False)
    return Desk(SearchIndex.load(root / "index", embedder))


def test_validity_states():
    assert validity({}, TODAY).state == CURRENT
    assert validity({"valid_until": "2026-05-31"}, TODAY).state == EXPIRED
    assert validity({"valid_until": "2026-06-01"}, TODAY).state == CURRENT  # the last day still counts
    assert validity({"valid_from": "2026-07-01"}, TODAY).state == NOT_YET
    assert validity({"superseded_by": "nieuw.md", "valid_until": "2030-01-01"}, TODAY).state == SUPERSEDED
    assert validity({"valid_until": "geen datum"}, TODAY).state == CURRENT  # malformed dates are ignored


def test_currency_labels():
    assert currency_label({"updated": "2020-09-15"}, TODAY) == "bijgewerkt 15 september 2020"
    assert currency_label({}, TODAY) is None
    assert currency_label({"superseded_by": "b.md"}, TODAY) == "verouderd: vervangen door b.md"
    assert "geldig tot 31 december 2019" in outdated_note({"valid_until": "2019-12-31"}, TODAY)


def test_a_current_document_wins_over_the_one_it_replaces(desk):
    answer = desk.ask("Hoeveel bedraagt de vergoeding per opvangplek voor de proef met buurtbussen?")
    assert answer.answered
    assert "1.500" in answer.answer and "1.200" not in answer.answer
    assert [s.path for s in answer.sources] == ["buurtbus-2021.md"]
    assert answer.sources[0].updated == "2021-01-10"
    assert not answer.answer.startswith("Let op")


def test_only_an_outdated_document_answers_and_the_answer_says_so(desk):
    answer = desk.ask("Hoeveel gaf de regeling voor fietsenstallingen bij een azc?")
    assert answer.answered
    assert answer.answer.startswith("Let op: dit antwoord komt uit een bron die niet meer actueel is (geldig tot 31 december 2019)")
    assert "300 euro" in answer.answer
    assert [s.path for s in answer.sources] == ["fietsenstalling.md"]


def test_documents_without_validity_fields_answer_as_before(desk):
    answer = desk.ask("Hoe krijgen kinderen in de opvang zwemles?")
    assert answer.answered and "zwemles via de gemeente" in answer.answer
    assert not answer.answer.startswith("Let op")


def test_an_escalation_still_shows_the_outdated_passages_it_found(desk):
    answer = desk.ask("Welke fietsenstalling in Ter Apel kreeg in 2019 geld van het COA?")
    assert not answer.answered
    assert any(p.source.path == "fietsenstalling.md" for p in answer.passages)
