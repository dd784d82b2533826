"""The signal form (from the ``signaal`` command and from the message action) and the plan
form: invoke activities answered in the HTTP response, the signal stored and shown in the
core channel."""
from __future__ import annotations

from bot.core.monitoring import taxonomy as tx_
from bot.teams import cards_monitoring as cm
from bot.teams.dialogs import SIGNAL_COMMAND_ID

from .conftest import ASKER, CORE_CHANNEL, CORE_MEMBER, CORE_MEMBER_AAD, PERSONAL, eventually
from .monitoring_helpers import as_core, inputs, invoke, submit_data
from .test_escalation_relay import escalate

LINK = "https://teams.microsoft.com/l/message/19%3Aprt-utrecht%40thread.tacv2/1800000000555"


def _form(body) -> dict:
    assert body["task"]["type"] == "continue", body
    return body["task"]["value"]["card"]["content"]


def _signals(teams):
    return teams.loket.runtime.monitoring.signals.list()


def _core_channel_posts(teams):
    teams.loket.call(teams.loket.runtime.deliver_outbox())
    return teams.connector.to(CORE_CHANNEL)


def test_signal_command_opens_the_form_and_submitting_stores_the_signal(teams):
    teams.say("signaal")
    [reply] = teams.connector.to(PERSONAL)
    [button] = reply.actions
    assert button["data"]["msteams"] == {"type": "task/fetch"}
    status, body = invoke(teams, "task/fetch", {"data": button["data"], "context": {"theme": "default"}})
    assert status == 200
    form = _form(body)
    fields = inputs(form)
    assert [c["value"] for c in fields["kind"]["choices"]] == list(tx_.KINDS)  # the same taxonomy as Slack
    assert [c["value"] for c in fields["province"]["choices"]] == list(tx_.REGIONS)
    assert [c["value"] for c in fields["theme"]["choices"]] == list(tx_.THEMES)
    data = submit_data(form, kind="risico", title="Te weinig opvangplekken", province="Utrecht", severity="hoog",
                       description="Gemeente X haakt af.")
    status, body = invoke(teams, "task/submit", {"data": data})
    assert status == 200 and body["task"]["type"] == "message"
    assert body["task"]["value"].startswith("Signaal S1 is gelogd")
    [signal] = _signals(teams)
    assert (signal.title, signal.kind, signal.province, signal.severity, signal.created_by) == (
        "Te weinig opvangplekken", "risico", "Utrecht", "hoog", ASKER)
    [post] = eventually(lambda: _core_channel_posts(teams))
    assert "Nieuw signaal S1" in post.texts and "Gemeente X haakt af." in post.texts


def test_a_refused_form_comes_back_with_the_problem_and_stores_nothing(teams):
    form = cm.signal_form(cm.SignalDraft())["content"]
    status, body = invoke(teams, "task/submit", {"data": submit_data(form, title="  ")})
    assert status == 200
    again = _form(body)
    assert any(e.get("text") == "Geef het signaal een titel." for e in again["body"])
    assert _signals(teams) == []


def test_message_action_prefills_the_form_from_the_message(teams):
    payload = {"id": "1800000000555", "body": {"contentType": "html",
                                                "content": "<p>Te weinig <b>locaties</b> &amp; plekken</p><p>Details volgen.</p>"},
               "from": {"user": {"id": "aad-writer", "displayName": "Schrijver"}}, "linkToMessage": LINK}
    value = {"commandId": SIGNAL_COMMAND_ID, "commandContext": "message", "messagePayload": payload}
    status, body = invoke(teams, "composeExtension/fetchTask", value, user=CORE_MEMBER, aad=CORE_MEMBER_AAD)
    assert status == 200
    form = _form(body)
    assert inputs(form)["title"]["value"].startswith("Te weinig locaties & plekken")
    assert "Details volgen." in inputs(form)["description"]["value"]
    data = submit_data(form, kind="issue")
    status, body = invoke(teams, "composeExtension/submitAction",
                          {"commandId": SIGNAL_COMMAND_ID, "commandContext": "message", "data": data,
                           "messagePayload": payload}, user=CORE_MEMBER, aad=CORE_MEMBER_AAD)
    assert body["task"]["value"].startswith("Signaal S1 is gelogd")
    [signal] = _signals(teams)
    assert signal.source_permalink == LINK and signal.source_user_id == "aad-writer"
    assert signal.title.startswith("Te weinig locaties & plekken")


