"""Where the bot may speak: the conversations it is installed in (``bot_conversations``).

The bot edge remembers a conversation when the bot is added (``conversationUpdate``,
``installationUpdate``), when a team's channels are listed at install, and — in case an install
event was missed — the first time any message arrives from it. Removal makes a conversation
inactive (never deleted: its subscriptions and delivery history stay explainable); the reminder
sender marks one inactive when Teams answers 403/404 ("gone"). Proactive sends continue from
``reference``, a Bot Framework conversation reference stored without an activity id, so a send
is a new message (a new post in a channel), not a reply in some old thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Final

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.conflicts import conflict_insert
from store.models import BotConversation

__all__ = [
    "GONE",
    "REMOVED",
    "UNINSTALLED",
    "Conversation",
    "ConversationInfo",
    "ConversationStore",
    "base_conversation_id",
]

# Why a conversation became inactive.
UNINSTALLED: Final = "uninstalled"  # installationUpdate remove
REMOVED: Final = "removed"  # conversationUpdate: the bot in membersRemoved
GONE: Final = "gone"  # Teams answered 403/404 to a send (set by the reminder sender)

# Column sizes (PostgreSQL enforces them; SQLite would not): longer values are not real ids.
_ID_MAX: Final = 512
_KNOWN_MAX: Final = 50_000  # ids remembered in memory before the cache starts over


def base_conversation_id(conversation_id: str) -> str:
    """A channel thread's id without its ``;messageid=…`` suffix: the channel itself."""
    return conversation_id.split(";messageid=", 1)[0]


@dataclass(frozen=True, slots=True)
class ConversationInfo:
    """What the bot edge knows about a conversation from one activity.

    ``name`` is what a person would call it: the user's name for a personal chat, the chat's
    name, or "Team › Channel". Empty fields never overwrite what is already stored.
    """

    conversation_id: str
    conversation_type: str  # personal / groupChat / channel
    tenant_id: str = ""
    team_id: str = ""
    name: str = ""
    service_url: str = ""
    reference: str = ""  # JSON, see bot.activities.reference_to_json
    user_aad_object_id: str = ""  # personal chats: whose chat it is

    @property
    def storable(self) -> bool:
        return bool(self.conversation_id) and len(self.conversation_id) <= _ID_MAX


@dataclass(frozen=True, slots=True)
class Conversation:
    """A stored conversation; ``id`` is what subscriptions and deliveries refer to."""

    id: int
    conversation_id: str
    conversation_type: str
    tenant_id: str
    team_id: str
    name: str
    service_url: str
    reference: str
    user_aad_object_id: str
    active: bool
    inactive_reason: str
    installed_at: dt.datetime
    updated_at: dt.datetime

    @property
    def personal(self) -> bool:
        return self.conversation_type == "personal"


def _view(row: BotConversation) -> Conversation:
    return Conversation(
        id=row.id,
        conversation_id=row.conversation_id,
        conversation_type=row.conversation_type,
        tenant_id=row.tenant_id,
        team_id=row.team_id,
        name=row.name,
        service_url=row.service_url,
        reference=row.reference,
        user_aad_object_id=row.user_aad_object_id,
        active=row.active,
        inactive_reason=row.inactive_reason,
        installed_at=_aware(row.installed_at),
        updated_at=_aware(row.updated_at),
    )


def _values(info: ConversationInfo) -> dict[str, str]:
    """The row's text columns, cut to their sizes."""
    return {
        "conversation_id": info.conversation_id,
        "conversation_type": info.conversation_type[:32],
        "tenant_id": info.tenant_id[:64],
        "team_id": info.team_id[:_ID_MAX],
        "name": info.name[:255],
        "service_url": info.service_url[:_ID_MAX],
        "reference": info.reference,
        "user_aad_object_id": info.user_aad_object_id[:64],
    }


