"""The network function in Slack, over signed HTTP against the loopback fake Web API.

/deskundige, "wie weet er iets van …?", expert suggestions on escalations, "Doorverwijzen"
(group DM or the asker's thread), lessons and announcements from Slack found by later
questions, requests for practical support.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.slack import action_ids
from bot.store.models import KnowledgeItem, Referral, SupportRequest
from monitoring.slack_helpers import slash, submit
from slack_adapter.conftest import ASKER, CHANNEL, CORE, CORE_MEMBER, OUTSIDER, Harness, eventually

EXPERT = "UEXPERT1"
UPDATES = "CUPDATES"
DIRECTORY = f"""\
- id: deskundige-flexwonen
  name: Deskundige flexwonen
  organisation: ministerie van BZK
  role: Beleidsadviseur woningmarkt
  themes: [flexibele opvangvormen en woningmarkt]
  provinces: [landelijk]
  description: Flexwonen, tijdelijke woningen en contractvormen; opvang die ook spoedzoekers kunnen gebruiken.
  slack_user_id: {EXPERT}
  email: flex@example.org
- id: deskundige-financien
  name: Deskundige financiën
  organisation: ministerie van J&V
  role: Adviseur financiën en recht
  themes: [financiële en juridische kaders]
  provinces: [landelijk]
  description: Subsidieregelingen en financiering van opvanglocaties; juridische vragen.
  email: geld@example.org
