"""The relay the core team controls (issue 10, defect 2), through signed HTTP into the real app.

Rule: a core member's plain reply in the escalation thread reaches the asker; ``//`` or
``(intern)`` at the start keeps a note internal (the escalation post says so). Each relay
is confirmed in the core thread with "Terugnemen"; edits and deletions follow; files are
not relayed and the core member hears so; long replies arrive whole.
"""
from __future__ import annotations

from bot.slack import action_ids
from bot.slack.guards import REFUSAL

from .conftest import CHANNEL, CORE, CORE_MEMBER, CORE_MEMBER_2, OUTSIDER, Call, Harness, eventually, next_ts
from .test_escalation import escalate, relay_reply


def relayed(loket: Harness, asker_ts: str, word: str) -> Call:
    return loket.fake.wait_for("chat.postMessage", lambda c: word in c.all_text(), channel=CHANNEL, thread_ts=asker_ts)[0]


def confirmation(loket: Harness, post: Call, count: int = 1) -> Call:
    return loket.fake.wait_for("chat.postMessage", lambda c: action_ids.TAKE_BACK in c.action_ids(), channel=CORE,
                               thread_ts=post.ts, count=count)[count - 1]


def edit_event(loket: Harness, post: Call, reply_ts: str, text: str, user: str = CORE_MEMBER):
    message = {"type": "message", "user": user, "text": text, "ts": reply_ts, "thread_ts": post.ts,
               "edited": {"user": user, "ts": next_ts()}}
    return loket.send_event({"type": "message", "subtype": "message_changed", "hidden": True, "channel": CORE,
                             "channel_type": "group", "message": message, "previous_message": dict(message, text="…"),
                             "ts": next_ts(), "event_ts": next_ts()})


def delete_event(loket: Harness, post: Call, reply_ts: str, user: str = CORE_MEMBER):
    previous = {"type": "message", "user": user, "text": "weg", "ts": reply_ts, "thread_ts": post.ts}
    return loket.send_event({"type": "message", "subtype": "message_deleted", "hidden": True, "channel": CORE,
                             "channel_type": "group", "deleted_ts": reply_ts, "previous_message": previous,
                             "ts": next_ts(), "event_ts": next_ts()})


def test_the_escalation_post_states_the_rule_and_internal_notes_stay_internal(loket: Harness) -> None:
    ts, post = escalate(loket)
    assert "`//`" in post.all_text() and "`(intern)`" in post.all_text()
    relay_reply(loket, post, "(intern) even navragen bij BZK")
    relay_reply(loket, post, "Het antwoord is Ottawa.")
    relayed(loket, ts, "Ottawa")
    loket.fake.settle()
    assert not [c for c in loket.fake.calls_to("chat.postMessage", channel=CHANNEL) if "BZK" in c.all_text()]


def test_an_edit_updates_the_relayed_message(loket: Harness) -> None:
    ts, post = escalate(loket)
    reply_ts = relay_reply(loket, post, "Het antwoord is Toronto.")
    sent = relayed(loket, ts, "Toronto")
    confirmation(loket, post)
    assert edit_event(loket, post, reply_ts, "Het antwoord is Ottawa (verbeterd).").status == 200
    update = loket.fake.wait_for("chat.update", channel=CHANNEL, ts=sent.ts)[-1]
    assert "Ottawa (verbeterd)" in update.all_text() and "Toronto" not in update.all_text()
    assert "Ottawa" in loket.fake.message(CHANNEL, sent.ts)["blocks"][1]["text"]["text"]
    assert loket.service.escalation(1).answer_text == "Het antwoord is Ottawa (verbeterd)."


def test_a_deletion_removes_the_relayed_message(loket: Harness) -> None:
    ts, post = escalate(loket)
    reply_ts = relay_reply(loket, post, "Het antwoord is Toronto.")
    sent = relayed(loket, ts, "Toronto")
    notice = confirmation(loket, post)
    delete_event(loket, post, reply_ts)
    loket.fake.wait_for("chat.delete", channel=CHANNEL, ts=sent.ts)
    assert (CHANNEL, sent.ts) not in loket.fake.messages
    eventually(lambda: loket.service.escalation(1).status == "claimed")  # nothing answered any more
    assert loket.service.escalation(1).answer_text is None
    assert "Teruggenomen" in loket.fake.wait_for("chat.update", channel=CORE, ts=notice.ts)[-1].all_text()


