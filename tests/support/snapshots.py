"""Every row of every table, to prove an operation changed nothing (or exactly something)."""

from __future__ import annotations

from sqlalchemy import select

from store.models import Base
from store.repository import Store


async def snapshot(store: Store) -> dict[str, list[tuple[object, ...]]]:
    tables: dict[str, list[tuple[object, ...]]] = {}
    async with store.sessions() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return tables
