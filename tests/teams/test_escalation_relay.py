"""Escalation to the core channel (a new thread), the core team's reply relayed to the asker
proactively (stored reference, its serviceUrl), and what is not relayed."""
from __future__ import annotations

from .conftest import (
    ASKER, CORE_CHANNEL, CORE_MEMBER, CORE_MEMBER_AAD, PERSONAL, UNANSWERABLE, eventually,
)


def escalate(teams) -> tuple[str, str]:
    """Ask what Loket cannot answer; returns (core thread conversation id, root id)."""
    teams.say(UNANSWERABLE)
    [create] = [s for s in teams.connector.sent if s.method == "create"]
    return create.conversation_id, create.activity_id


def core_reply(teams, thread: str, text: str, *, user: str = CORE_MEMBER, aad: str | None = CORE_MEMBER_AAD, **kw):
    return teams.say(text, user=user, aad=aad, conversation=thread, kind="channel", channel=CORE_CHANNEL, **kw)


def relays(teams) -> list:
    return [s for s in teams.connector.to(PERSONAL) if any("(kernteam)" in t for t in s.texts)]


def test_unanswerable_question_becomes_a_thread_in_the_core_channel(teams):
    thread, root = escalate(teams)
    assert thread == f"{CORE_CHANNEL};messageid={root}"
    [create] = [s for s in teams.connector.sent if s.method == "create"]
    texts = create.texts
    assert any(t.startswith("#1") for t in texts)
    assert UNANSWERABLE in texts
    assert any("Van Naam" in t for t in texts)  # the asker
    assert [a["title"] for a in create.actions] == ["Oppakken", "Sluiten"]
    [note] = teams.connector.to(PERSONAL)
    assert any("#1" in t and "kernteam" in t for t in note.texts)


def test_core_members_reply_reaches_the_asker_at_the_stored_service_url(teams):
    thread, _ = escalate(teams)
    core_reply(teams, thread, "Ottawa, zie de atlas.")
    [relay] = eventually(lambda: relays(teams))
    assert "Ottawa, zie de atlas." in relay.texts
    assert relay.method == "send"  # proactive, into the personal conversation


def test_core_member_known_only_by_entra_id_in_core_users(teams, teams_settings):
    teams.stop()
    teams.connector.rosters.clear()  # no roster: only LOKET_TEAMS_CORE_USERS counts
    teams.settings = teams_settings.with_(teams_core_users=(CORE_MEMBER_AAD,))
    teams.start()
    thread, _ = escalate(teams)
    core_reply(teams, thread, "Ottawa.")
    assert eventually(lambda: relays(teams))


def test_internal_note_is_not_relayed(teams):
    thread, _ = escalate(teams)
    core_reply(teams, thread, "// even navragen bij BZK")
    core_reply(teams, thread, "(intern) nog niet sturen")
    teams.loket.call(teams.loket.runtime.deliver_outbox())
    assert relays(teams) == []


def test_html_attachment_of_a_channel_message_is_not_a_file(teams):
    thread, _ = escalate(teams)
    html = [{"contentType": "text/html", "content": "<div>Ottawa.</div>"}]
    core_reply(teams, thread, "Ottawa.", attachments=html)
    assert eventually(lambda: relays(teams))
    assert not any("Bestanden" in t for s in teams.connector.to(thread) for t in s.texts)


def test_throttled_relay_is_retried_after_retry_after(teams):
    thread, _ = escalate(teams)
    teams.connector.fail_next(1, status=429, retry_after="0")
    core_reply(teams, thread, "Ottawa.")
    rt = teams.loket.runtime

    def delivered():
        teams.loket.call(rt.deliver_outbox())
        return relays(teams)

    assert len(eventually(delivered, timeout=30, interval=0.5)) == 1
    assert teams.connector._fail == []  # the 429 was really served


def test_a_hanging_roster_call_does_not_hold_up_the_reply(teams):
    """The connector answers a roster read only after 5 s; Loket gives up after its own
    timeout, keeps the roster it read before and relays the core member's reply anyway."""
    import time

    thread, _ = escalate(teams)
    core_reply(teams, thread, "Ottawa, zie de atlas.")  # the roster is read here
    eventually(lambda: relays(teams))
    rt = teams.loket.runtime
    rt.sender.timeout = 0.5
    rt.core_team.clock = lambda: time.monotonic() + 3600  # the roster is due to be read again
    teams.connector.stall_next(1, seconds=5.0)
    started = time.monotonic()
    core_reply(teams, thread, "Aanvulling: ook de hoofdstad sinds 1857.")
    assert time.monotonic() - started < 4.0
    eventually(lambda: any("sinds 1857" in t for s in relays(teams) for t in s.texts))
