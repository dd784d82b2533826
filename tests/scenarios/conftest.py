"""The ``platform`` fixture: every core scenario runs on Slack and on Teams, each on every
database backend (``conftest_db``), through the platforms' own test harnesses.

The Teams param is skipped (not the Slack one) where the ``teams`` extra is missing, with
the same guard as ``tests/teams/conftest.py``.
"""
from __future__ import annotations

from typing import Iterator

import pytest

from conftest_db import db_url  # noqa: F401  (fixture)
from slack_adapter.conftest import fake_slack, settings, start_loket  # noqa: F401  (fixtures)

from .driver import Platform


@pytest.fixture(params=["slack", "teams"])
def platform(request, db_url) -> Iterator[Platform]:  # noqa: F811 - the fixture imported above
    if request.param == "slack":
        from .slack_driver import SlackPlatform

        yield SlackPlatform(request.getfixturevalue("start_loket"), db_url)
        return
    pytest.importorskip("microsoft_agents.hosting.aiohttp", reason="Teams needs the 'teams' extra (Python >= 3.12)")
    from teams.conftest import _harness, teams_settings_for

    from .teams_driver import TeamsPlatform

    tmp_path, monkeypatch = request.getfixturevalue("tmp_path"), request.getfixturevalue("monkeypatch")
    harness = _harness(tmp_path, request.getfixturevalue("desk"), teams_settings_for(tmp_path), anonymous=False,
                       monkeypatch=monkeypatch, db_url=db_url)
    try:
        yield TeamsPlatform(harness)
    finally:
        harness.stop()
        harness.connector.stop()
        harness.store.close()
