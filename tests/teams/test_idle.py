"""Waiting for the answering tasks in flight never blocks the event loop.

A finished task stays in the runtime's task set until its done-callback runs on a later turn
of the loop. On Python 3.12 ``asyncio.gather`` of finished tasks completes without giving the
loop that turn, so an ``idle()`` that gathered every task in the set again and again spun
forever: the loop stopped serving anything (seen as rare 120 s hangs of Teams tests in CI).
"""
from __future__ import annotations

import asyncio


def test_idle_returns_while_a_finished_task_still_waits_for_its_done_callback(teams) -> None:
    rt = teams.loket.runtime

    async def finished_but_not_yet_discarded() -> None:
        done = asyncio.get_running_loop().create_future()
        done.set_result(None)
        rt._tasks.add(done)  # as a task is between finishing and its done-callback
        try:
            await rt.idle()
        finally:
            rt._tasks.discard(done)

    teams.loket.call(finished_but_not_yet_discarded(), timeout=5)


def test_idle_waits_for_a_task_that_a_task_spawns(teams) -> None:
    rt = teams.loket.runtime
    finished: list[str] = []

    async def second() -> None:
        await asyncio.sleep(0.2)
        finished.append("second")

    async def first() -> None:
        await asyncio.sleep(0.05)
        rt.spawn(second())
        finished.append("first")

    async def run() -> None:
        rt.spawn(first())
        await rt.idle()

    teams.loket.call(run(), timeout=5)
    assert finished == ["first", "second"]
