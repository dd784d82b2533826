"""The desk's verified-answer index follows the database: built at start-up with a log
line, then only what differs is added, replaced or removed."""
from __future__ import annotations

import logging

from bot.core.answering.answer import VerifiedItem
from bot.core.answering.verified_sync import SyncReport, VerifiedSync

from .fakes import FakeDesk


def item(n: int, answer: str = "antwoord") -> VerifiedItem:
    return VerifiedItem(key=f"verified-{n}", question=f"vraag {n}", answer=answer, answered_by="UKERN001")


class CountingDesk(FakeDesk):
    def __init__(self) -> None:
        super().__init__()
        self.adds = 0

    def add_verified_answer(self, item: VerifiedItem) -> None:
        self.adds += 1
        super().add_verified_answer(item)


def test_start_up_builds_the_index_and_says_so(caplog):
    desk = CountingDesk()
    sync = VerifiedSync(desk)
    with caplog.at_level(logging.INFO, logger="bot.core.answering.verified_sync"):
        assert sync.load([item(1), item(2)]) == 2
    assert "verified-answer index built from the database: 2 answer(s)" in caplog.text
    assert set(desk.verified) == {"verified-1", "verified-2"}


def test_check_changes_only_what_differs(caplog):
    desk = CountingDesk()
    sync = VerifiedSync(desk)
    sync.load([item(1), item(2)])
    assert sync.check([item(1), item(2)]) == SyncReport()
    with caplog.at_level(logging.INFO, logger="bot.core.answering.verified_sync"):
        report = sync.check([item(1, "nieuw antwoord"), item(3)])  # another replica edited 1, added 3, 2 was erased
    assert report == SyncReport(added=1, changed=1, removed=1)
    assert "did not match the database" in caplog.text
    assert {k: v.answer for k, v in desk.verified.items()} == {"verified-1": "nieuw antwoord", "verified-3": "antwoord"}
    assert desk.adds == 2


def test_answers_saved_through_the_proxy_are_not_added_again():
    desk = CountingDesk()
    sync = VerifiedSync(desk)
    sync.load([])
    sync.desk_proxy.add_verified_answer(item(7))  # what LoketService.save_verified does
    assert sync.desk_proxy.ask("x").answered is False  # everything else goes to the desk
    assert sync.check([item(7)]) == SyncReport() and desk.adds == 1
