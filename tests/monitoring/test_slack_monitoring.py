"""Monitoring in Slack, for real: signed requests to the running app, the fake Web API behind it."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.core.escalations.sla import add_working_hours
from bot.core.monitoring.signals import SignalRegister
from bot.core.monitoring.weekly import WeeklyRuns
from bot.slack import action_ids
from bot.slack.monitoring import Monitoring
from bot.slack.monitoring_jobs import post_weekly_summary, send_reminders
from slack_adapter.conftest import (
    ANSWERABLE, ASKER, CHANNEL, CORE, CORE_MEMBER, CORE_MEMBER_2, OUTSIDER, UNANSWERABLE, Harness, eventually,
)

from .factories import add_question, local
from .slack_helpers import choose, home_click, open_home, shortcut, slash, submit

LRT = "CLANDELIJK"


def opened_view(loket: Harness, callback_id: str, count: int = 1) -> dict:
    return loket.fake.wait_for_form(callback_id, count=count)


def _view(call) -> dict:
    view = call.get("view")
    return json.loads(view) if isinstance(view, str) else view


def initial(view: dict, block_id: str):
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    element = block["element"]
    return (element.get("initial_option") or {}).get("value") or element.get("initial_value")


def register_of(loket: Harness) -> SignalRegister:
    return SignalRegister(loket.service.store, is_core=lambda u: u in (CORE_MEMBER, CORE_MEMBER_2))


def log_signal(loket: Harness, *, user: str = ASKER, title: str = "Te weinig locaties in de regio") -> dict:
    """/signaal and a filled-in form; returns the signal's post in the core channel."""
    before = len(loket.fake.forms(action_ids.SIGNAL_MODAL))
    assert slash(loket, "/signaal", "", user=user, channel=CHANNEL).status == 200
    view = opened_view(loket, action_ids.SIGNAL_MODAL, count=before + 1)
    resp = submit(loket, view, {"kind": "risico", "title": title, "description": "Twee gemeenten haken af.",
                                "province": "Utrecht", "theme": "opvanglocaties", "severity": "hoog"}, user=user)
    assert resp.status == 200 and not resp.body  # accepted: the modal closes
    return loket.fake.wait_for("chat.postMessage", lambda c: title in c.all_text(), channel=CORE)[0]


def test_signal_command_opens_the_form_and_the_submission_logs_the_signal(loket: Harness):
    post = log_signal(loket)
    [signal] = register_of(loket).list()
    assert (signal.kind, signal.province, signal.theme, signal.severity, signal.status, signal.created_by) == (
        "risico", "Utrecht", "opvanglocaties", "hoog", "nieuw", ASKER)
    assert post.action_ids() == [action_ids.SIGNAL_STATUS, action_ids.SIGNAL_OWNER, action_ids.SIGNAL_LRT]
    thanks = loket.fake.wait_for("chat.postEphemeral", user=ASKER, channel=CHANNEL)[0]
    assert "S1" in thanks.all_text()


def test_an_invalid_form_gets_errors_on_its_fields(loket: Harness):
    slash(loket, "/signaal", "", user=ASKER, channel=CHANNEL)
    view = opened_view(loket, action_ids.SIGNAL_MODAL)
    resp = submit(loket, view, {"kind": "risico", "title": "   ", "province": "Utrecht", "theme": "overig",
                                "severity": "laag"}, user=ASKER)
    assert resp.status == 200
    assert resp.json() == {"response_action": "errors", "errors": {"title": "Geef het signaal een titel."}}
    loket.fake.settle()
    assert register_of(loket).list() == []


def test_log_as_signal_on_a_message_prefills_the_form_and_links_the_message(loket: Harness):
    message = {"type": "message", "ts": "1690000000.000777", "user": OUTSIDER,
               "text": "<!here> Gemeente X trekt zich terug uit de regionale opvang\nBesluit volgt dinsdag."}
    assert shortcut(loket, action_ids.SIGNAL_SHORTCUT, user=CORE_MEMBER, channel=CHANNEL, message=message).status == 200
    view = opened_view(loket, action_ids.SIGNAL_MODAL)
    assert initial(view, "title") == "@here Gemeente X trekt zich terug uit de regionale opvang"
    assert initial(view, "description").endswith("Besluit volgt dinsdag.")
    permalink = f"https://loket-test.slack.com/archives/{CHANNEL}/p1690000000000777"
    assert json.loads(view["private_metadata"])["source_permalink"] == permalink
    submit(loket, view, {"kind": "issue", "province": "Utrecht", "theme": "op_afschaling", "severity": "middel"},
           user=CORE_MEMBER)
    signal = eventually(lambda: (register_of(loket).list() or [None])[0])
    assert (signal.source_channel_id, signal.source_ts, signal.source_permalink) == (CHANNEL, message["ts"], permalink)
    post = loket.fake.wait_for("chat.postMessage", lambda c: "Gemeente X" in c.all_text(), channel=CORE)[0]
    assert "<!here>" not in post.all_text()  # echoed text pings nobody


