"""Engine set-up and schema migration.

SQLite (the default, one file in the data dir) and PostgreSQL (``postgresql+psycopg://``)
behave the same to the rest of the code. For SQLite that takes some care, done here on
every new connection:

* WAL: readers do not block the writer, nor the writer the readers;
* ``BEGIN IMMEDIATE`` for transactions that write (``Store.tx``), so a transaction takes
  the write lock up front instead of failing half-way when it upgrades from reading to
  writing; a plain (deferred) ``BEGIN`` for read-only ones (``Store.read``), which never
  take the write lock and so never wait for a writer;
* a busy timeout of 2 s: a writer waits for another writer at most that long, which fits
  Slack's 3-second acknowledgement (an ack that cannot store its request fails with a
  500, and Slack delivers the event again);
* a longer one, 10 s, for *patient* transactions (``Store.tx(patient=True)``): work after
  the acknowledgement that users repeat or replicas share, such as a button clicked twice,
  which must get the same result and not a database error. A writer keeps the write lock
  through its commit's fsync (``synchronous=FULL``), and on a loaded disk that alone can
  take more than 2 s (docs/reliability.md measured up to 1.25 s for one inbox insert on a
  loaded machine, and one refusal after the 2-s wait); a click then answers late
  instead of failing. 10 s: five times the ack budget, still a reply within seconds, and
  an error after that says the disk is in real trouble. The busy timeout is set per
  transaction (a PRAGMA only when it changes), so a pooled connection never carries a
  patient timeout into an acknowledgement;
* ``synchronous=FULL``: a committed transaction is on disk before the commit returns, so
  a question acknowledged to Slack survives a power loss or a crash of the machine
  (``NORMAL`` in WAL mode may lose the last commits). Its cost is measured by
  ``tests/bench/bench_sqlite_durability.py``;
* foreign keys on.

Errors never carry bound parameters (``hide_parameters``): they may hold message text.
"""
from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 2_000
SQLITE_SYNCHRONOUS = "FULL"
SQLITE_PATIENT_BUSY_TIMEOUT_MS = 10_000  # Store.tx(patient=True): work after the ack (module docstring)
READ_ONLY = "loket_read_only"  # execution option: a read-only transaction (deferred BEGIN on SQLite)
BUSY_TIMEOUT_MS = "loket_busy_timeout_ms"  # execution option: this transaction's wait for the write lock (SQLite)
_CURRENT_BUSY_TIMEOUT = "loket_current_busy_timeout_ms"  # in the pool entry's info: the timeout the connection has


def make_engine(url: str, *, echo: bool = False, sqlite_synchronous: str = SQLITE_SYNCHRONOUS) -> Engine:
    """Create an engine for ``url``; SQLite files get their directory created.

    ``sqlite_synchronous`` exists for the durability benchmark (``NORMAL`` as baseline).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, hide_parameters=True,
                           connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    _configure_sqlite(engine, synchronous=sqlite_synchronous)
    return engine


def _configure_sqlite(engine: Engine, *, synchronous: str) -> None:
    """Pragmas per connection, and explicit transaction control (see module docstring)."""
    if synchronous.upper() not in ("FULL", "NORMAL", "EXTRA"):
        raise ValueError(f"unsupported synchronous mode {synchronous!r}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (SAVEPOINT works too)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        record.info[_CURRENT_BUSY_TIMEOUT] = SQLITE_BUSY_TIMEOUT_MS
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")  # erased text (AVG) is overwritten in the file, not left in free space
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        options = connection.get_execution_options()
        _set_busy_timeout(connection, int(options.get(BUSY_TIMEOUT_MS) or SQLITE_BUSY_TIMEOUT_MS))
        connection.exec_driver_sql("BEGIN" if options.get(READ_ONLY, False) else "BEGIN IMMEDIATE")


def _set_busy_timeout(connection, milliseconds: int) -> None:
    """Give the connection this transaction's busy timeout; a PRAGMA only when it changes
    (the pool entry remembers the current one), so most transactions pay nothing."""
    info = connection.connection.info
    if info.get(_CURRENT_BUSY_TIMEOUT) != milliseconds:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={milliseconds}")
        info[_CURRENT_BUSY_TIMEOUT] = milliseconds


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs the packaged migrations on ``engine`` (no ini file)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine_or_url: Engine | str, *, revision: str = "head") -> Engine:
    """Upgrade the schema to ``revision`` (at start-up); returns the engine used."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    log.info("migrating database %s to %s", engine.url.render_as_string(hide_password=True), revision)
    command.upgrade(alembic_config(engine), revision)
    return engine


def downgrade(engine: Engine, *, revision: str = "base", drop_audit_log: bool = False) -> None:
    """Downgrade the schema (tests; manual rollback of a bad release).

    Below 0004 the audit log goes; with rows in it that needs ``drop_audit_log=True``
    (the migration refuses otherwise: the log is never dropped silently).
    """
    config = alembic_config(engine)
    config.attributes["drop_audit_log"] = drop_audit_log
    command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
