"""Engines, sessions and schema migrations for SQLite (embedded) and PostgreSQL (shared)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy import create_engine as create_sync_engine_
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

# The newest migration. Checked against Alembic's own view by tests/store/test_migrations.py;
# knowing it without Alembic lets an up-to-date database start without importing Alembic.
SCHEMA_HEAD = "0008"

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same for every instance sharing the database.
MIGRATION_LOCK_ID = 0x4B4F4D42  # "KOMB"


class UnsupportedDatabase(ValueError):
    """The URL names a database kombitbot does not run on."""


def async_url(database_url: str) -> URL:
    """Map a plain ``sqlite://`` or ``postgresql://`` URL to its async driver.

    Operators write the URL they know (``postgresql://user@host/db``); the driver is our
    concern. An explicit driver (``postgresql+psycopg``, if installed) is respected.
    """
    url = make_url(database_url)
    backend, _, driver = url.drivername.partition("+")
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite") if driver in ("", "pysqlite") else url
    if backend in ("postgresql", "postgres"):
        if driver in ("", "psycopg2", "asyncpg"):
            return url.set(drivername="postgresql+asyncpg")
        return url.set(drivername=f"postgresql+{driver}")
    raise UnsupportedDatabase(f"unsupported database {backend!r}: use sqlite:// or postgresql://")


def _sqlite_pragmas(dbapi_connection: object, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL is still safe against a crash of the service (only the last
    # transactions before a power loss can be lost), and saves an fsync per commit: the
    # difference between a poll keeping up with a meeting's clicks or not.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_engine(database_url: str) -> AsyncEngine:
    """An async engine with the settings each backend needs to be safe under concurrency."""
    url = async_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def sync_url(database_url: str) -> URL:
    """The same database through a synchronous driver (stdlib sqlite3; pg8000, pure Python
    and about 6 MB smaller in memory than psycopg's binary build), for APScheduler 3's job
    store, which is written for synchronous SQLAlchemy."""
    url = async_url(database_url)
    if url.get_backend_name() == "sqlite":
        return url.set(drivername="sqlite+pysqlite")
    return url.set(drivername="postgresql+pg8000")


def _sqlite_busy_timeout(dbapi_connection: object, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_sync_engine(database_url: str) -> Engine:
    """A small synchronous engine on the same database (see :func:`sync_url`)."""
    url = sync_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = create_sync_engine_(url)
        event.listen(engine, "connect", _sqlite_busy_timeout)
        return engine
    return create_sync_engine_(url, pool_pre_ping=True, pool_size=1, max_overflow=2)


def create_sqlite_sync_engine(engine: AsyncEngine) -> Engine | None:
    """For SQLite, a synchronous engine on the same file (None for other databases).

    A hot write path that runs many statements (a poll vote) runs them in one worker-thread
    hop with it, instead of one aiosqlite thread hop per statement.
    """
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return None
    sync: Engine = create_sync_engine_(
        engine.url.set(drivername="sqlite+pysqlite"),
        connect_args={"check_same_thread": False},
    )
    event.listen(sync, "connect", _sqlite_pragmas)
    return sync


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    """Alembic configured from code, so the installed package migrates without an ini file."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest migration according to Alembic (slow: imports Alembic)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError("no migrations found")
    return head


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Several instances may start at once behind a load balancer: one migrates, the others
        # wait here and then find nothing to do. The lock ends with the transaction.
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision (the only way the schema is ever created)."""
    if await _revision(engine) == SCHEMA_HEAD:
        return  # nothing to do; Alembic is not even imported
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


async def _revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        if not await connection.run_sync(_has_version_table):
            return None
        value = await connection.scalar(text("SELECT version_num FROM alembic_version"))
        return str(value) if value is not None else None


def _has_version_table(connection: Connection) -> bool:
    return inspect(connection).has_table("alembic_version")


def is_database_unavailable(error: BaseException) -> bool:
    """Does this error mean "the database cannot be reached right now" (try again later)?

    Connection refused, a dropped connection or a server shutting down are; a bug in a query
    or a constraint violation is not.
    """
    from asyncpg import OperatorInterventionError, PostgresConnectionError
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    # asyncpg's own errors (the poll votes' pool, store/poll_votes_pg.py): a lost connection,
    # or the server shutting down or still starting up.
    if isinstance(error, (PostgresConnectionError, OperatorInterventionError)):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, (ConnectionError, TimeoutError, OSError)):
        return True
    cause = error.__cause__ or error.__context__
    return cause is not None and cause is not error and is_database_unavailable(cause)


@dataclass(frozen=True, slots=True)
class Readiness:
    ready: bool
    detail: str


async def check_ready(engine: AsyncEngine, expected_head: str) -> Readiness:
    """Is the database reachable and at the newest migration? Never raises."""
    try:
        async with engine.connect() as connection:
            if not await connection.run_sync(_has_version_table):
                return Readiness(False, "database not migrated")
            revision = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception as exc:  # any driver error means "not ready", with a reason
        return Readiness(False, f"database unreachable: {type(exc).__name__}")
    if revision != expected_head:
        return Readiness(False, f"database at revision {revision}, expected {expected_head}")
    return Readiness(True, f"database at revision {revision}")
