"""``/loket`` as a participant types it: sub-commands only in their exact form (issue 10,
defect 3), and the command's response_url for what the acknowledgement promised (defect 6)."""
from __future__ import annotations

import pytest

from bot.slack.guards import REFUSAL

from monitoring.slack_helpers import slash

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
    assert not [c for c in loket.fake.calls_to("chat.postEphemeral") + loket.fake.calls_to("response_url")
                if REFUSAL in c.all_text()]


def test_the_exact_subcommand_form_stays_a_command(loket: Harness) -> None:
    loket.command("plan Utrecht", user=ASKER)  # the plan form: core team only
    loket.fake.wait_for("private", lambda c: REFUSAL in c.all_text(), user=ASKER)
    loket.command("overzicht 2026-W48", user=ASKER)
    loket.fake.wait_for("private", lambda c: REFUSAL in c.all_text(), user=ASKER, count=2)
    loket.fake.settle()
    assert not loket.fake.calls_to("chat.postMessage", channel=CHANNEL)  # no question was posted


# -- defect 6: the command's response_url --------------------------------------------------------
ELSEWHERE = "CELDERS"  # a channel Loket was not invited to


def responses(loket: Harness, predicate=lambda c: True):
    return [c for c in loket.fake.calls_to("response_url") if predicate(c)]


def test_searching_note_is_removed_once_the_question_is_in_the_channel(loket: Harness) -> None:
    assert "Even zoeken" in loket.command("Wat is het e-mailadres van het ondersteuningsarrangement?").body.decode()
    loket.fake.wait_for("response_url", lambda c: c.get("delete_original") is True)


def test_where_loket_is_not_a_member_the_asker_hears_where_the_answer_is(loket: Harness) -> None:
    loket.fake.outside.add(ELSEWHERE)
    loket.command("Wat is het e-mailadres van het ondersteuningsarrangement?", channel=ELSEWHERE)
    note = loket.fake.wait_for("response_url", lambda c: "privébericht" in c.all_text())[0]
    assert note.get("replace_original") is True and note.get("response_type") == "ephemeral"
    dm = loket.fake.dm_of(ASKER)
    loket.fake.wait_for("chat.postMessage", channel=dm)  # the question went to the DM, the answer follows


def test_refusals_and_expert_lists_reach_people_where_loket_is_not_a_member(loket: Harness) -> None:
    loket.fake.outside.add(ELSEWHERE)
    slash(loket, "/loket", "overzicht", user=ASKER, channel=ELSEWHERE)
    loket.fake.wait_for("response_url", lambda c: REFUSAL[:30] in c.all_text())
    slash(loket, "/loket", "bericht Nieuwe prognose", user=ASKER, channel=ELSEWHERE)
    loket.fake.wait_for("response_url", lambda c: REFUSAL[:30] in c.all_text(), count=2)
    assert not loket.fake.calls_to("chat.postEphemeral", channel=ELSEWHERE)  # nothing lost to not_in_channel
