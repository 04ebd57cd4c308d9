"""The fan-out against the mock Bot Connector: one card per conversation per day, what each
subscription should see, pause, preview = what is sent, gone conversations, failed sends
retried, snoozes, and earlier cards updated when a status changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from dialogs.reply import Reply
from notifications.fanout import DONE_TEXT, with_delivery
from store.deliveries import Deliveries
from store.updates import Actor, StatusChange, StatusUpdates
from tests.notifications.delivery_support import AGREEMENT, AT_NINE, DAY, Clock, Delivery, delivery
from tests.support.connector import Faults, MockConnector

CHANNEL = "19:programledere@thread.tacv2"
VEJLE_CHANNEL = "19:vejle@thread.tacv2"
METTE = "a:mette-personal"  # programme leader in Vejle, who has not signed A002-01
KIRSTEN = "a:kirsten-personal"  # programme leader in Kolding, which has signed it
QUIET = "19:quiet@thread.tacv2"  # no subscription


@pytest.fixture
async def parts(database_url: str, connector: MockConnector) -> AsyncIterator[Delivery]:
    async with delivery(database_url, connector, Clock(AT_NINE)) as found:
        await found.conversation(CHANNEL, name="KOMBIT › Programledere")
        await found.conversation(VEJLE_CHANNEL, subscriptions=[("municipality", "Vejle")])
        await found.conversation(
            METTE, kind="personal", user="aad-mette", name="Mette", municipality="Vejle"
        )
        await found.conversation(
            KIRSTEN, kind="personal", user="aad-kirsten", name="Kirsten", municipality="Kolding"
        )
        await found.conversation(QUIET, subscriptions=[])
        yield found


def text_of(cards: list[dict[str, object]]) -> str:
    from tests.support.connector import _strings

    return "\n".join(s for card in cards for s in _strings(card))


async def test_one_card_per_conversation_and_only_what_it_asked_for(parts: Delivery) -> None:
    summary = await parts.fanout.run(DAY)
    assert (summary.sent, summary.failed, summary.gone, summary.skipped) == (4, 0, 0, 0)
    assert parts.posted_counts() == {CHANNEL: 1, VEJLE_CHANNEL: 1, METTE: 1, KIRSTEN: 1}
    everything = text_of(parts.cards_to(CHANNEL))
    assert (
        "K-aftalen for datastandard service" in everything
        and "Mangler underskrift (83)" in everything
    )
    vejle = text_of(parts.cards_to(VEJLE_CHANNEL))
    assert "Mangler underskrift (1): Vejle" in vejle and "Vejen" not in vejle
    assert "Mangler underskrift (1): Vejle" in text_of(parts.cards_to(METTE))
    # Kolding has signed: Kirsten hears of the other deadlines but not of this agreement.
    kolding = text_of(parts.cards_to(KIRSTEN))
    assert "K-aftalen for datastandard service" not in kolding and "Kolding" in kolding
    rows = await Deliveries(parts.store.sessions, parts.clock).for_day(DAY)
    assert {row.state for row in rows} == {"sent"} and all(row.activity_id for row in rows)
    assert any(f"deadline:agreement:{AGREEMENT}:1wd:2025-12-15" in row.items for row in rows)


async def test_running_again_sends_nothing_twice(parts: Delivery) -> None:
    await parts.fanout.run(DAY)
    parts.clock.advance(hours=3)  # "send påmindelser nu", a restart's catch-up, the CLI …
    summary = await parts.fanout.run(DAY)
    assert (summary.sent, summary.skipped) == (0, 4)
    assert sum(parts.posted_counts().values()) == 4


async def test_the_preview_is_exactly_what_is_sent_and_writes_nothing(parts: Delivery) -> None:
    preview = await parts.fanout.preview(DAY)
    assert await parts.ledger_count() == 0
    planned = {d.target.conversation_id: d.reply.card for d in preview.to_send}
    assert set(planned) == {CHANNEL, VEJLE_CHANNEL, METTE, KIRSTEN}
    assert [r.key for r in preview.reminders] == ["T002-07", AGREEMENT, "A002-04", "A002-06"]
    await parts.fanout.run(DAY)
    for conversation_id, card in planned.items():
        assert parts.cards_to(conversation_id) == [card]
    after = await parts.fanout.preview(DAY)
    assert after.to_send == () and {e.state for e in after.entries} == {"sent"}


async def test_paused_sends_nothing_until_resumed(parts: Delivery) -> None:
    control = parts.runtime.admin._control
    assert await control.set_paused(True, actor_aad="aad-k", actor_name="Karin", now=AT_NINE)
    assert not await control.set_paused(True, actor_aad="aad-k", actor_name="Karin", now=AT_NINE)
    summary = await parts.fanout.run(DAY)
    assert summary.paused and summary.sent == 0 and parts.connector.received == []
    assert (await parts.fanout.preview(DAY)).to_send == ()
    await control.set_paused(False, actor_aad="aad-k", actor_name="Karin", now=AT_NINE)
    assert (await parts.fanout.run(DAY)).sent == 4


@pytest.mark.parametrize("status", [403, 404])
async def test_a_conversation_the_bot_left_is_marked_gone_and_not_retried(
    parts: Delivery, status: int
) -> None:
    parts.connector.faults = Faults(gone=frozenset({VEJLE_CHANNEL}), gone_status=status)
    summary = await parts.fanout.run(DAY)
    assert (summary.sent, summary.gone, summary.failed) == (3, 1, 0)
    assert parts.connector.refused == [(status, VEJLE_CHANNEL)]  # one attempt, no retry
    assert await parts.active(VEJLE_CHANNEL) == (False, "gone")
    parts.clock.advance(days=1)
    await parts.fanout.retry(DAY + dt.timedelta(days=1))
    await parts.fanout.run(DAY)
    assert parts.connector.refused == [(status, VEJLE_CHANNEL)]


async def test_a_failed_send_is_retried_not_forgotten(
    database_url: str, connector: MockConnector
) -> None:
    async with delivery(database_url, connector, Clock(AT_NINE), reminder_max_attempts=2) as parts:
        await parts.conversation(CHANNEL)
        connector.faults = Faults(rate_500=1.0)
        summary = await parts.fanout.run(DAY)
        assert (summary.sent, summary.failed) == (0, 1)
        [row] = await Deliveries(parts.store.sessions, parts.clock).for_day(DAY)
        assert (row.state, row.attempts, row.last_status) == ("failed", 2, 500)
        connector.faults = None
        parts.clock.advance(minutes=15)  # the retry sweep
        retried = await parts.fanout.retry(DAY)
        assert retried.sent == 1 and parts.posted_counts() == {CHANNEL: 1}
        [row] = await Deliveries(parts.store.sessions, parts.clock).for_day(DAY)
        assert (row.state, row.attempts, row.last_status, row.last_error) == ("sent", 3, 200, "")


async def test_a_card_that_failed_yesterday_is_sent_by_todays_run(
    database_url: str, connector: MockConnector
) -> None:
    async with delivery(database_url, connector, Clock(AT_NINE), reminder_max_attempts=1) as parts:
        await parts.conversation(CHANNEL)
        connector.faults = Faults(rate_500=1.0)
        await parts.fanout.run(DAY)
        connector.faults = None
        parts.clock.advance(days=3)  # Monday 15 December: the deadline of A002-01
        summary = await parts.fanout.run(DAY + dt.timedelta(days=3))
        assert summary.retried == 1
        [card] = parts.cards_to(CHANNEL)  # Monday has nothing of its own
        assert "fredag 12. december 2025" in text_of([card])  # late, and says which day


async def test_429_with_and_without_retry_after_is_waited_out(
    database_url: str, connector: MockConnector
) -> None:
    async with delivery(database_url, connector, Clock(AT_NINE)) as parts:
        await parts.conversation(CHANNEL)
        connector.faults = Faults(
            rate_429=1.0, share_429_without_retry_after=0.5, max_refusals=3, seed=4
        )
        summary = await parts.fanout.run(DAY)
        assert summary.sent == 1 and parts.posted_counts() == {CHANNEL: 1}
        assert connector.refused == [(429, CHANNEL)] * 3
        [row] = await Deliveries(parts.store.sessions, parts.clock).for_day(DAY)
        assert (row.state, row.attempts) == ("sent", 4)


async def test_a_snoozed_item_waits_for_its_day_and_then_comes_back(parts: Delivery) -> None:
    monday = dt.date(2025, 12, 15)
    await parts.snooze("aad-mette", "agreement", AGREEMENT, monday)
    await parts.fanout.run(DAY)
    assert "K-aftalen for datastandard service" not in text_of(parts.cards_to(METTE))
    assert "K-aftalen for datastandard service" in text_of(parts.cards_to(CHANNEL))
    parts.clock.now = dt.datetime(2025, 12, 15, 9, 0, tzinfo=AT_NINE.tzinfo)
    preview = await parts.fanout.preview(monday)
    [mette] = [d for d in preview.to_send if d.target.conversation_id == METTE]
    assert [m.reminder.identity for m in mette.matches] == [
        f"deadline:agreement:{AGREEMENT}:snooze:2025-12-15"
    ]
    await parts.fanout.run(monday)
    assert "Mangler underskrift (1): Vejle" in text_of(parts.cards_to(METTE)[1:])


async def test_cards_posted_earlier_are_updated_when_a_status_changes(parts: Delivery) -> None:
    await parts.fanout.run(DAY)
    updates = StatusUpdates(parts.store.sessions)
    mette = Actor("aad-mette", "Mette", METTE)
    action = await updates.propose(
        StatusChange("agreement", AGREEMENT, "Vejle", "signed"), mette, AT_NINE
    )
    await updates.confirm(action, mette, AT_NINE)
    parts.store.invalidate()
    assert await parts.fanout.refresh_cards("agreement", AGREEMENT) == 3  # all but Kirsten's
    updated = {r.conversation_id: r for r in parts.connector.received if r.method == "update"}
    assert set(updated) == {CHANNEL, VEJLE_CHANNEL, METTE}
    rows = {
        r.conversation: r for r in await Deliveries(parts.store.sessions, parts.clock).for_day(DAY)
    }
    assert all(
        u.reply_to_id in {row.activity_id for row in rows.values()} for u in updated.values()
    )
    assert "Mangler underskrift (82)" in text_of(updated[CHANNEL].cards)
    # Vejle's own cards: the agreement is gone from them, the rest stays.
    assert "K-aftalen for datastandard service" not in text_of(updated[VEJLE_CHANNEL].cards)
    assert updated[VEJLE_CHANNEL].all_text().strip() != ""
    assert "K-aftalen" not in updated[METTE].all_text()
    assert await parts.fanout.refresh_cards("agreement", "no-such-key") == 0


async def test_an_import_that_changed_several_items_updates_each_card_once(
    parts: Delivery,
) -> None:
    await parts.fanout.run(DAY)
    updates = StatusUpdates(parts.store.sessions)
    mette = Actor("aad-mette", "Mette", METTE)
    for key in (AGREEMENT, "A002-04"):
        action = await updates.propose(
            StatusChange("agreement", key, "Vejle", "signed"), mette, AT_NINE
        )
        await updates.confirm(action, mette, AT_NINE)
    parts.store.invalidate()
    items = [("agreement", AGREEMENT), ("agreement", "A002-04"), ("task", "no-such-key")]
    updated = await parts.fanout.refresh_items(items)
    per_conversation: dict[str, int] = {}
    for received in parts.connector.received:
        if received.method == "update":
            per_conversation[received.conversation_id] = (
                per_conversation.get(received.conversation_id, 0) + 1
            )
    assert updated == len(per_conversation) and CHANNEL in per_conversation
    assert set(per_conversation.values()) == {1}
    assert await parts.fanout.refresh_items([]) == 0


async def test_a_card_with_nothing_left_says_so(
    database_url: str, connector: MockConnector
) -> None:
    async with delivery(database_url, connector, Clock(AT_NINE)) as parts:
        await parts.conversation(VEJLE_CHANNEL, subscriptions=[("municipality", "Vejle")])
        await parts.fanout.run(DAY)
        updates = StatusUpdates(parts.store.sessions)
        actor = Actor("aad-x", "X", VEJLE_CHANNEL)
        for key, kind in (
            ("T002-07", "task"),
            (AGREEMENT, "agreement"),
            ("A002-04", "agreement"),
            ("A002-06", "agreement"),
        ):
            status = "completed" if kind == "task" else "signed"
            action = await updates.propose(StatusChange(kind, key, "Vejle", status), actor, AT_NINE)  # type: ignore[arg-type]
            await updates.confirm(action, actor, AT_NINE)
        parts.store.invalidate()
        assert await parts.fanout.refresh_cards("agreement", "A002-06") == 1
        [update] = [r for r in connector.received if r.method == "update"]
        assert update.text == DONE_TEXT


def test_set_buttons_carry_their_delivery_id() -> None:
    seen = {"kombitbot": "reminder_seen", "item": "frozen_zone", "key": "FZ-1", "occasion": "2wd"}
    done = {"kombitbot": "reminder_done", "item": "task", "key": "T002-07"}
    card = {
        "type": "AdaptiveCard",
        "body": [
            {
                "type": "Container",
                "items": [
                    {
                        "type": "ActionSet",
                        "actions": [
                            {"type": "Action.Submit", "title": "Set", "data": seen},
                            {"type": "Action.Submit", "title": "Fuldført", "data": done},
                        ],
                    }
                ],
            }
        ],
    }
    stamped = with_delivery(Reply("Påmindelser", card), 42)
    assert stamped.card is not None
    actions = stamped.card["body"][0]["items"][0]["actions"]
    assert actions[0]["data"] == {**seen, "delivery": 42}
    assert actions[1]["data"] == done and "delivery" not in seen  # the original is untouched
