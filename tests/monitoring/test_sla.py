"""Working-hours SLA arithmetic and the reminders built on it (once, then every working day)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from bot.core.delivery.notices import Notice
from bot.core.escalations.reminders import SlaReminders
from bot.core.service import LoketService
from bot.core.escalations.sla import WorkingHours, add_working_hours, working_hours_between
from bot.store.models import OutboxPost

from .factories import CORE, add_escalation, local

AMS_HOURS = WorkingHours()


@pytest.mark.parametrize("start, amount, due", [
    (local(2026, 11, 30, 9), 8, local(2026, 11, 30, 17)),  # Monday: the same day at closing
    (local(2026, 11, 30, 13, 30), 8, local(2026, 12, 1, 13, 30)),  # afternoon: next morning-ish
    (local(2026, 11, 27, 16), 8, local(2026, 11, 30, 16)),  # Friday 16:00: over the weekend
    (local(2026, 11, 27, 18), 8, local(2026, 11, 30, 17)),  # Friday evening counts from Monday 09:00
    (local(2026, 11, 28, 11), 1, local(2026, 11, 30, 10)),  # Saturday
    (local(2026, 12, 1, 7), 2, local(2026, 12, 1, 11)),  # early morning: from 09:00
    (local(2026, 11, 30, 9), 40, local(2026, 12, 4, 17)),  # a whole working week
    (local(2026, 11, 30, 9), 0, local(2026, 11, 30, 9)),
])
def test_add_working_hours_skips_evenings_and_weekends(start, amount, due):
    assert add_working_hours(start, amount) == due


@pytest.mark.parametrize("start, due", [
    # DST starts Sunday 29 March 2026 (02:00 -> 03:00): Friday 13:00 + 8 h is Monday 13:00 local,
    # which is 11:00 UTC instead of 12:00.
    (local(2026, 3, 27, 13), local(2026, 3, 30, 13)),
    # DST ends Sunday 25 October 2026 (03:00 -> 02:00).
    (local(2026, 10, 23, 13), local(2026, 10, 26, 13)),
])
def test_dst_weekends_keep_office_hours_in_local_time(start, due):
    assert add_working_hours(start, 8) == due
    assert due.astimezone(AMS_HOURS.zone).hour == 13
    assert working_hours_between(start, due) == pytest.approx(8)
    # the wall-clock gap is 72 h minus/plus the DST hour, the working time is not
    assert (due - start) in (timedelta(hours=71), timedelta(hours=73))


def test_working_hours_between_counts_only_office_hours():
    assert working_hours_between(local(2026, 11, 27, 16), local(2026, 11, 30, 10)) == pytest.approx(2)
    assert working_hours_between(local(2026, 11, 28, 10), local(2026, 11, 29, 20)) == 0  # weekend
    assert working_hours_between(local(2026, 11, 30, 18), local(2026, 12, 1, 8)) == 0  # night
    assert working_hours_between(local(2026, 12, 1, 10), local(2026, 11, 30, 10)) == 0  # backwards
    with pytest.raises(ValueError):
        working_hours_between(datetime(2026, 1, 1), datetime(2026, 1, 2))  # naive times are refused


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31),
                       timezones=st.just(timezone.utc))


@settings(max_examples=200, deadline=None)
@given(start=moments, amount=st.floats(min_value=0, max_value=100, allow_nan=False))
def test_adding_then_measuring_working_hours_gives_the_same_amount(start, amount):
    due = add_working_hours(start, amount)
    assert due >= start
    assert working_hours_between(start, due) == pytest.approx(amount, abs=1e-6)
    if amount > 0:  # a deadline always falls inside office hours
        local_due = due.astimezone(AMS_HOURS.zone)
        assert local_due.weekday() < 5 and (9, 0) <= (local_due.hour, local_due.minute) <= (17, 0)


# -- reminders -----------------------------------------------------------------------------------
def _render(reminder) -> Notice:
    return Notice(kind="slack_reply", channel_id=reminder.core_channel_id, thread_ts=reminder.core_ts,
                  payload={"message": {"text": f"#{reminder.number} {reminder.count}"}})


def _reminder_posts(store) -> list[OutboxPost]:
    with store.tx() as tx:
        return list(tx.session.query(OutboxPost).filter(OutboxPost.dedupe_key.like("%sla-reminder%"))
                    .order_by(OutboxPost.id))


def test_reminder_once_after_the_sla_then_every_working_day(store):
    number = add_escalation(store, local(2026, 11, 26, 14))  # Thursday 14:00: due Friday 14:00
    reminders = SlaReminders(store, sla_hours=8)
    assert reminders.run(local(2026, 11, 27, 13, 59), _render) == []
    sent = reminders.run(local(2026, 11, 27, 14, 1), _render)
    assert [(r.number, r.count) for r in sent] == [(number, 1)]
    assert sent[0].waiting_working_hours == pytest.approx(8, abs=0.02)
    for minute in range(2, 60, 15):  # the loop ticks again and again: no second reminder
        assert reminders.run(local(2026, 11, 27, 14, minute), _render) == []
    assert reminders.run(local(2026, 11, 29, 20), _render) == []  # not at the weekend
    assert [r.count for r in reminders.run(local(2026, 11, 30, 14, 2), _render)] == [2]  # Monday
    assert reminders.run(local(2026, 11, 30, 16), _render) == []
    assert [r.count for r in reminders.run(local(2026, 12, 1, 14, 5), _render)] == [3]
    posts = _reminder_posts(store)
    assert [(p.channel_id, p.thread_ts) for p in posts] == [("CKERNTEAM", "1700000000.000100")] * 3
    assert reminders.reminders_sent(number) == 3


def test_no_reminder_once_claimed_answered_closed_or_while_unposted(store):
    start = local(2026, 11, 30, 9)
    claimed = add_escalation(store, start, claimed_at=start + timedelta(hours=1))
    answered = add_escalation(store, start, answers=(start + timedelta(hours=2),))
    closed = add_escalation(store, start, closed_at=start + timedelta(hours=3))
    unposted = add_escalation(store, start, core_ts=None)
    assert SlaReminders(store).run(local(2026, 12, 2, 12), _render) == []
    assert not _reminder_posts(store)
    assert {claimed, answered, closed, unposted} == {1, 2, 3, 4}


def test_claiming_after_a_reminder_stops_further_reminders(store, desk):
    number = add_escalation(store, local(2026, 11, 30, 9))
    reminders = SlaReminders(store, sla_hours=4)
    assert [r.count for r in reminders.run(local(2026, 11, 30, 13, 1), _render)] == [1]
    LoketService(desk=desk, store=store, is_core=CORE.__contains__).claim(number, user_id="UKERN001")
    assert reminders.run(local(2026, 12, 1, 13, 5), _render) == []


def test_two_replicas_ticking_at_once_send_one_reminder(store):
    add_escalation(store, local(2026, 11, 30, 9))
    now = local(2026, 11, 30, 17, 30)
    first, second = SlaReminders(store), SlaReminders(store)
    assert len(first.run(now, _render) + second.run(now, _render)) == 1
    assert len(_reminder_posts(store)) == 1
