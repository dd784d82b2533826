"""Forms open at once (issue 10, defect 5): the acknowledgement opens a loading modal on the
fresh trigger_id, the real form replaces it after the database and Slack work; the fake
lets a trigger_id open a view for three seconds only, as Slack does."""
from __future__ import annotations

from bot.slack import action_ids
from bot.slack.forms import SETTLED_TEXT
from monitoring.slack_helpers import slash

from .conftest import ASKER, CHANNEL, CORE, CORE_MEMBER, Harness


def test_plan_form_opens_although_the_core_team_lookup_is_slow(loket: Harness) -> None:
    loket.fake.fail_next("conversations.members", mode="slow", delay=4)  # longer than a trigger_id lives
    assert slash(loket, "/loket", "plan Utrecht", user=CORE_MEMBER, channel=CORE).status == 200
    form = loket.fake.wait_for_form(action_ids.PLAN_MODAL, timeout=15)
    assert "Utrecht" in form["title"]["text"]
    opened = loket.fake.calls_to("views.open", ok_only=False)
    assert len(opened) == 1 and opened[0].ok  # the loading view, in time
    assert loket.fake.calls_to("views.update")[-1].get("view_id") == opened[0].response["view"]["id"]


def test_a_refused_form_does_not_keep_loading(loket: Harness) -> None:
    slash(loket, "/loket", "bericht Nieuwe prognose", user=ASKER, channel=CHANNEL)  # core team only
    update = loket.fake.wait_for("views.update", lambda c: SETTLED_TEXT[:30] in str(c.get("view")))[0]
    assert update.get("view_id") == loket.fake.calls_to("views.open")[0].response["view"]["id"]
    assert not loket.fake.forms()