def test_an_escalation_becomes_a_signal_from_its_post_or_by_number(loket: Harness):
    loket.mention(UNANSWERABLE)
    core_post = loket.core_post()
    eventually(lambda: loket.service.escalation(1).posted)
    message = {"type": "message", "ts": core_post.ts, "user": "UBOT", "text": "Vraag #1"}
    shortcut(loket, action_ids.SIGNAL_SHORTCUT, user=CORE_MEMBER, channel=CORE, message=message)
    view = opened_view(loket, action_ids.SIGNAL_MODAL)
    assert json.loads(view["private_metadata"])["escalations"] == [1]
    assert initial(view, "title").startswith("Vraag #1: Wat is de hoofdstad van Canada")
    submit(loket, view, {}, user=CORE_MEMBER)
    signal = eventually(lambda: (register_of(loket).list() or [None])[0])
    assert signal.escalations == (1,)
    slash(loket, "/signaal", "#1", user=CORE_MEMBER, channel=CORE)
    assert json.loads(opened_view(loket, action_ids.SIGNAL_MODAL, count=2)["private_metadata"])["escalations"] == [1]
    slash(loket, "/signaal", "#99", user=CORE_MEMBER, channel=CORE)
    loket.fake.wait_for("private", lambda c: "Escalatie #99 ken ik niet" in c.all_text(), user=CORE_MEMBER)


def test_only_core_members_change_a_signal_in_slack(loket: Harness):
    post = log_signal(loket)
    where = dict(channel=CORE, message_ts=post.ts, block_id="signal-1")
    choose(loket, action_ids.SIGNAL_STATUS, user=OUTSIDER, option="afgesloten", **where)
    choose(loket, action_ids.SIGNAL_OWNER, user=ASKER, selected_user=ASKER, **where)
    refusals = loket.fake.wait_for("chat.postEphemeral", lambda c: "kernteam" in c.all_text(), channel=CORE, count=2)
    assert {c.get("user") for c in refusals} == {OUTSIDER, ASKER}
    signal = register_of(loket).get(1)
    assert (signal.status, signal.owner, len(signal.history)) == ("nieuw", None, 1)  # nothing changed

    choose(loket, action_ids.SIGNAL_STATUS, user=CORE_MEMBER, option="in_behandeling", **where)
    eventually(lambda: register_of(loket).get(1).status == "in_behandeling")
    choose(loket, action_ids.SIGNAL_OWNER, user=CORE_MEMBER, selected_user=CORE_MEMBER_2, **where)
    eventually(lambda: register_of(loket).get(1).owner == CORE_MEMBER_2)
    update = loket.fake.wait_for("chat.update", lambda c: f"<@{CORE_MEMBER_2}>" in c.all_text(), channel=CORE,
                                 ts=post.ts)[-1]
    assert "In behandeling" in update.all_text()
    history = [(c.actor, c.field) for c in register_of(loket).get(1).history]
    assert history == [(ASKER, "created"), (CORE_MEMBER, "status"), (CORE_MEMBER, "owner")]


def test_escalating_a_signal_posts_it_once_in_the_lrt_channel(start_loket):
    loket = start_loket(lrt_channel=LRT)
    post = log_signal(loket)
    where = dict(channel=CORE, message_ts=post.ts, block_id="signal-1", value="1")
    choose(loket, action_ids.SIGNAL_LRT, user=OUTSIDER, **where)
    loket.fake.wait_for("chat.postEphemeral", user=OUTSIDER)
    choose(loket, action_ids.SIGNAL_LRT, user=CORE_MEMBER, **where)
    announcement = loket.fake.wait_for("chat.postMessage", channel=LRT)[0]
    assert "geëscaleerd naar de LRT" in announcement.all_text() and "Te weinig locaties" in announcement.all_text()
    assert f"<@{CORE_MEMBER}>" in announcement.all_text()
    signal = eventually(lambda: register_of(loket).get(1))
    assert (signal.status, signal.lrt_channel_id, signal.lrt_escalated_by) == ("geescaleerd", LRT, CORE_MEMBER)
    choose(loket, action_ids.SIGNAL_LRT, user=CORE_MEMBER_2, **where)  # again: refused, not posted twice
    loket.fake.wait_for("chat.postEphemeral", lambda c: "al geëscaleerd" in c.all_text(), user=CORE_MEMBER_2)
    loket.fake.settle()
    assert len(loket.fake.calls_to("chat.postMessage", channel=LRT)) == 1


