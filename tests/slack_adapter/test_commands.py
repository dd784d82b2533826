"""``/loket`` as a participant types it: sub-commands only in their exact form (issue 10,
defect 3), and the command's response_url for what the acknowledgement promised (defect 6)."""
from __future__ import annotations

import pytest

from bot.slack.guards import REFUSAL

from .conftest import ASKER, CHANNEL, Harness


@pytest.mark.parametrize("text", [
    "overzicht van de opvanglocaties in Utrecht?",
    "plan van aanpak voor een nieuwe opvanglocatie, hoe begin ik?",
    "signalen van onrust bij omwonenden, wat nu?",
    "les uit de vorige ronde voor de gemeente?",
])
def test_a_question_that_starts_with_a_subcommand_word_is_a_question(loket: Harness, text: str) -> None:
    resp = loket.command(text, user=ASKER)
    assert resp.status == 200 and REFUSAL not in resp.body.decode()
    root = loket.fake.wait_for("chat.postMessage", lambda c: text.split()[0] in c.all_text(), channel=CHANNEL)[0]
    answer = loket.answer_in(CHANNEL, root.ts)
    assert "Even zoeken" not in answer.all_text()
    loket.fake.settle()
    assert not [c for c in loket.fake.calls_to("chat.postEphemeral") if REFUSAL in c.all_text()]


def test_the_exact_subcommand_form_stays_a_command(loket: Harness) -> None:
    loket.command("plan Utrecht", user=ASKER)  # the plan form: core team only
    loket.fake.wait_for("chat.postEphemeral", lambda c: REFUSAL in c.all_text(), user=ASKER)
    loket.command("overzicht 2026-W48", user=ASKER)
    loket.fake.wait_for("chat.postEphemeral", lambda c: REFUSAL in c.all_text(), user=ASKER, count=2)
    loket.fake.settle()
    assert not loket.fake.calls_to("chat.postMessage", channel=CHANNEL)  # no question was posted
