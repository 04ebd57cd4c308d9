"""The pause switch for reminders (``reminder_control``, row 1) and the audit of admin steps.

"pause påmindelser" must hold for every instance and across restarts, so it lives in the
database, read by each run. Pausing, resuming and "send påmindelser nu" are written to the
audit log in the same transaction as the change they record.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.models import AuditEntry, ReminderControl

__all__ = ["CONTROL_ROW", "ReminderControlStore", "ReminderSwitch"]

CONTROL_ROW = 1  # migration 0004 inserts it


@dataclass(frozen=True, slots=True)
class ReminderSwitch:
    paused: bool
    changed_by: str
    changed_at: dt.datetime | None


class ReminderControlStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def state(self) -> ReminderSwitch:
        async with self._sessions() as session:
            row = await session.get(ReminderControl, CONTROL_ROW)
        if row is None:  # a database migrated without the row: running, as by default
            return ReminderSwitch(False, "", None)
        changed = row.changed_at
        if changed is not None and changed.tzinfo is None:
            changed = changed.replace(tzinfo=dt.UTC)
        return ReminderSwitch(row.paused, row.changed_by, changed)

    async def paused(self) -> bool:
        return (await self.state()).paused

    async def set_paused(
        self, paused: bool, *, actor_aad: str, actor_name: str, now: dt.datetime
    ) -> bool:
        """Pause or resume; audited. False (and nothing written) if it already was so."""
        now = now.astimezone(dt.UTC)
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(ReminderControl)
                .where(ReminderControl.id == CONTROL_ROW, ReminderControl.paused.is_(not paused))
                .values(paused=paused, changed_by=(actor_name or actor_aad)[:255], changed_at=now)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                exists = await session.scalar(
                    select(ReminderControl.id).where(ReminderControl.id == CONTROL_ROW)
                )
                if exists is not None:
                    return False
                session.add(
                    ReminderControl(
                        id=CONTROL_ROW,
                        paused=paused,
                        changed_by=(actor_name or actor_aad)[:255],
                        changed_at=now,
                    )
                )
            session.add(
                AuditEntry(
                    at=now,
                    actor_aad_object_id=actor_aad[:64],
                    actor_name=actor_name[:255],
                    action="reminders_pause" if paused else "reminders_resume",
                    entity="reminders",
                    entity_key="pause" if paused else "resume",
                    before=json.dumps({"paused": not paused}),
                    after=json.dumps({"paused": paused}),
                )
            )
        return True

    async def audit_send(
        self,
        *,
        actor_aad: str,
        actor_name: str,
        day: dt.date,
        outcome: Mapping[str, int],
        now: dt.datetime,
    ) -> None:
        """ "send påmindelser nu": who sent which day's reminders, and what came of it."""
        async with self._sessions() as session, session.begin():
            session.add(
                AuditEntry(
                    at=now.astimezone(dt.UTC),
                    actor_aad_object_id=actor_aad[:64],
                    actor_name=actor_name[:255],
                    action="reminders_send",
                    entity="reminders",
                    entity_key=day.isoformat(),
                    before="",
                    after=json.dumps(dict(outcome)),
                )
            )
