"""Throw-away databases for the benchmarks (SQLite file or a fresh PostgreSQL database).

PostgreSQL is the server named by KOMBITBOT_TEST_POSTGRES_URL or, without it, a throwaway server
started on first use and removed when the benchmark ends (tests/support/postgres.py).
"""

from __future__ import annotations

import asyncio
import atexit
import uuid
from contextlib import ExitStack
from functools import cache
from pathlib import Path

from tests.support.databases import pg_admin
from tests.support.postgres import PostgresTarget, postgres_for_tests


@cache
def postgres() -> PostgresTarget:
    """This process's PostgreSQL, started once and stopped at exit."""
    stack = ExitStack()
    atexit.register(stack.close)
    return stack.enter_context(postgres_for_tests())


def empty_database(backend: str, workdir: Path) -> tuple[str, str]:
    """A URL to a new, empty database, and its name (for :func:`drop`)."""
    name = f"kombitbot_bench_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        return f"sqlite:///{workdir / (name + '.sqlite3')}", name
    asyncio.run(pg_admin(postgres().admin_url, f'CREATE DATABASE "{name}"'))
    return postgres().url_for(name), name


def drop(backend: str, name: str) -> None:
    if backend == "postgresql":
        asyncio.run(
            pg_admin(postgres().admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        )
