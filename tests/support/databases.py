"""Throw-away databases for tests: a fresh SQLite file or a fresh PostgreSQL database.

Every test that touches a database runs once on SQLite and once on PostgreSQL. A migrated
database with the built-in data is built once per session as a template and copied per test
(SQLite: a file copy; PostgreSQL: CREATE DATABASE … TEMPLATE), so each test starts clean.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from store.db import create_engine
from store.repository import Store
from tests.support.postgres import PostgresTarget

BACKENDS = ("sqlite", "postgresql")


async def pg_admin(admin_url: str, statement: str) -> None:
    url = make_url(admin_url)
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


async def seed(url: str) -> None:
    store = Store(create_engine(url))
    try:
        await store.migrate()
        await store.load_builtin_if_empty()
    finally:
        await store.close()


class DatabaseFactory:
    """Creates databases for one backend and removes them at the end of the session."""

    def __init__(self, backend: str, workdir: Path, postgres: PostgresTarget | None) -> None:
        if backend == "postgresql" and postgres is None:
            raise ValueError("a PostgreSQL factory needs a server")
        self.backend = backend
        self.workdir = workdir
        self.postgres = postgres
        self._template: str | None = None
        self._created: list[str] = []

    def _new_name(self) -> str:
        return f"kombitbot_test_{uuid.uuid4().hex[:12]}"

    def empty(self) -> str:
        """A URL to a database that exists but has no tables."""
        name = self._new_name()
        if self.backend == "sqlite":
            return f"sqlite:///{self.workdir / (name + '.sqlite3')}"
        self._admin(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return self._url(name)

    def seeded(self) -> str:
        """A URL to a migrated database holding the built-in dataset."""
        if self._template is None:
            url = self.empty()
            asyncio.run(seed(url))
            self._template = url
        name = self._new_name()
        if self.backend == "sqlite":
            target = self.workdir / (name + ".sqlite3")
            shutil.copyfile(make_url(self._template).database or "", target)
            return f"sqlite:///{target}"
        template = make_url(self._template).database
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self._created.append(name)
        return self._url(name)

    def _url(self, database: str) -> str:
        assert self.postgres is not None
        return self.postgres.url_for(database)

    def _admin(self, statement: str) -> None:
        assert self.postgres is not None
        asyncio.run(pg_admin(self.postgres.admin_url, statement))

    def cleanup(self) -> None:
        """Drop every database this factory created (the given server keeps nothing of ours)."""
        for name in reversed(self._created):
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._created.clear()
