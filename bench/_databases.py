"""Throw-away databases for the benchmarks (SQLite file or a fresh PostgreSQL database)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.support.databases import POSTGRES_ADMIN_URL, pg_admin


def empty_database(backend: str, workdir: Path) -> tuple[str, str]:
    """A URL to a new, empty database, and its name (for :func:`drop`)."""
    name = f"kombitbot_bench_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        return f"sqlite:///{workdir / (name + '.sqlite3')}", name
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(
        hide_password=False
    ), name


def drop(backend: str, name: str) -> None:
    if backend == "postgresql":
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
