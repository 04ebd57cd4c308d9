"""``INSERT … ON CONFLICT`` for both backends: several instances may write the same row at once,
and a unique constraint settles it in one statement instead of a read-then-write race."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def conflict_insert(
    session: AsyncSession, model: type[DeclarativeBase]
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT for ``model`` that supports ``on_conflict_do_nothing``/``…_do_update``."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
