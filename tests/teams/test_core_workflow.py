"""The core team's workflow in Teams at parity with Slack: expert suggestions and
*Doorverwijzen*, *Opnemen in kennisbank*, edits and deletions of a relayed reply followed at
the asker's (PUT / DELETE on the Bot Connector), *Terugnemen*, the support request form, and
privacy erasure of Loket's Teams posts. Card actions by the wrong person are refused."""
from __future__ import annotations

import pytest

from bot.core.privacy import audit
from bot.store.models import Referral, SupportRequest
from bot.teams import action_ids

from .conftest import (
    ANSWERABLE, ASKER, ASKER_AAD, CORE_CHANNEL, CORE_MEMBER, CORE_MEMBER_AAD, OUTSIDER, PERSONAL, eventually,
)
from .test_escalation_relay import core_reply, escalate, relays

DIRECTORY = """\
- id: deskundige-flexwonen
  name: Deskundige flexwonen
  organisation: ministerie van BZK
  role: Beleidsadviseur woningmarkt
  themes: [flexibele opvangvormen en woningmarkt]
  provinces: [landelijk]
  description: Flexwonen, tijdelijke woningen en contractvormen; opvang die ook spoedzoekers kunnen gebruiken.
  email: flex@example.org
"""
FLEX_QUESTION = "Welke contractvorm past bij flexwonen voor statushouders en spoedzoekers in Amersfoort?"


@pytest.fixture
def experts(teams, tmp_path):
    """Loket restarted with a small expert directory."""
    path = tmp_path / "experts.yaml"
    path.write_text(DIRECTORY, encoding="utf-8")
    teams.stop()
    teams.settings = teams.settings.with_(experts_file=path)
    teams.start()
    return teams


def in_core_thread(teams, thread: str, value: dict, *, user: str = CORE_MEMBER, aad: str | None = CORE_MEMBER_AAD):
    """Click a card button in the core thread."""
    return teams.say("", user=user, aad=aad, value=value, conversation=thread, kind="channel", channel=CORE_CHANNEL)


def notes(teams, conversation: str) -> list[str]:
    return [t for s in teams.connector.to(conversation) for t in s.texts]


def card_with(teams, conversation: str, words: str):
    return eventually(lambda: [s for s in teams.connector.to(conversation) if any(words in t for t in s.texts)])[-1]


