"""The signal register: creating, changing (core team only), history, LRT escalation, CSV."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.core.privacy.audit import AuditLog
from bot.core.delivery.notices import Notice
from bot.core.service import NotAllowed
from bot.core.monitoring.signal_csv import COLUMNS, read_csv, row, write_csv
from bot.core.monitoring.signals import SignalDraft, SignalError, SignalRegister
from bot.core.monitoring.taxonomy import UnknownValue
from bot.store.models import OutboxPost

from .factories import CORE, add_escalation, local

T0 = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def register(store, clock=None) -> SignalRegister:
    return SignalRegister(store, is_core=CORE.__contains__, clock=clock or Clock())


def draft(**kw) -> SignalDraft:
    values = dict(kind="risico", province="utrecht", theme="financien", title="Te weinig budget voor noodopvang",
                  description="Gemeenten haken af.", severity="hoog")
    return SignalDraft(**(values | kw))


def lrt(view) -> Notice:
    return Notice(kind="slack_reply", channel_id="CLRT", payload={"message": {"text": f"S{view.id}"}})


def outbox(store) -> list[OutboxPost]:
    with store.tx() as tx:
        return list(tx.session.query(OutboxPost).order_by(OutboxPost.id))


def test_anyone_can_log_a_signal_with_loose_input(store):
    signal = register(store).create(draft(province="noord brabant", theme="Op- en afschaling", kind="Risico's"),
                                    user_id="UASK")
    assert (signal.kind, signal.province, signal.theme, signal.status) == ("risico", "Noord-Brabant", "op_afschaling",
                                                                          "nieuw")
    got = register(store).get(signal.id)
    assert got.created_by == "UASK" and [c.field for c in got.history] == ["created"]


@pytest.mark.parametrize("bad, error", [
    (dict(title="   "), SignalError), (dict(title="x" * 201), SignalError), (dict(province="Atlantis"), UnknownValue),
    (dict(kind="dreiging"), UnknownValue), (dict(severity="extreem"), UnknownValue),
])
def test_invalid_signals_are_refused_with_a_dutch_message(store, bad, error):
    with pytest.raises(error) as info:
        register(store).create(draft(**bad), user_id="UASK")
    assert str(info.value)[0].isupper()
    assert register(store).list() == []


def test_only_the_core_team_changes_a_signal_and_every_change_is_kept(store):
    clock = Clock()
    reg = register(store, clock)
    signal = reg.create(draft(), user_id="UASK")
    with pytest.raises(NotAllowed):
        reg.update(signal.id, user_id="UASK", status="in behandeling")
    with pytest.raises(NotAllowed):
        reg.escalate(signal.id, user_id="UBUITEN1", notice=lrt)
    assert reg.get(signal.id).status == "nieuw" and not outbox(store)
    denied = AuditLog(store).entries(action="signal.change")
    assert sorted((e.actor, e.result) for e in denied) == [("UASK", "denied"), ("UBUITEN1", "denied")]

    clock.now = T0 + timedelta(hours=1)
    reg.update(signal.id, user_id="UKERN001", status="in behandeling", owner="UKERN002", note="Bel de gedeputeerde")
    clock.now = T0 + timedelta(hours=2)
    reg.update(signal.id, user_id="UKERN002", severity="hoog", owner="UKERN002")  # nothing really changes
    clock.now = T0 + timedelta(hours=3)
    changed = reg.update(signal.id, user_id="UKERN002", severity="middel", title="Budget noodopvang te krap")
    history = [(c.actor, c.field, c.old_value, c.new_value) for c in reg.get(signal.id).history]
    assert history == [
        ("UASK", "created", None, "nieuw"),
        ("UKERN001", "status", "nieuw", "in_behandeling"),
        ("UKERN001", "owner", None, "UKERN002"),
        ("UKERN001", "note", None, "Bel de gedeputeerde"),
        ("UKERN002", "severity", "hoog", "middel"),
        ("UKERN002", "title", "Te weinig budget voor noodopvang", "Budget noodopvang te krap"),
    ]
    assert changed.updated_at == T0 + timedelta(hours=3)


def test_status_transitions_follow_the_lifecycle(store):
    reg = register(store)
    signal = reg.create(draft(), user_id="UKERN001")
    reg.update(signal.id, user_id="UKERN001", status="afgesloten")
    with pytest.raises(SignalError):
        reg.update(signal.id, user_id="UKERN001", status="nieuw")  # closed: only reopened into "in behandeling"
    assert reg.update(signal.id, user_id="UKERN001", status="in behandeling").status == "in_behandeling"


def test_escalating_to_the_lrt_records_it_and_queues_one_announcement(store):
    reg = register(store)
    signal = reg.create(draft(), user_id="UKERN001")
    escalated = reg.escalate(signal.id, user_id="UKERN002", notice=lrt)
    assert (escalated.status, escalated.lrt_channel_id, escalated.lrt_escalated_by) == ("geescaleerd", "CLRT", "UKERN002")
    with pytest.raises(SignalError):
        reg.escalate(signal.id, user_id="UKERN002", notice=lrt)  # once is enough
    posts = outbox(store)
    assert [(p.channel_id, p.dedupe_key) for p in posts] == [("CLRT", f"signal{signal.id}:lrt:1")]
    # sent back to the core team and escalated again: a second announcement
    reg.update(signal.id, user_id="UKERN001", status="in behandeling")
    reg.update(signal.id, user_id="UKERN001", status="geescaleerd", notice=lrt)
    assert [p.dedupe_key for p in outbox(store)][-1] == f"signal{signal.id}:lrt:2"


def test_without_an_lrt_channel_the_escalation_is_recorded_only(store):
    reg = register(store)
    signal = reg.create(draft(), user_id="UKERN001")
    escalated = reg.escalate(signal.id, user_id="UKERN001", notice=lambda view: None)
    assert escalated.status == "geescaleerd" and escalated.lrt_channel_id is None
    assert reg.get(signal.id).history[-1].new_value == "(geen LRT-kanaal ingesteld)"
    assert not outbox(store)


def test_an_escalation_becomes_a_signal_linked_to_it(store):
    number = add_escalation(store, local(2026, 11, 30, 10), "Hoeveel subsidie krijgt een gemeente voor flexwonen?")
    reg = register(store)
    d = reg.draft_from_escalation(number)
    assert d.escalations == (number,) and d.title.startswith(f"Vraag #{number}:")
    assert d.theme in ("financieel_juridisch", "flexibele_opvang")
    signal = reg.create(d, user_id="UKERN001")
    assert signal.escalations == (number,)
    assert reg.signals_for_escalation(number) == [signal.id]
    with pytest.raises(KeyError):
        reg.create(draft(escalations=(999,)), user_id="UKERN001")


def test_list_filters_and_open_only(store):
    reg = register(store)
    a = reg.create(draft(province="Utrecht", kind="kans"), user_id="U1")
    b = reg.create(draft(province="Limburg"), user_id="U1")
    reg.update(b.id, user_id="UKERN001", status="afgesloten")
    assert [s.id for s in reg.list()] == [b.id, a.id]
    assert [s.id for s in reg.list(open_only=True)] == [a.id]
    assert [s.id for s in reg.list(province="Limburg")] == [b.id]
    assert [s.id for s in reg.list(kind="kans")] == [a.id]


# -- CSV ------------------------------------------------------------------------------------------
tricky = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)


def test_csv_export_reads_back_unchanged(store):
    reg = register(store)
    texts = ['=HYPERLINK("http://x")', "+31 6 1234", "-min", "@kernteam", "'quoted", 'komma, "quote"',
             "regel 1\nregel 2\r\nregel 3", "Fryslân — één ‘test’ 🚀", ""]
    for i, text in enumerate(texts):
        signal = reg.create(draft(title=f"t{i} {text}".strip() or "t", description=text), user_id="UASK")
        if i % 3 == 0:
            reg.update(signal.id, user_id="UKERN001", status="in behandeling", owner="UKERN002")
    add_escalation(store, T0)
    reg.link_escalation(1, 1, user_id="UKERN001")
    signals = list(reversed(reg.list()))
    buffer = io.StringIO()
    assert write_csv(signals, buffer) == len(texts)
    assert buffer.getvalue().splitlines()[0] == ",".join(COLUMNS)
    for line in buffer.getvalue().split("\r\n")[1:]:
        assert not line.startswith(("=", "+", "-", "@"))  # nothing a spreadsheet would run
    back = read_csv(io.StringIO(buffer.getvalue(), newline=""))
    assert back == [{k: str(v) for k, v in _plain_row(s).items()} for s in signals]
    assert back[0]["escalations"] == "1" and back[1]["description"] == "+31 6 1234"


def _plain_row(signal) -> dict[str, str]:
    return {k: (v[1:] if v.startswith("'") else v) for k, v in row(signal).items()}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=tricky.filter(lambda t: t.strip() and len(" ".join(t.split())) <= 200), description=tricky)
def test_csv_round_trip_for_any_text(store, title, description):
    reg = register(store)
    signal = reg.create(draft(title=title, description=description), user_id="UASK")
    buffer = io.StringIO(newline="")
    write_csv([signal], buffer)
    back = read_csv(io.StringIO(buffer.getvalue(), newline=""))
    assert back[-1]["title"] == signal.title and back[-1]["description"] == signal.description
