"""What each conversation wants to be reminded of (``reminder_subscriptions``).

A conversation's subscriptions are a union: "Vejle" and "SAPA" mean Vejle's deadlines and
everything about SAPA. "all" is everything, so it never sits next to a narrower one:
subscribing to everything replaces the narrow ones, and subscribing to something narrow
replaces "all" ("abonnér på Vejle" narrows a channel that had everything).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final, Literal, cast, get_args

from sqlalchemy import Delete, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.conflicts import conflict_insert
from store.models import BotConversation, ReminderSubscription

__all__ = [
    "ALL",
    "StoredSubscription",
    "SubscribeResult",
    "SubscriptionKind",
    "SubscriptionStore",
    "Topic",
    "UnsubscribeResult",
]

SubscriptionKind = Literal["all", "municipality", "region", "solution", "frozen_zones"]
KINDS: Final[tuple[SubscriptionKind, ...]] = get_args(SubscriptionKind)


@dataclass(frozen=True, slots=True)
class Topic:
    """What to be reminded of: ``kind`` and its key (municipality name, region name, solution
    key; empty for "all" and "frozen_zones")."""

    kind: SubscriptionKind
    value: str = ""


ALL: Final = Topic("all")


@dataclass(frozen=True, slots=True)
class StoredSubscription:
    id: int
    conversation_id: int  # bot_conversations.id
    kind: SubscriptionKind
    value: str
    created_by_aad: str
    created_at: dt.datetime

    @property
    def topic(self) -> Topic:
        return Topic(self.kind, self.value)


@dataclass(frozen=True, slots=True)
class SubscribeResult:
    added: tuple[Topic, ...]  # new
    already: tuple[Topic, ...]  # asked for, but already there
    replaced: tuple[Topic, ...]  # removed because "all" and narrow ones do not mix
    current: tuple[StoredSubscription, ...]  # the conversation's subscriptions afterwards


@dataclass(frozen=True, slots=True)
class UnsubscribeResult:
    removed: tuple[Topic, ...]
    current: tuple[StoredSubscription, ...]


def _view(row: ReminderSubscription) -> StoredSubscription:
    created = row.created_at
    return StoredSubscription(
        id=row.id,
        conversation_id=row.conversation_id,
        kind=cast(SubscriptionKind, row.kind),
        value=row.value,
        created_by_aad=row.created_by_aad,
        created_at=created if created.tzinfo is not None else created.replace(tzinfo=dt.UTC),
    )


class SubscriptionStore:
    """All SQL for ``reminder_subscriptions``; conversations are ``bot_conversations.id``."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def subscribe(
        self,
        conversation_id: int,
        topics: Sequence[Topic],
        *,
        by_aad: str,
        now: dt.datetime,
    ) -> SubscribeResult:
        """Add ``topics`` in one transaction (see the module docstring for "all")."""
        wanted = [ALL] if ALL in topics else list(dict.fromkeys(topics))
        async with self._sessions() as session, session.begin():
            existing = {s.topic for s in await self._rows(session, [conversation_id])}
            if ALL in wanted:
                stale = [t for t in existing if t != ALL]
            else:
                stale = [ALL] if ALL in existing else []
            for topic in stale:
                await session.execute(self._delete(conversation_id, topic))
            added: list[Topic] = []
            for topic in wanted:
                insert = conflict_insert(session, ReminderSubscription).values(
                    conversation_id=conversation_id,
                    kind=topic.kind,
                    value=topic.value[:255],
                    created_by_aad=by_aad[:64],
                    created_at=now.astimezone(dt.UTC),
                )
                result = await session.execute(
                    insert.on_conflict_do_nothing(
                        index_elements=["conversation_id", "kind", "value"]
                    )
                )
                if result.rowcount:  # type: ignore[attr-defined]
                    added.append(topic)
            current = await self._rows(session, [conversation_id])
        return SubscribeResult(
            added=tuple(added),
            already=tuple(t for t in wanted if t not in added),
            replaced=tuple(sorted(stale, key=lambda t: (t.kind, t.value))),
            current=tuple(current),
        )

    async def unsubscribe(
        self, conversation_id: int, topics: Collection[Topic] | None = None
    ) -> UnsubscribeResult:
        """Remove ``topics`` (None: every subscription of the conversation)."""
        async with self._sessions() as session, session.begin():
            before = await self._rows(session, [conversation_id])
            gone = [s.topic for s in before if topics is None or s.topic in topics]
            for topic in gone:
                await session.execute(self._delete(conversation_id, topic))
            current = [s for s in before if s.topic not in gone]
        return UnsubscribeResult(tuple(gone), tuple(current))

    async def for_conversation(self, conversation_id: int) -> list[StoredSubscription]:
        async with self._sessions() as session:
            return await self._rows(session, [conversation_id])

    async def for_conversations(
        self, conversation_ids: Collection[int]
    ) -> dict[int, list[StoredSubscription]]:
        """Subscriptions per conversation; conversations without any are left out."""
        async with self._sessions() as session:
            rows = await self._rows(session, list(conversation_ids))
        grouped: dict[int, list[StoredSubscription]] = {}
        for row in rows:
            grouped.setdefault(row.conversation_id, []).append(row)
        return grouped

    async def of_active_conversations(self) -> dict[int, list[StoredSubscription]]:
        """What the reminder fan-out needs: every active conversation's subscriptions."""
        query = (
            select(ReminderSubscription)
            .join(BotConversation, BotConversation.id == ReminderSubscription.conversation_id)
            .where(BotConversation.active.is_(True))
            .order_by(ReminderSubscription.conversation_id, ReminderSubscription.id)
        )
        grouped: dict[int, list[StoredSubscription]] = {}
        async with self._sessions() as session:
            for row in await session.scalars(query):
                grouped.setdefault(row.conversation_id, []).append(_view(row))
        return grouped

    @staticmethod
    async def _rows(
        session: AsyncSession, conversation_ids: Sequence[int]
    ) -> list[StoredSubscription]:
        if not conversation_ids:
            return []
        query = (
            select(ReminderSubscription)
            .where(ReminderSubscription.conversation_id.in_(conversation_ids))
            .order_by(ReminderSubscription.conversation_id, ReminderSubscription.id)
        )
        return [_view(row) for row in await session.scalars(query)]

    @staticmethod
    def _delete(conversation_id: int, topic: Topic) -> Delete:
        return delete(ReminderSubscription).where(
            ReminderSubscription.conversation_id == conversation_id,
            ReminderSubscription.kind == topic.kind,
            ReminderSubscription.value == topic.value,
        )
