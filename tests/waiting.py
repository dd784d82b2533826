"""Waiting in tests for what Loket does after an acknowledgement (no fixed sleeps)."""
from __future__ import annotations

import time
from typing import Any, Callable

TIMEOUT = 30.0  # generous: a loaded CI machine is slow; a passing test never waits this long


def eventually(check: Callable[[], Any], timeout: float = TIMEOUT, interval: float = 0.02) -> Any:
    """Poll ``check`` until it returns something truthy (and return that); fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)
