"""The outbox thread's wait for a send on the event loop ends when the loop stops.

Before, a server shut down (or a test ended) while the outbox thread waited for a send,
and the thread waited forever: the process could not exit.
"""
from __future__ import annotations

import asyncio
import threading

import pytest

from bot.teams.runtime import LoopStopped, on_loop


def test_a_send_on_a_running_loop_returns_its_result() -> None:
    async def main() -> str:
        async def send() -> str:
            await asyncio.sleep(0.01)
            return "activity-1"

        return await asyncio.to_thread(on_loop, asyncio.get_running_loop(), send())

    assert asyncio.run(main()) == "activity-1"


def test_an_error_of_the_send_reaches_the_thread() -> None:
    async def main() -> None:
        async def send() -> None:
            raise ValueError("http 500")

        await asyncio.to_thread(on_loop, asyncio.get_running_loop(), send())

    with pytest.raises(ValueError):
        asyncio.run(main())


def test_the_wait_gives_up_when_the_loop_stops() -> None:
    loop = asyncio.new_event_loop()
    started = threading.Event()
    outcome: list[BaseException] = []

    async def never() -> None:
        started.set()
        await asyncio.Event().wait()

    def worker() -> None:
        try:
            on_loop(loop, never())
        except BaseException as e:  # noqa: BLE001 - recorded for the assertion
            outcome.append(e)

    thread = threading.Thread(target=worker)
    runner = threading.Thread(target=loop.run_forever)
    runner.start()
    thread.start()
    assert started.wait(5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    runner.join(5)
    loop.close()
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], LoopStopped)