def test_message_action_in_an_escalation_thread_links_the_escalation(teams):
    thread, root = escalate(teams)
    value = {"commandId": SIGNAL_COMMAND_ID, "commandContext": "message",
             "messagePayload": {"id": root, "body": {"contentType": "html", "content": "<p>#1</p>"}}}
    status, body = invoke(teams, "composeExtension/fetchTask", value, user=CORE_MEMBER, aad=CORE_MEMBER_AAD,
                          conversation=thread, kind="channel", channel=CORE_CHANNEL)
    form = _form(body)
    assert inputs(form)["title"]["value"].startswith("Vraag #1:")
    invoke(teams, "composeExtension/submitAction", {"commandId": SIGNAL_COMMAND_ID, "data": submit_data(form)},
           user=CORE_MEMBER, aad=CORE_MEMBER_AAD, conversation=thread, kind="channel", channel=CORE_CHANNEL)
    [signal] = _signals(teams)
    assert signal.escalations == (1,)


def test_signal_from_someone_elses_escalation_is_refused(teams):
    escalate(teams)
    status, body = invoke(teams, "task/fetch", {"data": {"loket": cm.SIGNAL_FORM, "escalation": 1}},
                          user="29:1someone-else", aad=None)
    assert body["task"]["type"] == "message" and "Alleen de vrager" in body["task"]["value"]


def test_plan_form_updates_the_plan_for_the_core_team_only(teams):
    fetch = {"data": {"msteams": {"type": "task/fetch"}, "loket": cm.PLAN_FORM, "province": "Utrecht"}}
    status, body = invoke(teams, "task/fetch", fetch)
    assert body["task"]["type"] == "message" and "kernteam" in body["task"]["value"]
    core = as_core(teams)
    status, body = invoke(teams, "task/fetch", fetch, **core)
    form = _form(body)
    assert inputs(form)["state"]["value"] == "niet_gestart"
    status, body = invoke(teams, "task/submit", {"data": submit_data(form, state="concept",
                                                                     next_milestone="GS-besluit")}, **core)
    assert body["task"] == {"type": "message", "value": "Het plan van Utrecht is bijgewerkt."}
    plan = teams.loket.runtime.monitoring.plans.get("Utrecht")
    assert (plan.state, plan.next_milestone, plan.updated_by) == ("concept", "GS-besluit", CORE_MEMBER)


def test_signal_card_buttons_change_status_and_escalate_for_the_core_team(teams):
    teams.say("signaal")
    form = _form(invoke(teams, "task/fetch", {"data": teams.connector.to(PERSONAL)[-1].actions[0]["data"]})[1])
    invoke(teams, "task/submit", {"data": submit_data(form, title="Geen vervoer naar locatie")})
    [post] = eventually(lambda: _core_channel_posts(teams))
    buttons = {a["title"]: a["data"] for a in post.actions}
    assert set(buttons) == {"Status wijzigen", "Escaleer naar LRT"}
    refused = invoke(teams, "task/fetch", {"data": buttons["Status wijzigen"]})[1]
    assert refused["task"]["type"] == "message" and "kernteam" in refused["task"]["value"]
    core = {"user": CORE_MEMBER, "aad": CORE_MEMBER_AAD, "conversation": teams.in_channel(CORE_CHANNEL, post.activity_id),
            "kind": "channel", "channel": CORE_CHANNEL}
    status_form = _form(invoke(teams, "task/fetch", {"data": buttons["Status wijzigen"]}, **core)[1])
    assert "geescaleerd" not in [c["value"] for c in inputs(status_form)["status"]["choices"]]
    body = invoke(teams, "task/submit", {"data": submit_data(status_form, status="in_behandeling",
                                                             note="Gebeld met de gemeente")}, **core)[1]
    assert body["task"]["value"] == "Signaal S1 staat nu op 'In behandeling'."
    lrt_form = _form(invoke(teams, "task/fetch", {"data": buttons["Escaleer naar LRT"]}, **core)[1])
    body = invoke(teams, "task/submit", {"data": submit_data(lrt_form)}, **core)[1]
    assert "geëscaleerd naar LRT" in body["task"]["value"]
    signal = teams.loket.runtime.monitoring.signals.get(1)
    assert signal.status == "geescaleerd" and signal.lrt_escalated_by == CORE_MEMBER
    assert any(c.field == "note" and c.new_value == "Gebeld met de gemeente" for c in signal.history)


def test_dialogs_of_other_features_are_not_claimed(teams):
    status, _ = invoke(teams, "task/fetch", {"data": {"loket": "iets_anders"}})
    assert status == 501  # the SDK's answer for an invoke nobody answered: free for another handler
    status, _ = invoke(teams, "composeExtension/fetchTask", {"commandId": "andereActie", "commandContext": "message"})
    assert status == 501
