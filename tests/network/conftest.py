"""Network tests: the store on SQLite (and PostgreSQL when configured), the Slack harness."""
from conftest_db import db_url, store  # noqa: F401  (fixtures)
from slack_adapter.conftest import fake_slack, loket, settings, start_loket  # noqa: F401  (fixtures)
