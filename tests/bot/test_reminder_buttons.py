"""The reminder card's buttons: done (an audited status change), snooze, seen — and forgeries.

Clicks arrive as ``Action.Submit`` messages and as ``Action.Execute`` invokes (Microsoft's
payloads), with the data shapes of :mod:`notifications.digest`. Who may report what is tested
on the dialogs with a chosen admin (with authentication off everybody is an admin).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from dialogs.router import User
from store.db import create_engine
from store.models import (
    Agreement,
    AgreementSignature,
    AuditEntry,
    BotConversation,
    KlikTaskStatus,
    Municipality,
    ReminderAck,
    ReminderDelivery,
    ReminderSnooze,
)
from store.repository import Store
from tests.conftest import FIXED_NOW, BotClient, teams_activity
from tests.support.clicks import execute_invoke, person
from tests.support.reminders import ReminderParts, reminder_parts
from tests.support.snapshots import snapshot

DATASTANDARDER = "A002-01"  # Tilslutningsaftale vedr. 3xbegrebs- og datastandarder; Vejle missing
ADG_0 = "T002-07"
ZONE = "FZ-03"  # Serviceplatformen PRODUKTION
GROUP = "group-chat-message-bot-mention"
GROUP_CHAT = "19:groupChatId@thread.v2"
DONE = {"kombitbot": "reminder_done", "item": "agreement", "key": DATASTANDARDER}
SNOOZE = {"kombitbot": "reminder_snooze", "item": "task", "key": ADG_0, "until": "2025-12-01"}
SEEN = {"kombitbot": "reminder_seen", "item": "frozen_zone", "key": ZONE, "occasion": "2wd"}
IDENTITY = f"frozen_zone:frozen_zone:{ZONE}:2wd:2025-12-01"

ADMIN = User("aad-admin", "29:admin", "Karin KOMBIT", "conv-admin")
METTE = User("aad-mette", "29:mette", "Mette", "conv-mette")  # programme leader, Vejle
OLE = User("aad-ole", "29:ole", "Ole", "conv-ole")  # programme leader, Vejen
STRANGER = User("aad-stranger", "29:stranger", "Ukendt", "conv-stranger")


async def submit(
    bot: BotClient, data: dict[str, Any], fixture: str = "personal-message", **changes: Any
) -> str:
    """Click an ``Action.Submit`` button; what the bot answered."""
    before = len(bot.connector.received)
    activity = teams_activity(fixture, bot.connector, text=None, value=data, **changes)
    assert await bot.post(activity) in (200, 201)
    return (await bot.connector.wait_for(before + 1))[before].all_text()


async def execute(bot: BotClient, data: dict[str, Any], fixture: str = "personal-message") -> str:
    response = await bot.http.post(
        "/api/messages", json=execute_invoke(bot.connector, data, fixture)
    )
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    return str(body["value"])


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """The bot's database, read from outside."""
    opened = Store(create_engine(database_url))
    yield opened
    await opened.close()


@pytest.fixture
async def parts(database_url: str) -> AsyncIterator[ReminderParts]:
    """The reminder dialogs with ADMIN as the only admin, Mette in Vejle and Ole in Vejen."""
    async with reminder_parts(database_url, lambda aad: aad == ADMIN.aad_object_id) as built:
        await built.register(METTE, "Vejle")
        await built.register(OLE, "Vejen")
        yield built


async def signature(store: Store, municipality_name: str) -> str | None:
    async with store.sessions() as session:
        return await session.scalar(
            select(AgreementSignature.status)
            .join(Agreement, Agreement.id == AgreementSignature.agreement_id)
            .join(Municipality, Municipality.id == AgreementSignature.municipality_id)
            .where(Agreement.key == DATASTANDARDER, Municipality.name == municipality_name)
        )


# --------------------------------------------------------------------------- done


