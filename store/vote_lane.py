"""SQLite: the votes of a burst written back to back, each in its own transaction.

A vote written at the moment its turn reaches the database runs with the CPU's caches full of
that turn's HTTP and botbuilder work, and pays for it: in ``bench/polls.py`` a SQLite vote cost
about 400 µs of CPU inside the bot under load, against about 70 µs for the same vote written
right after another one. So the turns that are under way hand their votes to one lane, which
writes them one after another on the event loop. Nothing is merged: every vote is still its own
``BEGIN IMMEDIATE … COMMIT``, answered only after that commit, and the lane keeps arrival order,
so one person's clicks end in their last choice.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


class VoteLane(Generic[_Item, _Result]):
    """Writes items in arrival order, one at a time, batching only the scheduling.

    ``write_now`` writes one item at once and returns None when the database is busy (another
    writer holds SQLite's lock); ``write_when_free`` then waits for the database and writes it.
    Items behind a busy one wait with it: that is what keeps the order.
    """

    def __init__(
        self,
        write_now: Callable[[_Item], _Result | None],
        write_when_free: Callable[[_Item], Awaitable[_Result]],
    ) -> None:
        self._write_now = write_now
        self._write_when_free = write_when_free
        self._waiting: collections.deque[tuple[_Item, asyncio.Future[_Result]]] = (
            collections.deque()
        )
        self._writer: asyncio.Task[None] | None = None

    async def write(self, item: _Item) -> _Result:
        """Write ``item`` in its turn; its result, or the exception its write raised."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[_Result] = loop.create_future()
        self._waiting.append((item, done))
        if self._writer is None:
            self._writer = loop.create_task(self._write_all())
        return await done

    async def idle(self) -> None:
        """Wait until every item handed in so far is written (shutdown, tests)."""
        while self._writer is not None:
            await asyncio.wait([self._writer])

    async def _write_all(self) -> None:
        try:
            # One pass of the event loop first: the turns already under way hand in their
            # votes too, and are then written together.
            await asyncio.sleep(0)
            while self._waiting:
                item, done = self._waiting.popleft()
                if done.done():  # its turn was cancelled before the vote was written
                    continue
                try:
                    result = self._write_now(item)
                    if result is None:
                        result = await self._write_when_free(item)
                except asyncio.CancelledError:
                    done.cancel()
                    raise
                except Exception as error:
                    if not done.done():
                        done.set_exception(error)
                else:
                    if not done.done():
                        done.set_result(result)
        finally:
            self._writer = None
            while self._waiting:  # cancelled (shutdown): nobody waits forever
                _item, done = self._waiting.popleft()
                done.cancel()
