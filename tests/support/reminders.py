"""The reminder dialogs on a test database, with a chosen admin rule and status callback,
for what cannot be tested over HTTP (with authentication off everybody is admin)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import select

from dialogs.reminders.service import ReminderButtons, ReminderDialogs
from dialogs.router import Dialogs, User
from store.conversations import Conversation, ConversationInfo, ConversationStore
from store.db import create_engine
from store.models import AuditEntry
from store.profiles import Profiles
from store.reminder_clicks import ReminderClicks
from store.repository import Store
from store.subscriptions import StoredSubscription, SubscriptionStore
from store.updates import StatusUpdates
from tests.conftest import FIXED_NOW


@dataclass
class ReminderParts:
    store: Store
    profiles: Profiles
    conversations: ConversationStore
    subscriptions: SubscriptionStore
    clicks: ReminderClicks
    dialogs: ReminderDialogs
    buttons: ReminderButtons
    changed: list[tuple[str, str]] = field(default_factory=list)  # on_status_changed calls

    async def register(self, user: User, municipality: str) -> None:
        await self.profiles.register(
            user.aad_object_id,
            name=user.name,
            teams_user_id=user.teams_user_id,
            municipality=municipality,
            now=FIXED_NOW,
        )

    async def audit(self) -> list[AuditEntry]:
        async with self.store.sessions() as session:
            return list((await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all())

    async def stored(self, conversation_id: str) -> Conversation:
        found = await self.conversations.get(conversation_id)
        assert found is not None, conversation_id
        return found

    async def subscriptions_of(self, conversation_id: str) -> list[StoredSubscription]:
        return await self.subscriptions.for_conversation((await self.stored(conversation_id)).id)


def chat(conversation_id: str, conversation_type: str, name: str = "") -> ConversationInfo:
    return ConversationInfo(conversation_id, conversation_type, name=name, reference="{}")


@asynccontextmanager
async def reminder_parts(
    database_url: str, is_admin: Callable[[str], bool]
) -> AsyncIterator[ReminderParts]:
    """Everything the app factory builds for reminders, wired the same way."""
    store = Store(create_engine(database_url))
    profiles = Profiles(store.sessions)
    updates = StatusUpdates(store.sessions)
    conversations = ConversationStore(store.sessions)
    subscriptions = SubscriptionStore(store.sessions)
    clicks = ReminderClicks(store.sessions)
    changed: list[tuple[str, str]] = []

    async def on_status_changed(item_kind: str, item_key: str) -> None:
        changed.append((item_kind, item_key))

    dialogs = Dialogs(store, profiles, updates, lambda: FIXED_NOW, is_admin)
    parts = ReminderParts(
        store,
        profiles,
        conversations,
        subscriptions,
        clicks,
        ReminderDialogs(
            dialogs, store, conversations, subscriptions, profiles, lambda: FIXED_NOW, is_admin
        ),
        ReminderButtons(
            store,
            profiles,
            updates,
            clicks,
            lambda: FIXED_NOW,
            is_admin,
            on_status_changed=on_status_changed,
        ),
        changed=changed,
    )
    try:
        yield parts
    finally:
        await store.close()
