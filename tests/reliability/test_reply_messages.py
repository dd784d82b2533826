"""Loket's own replies in the asker's conversation (``reply_messages``, migration 0008) on
both databases: recorded once, erased with the person (a ``privacy_delete`` per message,
with its thread root), kept for others, gone with their question under retention (the
pseudonymising ``privacy retention`` and ``prune``), and the migration up and down."""
from __future__ import annotations

from datetime import timedelta

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from bot.core import privacy
from bot.core.delivery.outbox import reply_post_key
from bot.store.db import alembic_config, current_revision, downgrade, make_engine, migrate
from bot.store.models import OutboxPost, ReplyMessage

from .fakes import CORE, answered, unanswered
from .test_privacy import ASKER, OTHER, T0, Clock, conversation, make_service


def _replies(store) -> set[tuple[int, str]]:
    with store.read() as tx:
        return {(r.question_id, r.message_ts) for r in tx.session.scalars(select(ReplyMessage))}


def test_replies_are_recorded_once_and_erased_with_the_person_only(store):
    service = make_service(store, Clock())
    mine = conversation(service, ASKER, answered("Waar staat het draaiboek?")).question_id
    theirs = conversation(service, OTHER, answered("Wat kost een plek?"), channel="DOTHER", ts="300.1").question_id
    assert service.record_reply(mine, channel_id="DASK1", message_ts="100.2", kind="answer")
    assert not service.record_reply(mine, channel_id="DASK1", message_ts="100.2", kind="answer")  # a retry
    assert service.record_reply(mine, channel_id="t:abc", message_ts="1800000000001", thread_ts="1800000000000",
                                kind="escalated")
    assert service.record_reply(theirs, channel_id="DOTHER", message_ts="300.2", kind="answer")
    assert not service.record_reply(mine, channel_id="DASK1", message_ts=None, kind="answer")  # nothing posted

    report = privacy.forget(store, ASKER)["core"]
    assert report["reply_messages_to_delete"] == 2
    with store.read() as tx:
        queued = {(p.channel_id, p.payload["ts"], p.payload["thread_ts"]) for p in
                  tx.session.scalars(select(OutboxPost).where(OutboxPost.kind == "privacy_delete"))}
    assert queued == {("DASK1", "100.2", None), ("t:abc", "1800000000001", "1800000000000")}
    assert _replies(store) == {(theirs, "300.2")}
    assert privacy.forget(store, ASKER)["core"]["reply_messages_to_delete"] == 0


def test_a_reply_still_queued_for_the_person_is_not_sent_after_forget(store):
    service = make_service(store, Clock())
    mine = conversation(service, ASKER, answered("Waar staat het draaiboek?")).question_id
    theirs = conversation(service, OTHER, answered("Wat kost een plek?"), channel="DOTHER", ts="300.1").question_id
    for question, channel in ((mine, "DASK1"), (theirs, "DOTHER")):
        service.enqueue_post(kind="slack_reply", channel_id=channel, thread_ts=None, dedupe_key=reply_post_key(question),
                             payload={"message": {"text": "Het antwoord"}, "question_id": question})
    privacy.forget(store, ASKER)
    with store.read() as tx:
        left = {p.dedupe_key for p in tx.session.scalars(select(OutboxPost).where(OutboxPost.kind == "slack_reply"))}
    assert left == {reply_post_key(theirs)}


def test_export_lists_reply_ids_without_text(store):
    service = make_service(store, Clock())
    question = conversation(service, ASKER, answered("Waar staat het draaiboek?")).question_id
    service.record_reply(question, channel_id="DASK1", message_ts="100.2", kind="answer")
    replies = [p for p in privacy.export(store, ASKER)["core"]["loket_posts"] if p["what"].startswith("antwoord")]
    assert replies == [{"channel_id": "DASK1", "ts": "100.2", "what": "antwoord (answer)", "question_id": question}]


def test_retention_takes_the_replies_of_expired_questions_only(store):
    clock = Clock(T0)
    service = make_service(store, clock)
    old = conversation(service, ASKER, answered("Oude vraag?"), ts="1.1").question_id
    opened = conversation(service, ASKER, unanswered("Oude open vraag?"), ts="2.1")
    old_open = opened.question_id
    for question, ts in ((old, "1.2"), (old_open, "2.2")):
        service.record_reply(question, channel_id="DASK1", message_ts=ts, kind="answer")
    clock.now = T0 + timedelta(days=400)
    new = conversation(service, ASKER, answered("Nieuwe vraag?"), ts="4.1").question_id
    service.record_reply(new, channel_id="DASK1", message_ts="4.2", kind="answer")

    assert privacy.expire(store, retention_days=365, now=clock.now)["core"]["reply_messages"] == 1
    assert _replies(store) == {(old_open, "2.2"), (new, "4.2")}  # an open escalation keeps its conversation

    service.close(opened.escalation.number, user_id=CORE)
    clock.now = T0 + timedelta(days=800)
    service.prune(retention_days=600)  # deletes questions outright: their replies go along
    assert _replies(store) == {(new, "4.2")}


def test_migration_0008_up_and_down_keeps_the_questions(db_url):
    engine = make_engine(db_url)
    migrate(engine, revision="0007")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO questions (id, user_id, channel_id, via, text, created_at) "
                          "VALUES (1, 'UASK', 'DASK', 'dm', 'Hoeveel plekken?', :now)"), {"now": T0})
    migrate(engine)
    assert current_revision(engine) == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert "reply_messages" in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO reply_messages (question_id, channel_id, message_ts, kind, created_at) "
                          "VALUES (1, 'DASK', '100.2', 'answer', :now)"), {"now": T0})
    downgrade(engine, revision="0007")
    assert current_revision(engine) == "0007"
    assert "reply_messages" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT text FROM questions")).scalar() == "Hoeveel plekken?"
    migrate(engine)  # and up again
    assert "reply_messages" in inspect(engine).get_table_names()
    engine.dispose()
