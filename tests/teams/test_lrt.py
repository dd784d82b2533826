"""Escalating a signal to the LRT from Teams: with ``LOKET_TEAMS_LRT_CHANNEL`` the signal's card
becomes a new thread in that channel (through the outbox, once), recorded on the signal as
Slack records its LRT post; without it the escalation is only recorded, as before."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from bot.core import privacy
from bot.core.privacy import PSEUDONYM, privacy_core, privacy_monitoring  # noqa: F401 - they register the hooks
from bot.store.models import OutboxPost
from bot.teams import cards_monitoring as cm
from bot.teams.conversations import conversation_key
from bot.teams.dialogs import NO_LRT_CHANNEL, SHARED_WITH_LRT
from bot.teams.jobs import remember_channels

from .conftest import ASKER, CORE_CHANNEL, CORE_MEMBER, CORE_MEMBER_AAD, PERSONAL, eventually
from .monitoring_helpers import card_texts, invoke, submit_data
from .test_dialogs import _core_channel_posts, _form

LRT_CHANNEL = "19:landelijke-regietafel@thread.tacv2"
TITLE = "Geen vervoer naar de opvanglocatie"
DESCRIPTION = "De buurtbus rijdt niet meer; gemeente zoekt een oplossing."


def _with_lrt_channel(teams) -> None:
    teams.stop()
    teams.settings = teams.settings.with_(teams_lrt_channel=LRT_CHANNEL)
    teams.connector.channels.add(LRT_CHANNEL)
    teams.start()


def _logged_signal(teams) -> dict:
    """Log a signal through the ``signaal`` form; returns the data of its *Escaleer naar LRT* button."""
    teams.say("signaal")
    form = _form(invoke(teams, "task/fetch", {"data": teams.connector.to(PERSONAL)[-1].actions[0]["data"]})[1])
    invoke(teams, "task/submit", {"data": submit_data(form, title=TITLE, description=DESCRIPTION, kind="risico",
                                                      province="Utrecht", theme="opvanglocaties", severity="hoog")})
    [post] = eventually(lambda: _core_channel_posts(teams))
    return {a["title"]: a["data"] for a in post.actions}["Escaleer naar LRT"], post.activity_id


def _escalate(teams, button: dict, **who) -> str:
    """*Escaleer naar LRT* and its confirmation dialog's button; returns the dialog's closing message."""
    body = invoke(teams, "task/fetch", {"data": button}, **who)[1]
    if body["task"]["type"] == "message":
        return body["task"]["value"]
    return invoke(teams, "task/submit", {"data": submit_data(_form(body))}, **who)[1]["task"]["value"]


def _core(teams, root: str) -> dict:
    return {"user": CORE_MEMBER, "aad": CORE_MEMBER_AAD, "conversation": teams.in_channel(CORE_CHANNEL, root),
            "kind": "channel", "channel": CORE_CHANNEL}


def _lrt_posts(teams) -> list:
    teams.loket.call(teams.loket.runtime.deliver_outbox())
    return teams.connector.to(LRT_CHANNEL)


def test_the_core_team_escalates_a_signal_into_the_lrt_channel_once(teams):
    _with_lrt_channel(teams)
    button, root = _logged_signal(teams)
    assert _escalate(teams, button, **_core(teams, root)) == SHARED_WITH_LRT.format(id=1)
    [post] = eventually(lambda: _lrt_posts(teams))
    assert ";messageid=" not in post.conversation_id  # a new thread of the channel itself
    texts = post.texts
    assert texts[0] == "🚨 Signaal S1 geëscaleerd naar de LRT"
    assert "Geëscaleerd door Naam " + CORE_MEMBER[-4:] in texts  # the clicker's display name
    assert f"S1 {TITLE} · Risico · Utrecht · hoog · Geëscaleerd naar LRT" in texts  # id, kind, province, status
    assert DESCRIPTION in texts
    assert any(t.startswith("Thema: Type opvanglocaties") for t in texts)
    assert not post.actions  # the round table reads; the core team changes the signal on its own card
    signal = teams.loket.runtime.monitoring.signals.get(1)
    assert signal.status == "geescaleerd" and signal.lrt_escalated_by == CORE_MEMBER
    assert signal.lrt_channel_id == conversation_key(LRT_CHANNEL)  # recorded as Slack records its LRT post
    assert [c.new_value for c in signal.history if c.field == "lrt"] == [conversation_key(LRT_CHANNEL)]

    again = _escalate(teams, button, **_core(teams, root))  # the card in the core channel still has the button
    assert again == "Signaal 1 is al geëscaleerd naar de LRT."  # the register's refusal, as in Slack
    assert len(_lrt_posts(teams)) == 1


def test_only_the_core_team_escalates(teams):
    _with_lrt_channel(teams)
    button, root = _logged_signal(teams)
    refused = _escalate(teams, button)  # the asker, not in the core team
    assert refused == "Alleen het kernteam kan een signaal wijzigen."
    crafted = invoke(teams, "task/submit", {"data": {"loket": cm.SIGNAL_LRT_SUBMIT, "signal": 1}})[1]
    assert crafted["task"]["value"] == "Alleen het kernteam kan een signaal wijzigen."
    assert teams.loket.runtime.monitoring.signals.get(1).status == "nieuw"
    assert _lrt_posts(teams) == []


def test_without_an_lrt_channel_the_escalation_is_only_recorded(teams):
    assert teams.settings.teams_lrt_channel is None
    button, root = _logged_signal(teams)
    assert _escalate(teams, button, **_core(teams, root)) == NO_LRT_CHANNEL.format(id=1)
    signal = teams.loket.runtime.monitoring.signals.get(1)
    assert signal.status == "geescaleerd" and signal.lrt_channel_id is None
    teams.loket.call(teams.loket.runtime.deliver_outbox())
    assert [p for p in teams.connector.sent if "LRT" in " ".join(p.texts)] == []


def test_forgetting_the_escalator_removes_their_name_from_the_record(teams):
    _with_lrt_channel(teams)
    button, root = _logged_signal(teams)
    _escalate(teams, button, **_core(teams, root))
    eventually(lambda: _lrt_posts(teams))
    with teams.store.read() as tx:
        [sent] = tx.session.scalars(select(OutboxPost).where(OutboxPost.channel_id == conversation_key(LRT_CHANNEL)))
        assert sent.status == "sent" and sent.payload["escalated_by"] == CORE_MEMBER
    privacy.forget(teams.store, CORE_MEMBER)
    signal = teams.loket.runtime.monitoring.signals.get(1)
    assert signal.lrt_escalated_by == PSEUDONYM and signal.lrt_channel_id == conversation_key(LRT_CHANNEL)
    with teams.store.read() as tx:  # the sent post named them (its card has their name): gone, as Slack's <@U…> post
        assert tx.session.scalars(select(OutboxPost).where(
            OutboxPost.channel_id == conversation_key(LRT_CHANNEL))).all() == []


def test_lrt_card_is_a_pure_rendering_of_the_signal():
    from bot.core.monitoring.signals import SignalView

    now = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)
    view = SignalView(id=7, kind="kans", province="Gelderland", theme="projecten_pilots", title="*Niet* vet <at>x</at>",
                      description="Regel 1", severity="laag", status="geescaleerd", owner=None, created_by=ASKER,
                      created_at=now, updated_at=now, escalations=(3, 5), lrt_escalated_at=now,
                      lrt_escalated_by=CORE_MEMBER, source_permalink="https://teams.microsoft.com/l/message/x")
    card = cm.signal_lrt_card(view)["content"]
    texts = card_texts(card)
    assert "Geëscaleerd door het kernteam" in texts  # no name known
    assert "S7 *Niet* vet <at>x</at> · Kans · Gelderland · laag · Geëscaleerd naar LRT" in texts
    title_run = next(i for e in card["body"] if e["type"] == "RichTextBlock" for i in e["inlines"]
                     if "<at>" in i["text"])
    assert title_run["type"] == "TextRun"  # what people typed is never Markdown or a mention
    assert any("Escalaties: #3, #5" in t and "Geëscaleerd op 2026-11-30" in t for t in texts)
    assert card["body"][-1]["actions"][0]["url"] == "https://teams.microsoft.com/l/message/x"


def test_loket_signal_update_queues_the_card_for_the_teams_server(teams, tmp_path, monkeypatch, capsys):
    """A Teams-only deployment escalating from the terminal: queued, posted by the running server."""
    from bot.cli import main

    _with_lrt_channel(teams)
    button, root = _logged_signal(teams)
    monkeypatch.delenv("LOKET_LRT_CHANNEL", raising=False)
    for name, value in {"LOKET_DATA_DIR": str(tmp_path / "cli-data"), "LOKET_TEAMS_LRT_CHANNEL": LRT_CHANNEL,
                        "LOKET_DATABASE_URL": f"sqlite:///{tmp_path / 'loket.db'}"}.items():  # the server's database
        monkeypatch.setenv(name, value)
    assert main(["signal", "update", "1", "--status", "geescaleerd", "--by", CORE_MEMBER]) == 0
    assert "niet ingesteld" not in capsys.readouterr().out
    [post] = eventually(lambda: _lrt_posts(teams))
    assert "Geëscaleerd door het kernteam" in post.texts and DESCRIPTION in post.texts
    assert teams.loket.runtime.monitoring.signals.get(1).lrt_channel_id == conversation_key(LRT_CHANNEL)
    assert _escalate(teams, button, **_core(teams, root)) == "Signaal 1 is al geëscaleerd naar de LRT."
    assert len(_lrt_posts(teams)) == 1


def test_an_lrt_channel_loket_cannot_post_in_is_reported_in_the_core_channel(teams):
    """Loket not installed in the LRT's team: the connector answers 404; the core team hears so."""
    teams.stop()
    teams.settings = teams.settings.with_(teams_lrt_channel=LRT_CHANNEL)  # not a channel of the fake connector
    teams.start()
    button, root = _logged_signal(teams)
    assert _escalate(teams, button, **_core(teams, root)) == SHARED_WITH_LRT.format(id=1)
    teams.loket.call(teams.loket.runtime.deliver_outbox())
    note = eventually(lambda: [p for p in _core_channel_posts(teams)
                               if any("niet worden afgeleverd" in t for t in p.texts)])
    assert any("(http 404)" in t for t in note[0].texts)
    assert teams.connector.to(LRT_CHANNEL) == []


def test_loket_signal_add_announces_the_signal_in_the_teams_core_channel(teams, tmp_path, monkeypatch):
    """A Teams-only deployment logging a signal from the terminal: the card reaches the core channel."""
    from bot.cli import main

    teams.say("help")  # someone has used Loket in Teams: the server knows the tenant's serviceUrl
    for name in ("LOKET_CORE_CHANNEL", "LOKET_LRT_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {"LOKET_DATA_DIR": str(tmp_path / "cli-data"), "LOKET_TEAMS_CORE_CHANNEL": CORE_CHANNEL,
                        "LOKET_DATABASE_URL": f"sqlite:///{tmp_path / 'loket.db'}"}.items():  # the server's database
        monkeypatch.setenv(name, value)
    assert main(["signal", "add", "--type", "risico", "--province", "Utrecht", "--title", TITLE,
                 "--description", DESCRIPTION, "--by", CORE_MEMBER]) == 0
    rt = teams.loket.runtime
    remember_channels(rt, rt.clock())  # what the server's background loop does each round ("teams_channels")
    [post] = eventually(lambda: _core_channel_posts(teams))
    assert any(TITLE in t for t in post.texts) and "Escaleer naar LRT" in [a["title"] for a in post.actions]