class ConversationStore:
    """All SQL for ``bot_conversations``; one per application, built by the app factory."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        # Ids known to be stored, so that "remember on first message" costs no query per
        # message. Rows are never deleted, so an entry never becomes wrong.
        self._known: set[str] = set()

    async def remember(self, info: ConversationInfo, now: dt.datetime) -> Conversation:
        """Store or refresh a conversation the bot was added to (or is talking in): active.

        A conversation that was inactive becomes active again, with a new ``installed_at``.
        """
        if not info.storable:
            raise ValueError("not a storable conversation id")
        now = now.astimezone(dt.UTC)
        values = _values(info)
        async with self._sessions() as session, session.begin():
            insert = conflict_insert(session, BotConversation).values(
                **values, active=True, inactive_reason="", installed_at=now, updated_at=now
            )
            await session.execute(insert.on_conflict_do_nothing(index_elements=["conversation_id"]))
            row = await session.scalar(
                select(BotConversation)
                .where(BotConversation.conversation_id == info.conversation_id)
                .with_for_update()
            )
            assert row is not None
            for column, value in values.items():
                if value:  # what this activity does not say keeps what was stored
                    setattr(row, column, value)
            if not row.active:
                row.active = True
                row.inactive_reason = ""
                row.installed_at = now
            row.updated_at = now
            await session.flush()
            stored = _view(row)
        self._remember_known(info.conversation_id)
        return stored

    def known(self, conversation_id: str) -> bool:
        """True if this instance has seen the conversation stored (no query)."""
        return conversation_id in self._known

    async def remember_if_new(self, info: ConversationInfo, now: dt.datetime) -> bool:
        """Store a conversation not stored yet (a message from it proves the bot is there);
        leaves a stored one alone, active or not. True if it was new."""
        if not info.storable or info.conversation_id in self._known:
            return False
        now = now.astimezone(dt.UTC)
        async with self._sessions() as session, session.begin():
            insert = conflict_insert(session, BotConversation).values(
                **_values(info), active=True, inactive_reason="", installed_at=now, updated_at=now
            )
            result = await session.execute(
                insert.on_conflict_do_nothing(index_elements=["conversation_id"])
            )
        self._remember_known(info.conversation_id)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def deactivate(self, conversation_id: str, reason: str, now: dt.datetime) -> bool:
        """The bot may no longer speak there; True if it was active."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(BotConversation)
                .where(
                    BotConversation.conversation_id == conversation_id,
                    BotConversation.active.is_(True),
                )
                .values(
                    active=False, inactive_reason=reason[:64], updated_at=now.astimezone(dt.UTC)
                )
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def deactivate_team(self, team_id: str, reason: str, now: dt.datetime) -> int:
        """The bot left a team: none of its channels can be posted to; how many were active."""
        if not team_id:
            return 0
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(BotConversation)
                .where(BotConversation.team_id == team_id, BotConversation.active.is_(True))
                .values(
                    active=False, inactive_reason=reason[:64], updated_at=now.astimezone(dt.UTC)
                )
            )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def get(self, conversation_id: str) -> Conversation | None:
        """By Teams conversation id (a channel's, without ``;messageid=``)."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(BotConversation).where(BotConversation.conversation_id == conversation_id)
            )
            return _view(row) if row is not None else None

    async def get_by_id(self, row_id: int) -> Conversation | None:
        """By the row id that subscriptions and deliveries refer to."""
        async with self._sessions() as session:
            row = await session.get(BotConversation, row_id)
            return _view(row) if row is not None else None

    async def active(self, types: Collection[str] | None = None) -> list[Conversation]:
        """Every conversation the bot may speak in (optionally of some types), by type and name."""
        query = select(BotConversation).where(BotConversation.active.is_(True))
        if types is not None:
            query = query.where(BotConversation.conversation_type.in_(list(types)))
        query = query.order_by(
            BotConversation.conversation_type, BotConversation.name, BotConversation.id
        )
        async with self._sessions() as session:
            return [_view(row) for row in await session.scalars(query)]

    async def personal_chat(self, aad_object_id: str) -> Conversation | None:
        """A user's active personal chat with the bot, if any (personal reminders)."""
        if not aad_object_id:
            return None
        async with self._sessions() as session:
            row = await session.scalar(
                select(BotConversation)
                .where(
                    BotConversation.user_aad_object_id == aad_object_id,
                    BotConversation.conversation_type == "personal",
                    BotConversation.active.is_(True),
                )
                .order_by(BotConversation.updated_at.desc())
                .limit(1)
            )
            return _view(row) if row is not None else None

    async def count_inactive(self) -> int:
        async with self._sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(BotConversation)
                .where(BotConversation.active.is_(False))
            )
            return int(count or 0)

    def _remember_known(self, conversation_id: str) -> None:
        if len(self._known) >= _KNOWN_MAX:
            self._known.clear()
        self._known.add(conversation_id)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they are stored as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
