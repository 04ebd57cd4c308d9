"""The delivery ledger: a row is claimed by exactly one sender, a lease that ran out is taken
over, a failed send is claimed again, and a lost claim can no longer complete its row."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest

from store.db import create_engine
from store.deliveries import Claim, ClaimRefused, Deliveries, digest_key
from store.repository import Store
from tests.notifications.delivery_support import AT_NINE, DAY, Clock, Delivery, delivery
from tests.support.connector import MockConnector

LEASE = dt.timedelta(seconds=60)
ITEMS = ("deadline:agreement:A002-01:1wd:2025-12-15",)


@pytest.fixture
async def ledger(
    database_url: str, connector: MockConnector
) -> AsyncIterator[tuple[Delivery, Deliveries, int]]:
    clock = Clock(AT_NINE)
    async with delivery(database_url, connector, clock) as parts:
        conversation = await parts.conversation("19:general@thread.tacv2")
        yield parts, Deliveries(parts.store.sessions, clock), conversation


KEY = digest_key("19:general@thread.tacv2", DAY)


async def test_a_row_is_claimed_once(ledger: tuple[Delivery, Deliveries, int]) -> None:
    parts, deliveries, conversation = ledger
    claim = await deliveries.claim(KEY, conversation, DAY, ITEMS, LEASE)
    assert isinstance(claim, Claim) and claim.attempts == 1 and not claim.taken_over
    in_progress = await deliveries.claim(KEY, conversation, DAY, ITEMS, LEASE)
    assert in_progress == ClaimRefused("pending")
    assert await deliveries.sent(claim, "act-1", 200)
    parts.clock.advance(hours=2)
    assert await deliveries.claim(KEY, conversation, DAY, ITEMS, LEASE) == ClaimRefused("sent")
    [row] = await deliveries.for_day(DAY)
    assert (row.state, row.activity_id, row.items, row.last_status) == ("sent", "act-1", ITEMS, 200)


async def test_an_expired_lease_is_taken_over_and_the_old_claim_is_fenced(
    ledger: tuple[Delivery, Deliveries, int],
) -> None:
    parts, deliveries, conversation = ledger
    first = await deliveries.claim(KEY, conversation, DAY, ITEMS, LEASE)
    assert isinstance(first, Claim)
    parts.clock.advance(seconds=61)  # the first sender stalled (or was killed)
    second = await deliveries.claim(KEY, conversation, DAY, ITEMS, LEASE)
    assert isinstance(second, Claim) and second.taken_over and second.attempts == 2
    # The stalled sender wakes up: it can neither renew nor complete the row any more.
    assert await deliveries.renew(first, LEASE, last_status=None, last_error="") is None
    assert not await deliveries.sent(first, "late", 200)
    assert not await deliveries.failed(first, 503, "late")
    assert await deliveries.sent(second, "act-2", 200)
    [row] = await deliveries.for_day(DAY)
    assert (row.state, row.activity_id, row.attempts) == ("sent", "act-2", 2)


async def test_a_failed_row_is_claimed_again(ledger: tuple[Delivery, Deliveries, int]) -> None:
    _parts, deliveries, conversation = ledger
    claim = await deliveries.claim(KEY, conversation, DAY, ITEMS, LEASE)
    assert isinstance(claim, Claim)
    renewed = await deliveries.renew(claim, LEASE, last_status=429, last_error="HTTP 429")
    assert renewed is not None and renewed.attempts == 2
    assert await deliveries.failed(renewed, 503, "HTTP 503 (ErrorResponseException)")
    assert [r.key for r in await deliveries.retryable(DAY, DAY)] == [KEY]
    again = await deliveries.claim(KEY, conversation, DAY, ITEMS, LEASE)
    assert isinstance(again, Claim) and again.taken_over and again.attempts == 3
    [row] = await deliveries.for_day(DAY)
    assert (row.state, row.last_status, row.last_error) == (
        "pending",
        503,
        "HTTP 503 (ErrorResponseException)",
    )


async def test_gone_makes_the_conversation_inactive_and_is_never_retried(
    ledger: tuple[Delivery, Deliveries, int],
) -> None:
    parts, deliveries, conversation = ledger
    claim = await deliveries.claim(KEY, conversation, DAY, ITEMS, LEASE)
    assert isinstance(claim, Claim)
    assert await deliveries.gone(conversation, status=403, error="HTTP 403") == 1
    assert await parts.active("19:general@thread.tacv2") == (False, "gone")
    parts.clock.advance(days=1)
    assert await deliveries.claim(KEY, conversation, DAY, ITEMS, LEASE) == ClaimRefused("gone")
    assert await deliveries.retryable(DAY, DAY + dt.timedelta(days=1)) == []
    [row] = await deliveries.for_day(DAY)
    assert (row.state, row.last_status) == ("gone", 403)


async def test_of_many_concurrent_claims_exactly_one_wins(
    database_url: str, ledger: tuple[Delivery, Deliveries, int]
) -> None:
    """Twenty senders with their own connections (as separate instances would be)."""
    parts, _deliveries, conversation = ledger
    stores = [Store(create_engine(database_url)) for _ in range(4)]
    try:
        ledgers = [Deliveries(store.sessions, parts.clock) for store in stores]
        claims = await asyncio.gather(
            *(
                ledgers[n % len(ledgers)].claim(KEY, conversation, DAY, ITEMS, LEASE)
                for n in range(20)
            )
        )
    finally:
        for store in stores:
            await store.close()
    assert sum(isinstance(claim, Claim) for claim in claims) == 1
    assert claims.count(ClaimRefused("pending")) == 19


def test_long_conversation_ids_still_fit_the_key() -> None:
    key = digest_key("a:" + "x" * 600, DAY)
    assert len(key) <= 512 and key.endswith("|2025-12-12")
    assert digest_key("19:abc@thread.tacv2", DAY) == "digest|19:abc@thread.tacv2|2025-12-12"
