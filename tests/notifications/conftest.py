"""The built-in dataset's real snapshot, loaded once from a seeded SQLite database."""

from __future__ import annotations

import asyncio

import pytest

from kombitbot.workdays import DanishCalendar
from store.db import create_engine
from store.repository import Store
from store.snapshot import DataSnapshot
from tests.support.databases import DatabaseFactory


async def _load(url: str) -> DataSnapshot:
    store = Store(create_engine(url))
    try:
        return await store.snapshot()
    finally:
        await store.close()


@pytest.fixture(scope="session")
def builtin_snapshot(database_factories: dict[str, DatabaseFactory]) -> DataSnapshot:
    """What the bot answers from out of the box (status opgjort 20.11.25)."""
    return asyncio.run(_load(database_factories["sqlite"].seeded()))


@pytest.fixture
def calendar() -> DanishCalendar:
    return DanishCalendar()


@pytest.fixture
def postgresql_url(database_factories: dict[str, DatabaseFactory]) -> str:
    """A seeded PostgreSQL database, for what only PostgreSQL has: several instances sharing
    one database (an embedded SQLite database has one)."""
    return database_factories["postgresql"].seeded()
