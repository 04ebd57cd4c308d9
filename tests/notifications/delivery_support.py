"""Reminder delivery on a test database: conversations inserted directly, a movable clock,
and the app factory's own wiring (:func:`app.reminder_runtime`) against the mock connector."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference
from sqlalchemy import func, select

from app import ReminderRuntime, reminder_runtime
from bot.adapter import create_adapter
from kombitbot.settings import Settings
from store.db import create_engine
from store.models import (
    BotConversation,
    Municipality,
    ReminderDelivery,
    ReminderSnooze,
    ReminderSubscription,
    UserProfile,
)
from store.repository import Store
from tests.support.connector import MockConnector

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# A Friday with four reminders in the built-in data (status opgjort 20.11.25): K49-style
# tasks and the agreement A002-01 that 83 municipalities still have to sign.
DAY = dt.date(2025, 12, 12)
AT_NINE = dt.datetime(2025, 12, 12, 9, 0, tzinfo=COPENHAGEN)
AGREEMENT = "A002-01"


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def reference(service_url: str, conversation_id: str, conversation_type: str) -> str:
    """A stored conversation reference as the bot edge keeps it (no activity id)."""
    ref = ConversationReference(
        channel_id="msteams",
        service_url=service_url,
        conversation=ConversationAccount(id=conversation_id, conversation_type=conversation_type),
        bot=ChannelAccount(id="28:kombitbot", name="kombitbot"),
    )
    return json.dumps(ref.serialize())


@dataclass
class Delivery:
    store: Store
    runtime: ReminderRuntime
    connector: MockConnector
    clock: Clock

    @property
    def fanout(self):  # type: ignore[no-untyped-def]
        return self.runtime.fanout

    async def conversation(
        self,
        conversation_id: str,
        *,
        kind: str = "channel",
        tenant: str = "tenant-1",
        subscriptions: Iterable[tuple[str, str]] = (("all", ""),),
        user: str = "",
        name: str = "",
        municipality: str | None = None,
    ) -> int:
        """Insert a conversation (and its subscriptions, and the user's profile); its row id."""
        now = self.clock().astimezone(dt.UTC)
        async with self.store.sessions() as session, session.begin():
            row = BotConversation(
                conversation_id=conversation_id,
                conversation_type=kind,
                tenant_id=tenant,
                name=name or conversation_id,
                service_url=self.connector.service_url,
                reference=reference(self.connector.service_url, conversation_id, kind),
                user_aad_object_id=user,
                installed_at=now,
                updated_at=now,
            )
            session.add(row)
            await session.flush()
            for sub_kind, value in subscriptions:
                session.add(
                    ReminderSubscription(
                        conversation_id=row.id, kind=sub_kind, value=value, created_at=now
                    )
                )
            if municipality is not None:
                municipality_id = await session.scalar(
                    select(Municipality.id).where(Municipality.name == municipality)
                )
                session.add(
                    UserProfile(
                        aad_object_id=user,
                        name=name,
                        municipality_id=municipality_id,
                        created_at=now,
                        updated_at=now,
                    )
                )
            return row.id

    async def conversations(self, ids: Sequence[str], **kwargs: Any) -> None:
        async with self.store.sessions() as session, session.begin():
            now = self.clock().astimezone(dt.UTC)
            rows = [
                BotConversation(
                    conversation_id=cid,
                    conversation_type=kwargs.get("kind", "channel"),
                    tenant_id=kwargs["tenant_of"](cid) if "tenant_of" in kwargs else "tenant-1",
                    name=cid,
                    service_url=self.connector.service_url,
                    reference=reference(self.connector.service_url, cid, "channel"),
                    installed_at=now,
                    updated_at=now,
                )
                for cid in ids
            ]
            session.add_all(rows)
            await session.flush()
            session.add_all(
                ReminderSubscription(conversation_id=row.id, kind="all", value="", created_at=now)
                for row in rows
            )

    async def snooze(self, user: str, kind: str, key: str, until: dt.date) -> None:
        async with self.store.sessions() as session, session.begin():
            session.add(
                ReminderSnooze(
                    aad_object_id=user,
                    item_kind=kind,
                    item_key=key,
                    until=until,
                    created_at=self.clock().astimezone(dt.UTC),
                )
            )

    async def active(self, conversation_id: str) -> tuple[bool, str]:
        async with self.store.sessions() as session:
            row = await session.scalar(
                select(BotConversation).where(BotConversation.conversation_id == conversation_id)
            )
            assert row is not None
            return row.active, row.inactive_reason

    async def ledger_count(self) -> int:
        async with self.store.sessions() as session:
            return int(
                await session.scalar(select(func.count()).select_from(ReminderDelivery)) or 0
            )

    def cards_to(self, conversation_id: str) -> list[dict[str, Any]]:
        """Cards posted (not updates) to one conversation."""
        return [
            card
            for r in self.connector.received
            if r.conversation_id == conversation_id and r.method == "send"
            for card in r.cards
        ]

    def posted_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.connector.received:
            if r.method == "send":
                counts[r.conversation_id] = counts.get(r.conversation_id, 0) + 1
        return counts


def fast_settings(database_url: str, **overrides: Any) -> Settings:
    """Production limits, but retries that back off in milliseconds."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "reminder_retry_base_ms": 10,
        "reminder_scheduler": False,
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def delivery(
    database_url: str,
    connector: MockConnector,
    clock: Clock | None = None,
    **overrides: Any,
) -> AsyncIterator[Delivery]:
    settings = fast_settings(database_url, **overrides)
    store = Store(create_engine(database_url))
    clock = clock or Clock(AT_NINE)
    adapter = create_adapter(settings)
    runtime = reminder_runtime(settings, store, adapter, clock)
    try:
        yield Delivery(store, runtime, connector, clock)
    finally:
        await runtime.close()
        await adapter.close()
        await store.close()