def test_plan_commands_and_the_plan_form(loket: Harness):
    slash(loket, "/loket", "plan", user=ASKER, channel=CHANNEL)
    listing = loket.fake.wait_for("private", user=ASKER, channel=CHANNEL)[0]
    assert "Provinciale plannen" in listing.all_text() and "Zeeland" in listing.all_text()
    slash(loket, "/loket", "plan utrecht", user=ASKER, channel=CHANNEL)
    loket.fake.wait_for("private", lambda c: "kernteam" in c.all_text(), user=ASKER)
    slash(loket, "/loket", "plan Utrecht", user=CORE_MEMBER, channel=CHANNEL)
    view = opened_view(loket, action_ids.PLAN_MODAL)
    bad = submit(loket, view, {"state": None, "note": "mag niet blijven staan"}, user=CORE_MEMBER)
    assert bad.json()["response_action"] == "errors"
    loket.fake.settle()
    assert Monitoring(deps=loket.deps, settings=loket.runtime.settings).plans.get("Utrecht").history == ()
    ok = submit(loket, view, {"state": "ingediend", "next_milestone": "Besluit LRT", "milestone_date": "2026-12-15"},
                user=CORE_MEMBER)
    assert ok.status == 200 and not ok.body
    loket.fake.wait_for("views.publish", user_id=CORE_MEMBER)  # the App Home shows the new state
    plan = Monitoring(deps=loket.deps, settings=loket.runtime.settings).plans.get("Utrecht")
    assert (plan.state, plan.next_milestone, plan.milestone_date.isoformat(), plan.updated_by) == (
        "ingediend", "Besluit LRT", "2026-12-15", CORE_MEMBER)
    loket.fake.settle()
    # none of these was taken for a question: nothing was posted in the channel
    assert loket.fake.calls_to("chat.postMessage", channel=CHANNEL) == []


def test_summary_command_is_for_the_core_team(loket: Harness):
    slash(loket, "/loket", "overzicht", user=ASKER, channel=CHANNEL)
    loket.fake.wait_for("private", lambda c: "kernteam" in c.all_text(), user=ASKER)
    slash(loket, "/loket", "overzicht 2026-W48", user=CORE_MEMBER, channel=CHANNEL)
    summary = loket.fake.wait_for("private", user=CORE_MEMBER)[0]
    assert "weekoverzicht week 48" in summary.all_text() and "Provinciale plannen" in summary.all_text()
    slash(loket, "/loket", "overzicht week48", user=CORE_MEMBER, channel=CHANNEL)
    assert "2026-W48" in loket.fake.wait_for("private", user=CORE_MEMBER, count=2)[-1].all_text()


def test_app_home_for_a_participant_and_for_the_core_team(loket: Harness):
    ts = loket.mention(ANSWERABLE)
    loket.answer_in(CHANNEL, ts)
    open_home(loket, ASKER)
    home = loket.fake.wait_for("views.publish", user_id=ASKER)[0]
    text = json.dumps(home.get("view"), ensure_ascii=False)
    assert "Jouw laatste vragen" in text and "e-mailadres" in text and "beantwoord door Loket" in text
    assert "Open signalen" not in text and action_ids.HOME_EDIT_PLAN not in text
    assert "Loket is het kennis" in text.replace("*", "")  # the adapter's help is still there

    loket.mention(UNANSWERABLE, user=ASKER)
    eventually(lambda: _posted(loket, 1))
    log_signal(loket, user=CORE_MEMBER)
    open_home(loket, CORE_MEMBER)
    core = loket.fake.wait_for("views.publish", user_id=CORE_MEMBER)[0]
    text = json.dumps(core.get("view"), ensure_ascii=False)
    assert "Open escalaties* (1" in text and "#1" in text and "Canada" in text
    assert "Open signalen* (1)" in text and "Te weinig locaties" in text
    assert text.count(action_ids.HOME_EDIT_PLAN) == 12
    home_click(loket, action_ids.HOME_EDIT_PLAN, "Zeeland", user=CORE_MEMBER)
    assert opened_view(loket, action_ids.PLAN_MODAL)["title"]["text"] == "Plan Zeeland"
    home_click(loket, action_ids.HOME_EDIT_PLAN, "Zeeland", user=ASKER)
    loket.fake.settle()
    assert len(loket.fake.forms()) == 2  # the signal form and one plan form: not for the asker


def _posted(loket: Harness, number: int):
    """The escalation once it is posted in the core channel (None before)."""
    try:
        esc = loket.service.escalation(number)
    except KeyError:
        return None
    return esc if esc.posted else None


@pytest.fixture
def monitoring(loket: Harness) -> Monitoring:
    return Monitoring(deps=loket.deps, settings=loket.runtime.settings)


