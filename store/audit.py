"""Reading the audit log: who changed what, when, before and after."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.models import AuditEntry, Municipality


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What an import did: rows checked, facts inserted and updated."""

    rows: int
    inserted: int
    updated: int


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: dt.datetime
    actor: str
    action: str  # status_change / undo / import
    entity: str  # agreement / task / import
    entity_key: str  # agreement or task key; for an import, its file names
    municipality: str
    before: str  # status before ("" = none)
    after: str  # status after ("" = none)
    undone: bool
    imported: ImportCounts | None = None  # imports only
    title: str = ""  # polls only: the poll's question


def _title(text: str) -> str:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return ""
    return str(value.get("title", "")) if isinstance(value, dict) else ""


def _import_counts(text: str) -> ImportCounts:
    value = json.loads(text) if text else {}
    if not isinstance(value, dict):
        value = {}
    return ImportCounts(
        int(value.get("rows", 0)), int(value.get("inserted", 0)), int(value.get("updated", 0))
    )


def _status(text: str) -> str:
    if not text:
        return ""
    value = json.loads(text)
    return str(value.get("status", "")) if isinstance(value, dict) else ""


class AuditLog:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def entries(
        self, *, municipality: str | None = None, since: dt.datetime | None = None, limit: int = 50
    ) -> list[AuditLine]:
        """Newest first, optionally for one municipality and/or from a moment on."""
        query = (
            select(AuditEntry, Municipality.name)
            .outerjoin(Municipality, AuditEntry.municipality_id == Municipality.id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
        if municipality is not None:
            query = query.where(Municipality.name == municipality)
        if since is not None:
            query = query.where(AuditEntry.at >= since.astimezone(dt.UTC))
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return [
            AuditLine(
                at=entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=dt.UTC),
                actor=entry.actor_name or entry.actor_aad_object_id,
                action=entry.action,
                entity=entry.entity,
                entity_key=entry.entity_key,
                municipality=name or "",
                before=_status(entry.before) if entry.entity not in ("import", "poll") else "",
                after=_status(entry.after) if entry.entity not in ("import", "poll") else "",
                undone=entry.undone_by is not None,
                imported=_import_counts(entry.after) if entry.action == "import" else None,
                title=_title(entry.after) if entry.entity == "poll" else "",
            )
            for entry, name in rows
        ]
