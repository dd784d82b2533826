"""The adapter's pure parts: Block Kit builders, /loket parsing, core-team membership."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from slack_sdk import WebClient

from bot.core.answering.answer import KIND_SMALLTALK, KIND_VERIFIED, Answer, Passage, Source
from bot.core.service import EscalationView
from bot.slack import action_ids, blocks
from bot.slack.conversation import question_text
from bot.slack.core_team import CoreTeam
from bot.slack.listeners.commands import parse

from .conftest import CORE, CORE_MEMBER, FakeSlack

LIVE = re.compile(r"<[!@#][^>]*>")


def texts(message: blocks.Message) -> str:
    out = [message["text"]]

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                out.append(v) if k == "text" and isinstance(v, str) else walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(message["blocks"])
    return "\n".join(out)


def source(**kw) -> Source:
    return Source(**({"title": "Uitvoeringsagenda", "section": "Contact", "path": "a.md", "score": 0.9} | kw))


def test_answer_message_links_sources_with_a_url_and_escapes_text() -> None:
    answer = Answer(question="q", answered=True, answer="Mail <info> & bel", confidence=0.9,
                    sources=[source(url="https://example.org/a?x=1&y=2", page=3), source(title="Zonder link", url=None)])
    msg = blocks.answer_message(answer, 7)
    text = texts(msg)
    assert "&lt;info&gt; &amp; bel" in text
    assert "<https://example.org/a?x=1&amp;y=2|openen>" in text and "p. 3" in text
    assert "*Zonder link*" in text
    buttons = msg["blocks"][-1]["elements"]
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in buttons] == [
        (action_ids.HELPFUL, "7", "Dit helpt"), (action_ids.ESCALATE, "7", "Stel aan kernteam"),
        (action_ids.SUPPORT_REQUEST, "7", "Vraag ondersteuning")]


def test_unsafe_source_urls_are_not_linked() -> None:
    answer = Answer(question="q", answered=True, answer="a", confidence=0.9,
                    sources=[source(url="javascript:alert(1)"), source(url="https://x.org/|<!channel>")])
    assert not LIVE.search(texts(blocks.answer_message(answer, 1)))


def test_smalltalk_and_verified_answers() -> None:
    hello = blocks.answer_message(Answer(question="hoi", answered=True, answer="Hallo!", confidence=1, kind=KIND_SMALLTALK), 1)
    assert not [b for b in hello["blocks"] if b["type"] == "actions"]
    verified = blocks.answer_message(
        Answer(question="q", answered=True, answer="Ottawa <!channel>", confidence=1, kind=KIND_VERIFIED,
               sources=[source(kind="verified")]), 2)
    assert "Eerder beantwoord door het kernteam" in texts(verified)
    assert "<!channel>" not in texts(verified)


def escalation(**kw) -> EscalationView:
    base = dict(number=4, status="open", kind="vraag", question_id=9, question="<!channel> *help* @here",
                asker_user_id="UASK", asker_channel_id="CCHAN", asker_thread_ts="1.2",
                created_at=datetime.now(timezone.utc),
                passages=(Passage(text="Tekst met <!here> en " + "lang " * 300, source=source()),))
    return EscalationView(**(base | kw))


def test_escalation_post_is_safe_and_has_the_buttons_its_status_allows() -> None:
    msg = blocks.escalation_post(escalation(), asker_permalink="https://x.slack.com/archives/C/p1", province="Utrecht")
    text = texts(msg)
    assert set(LIVE.findall(text)) <= {"<@UASK>"}
    assert "Provincie: Utrecht" in text and "<https://x.slack.com/archives/C/p1|dit gesprek>" in text
    assert all(len(b["text"]["text"]) <= 3000 for b in msg["blocks"] if b["type"] == "section")
    assert [e["action_id"] for e in msg["blocks"][-2]["elements"]] == [action_ids.CLAIM, action_ids.CLOSE]
    claimed = blocks.escalation_post(escalation(status="claimed", claimed_by="UK"))
    assert "Opgepakt door <@UK>" in texts(claimed)
    closed = blocks.escalation_post(escalation(status="closed", closed_by="UK"))
    assert not [b for b in closed["blocks"] if b["type"] == "actions"]
    dm = blocks.escalation_post(escalation(asker_channel_id="D123"), is_dm=True)
    assert "privébericht" in texts(dm)


@pytest.mark.parametrize("text, expected", [
    ("", ("help", "")), ("help", ("help", "")), ("  HULP ", ("help", "")),
    ("status", ("unknown", "status")), ("--version", ("unknown", "--version")),
    ("vraag huisvesting", ("question", "huisvesting")),
    ("Wat is de Uitvoeringsagenda?", ("question", "Wat is de Uitvoeringsagenda?")),
    ("Uitvoeringsagenda?", ("question", "Uitvoeringsagenda?")),
    ("help mij met de aanvraag", ("question", "help mij met de aanvraag")),
])
def test_command_parsing(text: str, expected: tuple[str, str]) -> None:
    assert parse(text) == expected


def test_question_text_drops_the_bot_mention_and_markup() -> None:
    assert question_text("<@UBOT> hoi <@UX|piet> &lt;3 <!here>", "UBOT") == "hoi @piet <3 @here"


def test_core_team_is_the_channel_plus_configured_users_and_is_cached() -> None:
    with FakeSlack(members={CORE: [CORE_MEMBER]}) as fake:
        now = [0.0]
        team = CoreTeam(WebClient(token="xoxb-t", base_url=fake.api_url), CORE, ["UEXTRA"], ttl=60, clock=lambda: now[0])
        assert team.is_member(CORE_MEMBER) and team.is_member("UEXTRA") and not team.is_member("UNOPE")
        assert len(fake.calls_to("conversations.members")) == 1  # cached
        fake.members[CORE] = [CORE_MEMBER, "UNEW"]
        now[0] = 61
        assert team.is_member("UNEW")
        fake.fail_next("conversations.members", status=200, error="channel_not_found")
        team.invalidate()
        assert team.is_member(CORE_MEMBER)  # Slack trouble: the last known list stays
        assert team.is_member("UEXTRA")
