"""Fixtures for the reliability tests: the databases (conftest_db) and the Slack harness
of the adapter tests (a real Loket over loopback HTTP against the fake Slack Web API)."""
from conftest_db import db_url, store  # noqa: F401  (fixtures)
from slack_adapter.conftest import fake_slack, loket, settings, start_loket  # noqa: F401  (fixtures)
