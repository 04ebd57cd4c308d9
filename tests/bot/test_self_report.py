"""Programme leaders report their own progress; it is confirmed, stored, audited and undoable."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from dialogs.router import Dialogs, User
from store.db import create_engine
from store.models import AuditEntry
from store.profiles import Profiles
from store.repository import Store
from store.updates import StatusUpdates
from tests.conftest import FIXED_NOW, BotClient, teams_activity
from tests.support.cards import assert_valid_card


async def click(bot: BotClient, data: dict[str, Any], **changes: Any) -> str:
    before = len(bot.connector.received)
    activity = teams_activity("personal-message", bot.connector, text=None, value=data, **changes)
    assert await bot.post(activity) in (200, 201)
    return (await bot.connector.wait_for(before + 1))[before].all_text()


def last_card(bot: BotClient) -> dict[str, Any]:
    [card] = bot.connector.received[-1].cards
    assert_valid_card(card)
    return card


def button(card: dict[str, Any], title: str) -> dict[str, Any]:
    return next(a["data"] for a in card["actions"] if a["title"] == title)


async def test_a_reported_signature_is_confirmed_shown_and_can_be_undone(bot: BotClient) -> None:
    await bot.ask("jeg er programleder i Vejle")
    proposal = await bot.ask("vi har underskrevet tilslutningsaftalen om datastandarder")
    assert (
        "Skal jeg registrere, at Vejle har underskrevet "
        "»K-aftalen for datastandard service: Tilslutningsaftale«?" in proposal
    )
    before = await bot.ask("hvilke aftaler mangler Vejle at underskrive?")
    assert "Mangler underskrift" in before, "nothing is written before it is confirmed"

    saved = await click(bot, button(last_card_of(bot, 1), "Bekræft"))
    assert "Gemt: Vejle har underskrevet »K-aftalen for datastandard service" in saved
    undo = button(last_card(bot), "Fortryd ændringen")

    after = await bot.ask("hvilke aftaler mangler Vejle at underskrive?")
    assert "Mangler underskrift" not in after
    assert "Underskrevet" in after and "Indberettet i Teams" in after
    who = await bot.ask(
        "hvem mangler at underskrive tilslutningsaftalen om datastandarder vis alle"
    )
    assert "Mangler underskrift (82)" in who

    undone = await click(bot, undo)
    assert "Fortrudt" in undone
    again = await bot.ask("hvilke aftaler mangler Vejle at underskrive?")
    assert "Mangler underskrift" in again and "Status opgjort 20.11.25" in again


def last_card_of(bot: BotClient, back: int) -> dict[str, Any]:
    """The card ``back`` messages before the newest one."""
    [card] = bot.connector.received[-1 - back].cards
    return card


async def test_cancel_writes_nothing_and_a_proposal_works_once(bot: BotClient) -> None:
    await bot.ask("jeg er programleder i Vejle")
    await bot.ask("vi har underskrevet tilslutningsaftalen om datastandarder")
    card = last_card(bot)
    assert "Fortrudt – intet er ændret" in await click(bot, button(card, "Fortryd"))
    assert "allerede håndteret" in await click(bot, button(card, "Bekræft"))
    assert "Mangler underskrift" in await bot.ask("hvilke aftaler mangler Vejle at underskrive?")


async def test_forged_or_foreign_confirmations_are_refused(bot: BotClient) -> None:
    await bot.ask("jeg er programleder i Vejle")
    await bot.ask("vi har underskrevet tilslutningsaftalen om datastandarder")
    confirm = button(last_card(bot), "Bekræft")
    assert "kender jeg ikke" in await click(
        bot, {"kombitbot": "confirm", "id": "00000000-0000-0000-0000-000000000000"}
    )
    assert "kender jeg ikke" in await click(bot, {"kombitbot": "confirm", "id": {"$ne": 1}})
    assert "kender jeg ikke" in await click(bot, {"kombitbot": "undo", "audit": "1; DROP TABLE"})
    other = {
        "id": "29:someone-else",
        "name": "Anden",
        "aadObjectId": "11111111-2222-3333-4444-555555555555",
    }
    assert "en anden person" in await click(bot, confirm, **{"from": other})
    assert "Mangler underskrift" in await bot.ask("hvilke aftaler mangler Vejle at underskrive?")
    assert "Gemt" in await click(bot, confirm), "the rightful person can still confirm"


async def test_a_task_can_be_reported_completed(bot: BotClient) -> None:
    await bot.ask("jeg er programleder i Vejle")
    proposal = await bot.ask("ADG_0 er fuldført")
    assert "Skal jeg registrere, at Vejle har fuldført »FKI ADG_0 – Afdæk" in proposal
    await click(bot, button(last_card(bot), "Bekræft"))
    status = await bot.ask("status på ADG_0")
    assert "Status pr. kommune kendes for 1 kommuner; 1 har fuldført." in status


async def test_without_a_municipality_the_bot_asks_who_we_are(bot: BotClient) -> None:
    assert "Hvem er »vi«?" in await bot.ask("vi har underskrevet FLIS-databehandleraftalen")


async def test_a_programme_leader_may_change_only_their_own_municipality(database_url: str) -> None:
    store = Store(create_engine(database_url))
    try:
        profiles = Profiles(store.sessions)
        dialogs = Dialogs(
            store, profiles, StatusUpdates(store.sessions), lambda: FIXED_NOW, lambda _aad: False
        )
        mette = User("aad-mette", "29:mette", "Mette", "conv-1")
        await profiles.register(
            "aad-mette", name="Mette", teams_user_id="29:mette", municipality="Vejle", now=FIXED_NOW
        )
        refused = await dialogs.respond("Vejen har underskrevet FLIS-databehandleraftalen", mette)
        assert "kun indberette status for den kommune, du er programleder i (Vejle)" in refused.text
        allowed = await dialogs.respond("vi har underskrevet FLIS-databehandleraftalen", mette)
        assert allowed.card is not None and "Vejle har underskrevet »FLIS" in allowed.text
        confirm = next(a["data"] for a in allowed.card["actions"] if a["title"] == "Bekræft")
        await dialogs.card_action(confirm, mette)
        async with store.sessions() as session:
            [entry] = (await session.scalars(select(AuditEntry))).all()
        assert (entry.actor_name, entry.action, entry.entity, entry.entity_key) == (
            "Mette",
            "status_change",
            "agreement",
            "A002-09",
        )
        assert entry.before == ""  # FLIS's agreement had no status for Vejle: unknown before
        assert json.loads(entry.after)["status"] == "signed"
    finally:
        await store.close()


async def test_the_clicked_card_is_replaced_by_the_outcome(bot: BotClient) -> None:
    await bot.ask("jeg er programleder i Vejle")
    await bot.ask("vi har underskrevet FLIS-databehandleraftalen")
    proposal = bot.connector.received[-1]
    card_id = "1700000000001"  # the id Teams gave the proposal card (echoed as replyToId)
    outcome = await click(bot, button(last_card(bot), "Bekræft"), replyToId=card_id)
    update = bot.connector.received[-1]
    assert (update.method, update.reply_to_id) == ("update", card_id)
    assert update.conversation_id == proposal.conversation_id
    assert "Gemt: Vejle har underskrevet »FLIS: Databehandleraftale - ny skabelon«" in outcome


async def test_an_admin_reads_the_change_log_for_a_municipality(bot: BotClient) -> None:
    await bot.ask("jeg er programleder i Vejle")
    await bot.ask("vi har underskrevet FLIS-databehandleraftalen")
    await click(bot, button(last_card(bot), "Bekræft"))
    await click(bot, button(last_card(bot), "Fortryd ændringen"))
    log = await bot.ask("log for Vejle")
    assert "Ændringslog – Vejle" in log
    assert (
        "Vejle, FLIS: Databehandleraftale - ny skabelon: status ukendt → underskrevet – senere fortrudt"
        in log
    )
    assert (
        "(fortrydelse): Vejle, FLIS: Databehandleraftale - ny skabelon: underskrevet → status ukendt"
        in log
    )
    assert "Ingen ændringer." in await bot.ask("log for Vejen")
    assert "Ændringslog – i dag" in await bot.ask("log i dag")


async def test_only_admins_see_the_change_log(database_url: str) -> None:
    store = Store(create_engine(database_url))
    try:
        dialogs = Dialogs(
            store,
            Profiles(store.sessions),
            StatusUpdates(store.sessions),
            lambda: FIXED_NOW,
            lambda _aad: False,
        )
        reply = await dialogs.respond("log for Vejle", User("aad-x", "29:x", "X", "conv"))
        assert "kun ses af KOMBIT-administratorer" in reply.text
    finally:
        await store.close()


async def test_a_confirmed_or_undone_change_tells_the_reminder_cards(database_url: str) -> None:
    """Reminder cards already posted about the item are refreshed (in the background)."""
    import asyncio

    store = Store(create_engine(database_url))
    told: list[tuple[str, str]] = []

    async def refresh(kind: str, key: str) -> int:
        told.append((kind, key))
        return 1

    try:
        dialogs = Dialogs(
            store,
            Profiles(store.sessions),
            StatusUpdates(store.sessions),
            lambda: FIXED_NOW,
            lambda _aad: True,
            on_status_changed=refresh,
        )
        admin = User("aad-admin", "29:admin", "Admin", "conv-1")
        proposal = await dialogs.respond("Vejle har underskrevet FLIS-databehandleraftalen", admin)
        assert proposal.card is not None and told == []  # a proposal changes nothing yet
        confirm = next(a["data"] for a in proposal.card["actions"] if a["title"] == "Bekræft")
        saved = await dialogs.card_action(confirm, admin)
        assert saved is not None and saved.card is not None
        for _ in range(20):
            if told:
                break
            await asyncio.sleep(0.01)
        assert told == [("agreement", "A002-09")]
        undo = next(a["data"] for a in saved.card["actions"] if "Fortryd" in a["title"])
        await dialogs.card_action(undo, admin)
        for _ in range(20):
            if len(told) == 2:
                break
            await asyncio.sleep(0.01)
        assert told == [("agreement", "A002-09")] * 2
    finally:
        await store.close()