async def test_done_reports_the_clickers_own_municipality_audited_like_self_service(
    bot: BotClient, store: Store
) -> None:
    await bot.ask("jeg er programleder i Vejle")
    assert await signature(store, "Vejle") == "missing"
    saved = await submit(bot, DONE)
    assert saved.startswith(
        "Gemt: Vejle har underskrevet »K-aftalen for datastandard service: Tilslutningsaftale"
    )
    assert "Fortryd ændringen" in saved, "undoable like any self-service report"
    assert await signature(store, "Vejle") == "signed"
    async with store.sessions() as session:
        [entry] = (await session.scalars(select(AuditEntry))).all()
    assert (entry.action, entry.entity, entry.entity_key) == (
        "status_change",
        "agreement",
        DATASTANDARDER,
    )
    assert entry.actor_aad_object_id == "7faf8ab2-3d56-4244-b585-20c8a42ed2b8"
    assert entry.actor_name == "Megan Bowen"
    assert json.loads(entry.after)["municipality"] == "Vejle"
    assert json.loads(entry.before)["status"] == "missing"

    answer = await bot.ask("hvem mangler at underskrive tilslutningsaftalen om datastandarder")
    assert "Mangler underskrift (82)" in answer, "the answers see it at once"
    again = await submit(bot, DONE)
    assert again.startswith("Det er allerede registreret, at Vejle har underskrevet")
    async with store.sessions() as session:
        assert len((await session.scalars(select(AuditEntry))).all()) == 1


async def test_done_by_action_execute_and_for_a_task(bot: BotClient, store: Store) -> None:
    await bot.ask("jeg er programleder i Vejle")
    text = await execute(bot, {"kombitbot": "reminder_done", "item": "task", "key": ADG_0})
    assert text.startswith("Gemt: Vejle har fuldført »")
    assert "ADG_0" in text
    async with store.sessions() as session:
        statuses = (await session.scalars(select(KlikTaskStatus.status))).all()
    assert "completed" in statuses


async def test_done_calls_the_status_callback(parts: ReminderParts) -> None:
    saved = await parts.buttons.click(DONE, METTE.conversation_id, METTE)
    assert saved.text.startswith("Gemt: Vejle har underskrevet")
    assert parts.changed == [("agreement", DATASTANDARDER)]
    [entry] = await parts.audit()
    assert (entry.actor_aad_object_id, entry.action) == ("aad-mette", "status_change")


async def test_done_is_refused_for_anyone_but_that_municipalitys_leader(
    parts: ReminderParts,
) -> None:
    before = await snapshot(parts.store)
    stranger = await parts.buttons.click(DONE, "conv", STRANGER)
    assert stranger.text.startswith("Jeg ved ikke, hvilken kommune du er programleder i")
    forged = await parts.buttons.click({**DONE, "municipality": "Vejle"}, "conv", OLE)
    assert forged.text == (
        "Du kan kun indberette status for den kommune, du er programleder i (Vejen). "
        "Intet er ændret."
    )
    unknown = await parts.buttons.click({**DONE, "municipality": "Vejlen"}, "conv", METTE)
    assert unknown.text == "Den kommune kender jeg ikke. Intet er ændret."
    nobody = await parts.buttons.click(DONE, "conv", User())
    assert "Teams sendte ingen bruger-id" in nobody.text
    assert await snapshot(parts.store) == before, "nothing written"
    assert parts.changed == []


async def test_an_admin_may_report_a_municipality_the_card_names(parts: ReminderParts) -> None:
    saved = await parts.buttons.click({**DONE, "municipality": "Vejen"}, "conv", ADMIN)
    assert saved.text.startswith("Gemt: Vejen har underskrevet")
    [entry] = await parts.audit()
    assert (entry.actor_aad_object_id, json.loads(entry.after)["municipality"]) == (
        "aad-admin",
        "Vejen",
    )
    own = await parts.buttons.click({**DONE, "municipality": "Vejle"}, "conv", METTE)
    assert own.text.startswith("Gemt: Vejle har underskrevet"), "one's own, named, is fine"


