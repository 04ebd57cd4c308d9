"""What the database holds and how old it is: the basis for honest answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import (
    Agreement,
    AgreementSignature,
    Base,
    FrozenZone,
    Import,
    KlikTask,
    KlikTaskStatusCount,
    Meeting,
    Municipality,
)


@dataclass(frozen=True, slots=True)
class StatusDate:
    """The newest "status opgjort" date and the slide it comes from."""

    day: dt.date
    raw: str
    source: str


@dataclass(frozen=True, slots=True)
class DataOverview:
    municipalities: int
    klik_tasks: int
    agreements: int
    signatures: int
    frozen_zones: int
    meetings: int
    newest_status: StatusDate | None
    last_import_at: dt.datetime | None
    last_import_label: str
    last_import_kind: str


async def _count(session: AsyncSession, model: type[Base]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _newest_status(session: AsyncSession) -> StatusDate | None:
    candidates: list[StatusDate] = []
    for model in (AgreementSignature, Agreement, KlikTaskStatusCount, Meeting):
        row = (
            await session.execute(
                select(model.status_as_of, model.status_as_of_raw, model.source)
                .where(model.status_as_of.is_not(None))
                .order_by(model.status_as_of.desc())
                .limit(1)
            )
        ).first()
        if row is not None and row[0] is not None:
            candidates.append(StatusDate(row[0], row[1], row[2]))
    return max(candidates, key=lambda s: s.day, default=None)


async def data_overview(session: AsyncSession) -> DataOverview:
    last_import = (
        await session.execute(
            select(Import.imported_at, Import.label, Import.kind)
            .order_by(Import.imported_at.desc())
            .limit(1)
        )
    ).first()
    return DataOverview(
        municipalities=await _count(session, Municipality),
        klik_tasks=await _count(session, KlikTask),
        agreements=await _count(session, Agreement),
        signatures=await _count(session, AgreementSignature),
        frozen_zones=await _count(session, FrozenZone),
        meetings=await _count(session, Meeting),
        newest_status=await _newest_status(session),
        last_import_at=last_import[0] if last_import else None,
        last_import_label=last_import[1] if last_import else "",
        last_import_kind=last_import[2] if last_import else "",
    )
