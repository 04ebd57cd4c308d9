"""Where reminders may go and what each place asked for: the fan-out's read-only view.

One query per table for a whole run (conversations, their subscriptions, the registered
municipality of each personal chat's user, that user's snoozes), so a fan-out to hundreds of
conversations costs four reads, not hundreds. Writing these tables is the business of
:mod:`store.conversations`, :mod:`store.subscriptions` and :mod:`store.reminder_clicks`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.models import (
    BotConversation,
    Municipality,
    ReminderSnooze,
    ReminderSubscription,
    UserProfile,
)

__all__ = ["ReminderTarget", "ReminderTargets", "SubscriptionRow"]


@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    """``kind`` is all / municipality / region / solution / frozen_zones; ``value`` its key."""

    kind: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class ReminderTarget:
    """One conversation the bot may post reminders in, with what it subscribed to.

    ``municipality`` and ``snoozes`` are only filled for personal chats: the registered
    municipality of the chat's user ("jeg er programleder i Vejle") and, per (item kind, item
    key), the day that user asked to be reminded again.
    """

    id: int  # bot_conversations.id
    conversation_id: str  # the Teams conversation id
    conversation_type: str
    tenant_id: str
    name: str
    reference: str  # Bot Framework conversation reference, JSON
    user_aad_object_id: str = ""
    subscriptions: tuple[SubscriptionRow, ...] = ()
    municipality: str | None = None
    snoozes: Mapping[tuple[str, str], dt.date] = field(default_factory=dict)

    @property
    def personal(self) -> bool:
        return self.conversation_type == "personal"


class ReminderTargets:
    """Reads ``bot_conversations`` with everything a fan-out needs about each."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def active(self) -> list[ReminderTarget]:
        """Every active conversation, in a stable order (by row id)."""
        return await self._load(None)

    async def by_ids(self, ids: Collection[int]) -> dict[int, ReminderTarget]:
        """The active ones among ``ids`` (retries and card updates); inactive ones are left out."""
        if not ids:
            return {}
        return {target.id: target for target in await self._load(list(ids))}

    async def _load(self, ids: list[int] | None) -> list[ReminderTarget]:
        conversations = (
            select(BotConversation)
            .where(BotConversation.active.is_(True))
            .order_by(BotConversation.id)
        )
        if ids is not None:
            conversations = conversations.where(BotConversation.id.in_(ids))
        async with self._sessions() as session:
            rows = list(await session.scalars(conversations))
            if not rows:
                return []
            wanted = [row.id for row in rows]
            subscriptions: dict[int, list[SubscriptionRow]] = {}
            for conversation_id, kind, value in await session.execute(
                select(
                    ReminderSubscription.conversation_id,
                    ReminderSubscription.kind,
                    ReminderSubscription.value,
                )
                .where(ReminderSubscription.conversation_id.in_(wanted))
                .order_by(ReminderSubscription.id)
            ):
                subscriptions.setdefault(conversation_id, []).append(SubscriptionRow(kind, value))
            users = sorted(
                {r.user_aad_object_id for r in rows if r.conversation_type == "personal"} - {""}
            )
            municipalities: dict[str, str] = {}
            snoozes: dict[str, dict[tuple[str, str], dt.date]] = {}
            if users:
                for aad, name in await session.execute(
                    select(UserProfile.aad_object_id, Municipality.name)
                    .join(Municipality, Municipality.id == UserProfile.municipality_id)
                    .where(UserProfile.aad_object_id.in_(users))
                ):
                    municipalities[aad] = name
                for snooze in await session.scalars(
                    select(ReminderSnooze).where(ReminderSnooze.aad_object_id.in_(users))
                ):
                    snoozes.setdefault(snooze.aad_object_id, {})[
                        (snooze.item_kind, snooze.item_key)
                    ] = snooze.until
        return [
            ReminderTarget(
                id=row.id,
                conversation_id=row.conversation_id,
                conversation_type=row.conversation_type,
                tenant_id=row.tenant_id,
                name=row.name,
                reference=row.reference,
                user_aad_object_id=row.user_aad_object_id,
                subscriptions=tuple(subscriptions.get(row.id, ())),
                municipality=municipalities.get(row.user_aad_object_id)
                if row.conversation_type == "personal"
                else None,
                snoozes=snoozes.get(row.user_aad_object_id, {})
                if row.conversation_type == "personal"
                else {},
            )
            for row in rows
        ]
