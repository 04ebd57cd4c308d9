"""The store as the rest of the bot sees it: a few async questions, no SQL outside."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from store.db import SCHEMA_HEAD, Readiness, check_ready, migrate, session_factory
from store.importing import ImportFile, ImportResult, import_files
from store.overview import DataOverview, data_overview
from store.snapshot import DataSnapshot, data_version, load_snapshot

BUILTIN_DATA_DIR = Path(__file__).parent / "data"


def builtin_files() -> list[ImportFile]:
    """KOMBIT's tables from the meeting decks, shipped with the package."""
    return [ImportFile.from_path(p) for p in sorted(BUILTIN_DATA_DIR.glob("*.csv"))]


class Store:
    """Owns the engine's sessions; constructed once by the app factory and passed in."""

    def __init__(self, engine: AsyncEngine, *, snapshot_max_age: float = 1.0) -> None:
        """``snapshot_max_age``: seconds a snapshot is trusted before the data version is read
        again, i.e. how long a change made by another instance may take to show here."""
        self.engine = engine
        self.sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
        self._head = SCHEMA_HEAD
        self._snapshot: DataSnapshot | None = None
        self._snapshot_checked = 0.0
        self._snapshot_max_age = snapshot_max_age
        self._snapshot_lock = asyncio.Lock()

    async def migrate(self) -> None:
        await migrate(self.engine)

    async def load_builtin_if_empty(self) -> ImportResult:
        result = await import_files(
            self.sessions, builtin_files(), kind="builtin", only_if_empty=True
        )
        self.invalidate()
        return result

    async def import_files(
        self,
        files: list[ImportFile],
        *,
        kind: str,
        imported_by: str | None,
        imported_by_name: str = "",
        now: dt.datetime | None = None,
    ) -> ImportResult:
        """Import files (all or nothing, audited when ``imported_by`` is given); this instance's
        answers see the result at once."""
        result = await import_files(
            self.sessions,
            files,
            kind=kind,
            imported_by=imported_by,
            imported_by_name=imported_by_name,
            now=now,
        )
        self.invalidate()
        return result

    async def readiness(self) -> Readiness:
        return await check_ready(self.engine, self._head)

    async def overview(self) -> DataOverview:
        async with self.sessions() as session:
            return await data_overview(session)

    async def snapshot(self) -> DataSnapshot:
        """The facts as of now: reloaded only when the data version moved.

        The version is read at most once per ``snapshot_max_age``; this instance's own writes
        call :meth:`invalidate` and show at once.
        """
        current = self._snapshot
        if (
            current is not None
            and time.monotonic() - self._snapshot_checked < self._snapshot_max_age
        ):
            return current
        async with self._snapshot_lock, self.sessions() as session:
            version = await data_version(session)
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = await load_snapshot(session)
            self._snapshot_checked = time.monotonic()
            return self._snapshot

    def invalidate(self) -> None:
        """Make the next :meth:`snapshot` read the data version (after a write here)."""
        self._snapshot_checked = 0.0

    async def close(self) -> None:
        await self.engine.dispose()
