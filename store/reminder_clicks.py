"""What clicks on a reminder card store: snoozes ("Påmind mig igen mandag") and
acknowledgements ("Set"). The delivery ledger itself belongs to the reminder sender; this
module only reads it, to check that an acknowledged delivery was posted in that conversation.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.conflicts import conflict_insert
from store.models import BotConversation, ReminderAck, ReminderDelivery, ReminderSnooze

__all__ = ["DeliveryRef", "ReminderClicks", "Snooze"]

_RECENT_DELIVERIES: Final = 50  # how far back a "Set" without a delivery id is looked up


@dataclass(frozen=True, slots=True)
class Snooze:
    aad_object_id: str
    item_kind: str
    item_key: str
    until: dt.date


@dataclass(frozen=True, slots=True)
class DeliveryRef:
    """A delivery as a click needs it: where it was posted and what it was about."""

    id: int
    conversation_id: str  # the Teams conversation id
    items: tuple[str, ...]  # reminder identities (notifications.rules.DueReminder.identity)


def _items(text: str) -> tuple[str, ...]:
    try:
        data = json.loads(text) if text else []
    except ValueError:
        return ()
    return tuple(str(item) for item in data) if isinstance(data, list) else ()


class ReminderClicks:
    """All SQL for ``reminder_snoozes`` and ``reminder_acks``."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def snooze(
        self, aad_object_id: str, item_kind: str, item_key: str, until: dt.date, now: dt.datetime
    ) -> None:
        """No personal reminder of this item for this person before ``until`` (last click wins)."""
        async with self._sessions() as session, session.begin():
            insert = conflict_insert(session, ReminderSnooze).values(
                aad_object_id=aad_object_id[:64],
                item_kind=item_kind[:16],
                item_key=item_key[:64],
                until=until,
                created_at=now.astimezone(dt.UTC),
            )
            await session.execute(
                insert.on_conflict_do_update(
                    index_elements=["aad_object_id", "item_kind", "item_key"],
                    set_={"until": until, "created_at": now.astimezone(dt.UTC)},
                )
            )

    async def snoozes(self, aad_object_id: str | None = None) -> list[Snooze]:
        """Stored snoozes (of one person), for the fan-out: skip while ``day < until``."""
        query = select(ReminderSnooze).order_by(ReminderSnooze.id)
        if aad_object_id is not None:
            query = query.where(ReminderSnooze.aad_object_id == aad_object_id)
        async with self._sessions() as session:
            return [
                Snooze(row.aad_object_id, row.item_kind, row.item_key, row.until)
                for row in await session.scalars(query)
            ]

    async def delivery(self, delivery_id: int) -> DeliveryRef | None:
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(
                        ReminderDelivery.id, BotConversation.conversation_id, ReminderDelivery.items
                    )
                    .join(BotConversation, BotConversation.id == ReminderDelivery.conversation_id)
                    .where(ReminderDelivery.id == delivery_id)
                )
            ).first()
        return DeliveryRef(row[0], row[1], _items(row[2])) if row is not None else None

    async def latest_delivery_with(self, conversation_id: str, prefix: str) -> DeliveryRef | None:
        """The newest delivery posted in a conversation with an item whose identity starts with
        ``prefix`` (a card that carries no delivery id)."""
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(ReminderDelivery.id, ReminderDelivery.items)
                    .join(BotConversation, BotConversation.id == ReminderDelivery.conversation_id)
                    .where(BotConversation.conversation_id == conversation_id)
                    .order_by(ReminderDelivery.id.desc())
                    .limit(_RECENT_DELIVERIES)
                )
            ).all()
        for delivery_id, text in rows:
            items = _items(text)
            if any(item.startswith(prefix) for item in items):
                return DeliveryRef(delivery_id, conversation_id, items)
        return None

    async def acknowledge(self, delivery_id: int, aad_object_id: str, now: dt.datetime) -> int:
        """Record that a person saw a delivery (once per person); how many have seen it."""
        async with self._sessions() as session, session.begin():
            insert = conflict_insert(session, ReminderAck).values(
                delivery_id=delivery_id, aad_object_id=aad_object_id[:64], at=now.astimezone(dt.UTC)
            )
            await session.execute(
                insert.on_conflict_do_nothing(index_elements=["delivery_id", "aad_object_id"])
            )
            count = await session.scalar(
                select(func.count())
                .select_from(ReminderAck)
                .where(ReminderAck.delivery_id == delivery_id)
            )
        return int(count or 0)
