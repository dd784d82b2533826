"""The relay correction rule (``bot.core.escalations.relays.correction``) that Slack and Teams share:
what an edit or a deletion of a core member's message does to its relay."""
from __future__ import annotations

from bot.core.escalations import relays
from conftest_db import db_url, store  # noqa: F401  (fixtures)
from test_service import escalate_one, service  # noqa: F401  (fixture and helper)


def test_deleting_or_editing_into_a_note_withdraws_editing_a_relayed_reply_edits(service):  # noqa: F811
    esc = escalate_one(service)
    service.record_core_reply(esc.number, user_id="UCORE1", text="Ottawa.", message_ts="200.1")

    def rule(ts: str, text: str, deleted: bool = False) -> str | None:
        return relays.correction(service.store, esc.number, ts, text=text, deleted=deleted)

    assert rule("200.1", "Ottawa, Canada.") == relays.EDIT
    assert rule("200.1", "Ottawa.") is None  # the same text: nothing to do
    assert rule("200.1", "// toch niet") == relays.WITHDRAW
    assert rule("200.1", "", deleted=True) == relays.WITHDRAW
    assert rule("300.1", "Een notitie die een antwoord werd") is None  # never relayed: not relayed afterwards
    relays.withdraw(service.store, esc.number, "200.1", user_id="UCORE1", now=service.clock())
    assert rule("200.1", "Weer anders") is None  # taken back: an edit does not bring it back
