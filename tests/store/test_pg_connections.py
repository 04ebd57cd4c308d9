"""The poll votes' own PostgreSQL connections: lazy, bounded, fair, and never reused half-way.

Against the tests' real PostgreSQL server; each connection is told apart by its server process id.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from store.pg_connections import ConnectionsClosed, ConnectionSet
from store.poll_votes_pg import PgFirstVotes, asyncpg_dsn


@pytest.fixture
def dsn(postgres_admin_url: str) -> str:
    return asyncpg_dsn(make_url(postgres_admin_url))


@pytest.fixture
async def connections(dsn: str) -> AsyncIterator[ConnectionSet]:
    pool = ConnectionSet(dsn, 2, connect_timeout=5)
    yield pool
    await pool.close()


async def pid(connection: asyncpg.Connection) -> int:
    return int(await connection.fetchval("SELECT pg_backend_pid()"))


async def one_waiting(
    connections: ConnectionSet,
) -> tuple[asyncpg.Connection, asyncpg.Connection, asyncio.Task[asyncpg.Connection]]:
    """Both connections of a set of two taken, and a third caller waiting for one."""
    a = await connections.acquire()
    b = await connections.acquire()
    waiting = asyncio.create_task(connections.acquire())
    await asyncio.sleep(0.05)
    assert not waiting.done()  # both slots are taken
    return a, b, waiting


async def test_creating_the_set_connects_nothing_so_a_database_that_is_down_fails_only_its_use() -> (
    None
):
    down = ConnectionSet("postgresql://postgres@127.0.0.1:1/test", 2, connect_timeout=2)
    with pytest.raises(OSError):
        await down.acquire()
    with pytest.raises(OSError):  # the failed attempt did not use up a slot
        await down.acquire()
    await down.close()


async def test_the_connection_released_last_is_handed_out_next(connections: ConnectionSet) -> None:
    first = await connections.acquire()
    second = await connections.acquire()
    first_pid, second_pid = await pid(first), await pid(second)
    connections.release(first, reusable=True)
    connections.release(second, reusable=True)
    again = await connections.acquire()
    assert await pid(again) == second_pid != first_pid
    connections.release(again, reusable=True)


async def test_a_burst_shares_the_limit_and_waits_in_arrival_order(
    connections: ConnectionSet,
) -> None:
    served: list[int] = []
    pids: set[int] = set()

    async def use(n: int) -> None:
        connection = await connections.acquire()
        served.append(n)
        pids.add(await pid(connection))
        await asyncio.sleep(0.01)
        connections.release(connection, reusable=True)

    await asyncio.gather(*(use(n) for n in range(12)))
    # The first two connect, each in its own time (one may connect, finish and hand its
    # connection to the first waiter before the other has connected); the waiters come in turn.
    assert sorted(served) == list(range(12))
    assert [n for n in served if n >= 2] == list(range(2, 12))
    assert len(pids) == 2  # never more than the set's size


async def test_a_connection_in_an_unknown_state_is_closed_and_replaced_for_the_next_caller(
    connections: ConnectionSet,
) -> None:
    a, b, waiting = await one_waiting(connections)
    old_pid = await pid(a)
    connections.release(a, reusable=False)
    assert a.is_closed()
    replacement = await asyncio.wait_for(waiting, 5)
    assert await pid(replacement) != old_pid
    connections.release(replacement, reusable=True)
    connections.release(b, reusable=True)


async def test_a_caller_that_gives_up_waiting_leaves_nothing_behind(
    connections: ConnectionSet,
) -> None:
    a, b, impatient = await one_waiting(connections)
    impatient.cancel()
    with pytest.raises(asyncio.CancelledError):
        await impatient
    connections.release(a, reusable=True)
    connections.release(b, reusable=True)
    # Both connections are back: two callers get one at once, a third waits.
    first, second, third = await one_waiting(connections)
    connections.release(first, reusable=True)
    connections.release(await asyncio.wait_for(third, 5), reusable=True)
    connections.release(second, reusable=True)


async def test_a_connection_handed_over_as_its_waiter_is_cancelled_goes_back_to_the_set(
    connections: ConnectionSet,
) -> None:
    a, b, waiter = await one_waiting(connections)
    connections.release(a, reusable=True)  # handed to the waiter …
    waiter.cancel()  # … which is cancelled before it runs again
    with pytest.raises(asyncio.CancelledError):
        await waiter
    again = await asyncio.wait_for(connections.acquire(), 5)
    assert again is a
    connections.release(again, reusable=True)
    connections.release(b, reusable=True)


async def test_expire_replaces_the_idle_connections(connections: ConnectionSet) -> None:
    a = await connections.acquire()
    old_pid = await pid(a)
    connections.release(a, reusable=True)
    connections.expire()
    assert a.is_closed()
    fresh = await connections.acquire()
    assert await pid(fresh) != old_pid
    connections.release(fresh, reusable=True)


async def test_closing_fails_the_waiters_and_closes_busy_connections_on_release(
    dsn: str,
) -> None:
    pool = ConnectionSet(dsn, 1, connect_timeout=5)
    busy = await pool.acquire()
    waiter = asyncio.create_task(pool.acquire())
    await asyncio.sleep(0.05)
    await pool.close()
    with pytest.raises(ConnectionsClosed):
        await waiter
    pool.release(busy, reusable=True)
    assert busy.is_closed()
    with pytest.raises(ConnectionsClosed):
        await pool.acquire()


async def test_a_vote_statement_cut_off_half_way_does_not_poison_the_next_one(
    postgres_admin_url: str,
) -> None:
    """A caller cancelled mid-statement (Teams gave up, shutdown): its connection is dropped,
    not handed to the next vote while the server may still be running the old statement."""
    votes = PgFirstVotes(make_url(postgres_admin_url), size=1)
    try:
        first = await votes._fetchrow("SELECT pg_backend_pid() AS pid", ())
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(votes._fetchrow("SELECT pg_sleep(5)", ()), 0.2)
        row = await asyncio.wait_for(votes._fetchrow("SELECT pg_backend_pid() AS pid", ()), 2)
        assert row["pid"] != first["pid"]
    finally:
        await votes.close()


async def test_an_error_answered_by_the_server_keeps_the_connection(
    postgres_admin_url: str,
) -> None:
    votes = PgFirstVotes(make_url(postgres_admin_url), size=1)
    try:
        first = await votes._fetchrow("SELECT pg_backend_pid() AS pid", ())
        with pytest.raises(asyncpg.DivisionByZeroError):
            await votes._fetchrow("SELECT 1 / 0", ())
        row = await votes._fetchrow("SELECT pg_backend_pid() AS pid", ())
        assert row["pid"] == first["pid"]
    finally:
        await votes.close()
