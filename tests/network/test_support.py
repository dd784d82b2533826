"""Requests for practical support: an escalation of kind "ondersteuning", shown as such in the summary."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from bot.core.network.items import InvalidItem
from bot.core.network.support import SupportRequests, parse_needed_by
from bot.core.monitoring.summary import build_summary, week_of
from bot.core.monitoring.summary_render import sections
from bot.core.views import VIA_COMMAND, Asker

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=timezone.utc)  # a Wednesday
ASKER = Asker(user_id="UASKER01", channel_id="CPRTUTRECHT", message_ts="1700000000.000100", via=VIA_COMMAND)


def test_a_support_request_is_an_escalation_of_its_own_kind(store):
    support = SupportRequests(store, clock=lambda: NOW)
    esc = support.open(ASKER, what="Hulp bij het doorrekenen van de opvangcapaciteit in ons plan",
                       province="utrecht", needed_by="2026-04-01")
    assert (esc.kind, esc.status, esc.province) == ("ondersteuning", "open", "Utrecht")
    assert esc.asker_thread_ts == ASKER.message_ts and esc.escalated_by == ASKER.user_id
    assert not esc.posted  # the adapter posts it like any escalation
    assert support.details(esc.number).needed_by == date(2026, 4, 1)
    with store.tx() as tx:
        question = tx.question(esc.question_id)
        assert (question.answer_kind, question.theme) == ("ondersteuning", "opvangcapaciteit")


def test_the_summary_counts_requests_apart_from_questions_and_gaps(store):
    support = SupportRequests(store, clock=lambda: NOW)
    support.open(ASKER, what="Meelezen met ons concept-plan", province="Utrecht")
    summary = build_summary(store, week_of(NOW, "Europe/Amsterdam"), now=NOW + timedelta(hours=2))
    assert summary.escalations_opened == 1 and summary.support_requests_opened == 1
    assert summary.questions_asked == 0  # a request is not a question Loket failed to answer
    assert summary.knowledge_gaps == ()
    (open_one,) = summary.open_escalations
    assert open_one.kind == "ondersteuning"
    text = "\n".join(line for section in sections(summary) for line in section.lines)
    assert "Waarvan verzoeken om ondersteuning: 1" in text
    table = next(s.table for s in sections(summary) if s.table is not None)
    assert table.rows[0][0] == f"#{open_one.number} (ondersteuning)"


def test_bad_requests_are_refused_with_the_field(store):
    support = SupportRequests(store, clock=lambda: NOW)
    for kwargs, field in ((dict(what=" ", province="Utrecht"), "what"), (dict(what="x", province="Atlantis"), "province"),
                          (dict(what="x", province="Utrecht", needed_by="gisteren"), "needed_by"),
                          (dict(what="x", province="Utrecht", needed_by="2026-03-01"), "needed_by")):
        with pytest.raises(InvalidItem) as e:
            support.open(ASKER, **kwargs)
        assert e.value.field == field
    assert parse_needed_by("1-4-2026", NOW.date()) == date(2026, 4, 1)
    assert parse_needed_by(None, NOW.date()) is None
