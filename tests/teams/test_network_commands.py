"""The network commands in Teams, as Slack's ``/loket deskundige|ondersteuning|bericht|les``:
the experts for a topic, the support request without an earlier question (the asker is the
person in that conversation), and the core team's announcements and lessons, stored
(searchable) and posted in the updates channel through the outbox."""
from __future__ import annotations

import pytest

from bot.store.models import AuditEntry, KnowledgeItem, SupportRequest
from bot.teams import action_ids

from .conftest import ASKER, CORE_CHANNEL, OUTSIDER, PERSONAL, eventually
from .monitoring_helpers import CORE_PERSONAL, as_core, inputs, submit_data
from .test_core_workflow import experts  # noqa: F401 - the fixture: Loket with a small directory
from .test_escalation_relay import core_reply, relays

UPDATES_CHANNEL = "19:loket-updates@thread.tacv2"


def last(teams, conversation: str = PERSONAL):
    sent = teams.connector.to(conversation)
    assert sent, "Loket sent nothing"
    return sent[-1]


def test_deskundige_names_the_matching_experts_with_how_to_reach_them(experts):  # noqa: F811
    experts.say("deskundige flexwonen")
    reply = last(experts)
    assert "Deskundige flexwonen" in reply.texts
    assert any("flex@example.org" in t for t in reply.texts)
    assert not [s for s in experts.connector.sent if s.method == "create"]  # not a question for the core team
    experts.say("deskundige")
    assert any("deskundige <onderwerp>" in t for t in last(experts).texts)  # no topic: how to use it


def test_ondersteuning_without_an_earlier_question_opens_the_request_for_the_person_in_this_chat(teams):
    teams.say("ondersteuning meelezen met ons plan")
    form = last(teams)
    assert inputs(form.card)["what"]["value"] == "meelezen met ons plan"
    teams.say("", value=submit_data(form.card, province="Utrecht", needed_by="2001-01-01"))
    assert any("verleden" in t for t in last(teams).texts)  # refused: the form again, with the reason
    assert not [s for s in teams.connector.sent if s.method == "create"]

    teams.say("", value=submit_data(form.card, province="Utrecht", needed_by="2099-03-01"))
    assert any("#1" in t and "ondersteuning" in t for t in last(teams).texts)
    [create] = eventually(lambda: [s for s in teams.connector.sent if s.method == "create"])
    assert any("verzoek om ondersteuning" in t for t in create.texts)
    assert "meelezen met ons plan" in create.texts
    esc = teams.loket.runtime.service.escalation(1)
    assert (esc.kind, esc.asker_user_id) == ("ondersteuning", ASKER)
    with teams.store.tx() as tx:
        [request] = tx.session.query(SupportRequest).all()
        assert request.province == "Utrecht"
    core_reply(teams, create.conversation_id, "We bellen je morgen.")
    assert any("We bellen je morgen." in t for s in eventually(lambda: relays(teams)) for t in s.texts)


@pytest.fixture
def with_updates(teams):
    teams.stop()
    teams.settings = teams.settings.with_(teams_updates_channel=UPDATES_CHANNEL)
    teams.connector.channels.add(UPDATES_CHANNEL)
    teams.start()
    return teams


def test_bericht_is_for_the_core_team_only(with_updates):
    teams = with_updates
    teams.say("bericht Nieuwe handreiking", user=OUTSIDER, aad=None)
    assert any("Alleen het kernteam" in t for t in last(teams).texts)
    assert not inputs(last(teams).card or {})
    forged = {"loket": action_ids.ITEM_SUBMIT, "kind": "bericht", "title": "Nep", "text": "Nep"}
    teams.say("", user=OUTSIDER, aad=None, value=forged)  # a forged submit: the core refuses and audits it
    assert any("Alleen het kernteam" in t for t in last(teams).texts)
    with teams.store.tx() as tx:
        assert tx.session.query(KnowledgeItem).count() == 0
        assert tx.session.query(AuditEntry).filter_by(action="knowledge.announce", result="denied").count() == 1
    assert teams.connector.to(UPDATES_CHANNEL) == []


def test_bericht_by_the_core_team_is_stored_and_posted_in_the_updates_channel(with_updates):
    teams = with_updates
    core = as_core(teams)
    teams.say("bericht De subsidieregeling is verlengd tot 1 juli.", **core)
    form = last(teams, CORE_PERSONAL)
    assert inputs(form.card)["text"]["value"] == "De subsidieregeling is verlengd tot 1 juli."
    teams.say("", value=submit_data(form.card, title=""), **core)
    assert any("titel" in t for t in last(teams, CORE_PERSONAL).texts)  # refused: the form again
    teams.say("", value=submit_data(form.card, title="Regeling verlengd"), **core)
    assert any("opgeslagen en wordt gedeeld" in t for t in last(teams, CORE_PERSONAL).texts)
    [post] = eventually(lambda: teams.connector.to(UPDATES_CHANNEL))
    assert "📣 Bericht van het kernteam: Regeling verlengd" in post.texts
    assert "De subsidieregeling is verlengd tot 1 juli." in post.texts
    teams.say("", value=submit_data(form.card, title="Regeling verlengd"), **core)  # a second item, its own post
    assert len(eventually(lambda: teams.connector.to(UPDATES_CHANNEL)[1:])) == 1
    with teams.store.tx() as tx:
        assert [i.kind for i in tx.session.query(KnowledgeItem).all()] == ["bericht", "bericht"]


def test_les_asks_province_and_theme_and_stores_the_lesson(with_updates):
    teams = with_updates
    core = as_core(teams)
    teams.say("les", **core)
    form = last(teams, CORE_PERSONAL)
    assert set(inputs(form.card)) == {"title", "text", "province", "theme"}
    teams.say("", value=submit_data(form.card, title="Buurt vroeg betrekken", text="Begin met een avond.",
                                    province="Atlantis"), **core)
    assert any("Atlantis" in t or "provincie" in t.lower() for t in last(teams, CORE_PERSONAL).texts)
    theme = inputs(form.card)["theme"]["choices"][0]["value"]
    teams.say("", value=submit_data(form.card, title="Buurt vroeg betrekken", text="Begin met een avond.",
                                    province="Utrecht", theme=theme), **core)
    [post] = eventually(lambda: teams.connector.to(UPDATES_CHANNEL))
    assert "💡 Lesson learned uit Utrecht: Buurt vroeg betrekken" in post.texts
    with teams.store.tx() as tx:
        [item] = tx.session.query(KnowledgeItem).all()
        assert (item.kind, item.province, item.theme) == ("les", "Utrecht", theme)


def test_bericht_asked_in_another_channel_points_to_a_personal_chat(teams):
    from .conftest import CORE_MEMBER, CORE_MEMBER_AAD, PRT_CHANNEL

    teams.say("bericht Iets", user=CORE_MEMBER, aad=CORE_MEMBER_AAD, conversation=PRT_CHANNEL, kind="channel",
              channel=PRT_CHANNEL, mention=True)
    reply = teams.connector.sent[-1]
    assert any("privégesprek" in t for t in reply.texts)
    assert CORE_CHANNEL not in reply.conversation_id
