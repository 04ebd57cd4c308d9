"""KOMBIT admins steering reminders in chat, over HTTP as Teams sends it: preview a day (exactly
what would go out, and where), send today's now, pause and resume — audited; anyone else is
refused and nothing happens."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from app import REMINDERS_KEY, STORE_KEY, create_app
from bot.adapter import create_adapter
from bot.reminder_admin import ReminderAdmin
from bot.routes import messages_handler
from bot.teams_bot import KombitBot
from dialogs.router import Dialogs
from store.models import AuditEntry
from store.profiles import Profiles
from store.reminder_control import ReminderControlStore
from store.updates import StatusUpdates
from tests.conftest import BotClient, settings_for, wait_ready
from tests.notifications.delivery_support import AT_NINE, Clock, Delivery
from tests.support.connector import MockConnector

CHANNEL = "19:programledere@thread.tacv2"


@pytest.fixture
async def admin_bot(
    database_url: str, connector: MockConnector
) -> AsyncIterator[tuple[BotClient, Delivery]]:
    """The whole service on Friday 12 December 2025, 09:00, one subscribed channel."""
    clock = Clock(AT_NINE)
    app = create_app(settings_for(database_url), clock=clock)
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        parts = Delivery(app[STORE_KEY], app[REMINDERS_KEY], connector, clock)
        await parts.conversation(CHANNEL, name="KOMBIT › Programledere")
        yield BotClient(client, connector), parts


async def audit(parts: Delivery) -> list[AuditEntry]:
    async with parts.store.sessions() as session:
        return list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


async def test_the_preview_shows_what_would_go_out_and_where(
    admin_bot: tuple[BotClient, Delivery],
) -> None:
    bot, parts = admin_bot
    answer = await bot.ask("påmindelser 2025-12-12")
    assert "Påmindelser fredag 12. december 2025: 4 påmindelser, 1 kort sendes" in answer
    assert "K-aftalen for datastandard service" in answer
    assert "- KOMBIT › Programledere (kanal): 4 –" in answer
    assert await parts.ledger_count() == 0  # a preview writes nothing
    weekend = await bot.ask("påmindelser i morgen")
    assert "lørdag 13. december 2025: 0 påmindelser" in weekend
    assert "Ingen samtale skal have noget den dag." in weekend
    english = await bot.ask("reminders 12.12.2025")
    assert "Reminders for Friday 12 December 2025: 4 reminders, 1 cards to send" in english


async def test_send_now_sends_todays_once_and_reports_back(
    admin_bot: tuple[BotClient, Delivery],
) -> None:
    bot, parts = admin_bot
    assert "Sender dagens påmindelser nu" in await bot.ask("send påmindelser nu")
    received = await bot.connector.wait_for(3)
    assert [r.conversation_id for r in received if r.cards and "Påmindelser" in r.all_text()] == [
        CHANNEL
    ]
    report = received[-1].text
    assert "1 kort sendt, 0 allerede sendt, 0 fejlede" in report
    await parts.runtime.admin.idle()
    again = await bot.ask("send påmindelser nu")
    assert "Sender" in again
    [second_report] = (await bot.connector.wait_for(5))[4:]
    assert "0 kort sendt, 1 allerede sendt" in second_report.text
    entries = [e for e in await audit(parts) if e.entity == "reminders"]
    assert [(e.action, e.entity_key) for e in entries] == [("reminders_send", "2025-12-12")] * 2


async def test_pause_and_resume_are_audited_and_hold(admin_bot: tuple[BotClient, Delivery]) -> None:
    bot, parts = admin_bot
    assert "Påmindelser er sat på pause" in await bot.ask("pause påmindelser")
    assert "var allerede sat på pause" in await bot.ask("pause påmindelser")
    assert "sat på pause – intet er sendt" in await bot.ask("send påmindelser nu")
    assert "Påmindelser er sat på pause: intet sendes" in await bot.ask("påmindelser i dag")
    assert (await parts.fanout.run(dt.date(2025, 12, 12))).paused
    assert parts.posted_counts() == {}
    assert "genoptaget" in await bot.ask("genoptag påmindelser")
    log = await bot.ask("log i dag")
    assert "satte påmindelserne på pause" in log and "genoptog påmindelserne" in log
    actions = [e.action for e in await audit(parts) if e.entity == "reminders"]
    assert actions == ["reminders_pause", "reminders_resume"]


async def test_only_admins_may_steer_reminders(
    database_url: str, connector: MockConnector, admin_bot: tuple[BotClient, Delivery]
) -> None:
    """With authentication off everybody is admin, so the refusal is wired by hand here."""
    _bot, parts = admin_bot
    settings = settings_for(database_url)
    adapter = create_adapter(settings)
    store = parts.store
    refusing = ReminderAdmin(
        parts.fanout, ReminderControlStore(store.sessions), lambda _aad: False, adapter, ""
    )
    dialogs = Dialogs(
        store, Profiles(store.sessions), StatusUpdates(store.sessions), parts.clock, lambda _: False
    )
    app = web.Application()
    app.router.add_post(
        "/api/messages",
        messages_handler(
            adapter,
            KombitBot(dialogs, reminder_admin=refusing),
            settings.max_body_bytes,
            max_concurrent_turns=settings.max_concurrent_turns,
        ),
    )
    async with TestClient(TestServer(app)) as client:
        stranger = BotClient(client, connector)
        for command in ("pause påmindelser", "send påmindelser nu", "påmindelser i morgen"):
            assert "Kun KOMBIT-administratorer" in await stranger.ask(command)
    await adapter.close()
    assert not await ReminderControlStore(store.sessions).paused()
    assert parts.posted_counts() == {} and await parts.ledger_count() == 0
    assert [e for e in await audit(parts) if e.entity == "reminders"] == []
