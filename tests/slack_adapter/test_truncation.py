"""Nothing cut off silently (issue 10, defect 8): ``/loket plan`` with every note filled in
shows all twelve provinces whole; the fallback ``text`` of network posts is escaped like
their blocks (a form value "<!channel>" must not notify a whole channel)."""
from __future__ import annotations

from bot.core.monitoring import taxonomy as tx_
from bot.core.monitoring.signals import SignalDraft
from bot.slack import action_ids
from bot.slack.monitoring import Monitoring
from monitoring.slack_helpers import open_home, slash, submit

from .conftest import ASKER, CHANNEL, CORE, CORE_MEMBER, Harness

UPDATES = "CUPDATES"


def test_plan_overview_shows_all_twelve_provinces_with_long_notes(loket: Harness) -> None:
    plans = Monitoring(deps=loket.deps, settings=loket.runtime.settings).plans
    for province in tx_.PROVINCES:
        plans.set(province, user_id=CORE_MEMBER, next_milestone="Besluit GS " * 25,
                  note=f"Notitie {province}: " + "overleg met gemeenten en COA loopt. " * 25)
    slash(loket, "/loket", "plan", user=ASKER, channel=CHANNEL)
    shown = loket.fake.wait_for("private", lambda c: "Provinciale plannen" in c.all_text(), user=ASKER)[0]
    text = shown.all_text()
    for province in tx_.PROVINCES:
        assert f"*{province}*" in text and f"Notitie {province}:" in text
    assert "…" not in text  # nothing cut


def test_fallback_text_of_a_shared_lesson_is_escaped(start_loket) -> None:
    loket = start_loket(updates_channel=UPDATES)
    slash(loket, "/loket", "les", user=CORE_MEMBER, channel=CORE)
    view = loket.fake.wait_for_form(action_ids.LESSON_MODAL)
    submit(loket, view, {"title": "<!channel> Omwonenden vroeg betrekken & informeren",
                         "text": "Drie inloopavonden voor het besluit hielpen.", "province": "Gelderland",
                         "theme": "opvanglocaties"}, user=CORE_MEMBER)
    post = loket.fake.wait_for("chat.postMessage", channel=UPDATES)[0]
    assert "<!channel>" not in post.get("text") and "&lt;!channel&gt;" in post.get("text")
    assert "<!channel>" not in post.all_text()
    assert view["callback_id"] == action_ids.LESSON_MODAL


def test_signal_list_says_how_many_are_not_shown(loket: Harness) -> None:
    signals = Monitoring(deps=loket.deps, settings=loket.runtime.settings).signals
    for i in range(35):
        signals.create(SignalDraft(kind="risico", province="Utrecht", title=f"Signaal nummer {i}"), user_id=CORE_MEMBER)
    slash(loket, "/loket", "signalen", user=CORE_MEMBER, channel=CORE)
    shown = loket.fake.wait_for("private", lambda c: "Open signalen" in c.all_text(), user=CORE_MEMBER)[0].all_text()
    assert "(35)" in shown and "En nog 5 signalen" in shown


def test_core_home_shows_twenty_long_signals_whole(loket: Harness) -> None:
    signals = Monitoring(deps=loket.deps, settings=loket.runtime.settings).signals
    for i in range(20):
        title = f"Signaal {i:02d}: " + "gemeenten in de regio zoeken samen naar locaties voor opvang " * 2
        signals.create(SignalDraft(kind="risico", province="Utrecht", title=title[:110]), user_id=CORE_MEMBER)
    open_home(loket, CORE_MEMBER)
    home = loket.fake.wait_for("views.publish", user_id=CORE_MEMBER)[-1]
    text = str(home.get("view"))
    assert all(f"Signaal {i:02d}:" in text for i in range(20))
