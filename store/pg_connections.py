"""A fixed set of asyncpg connections for the poll votes, handed out last-in first-out.

asyncpg's own ``Pool`` is general: every checkout arms and cancels an idle-lifetime timer,
every return runs in a shielded task of its own, and its reset hook is awaited. For a vote that
is one statement in autocommit, that bookkeeping cost about as much of the bot's CPU as the
statement itself (measured with ``bench/polls.py``). This set does only what the votes need:
connect lazily up to a limit (so it never fails while the database is down), wait in arrival
order when all are busy, and drop a connection whose state is unknown rather than reuse it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque

import asyncpg


class ConnectionsClosed(ConnectionError):
    """The set is closed (the service is shutting down): answered like a database outage."""


class ConnectionSet:
    """Up to ``size`` connections to ``dsn``; :meth:`acquire` one, :meth:`release` it after."""

    def __init__(self, dsn: str, size: int, connect_timeout: float) -> None:
        if size < 1:
            raise ValueError("a connection set needs room for at least one connection")
        self._dsn = dsn
        self._size = size
        self._connect_timeout = connect_timeout
        self._idle: list[asyncpg.Connection] = []  # the most recently used last
        # Callers waiting for a connection, first come first served. A waiter gets a
        # connection, or None: a slot came free (a connection was dropped), connect anew.
        self._waiters: deque[asyncio.Future[asyncpg.Connection | None]] = deque()
        self._counted = 0  # connections open or being opened
        self._closed = False

    async def acquire(self) -> asyncpg.Connection:
        """An idle connection, a new one while under the limit, or the next one released."""
        while True:
            if self._closed:
                raise ConnectionsClosed("the vote connections are closed")
            while self._idle:
                connection = self._idle.pop()
                if not connection.is_closed():
                    return connection
                self._counted -= 1
            if self._counted < self._size:
                return await self._connect()
            handed = await self._wait()
            if handed is not None:
                return handed

    def release(self, connection: asyncpg.Connection, *, reusable: bool) -> None:
        """Give ``connection`` back; not ``reusable`` (its state is unknown): close it.

        A statement interrupted half-way (a lost connection, a cancelled caller) leaves a
        connection that may still be talking to the server; it is terminated, and a waiter
        is told to open a new one in its place.
        """
        if self._closed or not reusable or connection.is_closed():
            connection.terminate()
            self._counted -= 1
            self._wake(None)
            return
        if not self._wake(connection):
            self._idle.append(connection)

    def expire(self) -> None:
        """Close every idle connection: the server dropped them all (a restart)."""
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.terminate()
            self._counted -= 1
            self._wake(None)

    async def close(self) -> None:
        """Close the idle connections and fail the waiters; busy ones close on release."""
        self._closed = True
        idle, self._idle = self._idle, []
        self._counted -= len(idle)
        await asyncio.gather(*(c.close(timeout=2) for c in idle), return_exceptions=True)
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(ConnectionsClosed("the vote connections are closed"))

    async def _connect(self) -> asyncpg.Connection:
        self._counted += 1
        try:
            return await asyncpg.connect(self._dsn, timeout=self._connect_timeout)
        except BaseException:
            self._counted -= 1
            self._wake(None)  # someone waiting may try (and report the outage) themselves
            raise

    async def _wait(self) -> asyncpg.Connection | None:
        waiter: asyncio.Future[asyncpg.Connection | None] = (
            asyncio.get_running_loop().create_future()
        )
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                handed = waiter.result()  # handed over just as the caller was cancelled
                if handed is not None:
                    self.release(handed, reusable=True)
                else:
                    self._wake(None)
            else:
                with contextlib.suppress(ValueError):  # not there if close() failed it
                    self._waiters.remove(waiter)
            raise

    def _wake(self, connection: asyncpg.Connection | None) -> bool:
        """Hand ``connection`` (or a free slot: None) to the first live waiter, if any."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return True
        return False
