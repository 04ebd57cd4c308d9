"""Throw-away databases for the benchmarks (SQLite file or a fresh PostgreSQL database)."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

POSTGRES = os.environ.get(
    "KOMBITBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


async def _admin(statement: str) -> None:
    url = make_url(POSTGRES)
    connection = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def empty_database(backend: str, workdir: Path) -> tuple[str, str]:
    """A URL to a new, empty database, and its name (for :func:`drop`)."""
    name = f"kombitbot_bench_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        return f"sqlite:///{workdir / (name + '.sqlite3')}", name
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False), name


def drop(backend: str, name: str) -> None:
    if backend == "postgresql":
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