def test_take_back_button_removes_one_reply_for_the_core_team_only(loket: Harness) -> None:
    ts, post = escalate(loket)
    relay_reply(loket, post, "Eerste deel: Ottawa.")
    first = relayed(loket, ts, "Eerste deel")
    notice = confirmation(loket, post)
    relay_reply(loket, post, "Tweede deel: de hoofdstad sinds 1857.", user=CORE_MEMBER_2)
    relayed(loket, ts, "Tweede deel")
    confirmation(loket, post, count=2)
    value = next(el["value"] for b in notice.blocks if b["type"] == "actions" for el in b["elements"]
                 if el["action_id"] == action_ids.TAKE_BACK)

    loket.click(action_ids.TAKE_BACK, value, user=OUTSIDER, channel=CORE, message_ts=notice.ts, thread_ts=post.ts)
    loket.fake.wait_for("chat.postEphemeral", lambda c: REFUSAL in c.all_text(), user=OUTSIDER)
    assert not loket.fake.calls_to("chat.delete")

    loket.click(action_ids.TAKE_BACK, value, user=CORE_MEMBER_2, channel=CORE, message_ts=notice.ts, thread_ts=post.ts)
    loket.fake.wait_for("chat.delete", channel=CHANNEL, ts=first.ts)
    eventually(lambda: loket.service.escalation(1).answer_text == "Tweede deel: de hoofdstad sinds 1857.")
    assert loket.service.escalation(1).status == "answered"  # the second reply still stands
    assert "Teruggenomen door" in loket.fake.wait_for("chat.update", channel=CORE, ts=notice.ts)[-1].all_text()


def test_files_do_not_vanish_without_a_word(loket: Harness) -> None:
    ts, post = escalate(loket)
    files = [{"id": "F1", "name": "kaart-ottawa.pdf", "permalink": "https://loket-test.slack.com/files/F1"}]
    loket.message("", user=CORE_MEMBER, channel=CORE, thread_ts=post.ts, subtype="file_share", files=files)
    note = loket.fake.wait_for("chat.postEphemeral", lambda c: "kaart-ottawa.pdf" in c.all_text(), user=CORE_MEMBER)[0]
    assert "niet doorgestuurd" in note.all_text()
    assert loket.service.escalation(1).status == "open"  # a file alone answers nothing
    loket.message("Zie de kaart: het is Ottawa.", user=CORE_MEMBER, channel=CORE, thread_ts=post.ts,
                  subtype="file_share", files=files)
    relayed(loket, ts, "Ottawa")
    loket.fake.wait_for("chat.postEphemeral", lambda c: "Je tekst is doorgestuurd" in c.all_text(), user=CORE_MEMBER)


def test_a_long_reply_arrives_whole(loket: Harness) -> None:
    ts, post = escalate(loket)
    paragraphs = [f"Alinea {i}: " + "de opvang vraagt om afstemming met gemeente en COA. " * 12 for i in range(12)]
    text = "\n\n".join(paragraphs) + "\n\nEINDE"
    assert len(text) > 6000
    relay_reply(loket, post, text)
    sent = relayed(loket, ts, "EINDE")
    shown = "\n".join(b["text"]["text"] for b in sent.blocks if b.get("type") == "section")
    assert len(sent.blocks) > 3  # several sections, each within Slack's 3000 (the fake checks)
    assert all(f"Alinea {i}:" in shown for i in range(12)) and "…" not in shown
    assert shown.index("Alinea 3:") < shown.index("Alinea 4:") < shown.index("EINDE")


def test_a_link_preview_is_no_edit(loket: Harness) -> None:
    ts, post = escalate(loket)
    reply_ts = relay_reply(loket, post, "Zie https://www.canada.ca")
    relayed(loket, ts, "canada")
    confirmation(loket, post)
    edit_event(loket, post, reply_ts, "Zie https://www.canada.ca")  # Slack adds the unfurl: same text
    loket.fake.settle()
    assert not loket.fake.calls_to("chat.update", channel=CHANNEL, ts=relayed(loket, ts, "canada").ts)


def test_a_saved_answer_follows_its_correction(loket: Harness) -> None:
    ts, post = escalate(loket)
    reply_ts = relay_reply(loket, post, "Het antwoord is Toronto.")
    relayed(loket, ts, "Toronto")
    notice = confirmation(loket, post)
    loket.click(action_ids.SAVE_VERIFIED, "1", user=CORE_MEMBER, channel=CORE, message_ts=notice.ts, thread_ts=post.ts)
    eventually(lambda: [v for v in loket.service.verified_answers() if "Toronto" in v.answer])
    edit_event(loket, post, reply_ts, "Het antwoord is Ottawa.")
    eventually(lambda: [v.answer for v in loket.service.verified_answers()] == ["Het antwoord is Ottawa."])
    delete_event(loket, post, reply_ts)
    eventually(lambda: loket.service.verified_answers() == [])
