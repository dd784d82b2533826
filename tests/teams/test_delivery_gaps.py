"""Teams at parity with Slack in how Loket delivers: the escalation card re-drawn after
*Oppakken*, *Sluiten*, a relayed answer and *Terugnemen* (a PUT of the root message), the typing indicator before an answer
("Even zoeken…"), per-conversation pacing under Teams' rate limits, and permanent errors
(413 message too large) given up at once with a report in the core channel."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from bot.store.models import OutboxPost
from bot.teams import action_ids, cards
from bot.teams.conversations import conversation_key
from bot.teams.notices import POST_CARD

from .conftest import ANSWERABLE, ASKER, CORE_CHANNEL, CORE_MEMBER, CORE_MEMBER_AAD, PERSONAL, eventually
from .fake_connector import PREFIX, MAX_MESSAGE_BYTES
from .test_escalation_relay import escalate


def _click(teams, thread: str, value: dict, *, user: str = CORE_MEMBER, aad: str | None = CORE_MEMBER_AAD) -> None:
    teams.say("", user=user, aad=aad, value=value, conversation=thread, kind="channel", channel=CORE_CHANNEL)


def _titles(sent) -> list[str]:
    return [a["title"] for a in sent.actions]


def test_the_escalation_card_is_redrawn_after_oppakken_and_sluiten(teams):
    thread, root = escalate(teams)
    [create] = [s for s in teams.connector.sent if s.method == "create"]
    claim = next(a["data"] for a in create.actions if a["data"]["loket"] == action_ids.CLAIM)
    _click(teams, thread, claim)
    [claimed] = teams.connector.updates(root)
    assert any(t == "Opgepakt door Naam mber" for t in claimed.texts)  # the clicker's name ("Naam " + id[-4:])
    assert "Van Naam xxxx" in claimed.texts  # the asker's name, read in the asker's conversation
    assert _titles(claimed) == ["Sluiten"]
    assert any("opgepakt" in t for s in teams.connector.to(thread) for t in s.texts)  # the note stays

    close = next(a["data"] for a in claimed.actions if a["data"]["loket"] == action_ids.CLOSE)
    _click(teams, thread, close)
    closed = teams.connector.updates(root)[-1]
    assert any(t.startswith("✔ Gesloten door") for t in closed.texts)
    assert _titles(closed) == []
    assert not [r for r in teams.connector.refused if r[1] == 404]  # the connector knew the root message


def test_the_card_is_redrawn_after_a_relayed_answer_and_after_terugnemen(teams):
    from .test_core_workflow import button, card_with
    from .test_escalation_relay import core_reply

    thread, root = escalate(teams)
    core_reply(teams, thread, "Ottawa.")
    answered = eventually(lambda: teams.connector.updates(root))[-1]
    assert "Beantwoord door Kern Lid" in answered.texts  # the name read through the SDK (the team's roster)
    assert "Van Naam xxxx" in answered.texts  # the asker's, read in the asker's conversation
    assert _titles(answered) == ["Sluiten"]
    notice = card_with(teams, thread, "Doorgestuurd naar de vrager")
    _click(teams, thread, button(notice, action_ids.TAKE_BACK))
    assert len(teams.connector.updates(root)) >= 2  # re-drawn in the state the core reports now


def test_a_refused_or_impossible_click_does_not_redraw(teams):
    thread, root = escalate(teams)
    claim = {"loket": action_ids.CLAIM, "number": 1}
    _click(teams, thread, claim, user=ASKER, aad=None)  # not in the core team
    assert teams.connector.updates(root) == []
    _click(teams, thread, claim)
    _click(teams, thread, {"loket": action_ids.CLOSE, "number": 1})
    assert len(teams.connector.updates(root)) == 2
    _click(teams, thread, claim)  # closed already: "Dat kan nu niet", the card stays as it is
    assert len(teams.connector.updates(root)) == 2
    assert any("Dat kan nu niet" in t for s in teams.connector.to(thread) for t in s.texts)


def test_typing_indicator_goes_before_the_answer_card(teams):
    teams.say(ANSWERABLE)
    methods = [s.method for s in teams.connector.sent if s.conversation_id == PERSONAL]
    assert methods[:2] == ["typing", "send"]
    typing = next(s for s in teams.connector.sent if s.method == "typing")
    assert typing.activity["type"] == "typing" and not typing.activity.get("attachments")


def _raw_post(teams, conversation: str) -> tuple[int, str | None]:
    """A message straight to the fake connector, unpaced (what a bot without pacing does)."""
    url = f"{teams.connector.service_url}v3/conversations/{urllib.request.quote(conversation, safe='')}/activities"
    request = urllib.request.Request(url, data=json.dumps({"type": "message", "text": "x"}).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {teams.connector.bot_token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, None
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Retry-After")


def _queue_cards(teams, n: int, conversation: str) -> None:
    rt = teams.loket.runtime
    for i in range(n):
        rt.service.enqueue_post(kind=POST_CARD, channel_id=conversation_key(conversation), thread_ts=None,
                                payload={"card": cards.notice_card(f"Bericht {i}"), "summary": f"Bericht {i}"},
                                dedupe_key=f"burst:{conversation}:{i}")


def test_the_fake_connector_refuses_a_burst_like_teams():
    from .fake_connector import FakeConnector

    fake = FakeConnector(bot_token=None)
    answers = [fake.throttled("19:c@thread.tacv2;messageid=1") for _ in range(8)]
    assert answers[:7] == [None] * 7 and answers[7] is not None and 0 < answers[7] <= 1.0
    assert fake.throttled("19:other@thread.tacv2") is None  # per conversation


def test_a_burst_to_one_conversation_is_paced_not_refused(teams):
    teams.say(ANSWERABLE)  # Loket knows the personal chat (typing + answer: 2 calls)
    _queue_cards(teams, 9, PERSONAL)
    teams.loket.call(teams.loket.runtime.deliver_outbox())
    got = [t for s in teams.connector.to(PERSONAL) for t in s.texts if t.startswith("Bericht ")]
    assert got == [f"Bericht {i}" for i in range(9)]  # all of them, in order
    assert [r for r in teams.connector.refused if r[1] == 429] == []
    # Unpaced, the same conversation is refused at once (the fake is as strict as Teams):
    answers = [_raw_post(teams, PERSONAL) for _ in range(9)]
    assert any(status == 429 and retry for status, retry in answers)


def test_the_background_round_leaves_a_paced_conversation_for_later(teams):
    teams.say(ANSWERABLE)
    _queue_cards(teams, 12, PERSONAL)
    rt = teams.loket.runtime
    teams.loket.call(rt.run_once())
    assert rt.deferred  # the loop comes back in a second, not after the retry interval
    first = [t for s in teams.connector.to(PERSONAL) for t in s.texts if t.startswith("Bericht ")]
    assert 0 < len(first) < 12
    assert [r for r in teams.connector.refused if r[1] == 429] == []


def test_a_message_too_large_is_given_up_at_once_and_reported(teams):
    thread, _ = escalate(teams)  # the core channel is known
    big = cards.notice_card("x" * (MAX_MESSAGE_BYTES + 100))
    rt = teams.loket.runtime
    rt.service.enqueue_post(kind=POST_CARD, channel_id=conversation_key(PERSONAL), thread_ts=None,
                            payload={"card": big, "summary": "groot"}, dedupe_key="too-big")
    teams.loket.call(rt.deliver_outbox())
    with teams.store.tx() as tx:
        row = tx.session.query(OutboxPost).filter_by(dedupe_key="too-big").one()
        assert (row.status, row.attempts, row.last_error) == ("failed", 1, "http 413")
    assert [r[1] for r in teams.connector.refused].count(413) == 1  # not tried again
    report = eventually(lambda: [s for s in teams.connector.to(CORE_CHANNEL)
                                 if any("kon niet worden afgeleverd (http 413)" in t for t in s.texts)])
    assert not any("x" * 50 in t for t in report[0].texts)  # ids and the code only, no text