def test_weekly_summary_is_posted_once_with_its_chart(loket: Harness, monitoring: Monitoring):
    monday = local(2026, 11, 30, 9, 0, 30)
    assert post_weekly_summary(monitoring, monday) is None  # Loket was not in use yet: nothing to summarise
    add_question(loket.service.store, local(2026, 11, 25, 11))
    assert post_weekly_summary(monitoring, monday - timedelta(minutes=1)) is None  # 08:59: not yet
    assert post_weekly_summary(monitoring, monday) == "2026-W48"
    message = loket.fake.wait_for("chat.postMessage", channel=CORE)[0]
    assert message.blocks[0]["type"] == "header" and "week 48" in message.blocks[0]["text"]["text"]
    assert "Gesteld: 1" in message.all_text()
    assert message.get("metadata")["event_payload"]["key"] == "weekly-summary:2026-W48"
    [chart] = loket.fake.files.values()
    assert chart["channel"] == CORE and chart["data"].startswith(b"\x89PNG") and chart["filename"].endswith("W48.png")
    # the next rounds, a restart and a second replica: nothing more
    other = Monitoring(deps=loket.deps, settings=loket.runtime.settings)
    for when in (monday + timedelta(minutes=1), monday + timedelta(hours=5), monday + timedelta(days=6)):
        assert post_weekly_summary(monitoring, when) is None and post_weekly_summary(other, when) is None
    assert len(loket.fake.calls_to("chat.postMessage", channel=CORE)) == 1 and len(loket.fake.files) == 1
    assert post_weekly_summary(other, monday + timedelta(days=7)) == "2026-W49"


def test_a_summary_interrupted_after_its_message_only_gets_its_chart(loket: Harness, monitoring: Monitoring):
    monday = local(2026, 11, 30, 9, 1)
    add_question(loket.service.store, local(2026, 11, 25, 11))
    loket.fake.fail_next("files.getUploadURLExternal", status=200, error="internal_error")
    assert post_weekly_summary(monitoring, monday) is None  # the message went out, the chart did not
    assert len(loket.fake.calls_to("chat.postMessage", channel=CORE)) == 1 and not loket.fake.files
    assert WeeklyRuns(loket.service.store, "x").status("2026-W48") == "posting"
    assert post_weekly_summary(monitoring, monday + timedelta(minutes=2)) is None  # waits for the retry pause
    assert post_weekly_summary(monitoring, monday + timedelta(minutes=6)) == "2026-W48"
    assert len(loket.fake.calls_to("chat.postMessage", channel=CORE)) == 1 and len(loket.fake.files) == 1


def test_sla_reminder_in_the_core_thread_once_then_daily(loket: Harness, monitoring: Monitoring):
    loket.mention(UNANSWERABLE)
    post = loket.core_post()
    esc = eventually(lambda: _posted(loket, 1))
    due = add_working_hours(esc.created_at, 8)
    moments = iter([due - timedelta(minutes=1), due + timedelta(minutes=1)])
    assert send_reminders(monitoring, _at(loket, next(moments))) == 0
    assert send_reminders(monitoring, _at(loket, next(moments))) == 1
    reminder = loket.fake.wait_for("chat.postMessage", lambda c: "nog niet opgepakt" in c.all_text(), channel=CORE,
                                   thread_ts=post.ts)[0]
    assert "#1" in reminder.all_text()
    assert send_reminders(monitoring, _at(loket, due + timedelta(minutes=30))) == 0
    next_day = add_working_hours(due + timedelta(minutes=1), 8) + timedelta(minutes=1)
    assert send_reminders(monitoring, _at(loket, next_day)) == 1
    loket.fake.wait_for("chat.postMessage", lambda c: "Herinnering 2" in c.all_text(), channel=CORE, thread_ts=post.ts)
    loket.click(action_ids.CLAIM, "1", user=CORE_MEMBER, channel=CORE, message_ts=post.ts)
    eventually(lambda: loket.service.escalation(1).status == "claimed")
    assert send_reminders(monitoring, _at(loket, next_day + timedelta(days=3))) == 0


def _at(loket: Harness, moment):
    """Move the service's clock (the outbox sends what is due by it) to ``moment``."""
    loket.service.clock = lambda: moment
    return moment


def test_manifest_declares_the_monitoring_command_shortcut_and_upload_scope():
    import yaml

    from conftest import REPO

    manifest = yaml.safe_load((REPO / "manifest.yaml").read_text(encoding="utf-8"))
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    shortcuts = {s["callback_id"]: s["type"] for s in manifest["features"]["shortcuts"]}
    assert {action_ids.COMMAND, action_ids.SIGNAL_COMMAND} <= commands
    assert shortcuts == {action_ids.SIGNAL_SHORTCUT: "message"}
    assert {"commands", "files:write", "chat:write"} <= set(manifest["oauth_config"]["scopes"]["bot"])
