"""The weekly summary's figures on known data, week boundaries in Amsterdam (DST too), rendering."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from zoneinfo import ZoneInfo

from bot.core.monitoring.plans import PlanRegister
from bot.core.monitoring.signals import SignalDraft, SignalRegister
from bot.core.monitoring.summary import build_summary, parse_week, previous_week, week_bounds, week_of
from bot.core.monitoring.summary_chart import render_png
from bot.core.monitoring.summary_render import render, sections, to_html, to_markdown

from .factories import CORE, add_escalation, add_question, local

NOW = local(2026, 12, 7, 9)  # the summaries are produced later: figures as of the end of the week


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def filled(store):
    """Week 2026-W48 (Mon 23 – Sun 29 November) and its neighbours, with known activity."""
    add_question(store, local(2026, 11, 22, 23, 59))  # W47
    add_question(store, local(2026, 11, 23, 10))
    add_question(store, local(2026, 11, 24, 11), helpful=True, feedback_at=local(2026, 11, 24, 11, 5))
    add_question(store, local(2026, 11, 25, 12), helpful=False, feedback_at=local(2026, 11, 25, 12, 1))
    add_question(store, local(2026, 11, 26, 8), "hallo", kind="smalltalk")  # not a question
    add_question(store, local(2026, 11, 29, 23, 30))  # Sunday night: still W48
    add_question(store, local(2026, 11, 30, 0, 30))  # Monday 00:30: W49
    e1 = add_escalation(store, local(2026, 11, 23, 9), "Hoeveel opvangplekken moet Utrecht realiseren?",
                        answers=(local(2026, 11, 23, 14),))
    e2 = add_escalation(store, local(2026, 11, 26, 16), "Welke subsidie is er voor de bekostiging van noodopvang?",
                        answers=(local(2026, 11, 27, 10), local(2026, 12, 1, 9)))  # replied again in W49
    e3 = add_escalation(store, local(2026, 11, 27, 15), "Wat is de hoofdstad van Canada?")
    e4 = add_escalation(store, local(2026, 11, 18, 10), "Hoe starten we een pilot?",  # opened in W47
                        claimed_at=local(2026, 11, 19, 9), answers=(local(2026, 11, 24, 10),))
    e5 = add_escalation(store, local(2026, 11, 23, 10), "Hoeveel asielzoekers komen er volgend jaar?",
                        closed_at=local(2026, 11, 24, 9))
    add_escalation(store, local(2026, 12, 1, 10), "Volgende week")  # W49

    clock = Clock()
    signals = SignalRegister(store, is_core=CORE.__contains__, clock=clock)
    plans = PlanRegister(store, is_core=CORE.__contains__, clock=clock)
    clock.now = local(2026, 11, 18, 12)  # W47
    s2 = signals.create(SignalDraft(kind="kans", province="Limburg", theme="pilots", title="Pilot flexwonen"), user_id="U1")
    s4 = signals.create(SignalDraft(kind="issue", province="landelijk", title="Regeling loopt af"), user_id="U1")
    plans.set("Utrecht", user_id="UKERN001", state="concept")
    clock.now = local(2026, 11, 24, 12)  # W48
    s1 = signals.create(SignalDraft(kind="risico", province="Utrecht", theme="financien", title="Budget <script>"),
                        user_id="U2")
    s3 = signals.create(SignalDraft(kind="risico", province="Gelderland", theme="op- en afschaling", title="Piek"),
                        user_id="U2")
    signals.update(s2.id, user_id="UKERN001", status="in behandeling")
    signals.escalate(s3.id, user_id="UKERN001")
    signals.escalate(s4.id, user_id="UKERN002")
    plans.set("Utrecht", user_id="UKERN001", state="ingediend", next_milestone="Besluit LRT")
    plans.set("Gelderland", user_id="UKERN002", note="Wacht op GS")
    clock.now = local(2026, 12, 2, 12)  # W49
    signals.create(SignalDraft(kind="kans", province="Zeeland", title="Later"), user_id="U2")
    plans.set("Limburg", user_id="UKERN001", state="vastgesteld")
    plans.set("Utrecht", user_id="UKERN001", state="vastgesteld")
    return {"e": (e1, e2, e3, e4, e5), "s": (s1.id, s2.id, s3.id, s4.id)}


def test_figures_of_a_busy_week(store, filled):
    e1, e2, e3, e4, e5 = filled["e"]
    s1, s2, s3, s4 = filled["s"]
    s = build_summary(store, "2026-W48", now=NOW)
    assert (s.start.isoformat(), s.end.isoformat()) == ("2026-11-23", "2026-11-29")
    # 4 answered questions + 4 escalated ones this week; the greeting does not count
    assert (s.questions_asked, s.answered_by_loket, s.answered_share) == (8, 4, 0.5)
    assert (s.feedback_helpful, s.feedback_unhelpful) == (1, 1)
    assert (s.escalations_opened, s.escalations_answered) == (4, 3)  # e1, e2, e4 (opened in W47) answered
    # first answers after 5 h (e1), 18 h (e2; its later reply does not count) and 144 h (e4)
    assert s.median_answer_hours == 18
    assert s.median_answer_working_hours == 5  # 5, 2 and 32 working hours
    [still_open] = s.open_escalations
    assert (still_open.number, still_open.status, still_open.age_hours, still_open.age_working_hours) == (e3, "open", 57, 2)
    assert (s.signals_new.total, s.signals_new.by_kind, s.signals_new.by_province) == (
        2, {"risico": 2}, {"Utrecht": 1, "Gelderland": 1})
    assert s.signals_new.by_theme == {"financieel_juridisch": 1, "op_afschaling": 1}
    assert [x.id for x in s.changed_signals] == [s2, s4]  # s1 and s3 are new, not "changed"
    assert s.signals_changed.by_kind == {"kans": 1, "issue": 1}
    assert [x.id for x in s.escalated_signals] == sorted([s3, s4])
    plans = {p.province: p for p in s.plans}
    assert len(plans) == 12
    assert (plans["Utrecht"].state_before, plans["Utrecht"].state) == ("concept", "ingediend")  # not W49's state
    assert plans["Utrecht"].changes == ("status: Concept → Ingediend", "mijlpaal: Besluit LRT")
    assert plans["Limburg"].state == "niet_gestart" and plans["Limburg"].changes == ()
    assert plans["Gelderland"].changes == ("notitie: Wacht op GS",) and plans["Gelderland"].note == "Wacht op GS"
    assert s.plans_changed == 2
    gaps = {g.theme: g.count for g in s.knowledge_gaps}
    assert gaps == {"opvangcapaciteit": 2, "financieel_juridisch": 1, "overig": 1}
    assert s.knowledge_gaps[0].theme == "opvangcapaciteit"
    assert s.knowledge_gaps[0].examples == (f"#{e1} Hoeveel opvangplekken moet Utrecht realiseren?",
                                            f"#{e5} Hoeveel asielzoekers komen er volgend jaar?")


def test_the_week_before_sees_its_own_open_escalations(store, filled):
    e1, e2, e3, e4, e5 = filled["e"]
    s = build_summary(store, "2026-W47", now=NOW)
    assert s.questions_asked == 2 and s.escalations_opened == 1  # the Sunday 23:59 question and e4's
    [open_e4] = s.open_escalations  # claimed on Thursday, answered only in W48
    assert (open_e4.number, open_e4.status, open_e4.claimed_by) == (e4, "claimed", "UKERN001")
    assert {p.province: p.state for p in s.plans}["Utrecht"] == "concept"


def test_a_week_without_activity(store, filled):
    s = build_summary(store, "2026-W50", now=NOW + timedelta(days=14))
    assert s.is_quiet
    assert (s.questions_asked, s.escalations_opened, s.escalations_answered, s.signals_new.total) == (0, 0, 0, 0)
    assert s.answered_share is None and s.median_answer_hours is None and s.knowledge_gaps == ()
    assert {p.province: p.state for p in s.plans}["Limburg"] == "vastgesteld"  # states carry over
    assert all(not p.changes for p in s.plans)
    md = to_markdown(s)
    assert "rustige week" in md and "Mediane tijd tot antwoord kernteam: –" in md


def test_an_empty_database(store):
    s = build_summary(store, "2026-W01", now=NOW)
    assert s.is_quiet and len(s.plans) == 12 and all(p.state == "niet_gestart" for p in s.plans)
    assert (s.start.isoformat(), s.end.isoformat()) == ("2025-12-29", "2026-01-04")  # ISO week 1 starts in 2025


@pytest.mark.parametrize("week, hours", [("2026-W13", 167), ("2026-W43", 169), ("2026-W48", 168)])
def test_weeks_are_local_midnight_to_midnight_also_around_dst(week, hours):
    start, end = week_bounds(week, "Europe/Amsterdam")
    assert (end - start) == timedelta(hours=hours)
    for moment in (start, end):
        local_moment = moment.astimezone(ZoneInfo("Europe/Amsterdam"))
        assert (local_moment.weekday(), local_moment.hour, local_moment.minute) == (0, 0, 0)


@pytest.mark.parametrize("moment, week", [
    (local(2026, 10, 25, 23, 30), "2026-W43"),  # Sunday night after DST ended (22:30 UTC)
    (local(2026, 10, 26, 0, 30), "2026-W44"),  # Monday 00:30 CET (23:30 UTC on Sunday)
    (local(2026, 10, 19, 0, 30), "2026-W43"),  # Monday 00:30 CEST (22:30 UTC on Sunday)
    (local(2026, 3, 29, 23, 30), "2026-W13"),  # Sunday after DST began (21:30 UTC)
    (local(2026, 3, 30, 0, 30), "2026-W14"),  # Monday 00:30 CEST (22:30 UTC on Sunday)
])
def test_questions_land_in_their_local_week_around_dst(store, moment, week):
    add_question(store, moment)
    assert week_of(moment, "Europe/Amsterdam") == week
    assert build_summary(store, week, now=NOW).questions_asked == 1
    year, number = week.split("-W")
    for other in (f"{year}-W{int(number) - 1:02d}", f"{year}-W{int(number) + 1:02d}"):
        assert build_summary(store, other, now=NOW).questions_asked == 0


def test_week_helpers():
    assert parse_week("2026w48") == "2026-W48" and parse_week(" 2026-W5 ") == "2026-W05"
    with pytest.raises(ValueError):
        parse_week("2026-W54")
    with pytest.raises(ValueError):
        parse_week("november")
    assert previous_week(local(2027, 1, 4, 9), "Europe/Amsterdam") == "2026-W53"  # 2026 has 53 ISO weeks
    assert week_of(datetime(2026, 11, 29, 23, 30, tzinfo=timezone.utc), "Europe/Amsterdam") == "2026-W49"


def test_markdown_json_and_html_show_the_same_figures(store, filled):
    s = build_summary(store, "2026-W48", now=NOW)
    md, data, page = render(s, "md"), json.loads(render(s, "json")), to_html(s)
    assert data["questions_asked"] == 8 and data["answered_share"] == 0.5 and data["escalations_still_open"] == 1
    assert data["week"] == "2026-W48" and len(data["plans"]) == 12
    for text in ("Gesteld: 8", "Beantwoord door Loket: 4 (50%)", "nog open: 1",
                 "Mediane tijd tot antwoord kernteam: 18 uur (5 werkuren)"):
        assert text in md and text in page
    assert "<script>" not in page and "&lt;script&gt;" in page  # a signal title is text, not markup
    assert "\\<script\\>" in md
    assert [sec.title for sec in sections(s)][0] == "Vragen"


def test_the_chart_is_a_png(store, filled):
    png = render_png(build_summary(store, "2026-W48", now=NOW))
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
