"""Privacy on both databases: forget a person everywhere, export their data, retention
that pseudonymises old conversations (keeping open escalations and knowledge), hooks of
other parts, and the daily job that runs once across replicas."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.core import privacy
from bot.core.privacy.audit import AuditLog
from bot.core.delivery.jobs import PeriodicJob
from bot.core.privacy import PSEUDONYM, PrivacyHook
from bot.core.service import Asker, LoketService
from bot.core.answering.verified_sync import VerifiedSync
from bot.store.models import Escalation, OutboxPost, Question, VerifiedAnswer
from bot.store.repo import Store

from .fakes import CORE, FakeDesk, answered, unanswered

T0 = datetime(2025, 1, 10, 9, 0, tzinfo=timezone.utc)
ASKER = "UASKER1"
OTHER = "UOTHER2"


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def conversation(service: LoketService, user: str, text: str, *, channel: str = "DASK1", ts: str = "100.1"):
    return service.handle_question(Asker(user_id=user, channel_id=channel, message_ts=ts, via="dm"), text)


def escalated_and_verified(service: LoketService, user: str = ASKER) -> int:
    """A question of ``user`` that the core team answered and saved as verified; returns #N."""
    outcome = conversation(service, user, unanswered("Wie betaalt de bewaking van de noodopvang?"))
    number = outcome.escalation.number
    service.claim(number, user_id=CORE)
    service.record_core_reply(number, user_id=CORE, text="De gemeente, volgens de regeling.", message_ts="200.1")
    service.save_verified(number, user_id=CORE)
    return number


def make_service(store: Store, clock: Clock, desk: FakeDesk | None = None) -> LoketService:
    return LoketService(desk=desk or FakeDesk(), store=store, is_core=lambda u: u == CORE, clock=clock)


def test_forget_erases_the_person_everywhere_and_keeps_others(store):
    clock = Clock()
    desk = FakeDesk()
    sync = VerifiedSync(desk)
    service = make_service(store, clock, sync.desk_proxy)
    number = escalated_and_verified(service)
    conversation(service, ASKER, answered("Waar staat het draaiboek?"), ts="101.1")
    conversation(service, OTHER, answered("Wat kost een plek?"), channel="DOTHER", ts="300.1")
    service.feedback(1, user_id=ASKER, helpful=True)
    AuditLog(store).record(actor=ASKER, action="escalation.close", object_type="escalation", object_id=number)
    sync.check(service.verified_answers())
    assert set(desk.verified) == {"verified-1"}

    report = privacy.forget(store, ASKER)["core"]
    assert report["questions"] == 2 and report["escalations"] == 1 and report["verified_answers_removed"] == 1
    assert report["audit_actor"] == 1 and report["outbox"] >= 1

    with store.tx() as tx:
        s = tx.session
        assert s.scalar(select(Question).where(Question.user_id == ASKER)) is None
        mine = s.scalars(select(Question).where(Question.user_id == PSEUDONYM)).all()
        assert {(q.text, q.channel_id, q.message_ts) for q in mine} == {("", "D", None)}
        assert all(q.answered is not None for q in mine)  # the statistics stay
        esc = s.get(Escalation, number)
        assert (esc.asker_user_id, esc.asker_channel_id, esc.answer_text) == (PSEUDONYM, "D", None)
        assert esc.answered_by == CORE  # the core member is not forgotten
        assert s.scalars(select(VerifiedAnswer)).all() == []
        assert s.scalar(select(OutboxPost).where(OutboxPost.escalation_id == number)) is None
        other = s.scalar(select(Question).where(Question.user_id == OTHER))
        assert other.text == answered("Wat kost een plek?")
    assert AuditLog(store).verify().ok
    assert privacy.export(store, ASKER)["core"]["questions"] == []
    sync.check(service.verified_answers())
    assert desk.verified == {}  # the running desk drops the removed verified answer


def test_export_gives_the_person_their_data(store):
    service = make_service(store, Clock())
    number = escalated_and_verified(service)
    data = privacy.export(store, ASKER)
    core = data["core"]
    assert data["user_id"] == ASKER
    assert [q["text"] for q in core["questions"]] == [unanswered("Wie betaalt de bewaking van de noodopvang?")]
    assert core["escalations_asked"][0]["number"] == number
    assert core["verified_answers"][0]["answer"] == "De gemeente, volgens de regeling."
    handled = privacy.export(store, CORE)["core"]
    assert handled["escalations_handled"] == [{"number": number, "roles": ["claimed", "answered"]}]
    assert [e["action"] for e in handled["audit_log"]] == ["escalation.claim", "escalation.answer", "verified.save"]


def test_retention_pseudonymises_old_conversations_only(store):
    clock = Clock(T0)
    service = make_service(store, clock)
    old_closed = conversation(service, ASKER, unanswered("Oude vraag?"), ts="1.1").escalation.number
    service.close(old_closed, user_id=CORE)
    old_open = conversation(service, ASKER, unanswered("Oude open vraag?"), channel="DASK1", ts="2.1").escalation.number
    conversation(service, ASKER, answered("Oude beantwoorde vraag?"), ts="3.1")
    clock.now = T0 + timedelta(days=400)
    conversation(service, ASKER, answered("Nieuwe vraag?"), ts="4.1")

    report = privacy.expire(store, retention_days=365, now=clock.now)["core"]
    assert (report["questions"], report["escalations"]) == (2, 1)
    with store.tx() as tx:
        texts = {q.text: q.user_id for q in tx.session.scalars(select(Question))}
        assert texts == {"": PSEUDONYM, unanswered("Oude open vraag?"): ASKER, answered("Nieuwe vraag?"): ASKER}
        assert tx.session.get(Escalation, old_closed).asker_user_id == PSEUDONYM
        assert tx.session.get(Escalation, old_open).asker_user_id == ASKER  # still being handled
    again = privacy.expire(store, retention_days=365, now=clock.now)["core"]
    assert (again["questions"], again["escalations"]) == (0, 0)