# --------------------------------------------------------------------------- snooze


async def snoozes(store: Store) -> list[tuple[str, str, str, dt.date]]:
    async with store.sessions() as session:
        rows = (await session.scalars(select(ReminderSnooze))).all()
    return [(r.aad_object_id, r.item_kind, r.item_key, r.until) for r in rows]


async def test_snooze_is_stored_for_the_clicker(bot: BotClient, store: Store) -> None:
    reply = await submit(bot, SNOOZE)
    assert reply.startswith("Udsat: jeg minder dig om »")
    assert reply.endswith("igen mandag 1. december.")
    aad = "7faf8ab2-3d56-4244-b585-20c8a42ed2b8"
    assert await snoozes(store) == [(aad, "task", ADG_0, dt.date(2025, 12, 1))]
    later = await execute(bot, {**SNOOZE, "until": "2025-12-08"})
    assert later.endswith("igen mandag 8. december.")
    assert await snoozes(store) == [(aad, "task", ADG_0, dt.date(2025, 12, 8))], "one per item"


@pytest.mark.parametrize(
    ("until", "reason"),
    [
        ("2025-12-10", "bad_date"),  # 15 days ahead
        ("2025-11-25", "bad_date"),  # today
        ("2025-11-20", "bad_date"),  # past
        ("2025-13-01", "malformed"),
        ("1.12.2025", "malformed"),
        (20251201, "malformed"),
    ],
)
async def test_a_snooze_outside_two_weeks_or_not_a_date_is_refused(
    parts: ReminderParts, until: object, reason: str
) -> None:
    reply = await parts.buttons.click({**SNOOZE, "until": until}, "conv", METTE)
    expected = {
        "bad_date": "En påmindelse kan kun udsættes til en dag inden for de næste 14 dage.",
        "malformed": "Den handling kender jeg ikke (længere).",
    }[reason]
    assert reply.text.startswith(expected)
    assert await snoozes(parts.store) == []


# --------------------------------------------------------------------------- seen


async def delivered(store: Store, conversation_id: str, items: list[str]) -> int:
    """A reminder the sender posted (the ledger is the sender's; written here by hand)."""
    async with store.sessions() as session, session.begin():
        row_id = await session.scalar(
            select(BotConversation.id).where(BotConversation.conversation_id == conversation_id)
        )
        assert row_id is not None
        delivery = ReminderDelivery(
            key=f"{conversation_id}:{len(items)}:{items[0] if items else ''}",
            conversation_id=row_id,
            day=dt.date(2025, 11, 25),
            state="sent",
            items=json.dumps(items),
            created_at=FIXED_NOW,
            updated_at=FIXED_NOW,
        )
        session.add(delivery)
        await session.flush()
        return delivery.id


async def acks(store: Store) -> list[tuple[int, str]]:
    async with store.sessions() as session:
        rows = (await session.scalars(select(ReminderAck).order_by(ReminderAck.id))).all()
    return [(r.delivery_id, r.aad_object_id) for r in rows]


async def test_seen_is_counted_once_per_person_in_the_conversation(
    bot: BotClient, store: Store
) -> None:
    await submit(bot, {"kombitbot": "ask", "text": "hjælp"}, GROUP)  # the chat is now known
    delivery = await delivered(store, GROUP_CHAT, [IDENTITY])
    data = {**SEEN, "delivery": delivery}
    first = await submit(bot, data, GROUP, **{"from": person(1)})
    assert first == (
        "Noteret, at du har set den. 1 person har set beskeden om frozen zone for "
        "Serviceplatformen PRODUKTION i denne samtale."
    )
    second = await execute(bot, data, GROUP)  # User One, by Action.Execute
    assert "2 personer har set beskeden" in second
    again = await submit(bot, data, GROUP, **{"from": person(1)})
    assert "2 personer har set beskeden" in again, "a second click counts once"
    assert sorted(await acks(store)) == [(delivery, "User-aadObjectId"), (delivery, "aad-person-1")]


