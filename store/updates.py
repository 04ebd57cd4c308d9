"""Self-service status updates from chat: proposed, confirmed, undone — each step audited.

A proposal is stored server-side (:class:`~store.models.PendingAction`) and the confirmation
card carries only its random id, so a forged submit cannot write anything the bot did not
propose to that person in that conversation. Confirming writes the status, an audit entry
(who, what, when, before, after) and bumps the data version in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import asdict, dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.models import (
    Agreement,
    AgreementSignature,
    AuditEntry,
    KlikTask,
    KlikTaskStatus,
    Municipality,
    PendingAction,
)
from store.versioning import bump_data_version

Target = Literal["agreement", "task"]
PROPOSAL_LIFETIME = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class StatusChange:
    """Set ``municipality``'s status on one agreement or KLIK task."""

    target: Target
    key: str  # agreement or task natural key
    municipality: str
    status: str  # SignatureStatus / TaskStatus value


@dataclass(frozen=True, slots=True)
class Actor:
    aad_object_id: str
    name: str
    conversation_id: str


class UpdateRefused(Exception):
    """The confirmation or undo is not valid (unknown, expired, someone else's, done)."""

    def __init__(self, reason: Literal["unknown", "expired", "not_yours", "done"]) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class Applied:
    change: StatusChange
    audit_id: int
    before: str | None  # the status before (None: there was none)


def _status_row_query(change: StatusChange, municipality_id: int, target_id: int):  # type: ignore[no-untyped-def]
    if change.target == "agreement":
        return select(AgreementSignature).where(
            AgreementSignature.agreement_id == target_id,
            AgreementSignature.municipality_id == municipality_id,
        )
    return select(KlikTaskStatus).where(
        KlikTaskStatus.task_id == target_id, KlikTaskStatus.municipality_id == municipality_id
    )


def _snapshot_of(row: AgreementSignature | KlikTaskStatus | None) -> dict[str, object] | None:
    if row is None:
        return None
    return {
        "status": row.status,
        "derived": row.derived,
        "status_as_of": row.status_as_of.isoformat() if row.status_as_of else None,
        "status_as_of_raw": row.status_as_of_raw,
        "source": row.source,
        "notes": row.notes,
    }


