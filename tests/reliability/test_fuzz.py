"""Fuzzing with Hypothesis: Slack event payloads, message building and escaping, document
ingestion and CLI arguments. Nothing crashes, and nothing an asker types becomes live
markup (a ping of @channel, @here, a user group or someone else) in the core channel."""
from __future__ import annotations

import json
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.cli import main as cli_main
from bot.core.answering.answer import Answer, Passage, Source
from bot.core.views import EscalationView
from bot.slack import blocks
from bot.slack.guards import Actor
from bot.slack.inbox import inbox_key
from bot.core.delivery.inbox import kind_of
from bot.slack.listeners import events
from index.loaders import LoadError, load_document

from slack_adapter.conftest import ASKER, BOT_USER_ID, CHANNEL, CORE, Harness

LIVE = re.compile(r"<[!@#^][^>]*>")
MARKUP = st.sampled_from(["<!channel>", "<!here|@here>", "<!everyone>", "<@UKERN002>", "<!subteam^S1|@kern>",
                          "@channel", "&lt;!here&gt;", "<https://x.nl|x>", "*vet*", "`code`", "> quote", "<#C1|k>",
                          "\u202e", "\x00", "𝕃𝕠𝕜𝕖𝕥", "\n\n", "&amp;", "<", ">", "&"])
SLACK_TEXT = st.lists(st.one_of(st.text(max_size=20), MARKUP), max_size=8).map("".join)
MAYBE = lambda s: st.one_of(st.none(), s)  # noqa: E731


def allowed_live(text: str, *people: str) -> set[str]:
    """Live markup in ``text`` other than Loket's own mentions of ``people`` and channel links."""
    return {m for m in LIVE.findall(text) if m not in {f"<@{p}>" for p in people} and not m.startswith("<#")}


# -- event payloads --------------------------------------------------------------------------
EVENTS = st.fixed_dictionaries(
    {"type": st.sampled_from(["app_mention", "message"])},
    optional={
        "user": st.sampled_from([ASKER, "UKERN001", "", None, 42]), "text": MAYBE(SLACK_TEXT),
        "ts": st.sampled_from(["1690000000.000100", "", "x", None]), "channel": st.sampled_from([CHANNEL, CORE, "DASK", None]),
        "thread_ts": MAYBE(st.sampled_from(["1690000000.000100", "1690000000.000200", "0"])),
        "channel_type": st.sampled_from(["im", "channel", "group", "mpim"]),
        "subtype": MAYBE(st.sampled_from(["bot_message", "message_changed", "file_share", "thread_broadcast"])),
        "bot_id": MAYBE(st.just("B1")), "blocks": st.lists(st.dictionaries(st.text(max_size=5), st.text(max_size=5)))},
)
BODIES = st.fixed_dictionaries({"event": EVENTS}, optional={
    "type": st.sampled_from(["event_callback", "url_verification", "block_actions"]),
    "event_id": st.text(max_size=12), "team_id": st.text(max_size=4)})


@given(body=BODIES)
@settings(max_examples=200, deadline=None)
def test_payload_readers_never_crash(body):
    inbox_key(body)
    kind_of(body)
    Actor.of(body)
    events.may_be_question(body)
    events.is_user_message(body["event"])


@given(event=EVENTS, event_id=st.text(min_size=1, max_size=10))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_events_never_crash_the_listeners(loket: Harness, event, event_id):
    body = {"type": "event_callback", "event_id": f"Fz{event_id}", "event": event}
    handler = events.on_app_mention if event["type"] == "app_mention" else events.on_message
    handler(loket.deps, body, BOT_USER_ID)
    sender = event.get("user") if isinstance(event.get("user"), str) else ASKER
    for call in loket.fake.calls_to("chat.postMessage", channel=CORE):
        # Loket's own "Gesteld door <@sender>" is allowed; nothing live from the text itself.
        assert allowed_live(call.all_text(), ASKER, sender) == set(), call.all_text()


# -- message building ------------------------------------------------------------------------
def view(question: str, answer: str | None = None) -> EscalationView:
    passage = Passage(question[:50], Source(title="T", section="S", path="p.md", score=0.5))
    return EscalationView(number=3, status="answered" if answer else "open", kind="vraag", question_id=1,
                          question=question, asker_user_id=ASKER, asker_channel_id=CHANNEL,
                          asker_thread_ts="1.1", created_at=datetime.now(timezone.utc), context=question[:20] or None,
                          answer_text=answer, answered_by="UKERN001" if answer else None, passages=(passage,))


@given(question=SLACK_TEXT, answer=MAYBE(SLACK_TEXT))
@settings(max_examples=200, deadline=None)
def test_core_channel_messages_carry_no_live_markup_from_askers(question, answer):
    for message in (blocks.escalation_post(view(question, answer), asker_permalink=None, is_dm=False),
                    blocks.followup_post(3, ASKER, question)):
        json.dumps(message)
        assert allowed_live(message["text"] + json.dumps(message["blocks"]), ASKER, "UKERN001") == set()
        for block in message["blocks"]:
            text = (block.get("text") or {}).get("text")
            assert text is None or len(text) <= blocks.SECTION_LIMIT


@given(text=SLACK_TEXT)
@settings(max_examples=200, deadline=None)
def test_messages_to_askers_are_well_formed(text):
    answer = Answer(text, True, text, 0.7, [Source(title=text[:30], section=text[:30], path="p.md", score=0.7)])
    for message in (blocks.answer_message(answer, 1), blocks.core_reply_relay(2, "UKERN001", text),
                    blocks.command_root(ASKER, text)):
        json.dumps(message)
        assert "<!channel>" not in message["text"] + json.dumps(message["blocks"])


# -- document ingestion ----------------------------------------------------------------------
@given(data=st.one_of(st.binary(max_size=400), SLACK_TEXT.map(str.encode)),
       suffix=st.sampled_from([".md", ".txt", ".html", ".pdf", ".docx"]))
@settings(max_examples=150, deadline=None)
def test_any_file_loads_or_fails_with_a_clear_error(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"doc{suffix}"
        path.write_bytes(data)
        try:
            load_document(path)
        except LoadError as e:
            assert str(e).startswith("doc") or str(e).startswith(str(path))


# -- CLI arguments ---------------------------------------------------------------------------
WORDS = st.sampled_from(["audit", "list", "verify", "privacy", "forget", "export", "retention", "--limit", "-1",
                         "0", "5", "--json", "--actor", "--action", "U123ABC", "x y", "", "--", "-v", "--help",
                         "UÄÖ", "'; DROP TABLE questions; --", "%", "\x00"])


@given(argv=st.lists(WORDS, max_size=5))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_cli_arguments_never_crash(argv, data_dir, capsys):
    if "\x00" in "".join(argv):
        argv = [a.replace("\x00", "") for a in argv]
    try:
        code = cli_main(argv)
    except SystemExit as e:  # argparse: --help (0) or a usage error (2)
        code = e.code
    assert code in (0, 1, 2), code
    assert "Traceback" not in capsys.readouterr().err


@pytest.fixture
def data_dir(tmp_path_factory, monkeypatch):
    path = tmp_path_factory.mktemp("cli-fuzz")
    monkeypatch.setenv("LOKET_DATA_DIR", str(path))
    monkeypatch.delenv("LOKET_DATABASE_URL", raising=False)
    return path