"""
FLEX_QUESTION = "Welke contractvorm past bij flexwonen voor statushouders en spoedzoekers in Amersfoort?"
MONEY_QUESTION = "Welke subsidie kan de gemeente Houten krijgen voor een tijdelijke opvanglocatie?"
LESSON = {"title": "Omwonenden vroeg betrekken bij een nieuwe opvanglocatie",
          "text": "In Gelderland organiseerde de gemeente Apeldoorn drie inloopavonden voor omwonenden voordat het "
                  "besluit over de nieuwe opvanglocatie viel. Zo bleef het draagvlak groot. Les: informeer vóór het "
                  "besluit, niet erna.",
          "province": "Gelderland", "theme": "opvanglocaties"}


@pytest.fixture
def loket(start_loket, tmp_path: Path) -> Harness:
    experts = tmp_path / "experts.yaml"
    experts.write_text(DIRECTORY, encoding="utf-8")
    return start_loket(experts_file=experts, updates_channel=UPDATES)


def opened_view(loket: Harness, callback_id: str) -> dict:
    def views():
        return loket.fake.forms(callback_id)
    return eventually(views)[-1]


def _view(call) -> dict:
    view = call.get("view")
    return json.loads(view) if isinstance(view, str) else view


def private_note(loket: Harness, user: str, predicate) -> str:
    return loket.fake.wait_for("private", lambda c: predicate(c.all_text()), user=user)[-1].all_text()


def escalate(loket: Harness, question: str) -> tuple[str, object]:
    ts = loket.mention(question)
    loket.answer_in(CHANNEL, ts)
    post = loket.core_post(count=len(loket.fake.calls_to("chat.postMessage", channel=CORE)) or 1)
    eventually(lambda: loket.service.escalation(1).posted)
    return ts, post


def suggestion(loket: Harness, core_ts: str):
    loket.runtime.loop.run_once()  # the background loop: escalations posted since get their experts
    return loket.fake.wait_for("chat.postMessage", lambda c: "Deskundigen die kunnen helpen" in c.all_text(),
                               channel=CORE, thread_ts=core_ts)[0]


# -- finding experts -------------------------------------------------------------------------------
def test_deskundige_lists_matching_experts_only_to_the_asker(loket: Harness) -> None:
    assert slash(loket, "/deskundige", "flexwonen", user=ASKER, channel=CHANNEL).status == 200
    text = private_note(loket, ASKER, lambda t: "Deskundige flexwonen" in t)
    assert f"<@{EXPERT}>" in text and "<mailto:flex@example.org|flex@example.org>" in text
    assert "Waarom" in text and "Deskundige financiën" not in text
    assert not loket.fake.calls_to("chat.postMessage", channel=CHANNEL)  # nothing public

    usage = slash(loket, "/deskundige", "", user=ASKER, channel=CHANNEL)
    assert "/deskundige flexwonen" in usage.body.decode()  # the usage, in the acknowledgement itself
    slash(loket, "/loket", "deskundige subsidie voor een opvanglocatie", user=ASKER, channel=CHANNEL)
    assert "Deskundige financiën" in private_note(loket, ASKER, lambda t: "financiën" in t)


def test_who_knows_question_is_answered_with_experts(loket: Harness) -> None:
    ts = loket.mention("wie weet er iets van flexwonen?")
    answer = loket.answer_in(CHANNEL, ts)
    text = answer.all_text()
    assert "Deskundige flexwonen" in text and f"<@{EXPERT}>" in text
    assert answer.action_ids() == [action_ids.HELPFUL, action_ids.ESCALATE]
    assert not loket.fake.calls_to("chat.postMessage", channel=CORE)  # no escalation


# -- suggestions and referrals -----------------------------------------------------------------------
def test_escalation_gets_expert_suggestions_and_a_referral_introduces_asker_and_expert(loket: Harness) -> None:
    ts, post = escalate(loket, FLEX_QUESTION)
    hint = suggestion(loket, post.ts)
    assert "Deskundige flexwonen" in hint.all_text()
    assert {b["accessory"]["action_id"] for b in hint.blocks if b.get("accessory")} == {action_ids.REFER}
    loket.runtime.loop.run_once()
    loket.fake.settle()
    assert len(loket.fake.calls_to("chat.postMessage", channel=CORE, thread_ts=post.ts)) == 1  # once

    value = next(e["accessory"]["value"] for e in hint.blocks if "Deskundige flexwonen" in json.dumps(e, ensure_ascii=False)
                 and e.get("accessory"))
    loket.click(action_ids.REFER, value, user=OUTSIDER, channel=CORE, message_ts=hint.ts, thread_ts=post.ts)
    assert "alleen het kernteam" in private_note(loket, OUTSIDER, lambda t: "kernteam" in t)

    loket.click(action_ids.REFER, value, user=CORE_MEMBER, channel=CORE, message_ts=hint.ts, thread_ts=post.ts)
    opened = loket.fake.wait_for("conversations.open")[0]
    assert sorted(opened.get("users").split(",")) == sorted([ASKER, EXPERT])
    group = opened.response["channel"]["id"]
    intro = loket.fake.wait_for("chat.postMessage", channel=group)[0].all_text()
    assert f"<@{ASKER}>" in intro and f"<@{EXPERT}>" in intro and f"<@{CORE_MEMBER}>" in intro
    assert "Amersfoort" in intro  # the question, so the expert knows what it is about
    note = loket.fake.wait_for("chat.postMessage", lambda c: "in contact gebracht" in c.all_text(),
                               channel=CHANNEL, thread_ts=ts)[0]
    assert "Deskundige flexwonen" in note.all_text()
    core_note = loket.fake.wait_for("chat.postMessage", lambda c: "doorverwezen" in c.all_text(),
                                    channel=CORE, thread_ts=post.ts)[0]
    assert f"<@{CORE_MEMBER}>" in core_note.all_text()
    with loket.service.store.tx() as tx:
        referral = tx.session.query(Referral).one()
        assert (referral.escalation_id, referral.expert_id, referral.channel_id) == (1, "deskundige-flexwonen", group)

    loket.click(action_ids.REFER, value, user=CORE_MEMBER, channel=CORE, message_ts=hint.ts, thread_ts=post.ts)
    assert "al doorverwezen" in private_note(loket, CORE_MEMBER, lambda t: "al doorverwezen" in t)
    loket.fake.settle()
    assert len(loket.fake.calls_to("chat.postMessage", channel=group)) == 1


def test_an_expert_without_slack_is_introduced_in_the_asker_thread(loket: Harness) -> None:
    ts, post = escalate(loket, MONEY_QUESTION)
    hint = suggestion(loket, post.ts)
    value = next(b["accessory"]["value"] for b in hint.blocks if "Deskundige financiën" in json.dumps(b, ensure_ascii=False)
                 and b.get("accessory"))
    loket.click(action_ids.REFER, value, user=CORE_MEMBER, channel=CORE, message_ts=hint.ts, thread_ts=post.ts)
    intro = loket.fake.wait_for("chat.postMessage", lambda c: "verwijst je" in c.all_text(),
                                channel=CHANNEL, thread_ts=ts)[0].all_text()
    assert "<mailto:geld@example.org|geld@example.org>" in intro
    assert not loket.fake.calls_to("conversations.open")


# -- lessons learned and announcements ----------------------------------------------------------------
def test_a_lesson_saved_in_slack_is_found_by_a_later_question(loket: Harness) -> None:
    question = "Hoe zorg je voor draagvlak bij omwonenden voor een nieuwe opvanglocatie?"
    assert slash(loket, "/loket", "les", user=OUTSIDER, channel=CHANNEL).status == 200
    assert "alleen het kernteam" in private_note(loket, OUTSIDER, lambda t: "kernteam" in t)
    assert not loket.fake.forms()

    slash(loket, "/loket", "les", user=CORE_MEMBER, channel=CORE)
    view = opened_view(loket, action_ids.LESSON_MODAL)
    refused = submit(loket, view, {**LESSON, "text": " "}, user=CORE_MEMBER)
    assert json.loads(refused.body)["errors"]["text"]
    assert submit(loket, view, LESSON, user=CORE_MEMBER).status == 200
    saved = private_note(loket, CORE_MEMBER, lambda t: "opgeslagen" in t)
    assert f"<#{UPDATES}>" in saved
    shared = loket.fake.wait_for("chat.postMessage", channel=UPDATES)[0].all_text()
    assert "Lesson learned uit Gelderland" in shared and "inloopavonden" in shared

    ts = loket.mention(question)
    answer = loket.answer_in(CHANNEL, ts).all_text()
    assert "inloopavonden" in answer
    assert "Lesson learned uit Gelderland: Omwonenden vroeg betrekken bij een nieuwe opvanglocatie" in answer
    with loket.service.store.tx() as tx:
        item = tx.session.query(KnowledgeItem).one()
        assert (item.kind, item.province, item.channel_id) == ("les", "Gelderland", UPDATES)


def test_an_announcement_goes_to_the_updates_channel_and_becomes_searchable(loket: Harness) -> None:
    slash(loket, "/loket", "bericht De prognose van de opvangcapaciteit voor 2026 verschijnt op 15 april 2026.",
          user=CORE_MEMBER, channel=CORE)
    view = opened_view(loket, action_ids.ANNOUNCE_MODAL)
    assert "15 april 2026" in json.dumps(view)  # the text after "bericht" is filled in
    submit(loket, view, {"title": "Nieuwe prognose opvangcapaciteit"}, user=CORE_MEMBER)
    assert "Nieuwe prognose" in loket.fake.wait_for("chat.postMessage", channel=UPDATES)[0].all_text()
    answer = loket.answer_in(CHANNEL, loket.mention("Wanneer verschijnt de prognose van de opvangcapaciteit voor 2026?"))
    assert "15 april 2026" in answer.all_text() and "Bericht van het kernteam" in answer.all_text()


# -- practical support -----------------------------------------------------------------------------------
def test_support_request_from_the_command_goes_to_the_core_team_as_its_own_kind(loket: Harness) -> None:
    slash(loket, "/loket", "ondersteuning Meelezen met ons concept-plan", user=ASKER, channel=CHANNEL)
    view = opened_view(loket, action_ids.SUPPORT_MODAL)
    late = submit(loket, view, {"province": "Utrecht", "needed_by": "2001-01-01"}, user=ASKER)
    assert "verleden" in json.loads(late.body)["errors"]["needed_by"]
    assert submit(loket, view, {"province": "Utrecht", "needed_by": "2099-03-01"}, user=ASKER).status == 200

    root = loket.fake.wait_for("chat.postMessage", lambda c: "om ondersteuning" in c.all_text(), channel=CHANNEL)[0]
    assert "Meelezen met ons concept-plan" in root.all_text() and "1 maart 2099" in root.all_text()
    notice = loket.fake.wait_for("chat.postMessage", channel=CHANNEL, thread_ts=root.ts)[0]
    assert "#1" in notice.all_text()
    post = loket.core_post()
    assert "Verzoek om ondersteuning #1" in post.all_text() and "Provincie: Utrecht" in post.all_text()
    assert post.action_ids() == [action_ids.CLAIM, action_ids.CLOSE]
    esc = eventually(lambda: loket.service.escalation(1) if loket.service.escalation(1).posted else None)
    assert (esc.kind, esc.asker_thread_ts) == ("ondersteuning", root.ts)
    # it follows the escalation flow: a core reply reaches the asker's thread
    loket.message("Ja, we plannen een sessie.", user=CORE_MEMBER, channel=CORE, thread_ts=post.ts)
    loket.fake.wait_for("chat.postMessage", lambda c: "sessie" in c.all_text(), channel=CHANNEL, thread_ts=root.ts)


def test_support_request_from_under_an_answer_stays_in_that_thread(loket: Harness) -> None:
    ts = loket.mention("Wat is het e-mailadres van het ondersteuningsarrangement?")
    answer = loket.answer_in(CHANNEL, ts)
    assert action_ids.SUPPORT_REQUEST in answer.action_ids()
    question_id = next(e["value"] for b in answer.blocks if b["type"] == "actions" for e in b["elements"]
                       if e["action_id"] == action_ids.SUPPORT_REQUEST)
    loket.click(action_ids.SUPPORT_REQUEST, question_id, user=ASKER, channel=CHANNEL, message_ts=answer.ts,
                thread_ts=ts)
    view = opened_view(loket, action_ids.SUPPORT_MODAL)
    submit(loket, view, {"what": "Hulp bij het plannen van de eerste PRT-sessie", "province": "Utrecht"}, user=ASKER)
    loket.fake.wait_for("chat.postMessage", lambda c: "ondersteuning" in c.all_text() and "#1" in c.all_text(),
                        channel=CHANNEL, thread_ts=ts)
    assert "Verzoek om ondersteuning #1" in loket.core_post().all_text()
    esc = eventually(lambda: loket.service.escalation(1) if loket.service.escalation(1).posted else None)
    assert esc.asker_thread_ts == ts
    with loket.service.store.tx() as tx:
        assert tx.session.get(SupportRequest, 1).province == "Utrecht"


def test_a_question_that_starts_with_a_network_word_stays_a_question(loket: Harness) -> None:
    slash(loket, "/loket", "ondersteuning bij het opstellen van de plannen, hoe werkt dat?", user=ASKER, channel=CHANNEL)
    root = loket.fake.wait_for("chat.postMessage", lambda c: "vroeg via" in c.all_text(), channel=CHANNEL)[0]
    loket.answer_in(CHANNEL, root.ts)
    assert not loket.fake.forms()


def test_manifest_declares_the_network_command_and_scope() -> None:
    import yaml

    manifest = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yaml").read_text())
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert commands[action_ids.EXPERT_COMMAND]["url"] == commands[action_ids.COMMAND]["url"]
    assert "mpim:write" in manifest["oauth_config"]["scopes"]["bot"]  # conversations.open with asker + expert