class StatusUpdates:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def propose(self, change: StatusChange, actor: Actor, now: dt.datetime) -> str:
        """Store the proposal; returns the id the confirmation card carries."""
        action_id = str(uuid.uuid4())
        now = now.astimezone(dt.UTC)  # SQLite keeps no offset: store UTC everywhere
        async with self._sessions() as session, session.begin():
            session.add(
                PendingAction(
                    id=action_id,
                    kind="status_change",
                    payload=json.dumps(asdict(change)),
                    aad_object_id=actor.aad_object_id,
                    conversation_id=actor.conversation_id,
                    created_at=now,
                    expires_at=now + PROPOSAL_LIFETIME,
                )
            )
        return action_id

    async def cancel(self, action_id: str, actor: Actor) -> StatusChange:
        async with self._sessions() as session, session.begin():
            pending = await self._pending(session, action_id, actor, None)
            pending.state = "cancelled"
            return StatusChange(**json.loads(pending.payload))

    async def confirm(self, action_id: str, actor: Actor, now: dt.datetime) -> Applied:
        """Apply a proposal made to this person in this conversation, exactly once."""
        async with self._sessions() as session, session.begin():
            pending = await self._pending(session, action_id, actor, now)
            change = StatusChange(**json.loads(pending.payload))
            applied = await self._apply(session, change, actor, now, action="status_change")
            pending.state = "confirmed"
            pending.audit_id = applied.audit_id
            await bump_data_version(session)
        return applied

    async def undo(
        self, audit_id: int, actor: Actor, now: dt.datetime, *, is_admin: bool
    ) -> Applied:
        """Put back what a confirmed change replaced (its "before"), audited as an undo."""
        async with self._sessions() as session, session.begin():
            entry = await session.get(AuditEntry, audit_id, with_for_update=True)
            if entry is None or entry.action != "status_change":
                raise UpdateRefused("unknown")
            if entry.actor_aad_object_id != actor.aad_object_id and not is_admin:
                raise UpdateRefused("not_yours")
            if entry.undone_by is not None:
                raise UpdateRefused("done")
            after = json.loads(entry.after)
            change = StatusChange(
                after["target"], after["key"], after["municipality"], after["status"]
            )
            before = json.loads(entry.before) if entry.before else None
            municipality_id, target_id = await self._ids(session, change)
            row = await session.scalar(_status_row_query(change, municipality_id, target_id))
            current = _snapshot_of(row)
            if before is None:
                if row is not None:
                    await session.delete(row)
            else:
                if row is None:
                    row = self._new_row(change, municipality_id, target_id)
                    session.add(row)
                row.status = str(before["status"])
                row.derived = bool(before["derived"])
                row.status_as_of = (
                    dt.date.fromisoformat(before["status_as_of"])
                    if before["status_as_of"]
                    else None
                )
                row.status_as_of_raw = str(before["status_as_of_raw"])
                row.source = str(before["source"])
                row.notes = str(before["notes"])
            undo = AuditEntry(
                at=now.astimezone(dt.UTC),
                actor_aad_object_id=actor.aad_object_id,
                actor_name=actor.name,
                action="undo",
                entity=change.target,
                entity_key=change.key,
                municipality_id=municipality_id,
                before=json.dumps(current, ensure_ascii=False) if current else "",
                after=entry.before,
            )
            session.add(undo)
            await session.flush()
            entry.undone_by = undo.id
            await bump_data_version(session)
            return Applied(change, undo.id, str(current["status"]) if current else None)

    async def _pending(
        self, session: AsyncSession, action_id: str, actor: Actor, now: dt.datetime | None
    ) -> PendingAction:
        pending = await session.get(PendingAction, action_id, with_for_update=True)
        if pending is None:
            raise UpdateRefused("unknown")
        if (
            pending.aad_object_id != actor.aad_object_id
            or pending.conversation_id != actor.conversation_id
        ):
            raise UpdateRefused("not_yours")
        if pending.state != "pending":
            raise UpdateRefused("done")
        if now is not None and _aware(pending.expires_at) < now.astimezone(dt.UTC):
            raise UpdateRefused("expired")
        return pending

    async def _ids(self, session: AsyncSession, change: StatusChange) -> tuple[int, int]:
        municipality_id = await session.scalar(
            select(Municipality.id).where(Municipality.name == change.municipality)
        )
        model = Agreement if change.target == "agreement" else KlikTask
        target_id = await session.scalar(select(model.id).where(model.key == change.key))
        if municipality_id is None or target_id is None:
            raise UpdateRefused("unknown")
        return municipality_id, target_id

    @staticmethod
    def _new_row(
        change: StatusChange, municipality_id: int, target_id: int
    ) -> AgreementSignature | KlikTaskStatus:
        if change.target == "agreement":
            return AgreementSignature(
                agreement_id=target_id, municipality_id=municipality_id, status="unknown"
            )
        return KlikTaskStatus(task_id=target_id, municipality_id=municipality_id, status="unknown")

    async def _apply(
        self,
        session: AsyncSession,
        change: StatusChange,
        actor: Actor,
        now: dt.datetime,
        *,
        action: str,
    ) -> Applied:
        municipality_id, target_id = await self._ids(session, change)
        row = await session.scalar(_status_row_query(change, municipality_id, target_id))
        before = _snapshot_of(row)
        if row is None:
            row = self._new_row(change, municipality_id, target_id)
            session.add(row)
        day = now.date()
        row.status = change.status
        row.derived = False
        row.status_as_of = day
        row.status_as_of_raw = day.strftime("%d.%m.%y")
        row.source = f"Indberettet i Teams af {actor.name or 'programleder'} {day:%d.%m.%Y}"
        row.notes = ""
        row.import_id = None
        entry = AuditEntry(
            at=now.astimezone(dt.UTC),
            actor_aad_object_id=actor.aad_object_id,
            actor_name=actor.name,
            action=action,
            entity=change.target,
            entity_key=change.key,
            municipality_id=municipality_id,
            before=json.dumps(before, ensure_ascii=False) if before else "",
            after=json.dumps(asdict(change), ensure_ascii=False),
        )
        session.add(entry)
        await session.flush()
        return Applied(change, entry.id, str(before["status"]) if before else None)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they are stored as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
