"""Teams misbehaving under load: 300 conversations, one in ten sends answered 429 (a third of
those without Retry-After), one in twenty 500 — every conversation still gets its card
exactly once, within Teams' rate limits."""

from __future__ import annotations

import time
from collections import defaultdict

from store.deliveries import Deliveries
from tests.notifications.delivery_support import AT_NINE, DAY, Clock, delivery
from tests.support.connector import Faults, MockConnector

CONVERSATIONS = 300
TENANTS = 6


def tenant_of(conversation_id: str) -> str:
    return f"tenant-{int(conversation_id.split('-')[1].split('@')[0]) % TENANTS}"


def most_in_window(times: list[float], seconds: float) -> int:
    times = sorted(times)
    best = start = 0
    for end, t in enumerate(times):
        while t - times[start] >= seconds:
            start += 1
        best = max(best, end - start + 1)
    return best


async def test_300_conversations_get_every_reminder_exactly_once_despite_faults(
    database_url: str, connector: MockConnector
) -> None:
    ids = [f"19:conv-{n}@thread.tacv2" for n in range(CONVERSATIONS)]
    async with delivery(database_url, connector, Clock(AT_NINE)) as parts:
        await parts.conversations(ids, tenant_of=tenant_of)
        connector.faults = Faults(
            rate_429=0.10, share_429_without_retry_after=0.3, rate_500=0.05, seed=20251212
        )
        started = time.monotonic()
        summary = await parts.fanout.run(DAY)
        rounds = 0
        while summary.failed and rounds < 5:  # the retry sweep, as the scheduler runs it
            parts.clock.advance(minutes=15)
            summary = await parts.fanout.retry(DAY)
            rounds += 1
        elapsed = time.monotonic() - started

        counts = parts.posted_counts()
        assert sorted(counts) == sorted(ids) and set(counts.values()) == {1}
        rows = await Deliveries(parts.store.sessions, parts.clock).for_day(DAY)
        assert len(rows) == CONVERSATIONS and {r.state for r in rows} == {"sent"}
        statuses = [status for status, _ in connector.refused]
        assert statuses.count(429) > 10 and statuses.count(500) > 5
        # Every refusal was retried: the ledger counted one attempt per request Teams saw.
        assert sum(r.attempts for r in rows) == CONVERSATIONS + len(connector.refused)
        # Teams' limits held: 50 a second per tenant, 7 a second per conversation.
        by_tenant: dict[str, list[float]] = defaultdict(list)
        for received in connector.received:
            by_tenant[tenant_of(received.conversation_id)].append(received.at)
        assert max(most_in_window(t, 1.0) for t in by_tenant.values()) <= 50
        assert elapsed < 30, elapsed
