"""``loket teams package``: the zip Teams accepts (manifest fields, the bot, the command menu,
the message action, the RSC permission, two icons of the right size), and a clear error
without an app id."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from PIL import Image

from bot.cli import main
from bot.teams.commands import parse
from bot.teams.dialogs import SIGNAL_COMMAND_ID

from .conftest import APP_ID

REQUIRED = ("$schema", "manifestVersion", "version", "id", "developer", "name", "description", "icons",
            "accentColor")


@pytest.fixture
def no_teams_env(monkeypatch):
    monkeypatch.delenv("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID", raising=False)


def _package(tmp_path, *args) -> zipfile.ZipFile:
    out = tmp_path / "loket-teams.zip"
    assert main(["teams", "package", "--domain", "loket.example.nl", "-o", str(out), *args]) == 0
    return zipfile.ZipFile(out)


def test_package_from_the_sdk_setting_has_a_valid_manifest_and_icons(tmp_path, monkeypatch):
    monkeypatch.setenv("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID", APP_ID)
    zf = _package(tmp_path)
    assert sorted(zf.namelist()) == ["color.png", "manifest.json", "outline.png"]
    m = json.loads(zf.read("manifest.json"))
    for key in REQUIRED:
        assert m.get(key), key
    assert float(m["manifestVersion"]) >= 1.17 and m["$schema"].endswith(f"v{m['manifestVersion']}/MicrosoftTeams.schema.json")
    assert m["id"] == APP_ID
    assert all(m["developer"][k].startswith("https://") for k in ("websiteUrl", "privacyUrl", "termsOfUseUrl"))
    assert len(m["name"]["short"]) <= 30 and len(m["description"]["short"]) <= 80
    assert m["icons"] == {"color": "color.png", "outline": "outline.png"}
    [bot] = m["bots"]
    assert bot["botId"] == APP_ID and set(bot["scopes"]) == {"personal", "team"}
    [commands] = bot["commandLists"]
    titles = [c["title"] for c in commands["commands"]]
    assert {"help", "signaal", "overzicht", "plan", "signalen"} <= set(titles) and len(titles) <= 10
    assert all(parse(title) is not None for title in titles)  # what the menu inserts is a command Loket knows
    assert all(len(c["description"]) <= 128 and len(c["title"]) <= 32 for c in commands["commands"])
    [extension] = m["composeExtensions"]
    [action] = extension["commands"]
    assert extension["botId"] == APP_ID
    assert (action["id"], action["type"], action["context"], action["fetchTask"]) == (SIGNAL_COMMAND_ID, "action",
                                                                                        ["message"], True)
    assert m["authorization"]["permissions"]["resourceSpecific"] == [{"name": "ChannelMessage.Read.Group",
                                                                       "type": "Application"}]
    assert m["webApplicationInfo"]["id"] == APP_ID and m["webApplicationInfo"]["resource"]
    assert m["validDomains"] == ["loket.example.nl"]
    with Image.open(io.BytesIO(zf.read("color.png"))) as color:
        assert (color.format, color.size) == ("PNG", (192, 192))
    with Image.open(io.BytesIO(zf.read("outline.png"))) as outline:
        assert (outline.format, outline.size) == ("PNG", (32, 32))
        raw = outline.convert("RGBA").tobytes()
        pixels = [tuple(raw[i:i + 4]) for i in range(0, len(raw), 4)]
        alphas = {p[3] for p in pixels}
        colours = {p[:3] for p in pixels if p[3]}
        assert 0 in alphas and colours == {(255, 255, 255)}  # white on transparent, as Teams requires


def test_app_id_option_wins(tmp_path, no_teams_env):
    other = "11111111-2222-3333-4444-555555555555"
    m = json.loads(_package(tmp_path, "--app-id", other).read("manifest.json"))
    assert m["id"] == other and m["bots"][0]["botId"] == other


@pytest.mark.parametrize("args, words", [
    ([], ["CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID", "--app-id", "No app id"]),
    (["--app-id", "not-a-guid"], ["GUID"]),
])
def test_missing_or_wrong_app_id_is_a_clear_error(tmp_path, no_teams_env, capsys, args, words):
    out = tmp_path / "x.zip"
    assert main(["teams", "package", "--domain", "loket.example.nl", "-o", str(out), *args]) == 1
    err = capsys.readouterr().err
    assert all(w in err for w in words) and not out.exists()


def test_missing_domain_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID", APP_ID)
    assert main(["teams", "package", "-o", str(tmp_path / "x.zip")]) == 1
    assert "--domain" in capsys.readouterr().err
