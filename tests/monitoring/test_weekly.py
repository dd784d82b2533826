"""The weekly summary is due from Monday 09:00 Amsterdam time and claimed once per ISO week."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bot.core.monitoring.plans import PlanError, PlanRegister
from bot.core.service import NotAllowed
from bot.core.monitoring.weekly import POSTED, WeeklyRuns, due_week
from bot.store.repo import Store

from .factories import CORE, local

TZ = "Europe/Amsterdam"


@pytest.mark.parametrize("moment, week", [
    (local(2026, 11, 30, 8, 59), None),  # Monday before 09:00: not yet
    (local(2026, 11, 30, 9, 0), "2026-W48"),
    (local(2026, 12, 3, 15), "2026-W48"),  # a late start on Thursday still posts last week's
    (local(2026, 12, 6, 23, 59), "2026-W48"),
    (local(2026, 10, 26, 9, 0), "2026-W43"),  # the Monday after DST ended: 08:00 UTC
    (local(2026, 3, 30, 9, 0), "2026-W13"),  # the Monday after DST began: 07:00 UTC
    (local(2027, 1, 4, 9, 30), "2026-W53"),
])
def test_due_week(moment, week):
    assert due_week(moment, TZ) == week
    if week:
        assert due_week(moment - timedelta(minutes=1), TZ) in (None, week)


def test_a_week_is_claimed_once_and_never_again_after_posting(store):
    now = local(2026, 11, 30, 9)
    a, b = WeeklyRuns(store, "replica-a"), WeeklyRuns(store, "replica-b")
    claim = a.claim("2026-W48", now=now)
    assert claim is not None and claim.attempt == 1
    assert b.claim("2026-W48", now=now) is None  # the lease holds
    assert a.claim("2026-W48", now=now + timedelta(minutes=1)) is None  # also for the holder's next round
    a.message_posted("2026-W48", channel_id="CKERNTEAM", ts="1.2")
    a.done("2026-W48", now=now, figures={"questions_asked": 3})
    assert a.status("2026-W48") == POSTED
    for later in (timedelta(minutes=6), timedelta(days=3), timedelta(days=30)):
        assert b.claim("2026-W48", now=now + later) is None
    assert b.claim("2026-W49", now=now + timedelta(days=7)) is not None  # the next week is its own


def test_a_replica_that_died_while_posting_is_taken_over_where_it_stopped(store):
    now = local(2026, 11, 30, 9)
    a, b = WeeklyRuns(store, "replica-a"), WeeklyRuns(store, "replica-b")
    assert a.claim("2026-W48", now=now) is not None
    a.message_posted("2026-W48", channel_id="CKERNTEAM", ts="1700000000.000200")
    # replica a dies before the chart; after the lease replica b continues
    assert b.claim("2026-W48", now=now + timedelta(minutes=4)) is None
    claim = b.claim("2026-W48", now=now + timedelta(minutes=6))
    assert (claim.attempt, claim.message_ts, claim.channel_id) == (2, "1700000000.000200", "CKERNTEAM")


def test_a_failed_post_is_retried_after_a_pause(store):
    now = local(2026, 11, 30, 9)
    runs = WeeklyRuns(store, "replica-a")
    assert runs.claim("2026-W48", now=now) is not None
    runs.failed("2026-W48", now=now, retry_in=timedelta(minutes=5))
    assert runs.claim("2026-W48", now=now + timedelta(minutes=4)) is None
    assert runs.claim("2026-W48", now=now + timedelta(minutes=5, seconds=1)).attempt == 2


def test_many_replicas_at_the_same_moment_claim_once(db_url):
    stores = [Store.open(db_url) for _ in range(6)]
    now = local(2026, 11, 30, 9)
    won: list[bool] = []
    barrier = threading.Barrier(len(stores))

    def claim(store: Store, i: int) -> None:
        barrier.wait()
        won.append(WeeklyRuns(store, f"replica-{i}").claim("2026-W48", now=now) is not None)

    threads = [threading.Thread(target=claim, args=(s, i)) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for s in stores:
        s.close()
    assert sorted(won) == [False] * (len(stores) - 1) + [True]


# -- provincial plans ---------------------------------------------------------------------------
def test_plans_start_as_not_started_and_keep_their_history(store):
    clock_times = iter([local(2026, 11, 24, 10), local(2026, 11, 26, 15), local(2026, 12, 1, 9)])
    plans = PlanRegister(store, is_core=CORE.__contains__, clock=lambda: next(clock_times))
    assert [p.state for p in plans.all()] == ["niet_gestart"] * 12
    assert [p.province for p in plans.all()][:3] == ["Groningen", "Fryslân", "Drenthe"]
    plans.set("utrecht", user_id="UKERN001", state="in voorbereiding", next_milestone="Bestuurlijk overleg",
              milestone_date="2026-12-10")
    plans.set("Utrecht", user_id="UKERN002", state="concept", note="Eerste versie rondgestuurd")
    plan = plans.set("UTRECHT", user_id="UKERN001", milestone_date="", state="concept")  # only the date changes
    assert (plan.state, plan.milestone_date, plan.updated_by) == ("concept", None, "UKERN001")
    history = [(c.actor, c.field, c.old_value, c.new_value) for c in plans.get("Utrecht").history]
    assert history == [
        ("UKERN001", "state", "niet_gestart", "in_voorbereiding"),
        ("UKERN001", "next_milestone", None, "Bestuurlijk overleg"),
        ("UKERN001", "milestone_date", None, "2026-12-10"),
        ("UKERN002", "state", "in_voorbereiding", "concept"),
        ("UKERN002", "note", None, "Eerste versie rondgestuurd"),
        ("UKERN001", "milestone_date", "2026-12-10", None),
    ]
    assert plans.states_at(local(2026, 11, 25))["Utrecht"] == "in_voorbereiding"


def test_only_the_core_team_updates_a_plan(store):
    plans = PlanRegister(store, is_core=CORE.__contains__)
    with pytest.raises(NotAllowed):
        plans.set("Zeeland", user_id="UASK", state="vastgesteld")
    with pytest.raises(PlanError):
        plans.set("Zeeland", user_id="UKERN001", milestone_date="volgende week")
    assert plans.get("Zeeland").state == "niet_gestart" and plans.get("Zeeland").history == ()


def test_weeks_before_loket_was_used_have_nothing_to_summarise(store):
    from bot.core.monitoring.weekly import in_use_before

    from .factories import add_question

    end_w48 = local(2026, 11, 30)
    assert not in_use_before(store, end_w48)
    add_question(store, local(2026, 12, 2, 10))  # first used in W49
    assert not in_use_before(store, end_w48)
    PlanRegister(store, is_core=CORE.__contains__, clock=lambda: local(2026, 11, 29, 12)).set(
        "Zeeland", user_id="UKERN001", state="concept")
    assert in_use_before(store, end_w48)
