"""``loket signal``, ``loket plan`` and ``loket summary`` on a real SQLite database in a temp data dir."""
from __future__ import annotations

import json

from bot.cli import main
from bot.core.monitoring.signal_csv import read_csv
from bot.settings import Settings
from bot.store.models import OutboxPost
from bot.store.repo import Store


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_signal_lifecycle_from_the_terminal(data_dir, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("LOKET_LRT_CHANNEL", "CLANDELIJK")
    assert run(capsys, "signal", "add", "--type", "risico", "--province", "zuid holland", "--theme", "financien",
               "--title", "=Budget loopt op", "--description", "Regel 1\nRegel, \"2\"", "--severity", "hoog")[:2] == (
        0, "Signaal S1 gelogd.\n")
    assert run(capsys, "signal", "add", "--type", "kans", "--title", "Leeg kantoor")[0] == 0
    code, out, _ = run(capsys, "signal", "update", "S1", "--status", "in behandeling", "--owner", "UKERN001",
                       "--note", "Gebeld", "--by", "UKERN002")
    assert code == 0 and "In behandeling" in out
    code, out, _ = run(capsys, "signal", "update", "1", "--status", "geescaleerd", "--by", "UKERN002")
    assert code == 0 and "Geëscaleerd naar LRT" in out and "niet ingesteld" not in out
    code, out, _ = run(capsys, "signal", "show", "1")
    assert "status: In behandeling → Geëscaleerd naar LRT" in out and "lrt: CLANDELIJK" in out and "Gebeld" in out
    code, out, _ = run(capsys, "signal", "list", "--province", "Zuid-Holland", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [1]

    export = tmp_path / "signalen.csv"
    assert run(capsys, "signal", "export", "-o", str(export))[0] == 0
    with open(export, encoding="utf-8-sig", newline="") as fh:
        rows = read_csv(fh)
    assert [(r["id"], r["type"], r["province"], r["status"]) for r in rows] == [
        ("1", "risico", "Zuid-Holland", "geescaleerd"), ("2", "kans", "landelijk", "nieuw")]
    assert rows[0]["title"] == "=Budget loopt op" and rows[0]["description"] == 'Regel 1\nRegel, "2"'
    assert "'=Budget" in export.read_text(encoding="utf-8-sig")  # guarded against spreadsheet formulas

    store = Store.open(Settings.from_env().db_url)
    with store.tx() as tx:  # the LRT announcement waits in the outbox for `loket serve`
        posts = [(p.channel_id, p.dedupe_key) for p in tx.session.query(OutboxPost)]
    store.close()
    assert posts == [("CLANDELIJK", "signal1:lrt:1")]


def test_signal_errors_are_short_dutch_messages(data_dir, capsys):
    code, _, err = run(capsys, "signal", "add", "--type", "dreiging", "--title", "x")
    assert code == 1 and err.startswith("Fout: Onbekende soort signaal 'dreiging'")
    code, _, err = run(capsys, "signal", "update", "7", "--status", "afgesloten")
    assert code == 1 and "S7 bestaat niet" in err
    code, _, err = run(capsys, "signal", "update", "7")
    assert code == 1 and "niets te wijzigen" in err


def test_plans_from_the_terminal(data_dir, capsys):
    code, out, _ = run(capsys, "plan", "set", "fryslan", "--state", "concept", "--milestone", "GS-besluit",
                       "--milestone-date", "2026-12-15", "--by", "UKERN001")
    assert code == 0 and out.startswith("Fryslân") and "Concept" in out and "GS-besluit (2026-12-15)" in out
    code, out, _ = run(capsys, "plan", "list")
    assert len(out.splitlines()) == 13 and "Niet gestart" in out
    code, out, _ = run(capsys, "plan", "show", "Friesland")
    assert "state: niet_gestart → concept" in out
    code, _, err = run(capsys, "plan", "set", "landelijk", "--state", "concept")
    assert code == 1 and "twaalf provincies" in err
    code, _, err = run(capsys, "plan", "set", "Zeeland", "--milestone-date", "morgen")
    assert code == 1 and "Onbekende datum" in err


def test_summary_in_three_formats(data_dir, capsys, tmp_path):
    code, out, _ = run(capsys, "summary", "--week", "2026-W48")
    assert code == 0 and out.startswith("# Loket weekoverzicht week 48 (23 – 29 november 2026)")
    code, out, _ = run(capsys, "summary", "--week", "2026-W48", "--format", "json")
    data = json.loads(out)
    assert data["week"] == "2026-W48" and data["questions_asked"] == 0 and len(data["plans"]) == 12
    page, chart = tmp_path / "w48.html", tmp_path / "w48.png"
    assert run(capsys, "summary", "--week", "2026-W48", "--format", "html", "-o", str(page), "--chart", str(chart))[0] == 0
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") and "data:image/png;base64," in page.read_text()
    assert chart.read_bytes().startswith(b"\x89PNG")
    code, _, err = run(capsys, "summary", "--week", "2026-W60")
    assert code == 1 and "geen week 60" in err