def button(sent, action: str) -> dict:
    """The data of the button ``action`` anywhere on the card (actions and ActionSets)."""
    found: list[dict] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Action.Submit" and (node.get("data") or {}).get("loket") == action:
                found.append(node["data"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(sent.card)
    assert found, f"no {action} button"
    return dict(found[0])


def relayed(teams, thread: str, text: str):
    """A core reply that went out; returns (the relayed copy at the asker's, the relay notice)."""
    core_reply(teams, thread, text)
    copy = eventually(lambda: [s for s in relays(teams) if text in s.texts])[-1]
    notice = card_with(teams, thread, "Doorgestuurd naar de vrager")
    return copy, notice


def denied(teams, action: str) -> list:
    return [e for e in audit.AuditLog(teams.store).entries(action=action) if e.result == audit.RESULT_DENIED]


# -- expert suggestions and Doorverwijzen -----------------------------------------------------------
def test_escalation_gets_expert_suggestions_and_doorverwijzen_introduces_the_expert(experts):
    teams = experts
    experts.say(FLEX_QUESTION)
    thread = eventually(lambda: [s for s in teams.connector.sent if s.method == "create"])[0].conversation_id
    hint = card_with(teams, thread, "Deskundigen die kunnen helpen bij #1")
    assert "Deskundige flexwonen" in hint.texts and any("flex@example.org" in t for t in hint.texts)
    refer = button(hint, action_ids.REFER)
    assert refer == {"loket": action_ids.REFER, "number": 1, "expert": "deskundige-flexwonen"}
    teams.loket.call(teams.loket.runtime.run_once())  # the background loop does not suggest again
    assert len([s for s in teams.connector.to(thread) if any("Deskundigen die" in t for t in s.texts)]) == 1

    in_core_thread(teams, thread, refer, user=ASKER, aad=ASKER_AAD)  # not in the core team
    assert any("Alleen het kernteam" in t for t in notes(teams, thread))
    with teams.store.tx() as tx:
        assert tx.session.query(Referral).count() == 0
    assert denied(teams, "escalation.refer")

    in_core_thread(teams, thread, refer)
    intro = card_with(teams, PERSONAL, "verwijst je")
    assert any("flex@example.org" in t for t in intro.texts)
    assert FLEX_QUESTION in intro.texts  # so the asker knows what it is about
    assert card_with(teams, thread, "doorverwezen naar Deskundige flexwonen")
    with teams.store.tx() as tx:
        assert [(r.escalation_id, r.expert_id, r.referred_by) for r in tx.session.query(Referral)] == \
            [(1, "deskundige-flexwonen", CORE_MEMBER)]

    in_core_thread(teams, thread, refer)  # a second click: no second introduction
    assert any("al doorverwezen" in t for t in notes(teams, thread))
    assert len([s for s in teams.connector.to(PERSONAL) if any("verwijst je" in t for t in s.texts)]) == 1


# -- Opnemen in kennisbank ---------------------------------------------------------------------------
def test_opnemen_in_kennisbank_makes_the_core_answer_a_verified_answer(teams):
    thread, _ = escalate(teams)
    _, notice = relayed(teams, thread, "Ottawa is de hoofdstad van Canada.")
    save = button(notice, action_ids.SAVE_VERIFIED)

    in_core_thread(teams, thread, save, user=OUTSIDER, aad=None)
    assert any("Alleen het kernteam" in t for t in notes(teams, thread))
    assert teams.loket.runtime.service.verified_answers() == []
    assert denied(teams, "verified.save")

    in_core_thread(teams, thread, save)
    assert any("staan nu in de kennisbank" in t for t in notes(teams, thread))
    [item] = teams.loket.runtime.service.verified_answers()
    assert item.answer == "Ottawa is de hoofdstad van Canada."

    teams.say("Wat is de hoofdstad van Canada?", user="29:1someone-else", aad=None)  # searchable at once
    answer = [s for s in teams.connector.to(PERSONAL) if "Eerder beantwoord door het kernteam" in s.texts]
    assert answer and any("Ottawa" in t for t in answer[-1].texts)


# -- edits, deletions, Terugnemen ------------------------------------------------------------------------
def correction(teams, original: dict, kind: str, text: str = "") -> dict:
    """Teams' notification of an edit (``messageUpdate``) or soft deletion (``messageDelete``)."""
    activity = dict(original, type=kind, text=text, timestamp="2026-11-30T06:05:00.000Z")
    activity["channelData"] = {**original["channelData"],
                               "eventType": "editMessage" if kind == "messageUpdate" else "softDeleteMessage"}
    assert teams.post(activity) in (200, 201, 202)
    teams.loket.idle()
    return activity


def test_an_edited_core_reply_is_updated_at_the_askers(teams):
    thread, _ = escalate(teams)
    original = core_reply(teams, thread, "Toronto.")
    copy = eventually(lambda: relays(teams))[-1]
    edit = correction(teams, original, "messageUpdate", "Ottawa, niet Toronto.")
    [update] = eventually(lambda: teams.connector.updates(copy.activity_id))
    assert update.conversation_id == PERSONAL
    assert any("Ottawa, niet Toronto." in t for t in update.texts)
    assert teams.loket.runtime.service.escalation(1).answer_text == "Ottawa, niet Toronto."
    assert teams.post(edit) in (200, 201, 202)  # the same edit delivered again: nothing more
    teams.loket.idle()
    assert len(teams.connector.updates(copy.activity_id)) == 1
    assert len(relays(teams)) == 1  # an edit is never a second relay


def test_a_deleted_core_reply_is_deleted_at_the_askers(teams):
    thread, _ = escalate(teams)
    original = core_reply(teams, thread, "Toronto.")
    copy = eventually(lambda: relays(teams))[-1]
    notice = card_with(teams, thread, "Doorgestuurd naar de vrager")
    correction(teams, original, "messageDelete")
    assert copy.activity_id in teams.connector.deleted
    assert any("Teruggenomen" in t and "weggehaald" in t for u in teams.connector.updates(notice.activity_id)
               for t in u.texts)
    assert teams.loket.runtime.service.escalation(1).answer_text is None


def test_a_deletion_after_a_restart_still_reaches_the_askers_copy(teams):
    thread, _ = escalate(teams)
    original = core_reply(teams, thread, "Toronto.")
    copy = eventually(lambda: relays(teams))[-1]
    teams.stop()
    teams.start()  # nothing in memory: the asker-side id comes from the database
    correction(teams, original, "messageDelete")
    assert copy.activity_id in teams.connector.deleted


def test_an_edit_that_cannot_be_applied_is_told_to_the_core_member(teams):
    thread, _ = escalate(teams)
    original = core_reply(teams, thread, "Toronto.")
    copy = eventually(lambda: relays(teams))[-1]
    teams.connector.fail_next(1, status=503, retry_after=None)
    correction(teams, original, "messageUpdate", "Ottawa.")
    assert teams.connector.updates(copy.activity_id) == []
    assert any("kon niet bij de vrager worden aangepast" in t for t in notes(teams, thread))


def test_a_reply_edited_into_an_internal_note_is_taken_back_and_a_note_edited_into_a_reply_is_not_relayed(teams):
    thread, _ = escalate(teams)
    reply = core_reply(teams, thread, "Toronto.")
    copy = eventually(lambda: relays(teams))[-1]
    correction(teams, reply, "messageUpdate", "// toch even navragen")
    assert copy.activity_id in teams.connector.deleted

    note = core_reply(teams, thread, "// eerst intern")
    correction(teams, note, "messageUpdate", "Ottawa.")  # the same rule as Slack: not relayed afterwards
    teams.loket.call(teams.loket.runtime.deliver_outbox())
    assert [s for s in relays(teams) if "Ottawa." in s.texts] == []


def test_edit_of_someone_elses_message_or_outside_the_core_thread_changes_nothing(teams):
    thread, root = escalate(teams)
    mine = core_reply(teams, thread, "Ottawa.")
    eventually(lambda: relays(teams))
    other = teams.say("Ik denk Toronto?", user=OUTSIDER, aad=None, conversation=thread, kind="channel",
                      channel=CORE_CHANNEL)
    correction(teams, other, "messageUpdate", "Toch Ottawa")
    question = teams.activity(ANSWERABLE)
    correction(teams, question, "messageUpdate", "Iets anders")
    assert [s for s in teams.connector.sent if s.method in ("update", "delete") and s.activity_id != root] == []
    assert teams.loket.runtime.service.escalation(1).answer_text == "Ottawa."  # the core reply still stands
    assert mine["id"] not in teams.connector.deleted


def test_terugnemen_by_the_core_team_removes_the_reply_and_others_are_refused(teams):
    thread, _ = escalate(teams)
    copy, notice = relayed(teams, thread, "Toronto.")
    take_back = button(notice, action_ids.TAKE_BACK)

    in_core_thread(teams, thread, take_back, user=ASKER, aad=ASKER_AAD)
    assert copy.activity_id not in teams.connector.deleted
    assert any("Alleen het kernteam" in t for t in notes(teams, thread))
    assert denied(teams, "escalation.answer_withdraw")

    in_core_thread(teams, thread, take_back)
    assert copy.activity_id in teams.connector.deleted
    assert any("Teruggenomen" in t for u in teams.connector.updates(notice.activity_id) for t in u.texts)
    in_core_thread(teams, thread, take_back)  # again: nothing left to take back
    assert any("al teruggenomen" in t for t in notes(teams, thread))
    assert not [r for r in teams.connector.refused if r[1] == 404]  # never a delete of something gone


# -- Vraag ondersteuning -------------------------------------------------------------------------------
def _support_button(teams) -> dict:
    teams.say(ANSWERABLE)
    answer = [s for s in teams.connector.to(PERSONAL) if s.actions][-1]
    return button(answer, action_ids.ASK_SUPPORT)


def test_vraag_ondersteuning_opens_a_form_and_submitting_creates_the_support_request(teams):
    ask = _support_button(teams)
    teams.say("", user=OUTSIDER, aad=None, value=ask)
    assert any("Alleen de vrager" in t for t in notes(teams, PERSONAL))
    assert not [s for s in teams.connector.to(PERSONAL) if s.card and any(
        b.get("type", "").startswith("Input.") for b in s.card["body"])]

    teams.say("", value=ask)
    form = card_with(teams, PERSONAL, "Ondersteuning vragen")
    inputs = {b["id"]: b for b in form.card["body"] if b["type"].startswith("Input.")}
    assert set(inputs) == {"what", "province", "needed_by"}
    assert "Utrecht" in [c["value"] for c in inputs["province"]["choices"]]
    send = button(form, action_ids.SUPPORT_SUBMIT)
    forged = {**send, "asker": OUTSIDER, "what": "Iets", "province": "Utrecht"}  # the card's data are not trusted
    teams.say("", user=OUTSIDER, aad=None, value=forged)
    assert sum("Alleen de vrager" in t for t in notes(teams, PERSONAL)) == 2

    teams.say("", value={**send, "what": "Meelezen met ons concept-plan", "province": "Utrecht",
                         "needed_by": "2001-01-01"})
    again = card_with(teams, PERSONAL, "verleden")  # refused: the form again, filled in, with the reason
    assert [b.get("value") for b in again.card["body"] if b.get("id") == "what"] == ["Meelezen met ons concept-plan"]
    assert not [s for s in teams.connector.sent if s.method == "create"]
    with teams.store.tx() as tx:
        assert tx.session.query(SupportRequest).count() == 0

    teams.say("", value={**send, "what": "Meelezen met ons concept-plan", "province": "Utrecht",
                         "needed_by": "2099-03-01"})
    assert any("#1" in t and "ondersteuning" in t for t in notes(teams, PERSONAL))
    [create] = eventually(lambda: [s for s in teams.connector.sent if s.method == "create"])
    assert any("verzoek om ondersteuning" in t for t in create.texts)
    assert "Meelezen met ons concept-plan" in create.texts
    esc = teams.loket.runtime.service.escalation(1)
    assert (esc.kind, esc.asker_user_id) == ("ondersteuning", ASKER)
    with teams.store.tx() as tx:
        row = tx.session.get(SupportRequest, 1)
        assert (row.province, row.needed_by.isoformat()) == ("Utrecht", "2099-03-01")
    # it follows the escalation flow: a core reply reaches the asker
    core_reply(teams, create.conversation_id, "Ja, we plannen een sessie.")
    assert eventually(lambda: [s for s in relays(teams) if "Ja, we plannen een sessie." in s.texts])


# -- privacy -----------------------------------------------------------------------------------------------
def test_forgetting_the_asker_erases_lokets_teams_posts(teams):
    from bot.core import privacy
    from bot.core.privacy import privacy_core  # noqa: F401 - privacy_core registers the core tables' hook

    thread, root = escalate(teams)
    copy, notice = relayed(teams, thread, "Ottawa.")
    counts = privacy.forget(teams.store, ASKER)["core"]
    assert counts["slack_posts_to_delete"] >= 2 and counts["slack_posts_to_redact"] == 1
    teams.loket.call(teams.loket.runtime.deliver_outbox())
    assert {copy.activity_id, notice.activity_id} <= teams.connector.deleted
    redacted = teams.connector.updates(root)[-1]  # (before it: the card re-drawn as answered)
    assert redacted.conversation_id == thread
    assert any("privacy" in t for t in redacted.texts) and not any("Canada" in t for t in redacted.texts)
    assert not [r for r in teams.connector.refused if r[1] == 404]


def test_edits_reach_the_asker_in_anonymous_mode_too(teams_anonymous):
    teams = teams_anonymous
    thread, _ = escalate(teams)
    original = core_reply(teams, thread, "Toronto.")
    copy = eventually(lambda: relays(teams))[-1]
    correction(teams, original, "messageUpdate", "Ottawa.")
    assert [u.conversation_id for u in teams.connector.updates(copy.activity_id)] == [PERSONAL]