def test_retention_keeps_verified_answers_but_loses_the_asker(store):
    clock = Clock(T0)
    service = make_service(store, clock)
    number = escalated_and_verified(service)
    service.close(number, user_id=CORE)
    privacy.expire(store, retention_days=30, now=T0 + timedelta(days=31))
    [item] = service.verified_answers()
    assert item.answer == "De gemeente, volgens de regeling."
    assert privacy.export(store, ASKER)["core"]["verified_answers"] == []


def test_retention_keeps_the_verified_wording_without_identifiers_or_link_to_the_asker(store, desk):
    import numpy as np

    from bot.core.answering.verified_sync import VerifiedSync

    clock = Clock(T0)
    service = make_service(store, clock)
    asked = ("Ik ben <@UASKER1> (06-12345678, jan.jansen@gemeente.nl): wie betaalt de bewaking van de noodopvang "
             "voor dossier 20250110?")
    number = conversation(service, ASKER, unanswered(asked)).escalation.number
    service.claim(number, user_id=CORE)
    service.record_core_reply(number, user_id=CORE, text="De gemeente; vragen aan <@UKERN9ABCD>.", message_ts="200.1")
    service.save_verified(number, user_id=CORE)
    service.close(number, user_id=CORE)
    sync = VerifiedSync(desk)
    sync.load(service.verified_answers())
    [key] = list(desk._verified.vectors)
    old_vector = desk._verified.vectors[key].copy()

    assert privacy.expire(store, retention_days=30, now=T0 + timedelta(days=31))["core"]["verified_answers"] == 1
    [item] = service.verified_answers()
    for identifier in ("UASKER1", "06-12345678", "jan.jansen", "20250110", "UKERN9ABCD"):
        assert identifier not in item.question + item.answer
    assert "wie betaalt de bewaking van de noodopvang" in item.question  # the desk still matches on it
    assert item.answer.startswith("De gemeente;")
    with store.read() as tx:
        assert tx.session.query(VerifiedAnswer).one().escalation_id is None  # no way back to the asker's thread
    assert sync.check(service.verified_answers()).changed == 1  # a running desk re-embeds the new wording
    assert not np.allclose(desk._verified.vectors[key], old_vector)
    assert privacy.expire(store, retention_days=30, now=T0 + timedelta(days=31))["core"]["verified_answers"] == 0


def test_other_parts_register_their_own_hooks(store):
    seen = []
    hook = PrivacyHook("test-register", forget=lambda s, u, now: seen.append(("forget", u)) or {"rows": 3},
                       export=lambda s, u: {"rows": ["x"]}, expire=lambda s, cutoff, now: {"rows": 1})
    privacy.register_hook(hook)
    try:
        assert privacy.forget(store, ASKER)["test-register"] == {"rows": 3}
        assert privacy.export(store, ASKER)["test-register"] == {"rows": ["x"]}
        assert privacy.expire(store, retention_days=1)["test-register"] == {"rows": 1}
    finally:
        privacy.HOOKS.pop("test-register")
    assert seen == [("forget", ASKER)]
    [entry] = AuditLog(store).entries(action="privacy.forget")
    assert ASKER not in (entry.detail or "") and entry.actor == "loket"


def test_the_daily_job_runs_once_per_day_across_replicas(db_url):
    stores = [Store.open(db_url) for _ in range(3)]
    runs: list[str] = []
    now = [T0]
    jobs = [PeriodicJob(s, "retention", timedelta(days=1), lambda t, i=i: runs.append(i) or {"n": i},
                        clock=lambda: now[0]) for i, s in enumerate(stores)]
    barrier = threading.Barrier(3)

    def replica(job: PeriodicJob) -> None:
        barrier.wait()
        job.run_if_due()

    for _ in range(2):  # two rounds on the same day
        threads = [threading.Thread(target=replica, args=(j,)) for j in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(runs) == 1
    now[0] = T0 + timedelta(days=1, seconds=1)
    assert jobs[2].run_if_due() is not None and len(runs) == 2
    for s in stores:
        s.close()


def test_forget_reaches_the_signal_register(store):
    from bot.core.monitoring.signals import SignalDraft, SignalRegister

    service = make_service(store, Clock())
    number = escalated_and_verified(service)
    register = SignalRegister(store, is_core=lambda u: u == CORE)
    drafted = register.create(register.draft_from_escalation(number), user_id=CORE)
    own = register.create(SignalDraft(kind="risico", province="Utrecht", theme=drafted.theme, title="Wachtlijst",
                                      description=f"Gemeld door <@{ASKER}> in het PRT-overleg.", severity="middel"),
                          user_id=ASKER)
    assert "bewaking" in drafted.title

    report = privacy.forget(store, ASKER)
    assert report["monitoring"]["signal_texts"] == 1 and report["monitoring"]["signal_people"] == 1
    with store.tx() as tx:
        from bot.store.models import Signal, SignalChange

        quoted = tx.session.get(Signal, drafted.id)
        assert quoted.title == f"Vraag #{number}: [verwijderd op verzoek]" and "bewaking" not in quoted.description
        mine = tx.session.get(Signal, own.id)
        assert ASKER not in mine.description and mine.created_by == PSEUDONYM
        history = " ".join(str(c.new_value) for c in tx.session.scalars(select(SignalChange)))
        assert "bewaking" not in history and ASKER not in history
    assert privacy.export(store, ASKER)["monitoring"] == {"signals": [], "signal_changes": [], "plan_changes": []}
