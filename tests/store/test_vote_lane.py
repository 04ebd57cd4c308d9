"""The SQLite vote lane: a burst of votes written one by one, in arrival order, none lost.

The lane is plain asyncio around two functions; here they write into a list, so the tests can
see the order and the retries. The lane on a real database is covered by the poll store tests
(concurrent voters, one person's concurrent clicks, a vote waiting for another writer).
"""

from __future__ import annotations

import asyncio

import pytest

from store.vote_lane import VoteLane


class Ledger:
    """What a database would see: each write, in order; ``busy`` items are refused once."""

    def __init__(self, busy: set[str] | frozenset[str] = frozenset()) -> None:
        self.written: list[str] = []
        self.busy_seen: list[str] = []
        self._busy = set(busy)
        self.free = asyncio.Event()
        self.free.set()

    def now(self, item: str) -> str | None:
        if item.startswith("bad"):
            raise ValueError(item)
        if item in self._busy:
            self._busy.discard(item)
            self.busy_seen.append(item)
            return None
        self.written.append(item)
        return item.upper()

    async def when_free(self, item: str) -> str:
        await self.free.wait()
        self.written.append(item)
        return item.upper()


async def test_a_burst_is_written_in_arrival_order_each_caller_getting_its_own_result() -> None:
    ledger = Ledger()
    lane = VoteLane(ledger.now, ledger.when_free)
    items = [f"v{n}" for n in range(40)]
    results = await asyncio.gather(*(lane.write(item) for item in items))
    assert ledger.written == items
    assert results == [item.upper() for item in items]


async def test_a_failing_write_fails_only_its_own_caller() -> None:
    ledger = Ledger()
    lane = VoteLane(ledger.now, ledger.when_free)
    results = await asyncio.gather(
        lane.write("v1"), lane.write("bad"), lane.write("v2"), return_exceptions=True
    )
    assert results[0] == "V1" and results[2] == "V2"
    assert isinstance(results[1], ValueError)
    assert ledger.written == ["v1", "v2"]


async def test_votes_behind_a_busy_one_wait_for_it_so_the_order_holds() -> None:
    """One person clicking Ja then Nej while the database is busy ends with Nej."""
    ledger = Ledger(busy={"ja"})
    ledger.free.clear()
    lane = VoteLane(ledger.now, ledger.when_free)
    clicks = [asyncio.create_task(lane.write(item)) for item in ("ja", "nej", "other")]
    await asyncio.sleep(0.05)
    assert ledger.busy_seen == ["ja"] and ledger.written == []  # nothing overtook "ja"
    ledger.free.set()
    assert await asyncio.gather(*clicks) == ["JA", "NEJ", "OTHER"]
    assert ledger.written == ["ja", "nej", "other"]


async def test_a_click_cancelled_before_its_turn_is_not_written() -> None:
    ledger = Ledger(busy={"first"})
    ledger.free.clear()
    lane = VoteLane(ledger.now, ledger.when_free)
    first = asyncio.create_task(lane.write("first"))
    gone = asyncio.create_task(lane.write("gone"))
    await asyncio.sleep(0.01)
    gone.cancel()
    ledger.free.set()
    assert await first == "FIRST"
    await lane.idle()
    assert ledger.written == ["first"]
    with pytest.raises(asyncio.CancelledError):
        await gone


async def test_idle_returns_once_everything_handed_in_is_written() -> None:
    ledger = Ledger(busy={"slow"})
    ledger.free.clear()
    lane = VoteLane(ledger.now, ledger.when_free)
    tasks = [asyncio.create_task(lane.write(item)) for item in ("slow", "a", "b")]
    await asyncio.sleep(0)
    idle = asyncio.create_task(lane.idle())
    await asyncio.sleep(0.02)
    assert not idle.done()
    ledger.free.set()
    await idle
    assert ledger.written == ["slow", "a", "b"] and all(t.done() for t in tasks)


async def test_a_lane_stopped_at_shutdown_leaves_nobody_waiting() -> None:
    ledger = Ledger(busy={"stuck"})
    ledger.free.clear()
    lane = VoteLane(ledger.now, ledger.when_free)
    tasks = [asyncio.create_task(lane.write(item)) for item in ("stuck", "next")]
    await asyncio.sleep(0.01)
    writer = lane._writer
    assert writer is not None
    writer.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, asyncio.CancelledError) for r in results)
    assert ledger.written == []
    # The lane starts again for the next vote.
    ledger.free.set()
    assert await lane.write("later") == "LATER"
