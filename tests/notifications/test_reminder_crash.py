"""A fan-out process killed with SIGKILL in the middle, then run again: every conversation gets
its card exactly once. With PostgreSQL, two instances running the same day at the same time
also send each card once.

The fan-out runs as operators run it, ``python -m kombitbot.cli remind --day …``, in a real
subprocess against the mock connector of this test. To kill it mid fan-out at a moment that
is known rather than lucky, the mock stops answering after 20 cards (``Faults.hold_after``):
the process then has 20 cards recorded as sent and a batch of claimed, unanswered sends in
flight when it dies. Those sends never reached "Teams" (the mock drops them when their sender
goes away), so their ledger rows are ``pending`` under the default 300-second lease — the second
run takes them over at once, because it sees that their sender's process is gone. (A send
Teams accepted in the instant before the kill would be sent again: the one case no ledger can
settle, see ``store/deliveries.py`` and tests/notifications/test_reminder_kills.py.)
"""

from __future__ import annotations

import asyncio
import re
import signal
from collections.abc import Callable

from store.deliveries import Deliveries
from tests.notifications.delivery_support import AT_NINE, DAY, Clock, Delivery, delivery
from tests.support.connector import Faults, MockConnector
from tests.support.fanout_kills import finished, remind

CONVERSATIONS = 60
HOLD_AFTER = 20


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def sent_rows(parts: Delivery) -> int:
    rows = await Deliveries(parts.store.sessions, parts.clock).for_day(DAY)
    return sum(1 for row in rows if row.state == "sent")


async def test_sigkill_mid_fan_out_then_again_sends_each_card_once(
    database_url: str, connector: MockConnector
) -> None:
    ids = [f"19:crash-{n}@thread.tacv2" for n in range(CONVERSATIONS)]
    async with delivery(database_url, connector, Clock(AT_NINE)) as parts:
        await parts.conversations(ids)
        connector.faults = Faults(hold_after=HOLD_AFTER)
        first = await remind(database_url)
        sent = 0
        deadline = asyncio.get_running_loop().time() + 60
        while sent < HOLD_AFTER or connector.held == 0:
            assert asyncio.get_running_loop().time() < deadline, (sent, connector.held)
            await asyncio.sleep(0.05)
            sent = await sent_rows(parts)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        assert first.returncode == -signal.SIGKILL
        await until(lambda: connector.held == 0)  # its sends in flight went nowhere
        in_flight = connector.dropped
        assert in_flight >= 1 and len(connector.received) == HOLD_AFTER
        connector.faults = None
        connector.release()

        report = await finished(await remind(database_url))  # no wait for the leases
        assert f"{CONVERSATIONS - HOLD_AFTER} kort sendt, {HOLD_AFTER} allerede sendt" in report
        assert "sendes lige nu" not in report

        assert parts.posted_counts() == dict.fromkeys(ids, 1)
        rows = await Deliveries(parts.store.sessions, parts.clock).for_day(DAY)
        assert len(rows) == CONVERSATIONS and {row.state for row in rows} == {"sent"}
        taken_over = [row for row in rows if row.attempts > 1]
        assert len(taken_over) >= in_flight


async def test_two_instances_at_once_send_each_card_once(
    postgresql_url: str, connector: MockConnector
) -> None:
    """PostgreSQL only: several instances share one database there."""
    database_url = postgresql_url
    ids = [f"19:twin-{n}@thread.tacv2" for n in range(CONVERSATIONS)]
    async with delivery(database_url, connector, Clock(AT_NINE)) as parts:
        await parts.conversations(ids)
        connector.faults = Faults(latency=0.01)  # so that the two runs overlap
        one, two = await remind(database_url), await remind(database_url)
        reports = await asyncio.gather(finished(one), finished(two))
        assert parts.posted_counts() == dict.fromkeys(ids, 1)
        sent = [int(re.search(r"(\d+) kort sendt", report)[1]) for report in reports]  # type: ignore[index]
        assert sum(sent) == CONVERSATIONS, reports
        rows = await Deliveries(parts.store.sessions, parts.clock).for_day(DAY)
        assert len(rows) == CONVERSATIONS and {row.state for row in rows} == {"sent"}
        assert {row.attempts for row in rows} == {1}