async def test_seen_without_a_delivery_id_finds_the_card_posted_here(
    bot: BotClient, store: Store
) -> None:
    await submit(bot, {"kombitbot": "ask", "text": "hjælp"}, GROUP)
    other = await delivered(store, GROUP_CHAT, ["deadline:agreement:A002-01:7d:2025-12-15"])
    delivery = await delivered(store, GROUP_CHAT, [IDENTITY])
    assert other != delivery
    reply = await submit(bot, SEEN, GROUP)
    assert "1 person har set beskeden" in reply
    assert await acks(store) == [(delivery, "User-aadObjectId")]
    elsewhere = await submit(bot, {**SEEN, "occasion": "start"}, GROUP)
    assert elsewhere.startswith("Tak! Jeg kan ikke finde den udsendte påmindelse her")
    assert len(await acks(store)) == 1


async def test_seen_for_a_delivery_in_another_conversation_is_refused(
    bot: BotClient, store: Store
) -> None:
    await bot.ask("hjælp")  # the personal chat is known
    await submit(bot, {"kombitbot": "ask", "text": "hjælp"}, GROUP)
    personal = teams_activity("personal-message", bot.connector)["conversation"]["id"]
    theirs = await delivered(store, personal, [IDENTITY])
    for data in (
        {**SEEN, "delivery": theirs},  # posted in someone's personal chat, clicked in the group
        {**SEEN, "delivery": 999_999},  # no such delivery
    ):
        reply = await submit(bot, data, GROUP)
        assert reply.startswith("Den påmindelse kender jeg ikke (længere)"), data
    mismatch = await delivered(store, GROUP_CHAT, [IDENTITY])
    wrong_zone = await submit(bot, {**SEEN, "key": "FZ-04", "delivery": mismatch}, GROUP)
    assert wrong_zone.startswith("Den påmindelse kender jeg ikke (længere)")
    assert await acks(store) == []


# --------------------------------------------------------------------------- forged


FORGED = [
    ({**DONE, "key": "A999-99"}, "Den påmindelse kender jeg ikke (længere)"),
    ({**DONE, "item": "frozen_zone"}, "Den handling kender jeg ikke (længere)"),
    ({**DONE, "key": 7}, "Den handling kender jeg ikke (længere)"),
    ({**DONE, "key": "A" * 5000}, "Den handling kender jeg ikke (længere)"),
    ({**DONE, "item": "task"}, "Den påmindelse kender jeg ikke (længere)"),  # an agreement key
    ({**DONE, "municipality": ["Vejle"]}, "Den kommune kender jeg ikke"),
    ({**SNOOZE, "key": None}, "Den handling kender jeg ikke (længere)"),
    ({**SNOOZE, "until": None}, "Den handling kender jeg ikke (længere)"),
    ({**SEEN, "key": "FZ-99"}, "Den påmindelse kender jeg ikke (længere)"),
    ({**SEEN, "occasion": "<script>"}, "Den handling kender jeg ikke (længere)"),
    ({**SEEN, "delivery": True}, "Den handling kender jeg ikke (længere)"),
    ({**SEEN, "delivery": "1"}, "Den handling kender jeg ikke (længere)"),
    ({**SEEN, "item": "task"}, "Den handling kender jeg ikke (længere)"),
]


@pytest.mark.parametrize(("data", "said"), FORGED)
async def test_forged_clicks_are_refused_and_write_nothing(
    bot: BotClient, store: Store, data: dict[str, Any], said: str
) -> None:
    await bot.ask("jeg er programleder i Vejle")
    before = await snapshot(store)
    assert (await submit(bot, data)).startswith(said)
    assert (await execute(bot, data)).startswith(said)
    assert await snapshot(store) == before
