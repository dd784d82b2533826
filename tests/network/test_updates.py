"""Proactive information: what changed in the knowledge base, posted to the updates channel (or nothing)."""
from __future__ import annotations

from pathlib import Path

from bot.cli import main
from bot.core.network.updates import NEW, REMOVED, UPDATED, changes, snapshot
from bot.slack.blocks_network import updates_message
from index.build import build_index


def page(title: str, body: str, url: str | None = None) -> str:
    link = f"url: {url}\n" if url else ""
    return f"---\ntitle: {title}\ntheme: overig\nupdated: 2026-02-01\n{link}---\n# {title}\n\n## Inhoud\n\n{body}\n"


def build(src: Path, index: Path, embedder):
    before = snapshot(index)
    report = build_index([src], index, embedder, progress=False)
    return changes(report, before, snapshot(index))


def test_new_changed_removed_and_unchanged(tmp_path, embedder):
    src, index = tmp_path / "kb", tmp_path / "index"
    src.mkdir()
    (src / "buurtbus.md").write_text(page("Buurtbus", "De buurtbus rijdt op dinsdag.", "https://example.org/bus"))
    (src / "zwemles.md").write_text(page("Zwemles", "Zwemles is op woensdag."))
    first = build(src, index, embedder)
    assert sorted((c.change, c.title) for c in first) == [(NEW, "Buurtbus"), (NEW, "Zwemles")]

    assert build(src, index, embedder) == []  # unchanged: nothing to announce
    assert updates_message([]) is None

    (src / "buurtbus.md").write_text(page("Buurtbus", "De buurtbus rijdt op donderdag.", "https://example.org/bus"))
    (src / "zwemles.md").unlink()
    (src / "taalles.md").write_text(page("Taalles", "Taalles is op maandag."))
    found = build(src, index, embedder)
    assert [(c.change, c.title, c.path) for c in found] == [
        (NEW, "Taalles", "taalles.md"), (UPDATED, "Buurtbus", "buurtbus.md"), (REMOVED, "Zwemles", "zwemles.md")]
    message = updates_message(found)
    text = " ".join(b["text"]["text"] for b in message["blocks"] if b.get("text"))
    assert "Nieuw in de kennisbank" in text and "1 nieuw, 1 bijgewerkt, 1 verwijderd" in message["text"]
    assert "<https://example.org/bus|Buurtbus>" in text and "Zwemles" in text


def test_index_build_announce_posts_once_per_change(tmp_path, monkeypatch, fake_slack, capsys):
    src = tmp_path / "kb"
    src.mkdir()
    (src / "buurtbus.md").write_text(page("Buurtbus", "De buurtbus rijdt op dinsdag."))
    for name, value in {"LOKET_DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": "xoxb-test",
                        "SLACK_API_URL": fake_slack.api_url, "LOKET_UPDATES_CHANNEL": "CUPDATES"}.items():
        monkeypatch.setenv(name, value)

    assert main(["index", "build", "--source", str(src), "--announce"]) == 0
    (post,) = fake_slack.wait_for("chat.postMessage", channel="CUPDATES")
    assert "Nieuw in de kennisbank" in post.all_text() and "Buurtbus" in post.all_text()

    assert main(["index", "build", "--source", str(src), "--announce"]) == 0  # nothing changed
    assert "niets aangekondigd" in capsys.readouterr().err
    (src / "buurtbus.md").write_text(page("Buurtbus", "De buurtbus rijdt op vrijdag."))
    assert main(["index", "build", "--source", str(src), "--announce"]) == 0
    posts = fake_slack.wait_for("chat.postMessage", channel="CUPDATES", count=2)
    assert "Bijgewerkt" in posts[1].all_text()
    fake_slack.settle()
    assert len(fake_slack.calls_to("chat.postMessage", channel="CUPDATES")) == 2


def test_announce_without_an_updates_channel_says_what_to_set(tmp_path, monkeypatch, capsys):
    src = tmp_path / "kb"
    src.mkdir()
    (src / "a.md").write_text(page("A", "Tekst over de buurtbus."))
    monkeypatch.setenv("LOKET_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("LOKET_UPDATES_CHANNEL", raising=False)
    assert main(["index", "build", "--source", str(src), "--announce"]) == 1
    assert "LOKET_UPDATES_CHANNEL" in capsys.readouterr().err
