"""The scheduled jobs in Teams: the weekly summary (with its chart, under Teams' message
limit) once per week in the core channel, also with two runtimes and next to Slack on one
database; SLA reminders in the escalation's core thread; "Nieuw in de kennisbank"."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.core.network.updates import DocChange
from bot.core.monitoring.summary import build_summary, week_of
from bot.core.monitoring.summary_chart import render_png
from bot.core.monitoring.weekly import POSTED, WeeklyRuns
from bot.store.models import OutboxPost
from bot.teams import cards_monitoring as cm, jobs
from bot.teams.announce import queue_updates
from bot.teams.conversations import split_thread

from .conftest import ANSWERABLE, CORE_CHANNEL, PRT_CHANNEL, eventually
from .fake_connector import MAX_MESSAGE_BYTES
from .test_escalation_relay import escalate

TZ = "Europe/Amsterdam"
UPDATES_CHANNEL = "19:loket-updates@thread.tacv2"


def next_monday(hour: int = 10) -> datetime:
    """Next week's Monday at ``hour`` (local): then this week's summary is due."""
    local = datetime.now(ZoneInfo(TZ))
    monday = local.date() - timedelta(days=local.weekday()) + timedelta(days=7)
    return datetime.combine(monday, time(hour), ZoneInfo(TZ))


def summaries_in_core_channel(teams, *runtimes) -> list:
    for rt in runtimes or (teams.loket.runtime,):
        teams.loket.call(rt.deliver_outbox())
    return [s for s in teams.connector.to(CORE_CHANNEL) if any(t.startswith("Loket weekoverzicht") for t in s.texts)]


def second_runtime(teams):
    """Another replica: its own app, service and runtime on the same database."""
    first = teams.loket
    teams.start()
    second, teams.loket = teams.loket, first
    return second


def test_weekly_summary_once_per_week_with_two_runtimes(teams):
    teams.say(ANSWERABLE)
    other = second_runtime(teams)
    try:
        monday = next_monday()
        results = [jobs.make_scheduler(rt).run_once(monday) for rt in (teams.loket.runtime, other.runtime)]
        weeks = [r["teams_weekly_summary"] for r in results]
        assert sorted(weeks, key=str) == sorted([None, week_of(datetime.now(ZoneInfo(TZ)), TZ)], key=str)
        [post] = summaries_in_core_channel(teams, teams.loket.runtime, other.runtime)
        [image] = [e for e in post.card["body"] if e.get("type") == "Image"]
        assert image["url"].startswith("data:image/png;base64,")
        assert "Vragen" in post.texts
        assert jobs.post_weekly_summary(other.runtime, monday + timedelta(hours=2)) is None  # never again
        assert len(summaries_in_core_channel(teams)) == 1
        week = weeks[0] or weeks[1]
        assert WeeklyRuns(teams.store, owner="test").status(f"{week}@teams") == POSTED
    finally:
        other.stop()


def test_slack_claiming_the_week_does_not_stop_teams(teams):
    teams.say(ANSWERABLE)
    monday = next_monday()
    week = week_of(datetime.now(ZoneInfo(TZ)), TZ)
    assert WeeklyRuns(teams.store, owner="slack-replica").claim(week, now=monday) is not None  # Slack's claim
    assert jobs.post_weekly_summary(teams.loket.runtime, monday) == week
    assert len(eventually(lambda: summaries_in_core_channel(teams))) == 1


def test_nothing_before_monday_nine_or_before_loket_was_used(teams):
    assert jobs.post_weekly_summary(teams.loket.runtime, next_monday()) is None  # no question ever
    teams.say(ANSWERABLE)
    assert jobs.post_weekly_summary(teams.loket.runtime, next_monday(hour=8)) is None
    assert summaries_in_core_channel(teams) == []


def test_the_chart_is_shrunk_under_teams_message_limit(teams):
    teams.say(ANSWERABLE)
    summary = build_summary(teams.store, week_of(datetime.now(ZoneInfo(TZ)), TZ), tz=TZ)
    full = cm.summary_card(summary, chart_png=render_png(summary))
    assert cm.payload_size(full) > MAX_MESSAGE_BYTES  # the chart as Slack uploads it would get a 413
    fitted = jobs.summary_attachment(summary)
    assert cm.payload_size(fitted) <= cm.MESSAGE_BUDGET < MAX_MESSAGE_BYTES
    assert any(e.get("type") == "Image" for e in fitted["content"]["body"])
    without = cm.summary_card_within(summary, [render_png(summary)])
    assert not any(e.get("type") == "Image" for e in without["content"]["body"])
    assert any("loket summary --chart" in e.get("text", "") for e in without["content"]["body"])


def test_fake_connector_refuses_a_message_over_the_limit_like_teams(teams):
    teams.say(ANSWERABLE)
    summary = build_summary(teams.store, week_of(datetime.now(ZoneInfo(TZ)), TZ), tz=TZ)
    rt = teams.loket.runtime
    jobs.remember_channels(rt, rt.clock())
    reference = rt.book.get(rt.core_key).reference
    try:
        teams.loket.call(rt.sender.send_card(reference, CORE_CHANNEL, cm.summary_card(summary, chart_png=render_png(summary))))
        raise AssertionError("a message over 28 KB was accepted")
    except Exception as e:  # noqa: BLE001
        assert getattr(e, "status", None) == 413
    assert teams.connector.refused[-1][1] == 413


def test_sla_reminder_in_the_core_thread_once(teams):
    thread, root = escalate(teams)
    other = second_runtime(teams)
    try:
        later = datetime.now(ZoneInfo(TZ)) + timedelta(days=3)
        counts = [jobs.send_reminders(rt, later) for rt in (teams.loket.runtime, other.runtime)]
        assert sorted(counts) == [0, 1]
        with teams.store.tx() as tx:  # queued "3 days from now": due at once for this test
            tx.session.query(OutboxPost).update({"next_attempt_at": datetime.now(timezone.utc)})
        teams.loket.call(teams.loket.runtime.deliver_outbox())
        [reminder] = [s for s in teams.connector.to(thread) if any("wacht al" in t for t in s.texts)]
        assert any("#1" in t and "Wie pakt hem op?" in t for t in reminder.texts)
        assert split_thread(thread) == (CORE_CHANNEL, root)
        assert jobs.send_reminders(teams.loket.runtime, later) == 0  # not twice for the same moment
    finally:
        other.stop()


def test_knowledge_base_updates_go_to_the_updates_channel(teams):
    teams.stop()
    teams.settings = teams.settings.with_(teams_updates_channel=UPDATES_CHANNEL)
    teams.connector.channels.add(UPDATES_CHANNEL)
    teams.start()
    teams.say(ANSWERABLE)  # Loket knows the tenant's serviceUrl from here on
    changes = [DocChange(path="a.md", change="nieuw", title="Handreiking opvanglocaties", url="https://example.org/a",
                         updated="2026-11-20"),
               DocChange(path="b.md", change="bijgewerkt", title="Financiële kaders")]
    assert queue_updates(teams.settings, teams.store, changes) is not None
    assert queue_updates(teams.settings, teams.store, changes) is None  # the same changes: one post
    rt = teams.loket.runtime
    jobs.make_scheduler(rt).run_once()  # remembers the updates channel
    teams.loket.call(rt.deliver_outbox())
    [post] = teams.connector.to(UPDATES_CHANNEL)
    assert any(t.startswith("📚 Nieuw in de kennisbank (1 nieuw, 1 bijgewerkt)") for t in post.texts)
    assert "• Handreiking opvanglocaties (bron van 2026-11-20)" in post.texts
    assert not teams.connector.to(PRT_CHANNEL)


def test_each_adapter_reminds_only_its_own_escalations():
    from bot.core.escalations.reminders import Reminder
    from bot.slack.monitoring_notices import reminder_notice as slack_notice
    from bot.teams.notices import reminder_notice as teams_notice

    def reminder(channel: str) -> Reminder:
        return Reminder(number=1, count=1, core_channel_id=channel, core_ts="123", created_at=datetime.now(timezone.utc),
                        waiting_working_hours=9.0, sla_hours=8.0)

    teams_channel, slack_channel = "t:0123456789abcdef01234567", "CKERNTEAM1"
    assert slack_notice(reminder(teams_channel)) is None and teams_notice(reminder(slack_channel)) is None
    assert slack_notice(reminder(slack_channel)).channel_id == slack_channel
    assert teams_notice(reminder(teams_channel)).channel_id == teams_channel


def test_index_build_announce_queues_the_card_for_the_teams_server(teams, tmp_path, monkeypatch, capsys):
    from bot.cli import main

    src = tmp_path / "kb"
    src.mkdir()
    (src / "buurtbus.md").write_text("---\ntitle: Buurtbus\ntheme: overig\nupdated: 2026-02-01\n---\n# Buurtbus\n\n"
                                     "## Inhoud\n\nDe buurtbus rijdt op dinsdag.\n")
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    for name, value in {"LOKET_DATA_DIR": str(tmp_path / "cli-data"), "LOKET_TEAMS_UPDATES_CHANNEL": UPDATES_CHANNEL,
                        "LOKET_DATABASE_URL": f"sqlite:///{tmp_path / 'loket.db'}"}.items():  # the server's database
        monkeypatch.setenv(name, value)
    assert main(["index", "build", "--source", str(src), "--announce"]) == 0
    assert "Teams-server plaatst hem" in capsys.readouterr().err
    teams.stop()
    teams.settings = teams.settings.with_(teams_updates_channel=UPDATES_CHANNEL)
    teams.connector.channels.add(UPDATES_CHANNEL)
    teams.start()
    teams.say(ANSWERABLE)
    rt = teams.loket.runtime
    jobs.make_scheduler(rt).run_once()
    teams.loket.call(rt.deliver_outbox())
    [post] = teams.connector.to(UPDATES_CHANNEL)
    assert "• Buurtbus (bron van 2026-02-01)" in post.texts


def test_announce_with_no_channel_at_all_says_what_to_set(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    src = tmp_path / "kb"
    src.mkdir()
    (src / "a.md").write_text("---\ntitle: A\n---\n# A\n\nTekst over de buurtbus.\n")
    for name in ("SLACK_BOT_TOKEN", "LOKET_UPDATES_CHANNEL", "LOKET_TEAMS_UPDATES_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOKET_DATA_DIR", str(tmp_path / "data"))
    assert main(["index", "build", "--source", str(src), "--announce"]) == 1
    err = capsys.readouterr().err
    assert "LOKET_UPDATES_CHANNEL" in err and "LOKET_TEAMS_UPDATES_CHANNEL" in err
