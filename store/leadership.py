"""Which instance runs the reminder scheduler: exactly one per database.

With PostgreSQL any number of instances share the database, but the daily job should be run
by one of them (the ledger would stop double sends anyway; one runner keeps the work and the
logs in one place). That one holds a session-level ``pg_advisory_lock`` on a connection of its
own: the lock lives exactly as long as that connection, so when the holder dies — crash,
SIGKILL, lost network — PostgreSQL drops the lock with the connection and another instance's
next try takes it. SQLite is embedded: the instance that opened it is the one.
"""

from __future__ import annotations

import logging
from typing import Final, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from store.db import async_url

__all__ = ["SCHEDULER_LOCK_ID", "AlwaysLeader", "LeaderLock", "PgAdvisoryLeader", "leader_lock"]

log = logging.getLogger(__name__)

# Any constant works if every instance uses the same; different from the migration lock.
SCHEDULER_LOCK_ID: Final = 0x4B4F4D52  # "KOMR"


class LeaderLock(Protocol):
    async def try_acquire(self) -> bool:
        """Become the leader if nobody is; True if this instance now is."""
        ...

    async def holds(self) -> bool:
        """Still the leader? (False once the lock's connection is gone.)"""
        ...

    async def release(self) -> None: ...


class AlwaysLeader:
    """SQLite: one instance per database file, so it always leads."""

    async def try_acquire(self) -> bool:
        return True

    async def holds(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class PgAdvisoryLeader:
    """A session-level advisory lock on one dedicated, autocommit connection."""

    def __init__(self, database_url: str, lock_id: int = SCHEDULER_LOCK_ID) -> None:
        self._engine: AsyncEngine = create_async_engine(
            async_url(database_url), poolclass=NullPool, isolation_level="AUTOCOMMIT"
        )
        self._lock_id = lock_id
        self._connection: AsyncConnection | None = None
        self._held = False

    async def try_acquire(self) -> bool:
        if self._held and await self.holds():
            return True
        try:
            if self._connection is None:
                self._connection = await self._engine.connect()
            got = await self._connection.scalar(
                text("SELECT pg_try_advisory_lock(:id)"), {"id": self._lock_id}
            )
        except Exception as error:
            log.warning("could not try the scheduler lock (%s)", type(error).__name__)
            await self._drop()
            return False
        self._held = bool(got)
        return self._held

    async def holds(self) -> bool:
        if not self._held or self._connection is None:
            return False
        try:
            await self._connection.scalar(text("SELECT 1"))
        except Exception as error:
            log.warning("lost the scheduler lock's connection (%s)", type(error).__name__)
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        if self._held and self._connection is not None:
            try:
                await self._connection.scalar(
                    text("SELECT pg_advisory_unlock(:id)"), {"id": self._lock_id}
                )
            except Exception:
                log.debug("unlock failed; closing the connection releases it", exc_info=True)
        await self._drop()
        await self._engine.dispose()

    async def _drop(self) -> None:
        self._held = False
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:
                log.debug("closing the lock connection failed", exc_info=True)


def leader_lock(database_url: str) -> LeaderLock:
    """The right kind of lock for the database in ``database_url``."""
    if async_url(database_url).get_backend_name() == "postgresql":
        return PgAdvisoryLeader(database_url)
    return AlwaysLeader()
