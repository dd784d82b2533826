"""Random sequences of core-team actions never break the escalation's invariants."""
from __future__ import annotations

import tempfile
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from bot.core.escalations import ANSWERED, CLAIMED, CLOSED, OPEN, STATUSES, InvalidTransition
from bot.core.delivery.outbox import POST_CORE_REPLY
from bot.core.service import LoketService, NotAllowed
from bot.store.repo import Store

CORE = ("UCORE1", "UCORE2")
USERS = CORE + ("UASK", "USTRANGER")
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
ORDER = {status: i for i, status in enumerate(STATUSES)}

actions = st.lists(
    st.tuples(st.sampled_from(["claim", "reply", "close", "save"]), st.sampled_from(USERS), st.sampled_from(["", "Antwoord."])),
    max_size=8,
)


def _open_escalation(store: Store) -> int:
    with store.tx() as tx:
        q = tx.add_question(user_id="UASK", channel_id="DASK", message_ts="1.1", conversation_ts="1.1", via="dm",
                            text="vraag", created_at=T0)
        return tx.add_escalation(question_id=q.id, asker_user_id="UASK", asker_channel_id="DASK",
                                 asker_thread_ts="1.1", created_at=T0).id


def _apply(service: LoketService, number: int, action: str, user: str, text: str) -> bool:
    """Run one action; True if it changed or confirmed something, False if refused."""
    try:
        if action == "claim":
            service.claim(number, user_id=user)
        elif action == "reply":
            return service.record_core_reply(number, user_id=user, text=text) is not None
        elif action == "close":
            service.close(number, user_id=user)
        else:
            service.save_verified(number, user_id=user)
    except (NotAllowed, InvalidTransition):
        return False
    return True


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=actions)
def test_escalation_invariants_hold_for_any_sequence_of_actions(desk, steps):
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{Path(tmp) / 'loket.db'}")
        try:
            service = LoketService(desk=desk, store=store, is_core=CORE.__contains__)
            number = _open_escalation(store)
            before = service.escalation(number)
            replies = 0
            for action, user, text in steps:
                done = _apply(service, number, action, user, text)
                after = service.escalation(number)
                assert ORDER[after.status] >= ORDER[before.status]  # never backwards
                if before.status == CLOSED:
                    assert after == before  # closed is final
                if before.claimed_by is not None:
                    assert after.claimed_by == before.claimed_by  # nobody takes it over
                if after.status in (CLAIMED, ANSWERED):
                    assert after.claimed_by in CORE
                if after.status == ANSWERED:
                    assert after.answer_text and after.answered_by in CORE
                if user not in CORE and not (action == "close" and user == "UASK"):
                    assert after == before and (not done or action == "close")
                if action == "reply" and done and text and before.status != CLOSED:
                    replies += 1
                before = after
            posts = []
            while (post := service.due_post()) is not None:  # drained as the adapter does: one at a time
                assert service.mark_sent(post.id, token=post.token, ts="1.0")
                posts += [post] if post.kind == POST_CORE_REPLY else []
            assert len(posts) == replies  # every accepted reply is relayed exactly once
            assert before.status in (OPEN, CLAIMED, ANSWERED, CLOSED)
        finally:
            store.close()
