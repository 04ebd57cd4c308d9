"""The data version: bumped in the same transaction as every write to the facts."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import DataVersion


async def bump_data_version(session: AsyncSession) -> None:
    """Tell every instance its snapshot is stale (row 1 is created by migration 0002)."""
    await session.execute(
        update(DataVersion).where(DataVersion.id == 1).values(version=DataVersion.version + 1)
    )
