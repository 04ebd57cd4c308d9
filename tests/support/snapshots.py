"""Every row of every table, to prove an operation changed nothing (or exactly something)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from store.models import Base
from store.repository import Store


async def snapshot(
    store: Store, *, ignore: Collection[str] = ()
) -> dict[str, list[tuple[object, ...]]]:
    """``ignore``: tables a test does not speak about (e.g. ``bot_conversations``, which any
    message may add to: the bot remembers where it was spoken to)."""
    tables: dict[str, list[tuple[object, ...]]] = {}
    async with store.sessions() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in ignore:
                continue
            rows = (await session.execute(select(table))).all()
            tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return tables
