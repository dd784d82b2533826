"""One index in use: 'loket index build --source DIR' makes DIR's index the one that answers.

Run through the real CLI (``main()`` in-process, and a subprocess started outside the
checkout) on two small corpora written for the test, with a temporary data dir.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[1]

FIETS = (
    "# Fietsregeling\n\nDe fietsregeling van de gemeente Zonnedal vergoedt de aanschaf van een "
    "elektrische fiets tot 500 euro. Aanvragen gaat via het Zonneloket, dat open is van negen tot vijf uur.\n"
)
BOOT = (
    "# Bootvergunning\n\nEen bootvergunning voor de grachten van Waterstad kost 120 euro per jaar. "
    "De havenmeester geeft de vergunning af binnen twee weken.\n"
)
FIETS_Q = "Tot welk bedrag vergoedt de fietsregeling van Zonnedal een elektrische fiets?"


@pytest.fixture
def corpora(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "fiets", tmp_path / "boot"
    (a / "regeling.md").parent.mkdir()
    (a / "regeling.md").write_text(FIETS, encoding="utf-8")
    (b / "vergunning.md").parent.mkdir()
    (b / "vergunning.md").write_text(BOOT, encoding="utf-8")
    return a, b


@pytest.fixture
def env(tmp_path: Path, monkeypatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("LOKET_DATA_DIR", str(data))
    monkeypatch.delenv("LOKET_SOURCES", raising=False)
    monkeypatch.setenv("LOKET_DATABASE_URL", f"sqlite:///{tmp_path / 'loket.db'}")
    return data


def info(capsys) -> dict:
    assert main(["index", "info"]) == 0
    return json.loads(capsys.readouterr().out)


def ask(capsys, *extra: str) -> tuple[dict, str]:
    assert main(["ask", "--json", *extra, FIETS_Q]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


def test_build_makes_its_index_the_active_one_for_ask_and_info(env, corpora, capsys) -> None:
    fiets, boot = corpora
    assert main(["index", "build", "--source", str(fiets)]) == 0
    assert "Actieve index" in capsys.readouterr().err
    shown = info(capsys)
    assert shown["active"] and shown["sources"] == [str(fiets.resolve())] and shown["documents"] == 1
    answer, err = ask(capsys)
    assert answer["answered"] and "500 euro" in answer["answer"]
    assert answer["sources"][0]["path"] == "regeling.md"
    assert f"bronnen: {fiets.resolve()}" in err  # says which index answers

    assert main(["index", "build", "--source", str(boot)]) == 0  # another build switches, visibly
    capsys.readouterr()
    assert info(capsys)["sources"] == [str(boot.resolve())]
    answer, err = ask(capsys)
    assert all(s["path"] != "regeling.md" for s in answer["sources"])
    assert f"bronnen: {boot.resolve()}" in err

    answer, err = ask(capsys, "--source", str(fiets))  # an explicit choice still wins, and is named
    assert answer["answered"] and answer["sources"][0]["path"] == "regeling.md"
    assert "andere bronnen dan de actieve index" in err


def test_build_without_source_updates_the_active_index(env, corpora, capsys) -> None:
    fiets, _ = corpora
    assert main(["index", "build", "--source", str(fiets)]) == 0
    (fiets / "extra.md").write_text("# Extra\n\nNog een pagina over de regeling en haar voorwaarden.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["index", "build", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["added"] == ["extra.md"] and report["documents"] == 2
    assert info(capsys)["sources"] == [str(fiets.resolve())]


@pytest.mark.parametrize("content", [
    {},  # an empty folder
    {"notities.json": "{}", "foto.png": "\x89PNG"},  # only unsupported files
    {"leeg.md": "", "kop.md": "---\ntitle: Alleen front matter\n---\n"},  # supported, but without text
    {"programma.md": "\x7fELF\x02\x01\x01" + "\x00" * 200},  # binary content behind a .md name
])
def test_sources_without_text_are_refused_and_the_active_index_keeps_answering(env, corpora, tmp_path, capsys,
                                                                                content) -> None:
    fiets, _ = corpora
    assert main(["index", "build", "--source", str(fiets)]) == 0
    wrong = tmp_path / "verkeerde-map"
    wrong.mkdir()
    for name, text in content.items():
        (wrong / name).write_text(text, encoding="utf-8")
    capsys.readouterr()
    before = sorted(p.name for p in env.iterdir())
    assert main(["index", "build", "--source", str(wrong)]) == 1
    err = capsys.readouterr().err
    assert "geen tekst gevonden" in err and "verkeerde-map" in err and "blijft ongewijzigd" in err
    assert sorted(p.name for p in env.iterdir()) == before  # no index written for the refused sources
    assert info(capsys)["sources"] == [str(fiets.resolve())]
    answer, _ = ask(capsys)
    assert answer["answered"] and "500 euro" in answer["answer"]


def test_an_emptied_source_folder_does_not_empty_its_index(env, corpora, capsys) -> None:
    fiets, _ = corpora
    assert main(["index", "build", "--source", str(fiets)]) == 0
    (fiets / "regeling.md").unlink()  # an unmounted share, a checkout gone wrong
    assert main(["index", "build"]) == 1
    assert "geen tekst gevonden" in capsys.readouterr().err
    assert info(capsys)["documents"] == 1


def test_a_build_interrupted_while_embedding_leaves_the_active_index_answering(env, corpora, tmp_path,
                                                                               capsys) -> None:
    """Ctrl-C (SIGINT) in a real ``loket index build`` process, once embedding has started."""
    import signal

    fiets, _ = corpora
    assert main(["index", "build", "--source", str(fiets)]) == 0
    capsys.readouterr()
    big = tmp_path / "groot"
    big.mkdir()
    for n in range(400):
        (big / f"pagina-{n}.md").write_text(f"# Pagina {n}\n\nTekst over onderwerp {n} en de regels daarvoor.\n",
                                            encoding="utf-8")
    run_env = os.environ | {"PYTHONPATH": str(REPO)}
    # A job started in the background inherits SIGINT as ignored (POSIX), and Python then sets
    # up no KeyboardInterrupt: restore the handler a terminal user's Ctrl-C finds.
    command = [sys.executable, "-c", "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
               "from bot.cli import main; sys.exit(main(sys.argv[1:]))"]
    build = subprocess.Popen(command + ["index", "build", "--source", str(big)], env=run_env,
                             stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    seen = b""
    while b"Embedden" not in seen and build.poll() is None:
        seen += build.stderr.read1(4096)
    build.send_signal(signal.SIGINT)
    _, rest = build.communicate(timeout=120)
    err = (seen + rest).decode("utf-8", "replace")
    assert build.returncode == 130, err[-2000:]
    assert "Gestopt: er is niets gewijzigd" in err and "Traceback" not in err
    assert info(capsys)["sources"] == [str(fiets.resolve())]
    answer, _ = ask(capsys)
    assert answer["answered"] and "500 euro" in answer["answer"]


def test_stale_and_mismatched_indexes_get_clear_messages(env, corpora, capsys) -> None:
    fiets, boot = corpora
    assert main(["index", "build", "--source", str(fiets)]) == 0
    later = time.time() + 5
    page = fiets / "regeling.md"
    os.utime(page, (later, later))  # a fresh copy or checkout: new time, same bytes
    capsys.readouterr()
    _, err = ask(capsys)
    assert "laatste build" not in err

    page.write_text(page.read_text(encoding="utf-8") + "\nEen zin erbij.\n", encoding="utf-8")
    os.utime(page, (later, later))
    _, err = ask(capsys)
    assert "1 bestand(en) in de bronnen zijn na de laatste build gewijzigd" in err and "loket index build" in err

    (fiets / "nieuw.md").write_text("# Nieuw\n\nEen pagina die de index nog niet kent.\n", encoding="utf-8")
    _, err = ask(capsys)
    assert "2 bestand(en)" in err

    pointer = json.loads((env / "active-index.json").read_text())
    meta_path = env / pointer["index"] / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["sources"] = [str(boot.resolve())]  # an index that belongs to other sources
    meta_path.write_text(json.dumps(meta))
    assert main(["ask", FIETS_Q]) == 1
    err = capsys.readouterr().err
    assert "is gebouwd uit" in err and str(boot.resolve()) in err and "--source" in err

    (env / "active-index.json").write_text("{kapot")
    assert main(["ask", FIETS_Q]) == 1
    assert "active-index.json is onleesbaar" in capsys.readouterr().err


def test_an_index_built_by_older_ingestion_rules_is_named_and_a_build_brings_it_up_to_date(env, corpora,
                                                                                           capsys) -> None:
    fiets, _ = corpora
    assert main(["index", "build", "--source", str(fiets)]) == 0
    pointer = json.loads((env / "active-index.json").read_text())
    meta_path = env / pointer["index"] / "meta.json"
    meta = json.loads(meta_path.read_text())
    del meta["ingest"]  # as written before the version was recorded
    meta_path.write_text(json.dumps(meta))
    capsys.readouterr()
    _, err = ask(capsys)
    assert "oudere inleesregels" in err and "loket index build" in err

    assert main(["index", "build", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["embedded"] == 0  # nothing changed: the vectors are reused
    _, err = ask(capsys)
    assert "oudere inleesregels" not in err


def test_cli_outside_the_checkout_uses_the_active_index(env, corpora, tmp_path, capsys) -> None:
    """Started from another directory (no knowledge/ there), with no LOKET_SOURCES."""
    fiets, _ = corpora
    assert main(["index", "build", "--source", str(fiets)]) == 0
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("LOKET_")} | {
        "LOKET_DATA_DIR": str(env), "LOKET_DATABASE_URL": f"sqlite:///{tmp_path / 'loket.db'}",
        "PYTHONPATH": str(REPO),
    }
    command = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"]
    done = subprocess.run(command + ["ask", "--json", FIETS_Q], cwd=elsewhere, env=run_env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout)
    assert answer["answered"] and answer["sources"][0]["path"] == "regeling.md"


def test_default_sources_do_not_depend_on_the_working_directory(monkeypatch, tmp_path) -> None:
    from bot.settings import Settings

    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({"LOKET_DATA_DIR": str(tmp_path / "data")})
    assert Path(settings.sources[0]) == REPO / "knowledge" and Path(settings.sources[0]).is_absolute()
    assert settings.synonyms_file == REPO / "knowledge" / "synoniemen.yaml"
    assert settings.index_dir == tmp_path / "data" / "index" and not settings.sources_explicit
    assert Settings.from_env({}).data_dir == REPO / "data"


def mkdocs_site(root: Path) -> Path:
    """Five mkdocs pages with the noise of a real site, written for the test."""
    for n in range(5):
        (root / f"pagina-{n}.md").parent.mkdir(parents=True, exist_ok=True)
        (root / f"pagina-{n}.md").write_text(
            f"---\ntitle: Maatregel {n}\ntoelichting: Samenvatting van maatregel {n} over toezicht.\n---\n"
            f"# Maatregel {n}\n\nDe eigen inhoud van maatregel {n} over toezicht en verantwoording.\n\n"
            "## Vereisten { data-search-exclude }\n\nLijst die de site niet doorzoekt.\n\n"
            '??? expander "Bekijk alle vereisten"\n    <!-- list_vereisten -->\n\n'
            "## Bronnen\n\n- [Rapport](https://example.org/r)\n\n"
            "## Help ons deze pagina te verbeteren\n\nDeel je idee via GitHub of mail ons.\n",
            encoding="utf-8",
        )
    return root


def test_build_reports_what_it_left_out_and_why(env, tmp_path, capsys) -> None:
    site = mkdocs_site(tmp_path / "site")
    assert main(["index", "build", "--source", str(site), "--json", "--details"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dropped"] == {"search-exclude": 5, "empty-container": 5, "link-list": 5, "repeated": 4}
    assert len(report["dropped_items"]) == 19
    assert any(item.startswith("repeated\tpagina-1.md › Help ons") for item in report["dropped_items"])
    assert main(["index", "build"]) == 0  # plain report: counts per rule, with the reason
    out = capsys.readouterr().out
    assert "Weggelaten:" in out and "4 × tekst die op veel pagina's herhaald wordt" in out and "--details" in out

    from index.persist import load_index

    pointer = json.loads((env / "active-index.json").read_text())
    stored = load_index(env / pointer["index"])
    kinds = [c.meta.get("chunk_kind", "body") for c in stored.chunks]
    assert kinds.count("summary") == 5 and len(stored.chunks) == 5 + 5 + 1  # summaries, bodies, feedback once
    assert not any("{" in c.text or "Bekijk alle" in c.text or "Rapport" in c.text for c in stored.chunks)
