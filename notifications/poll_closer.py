"""Closing polls at their closing time, also when the service was down at that moment.

Each instance runs this loop; :meth:`store.polls.PollStore.close_due` closes every poll with
one conditional UPDATE, so with several instances each poll is closed once, and the instance
that closed it pokes the live card so everyone sees the final result. On start the loop also
brings up to date any card that a restart left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable

from store.polls import PollStore

log = logging.getLogger(__name__)


class PollCloser:
    def __init__(
        self,
        polls: PollStore,
        clock: Callable[[], dt.datetime],
        poke: Callable[[str], None],
        *,
        check_every: float = 15.0,
    ) -> None:
        """``check_every``: the longest sleep between checks, in real seconds; the loop also
        wakes when a poll is created with a closing time (:meth:`wake`)."""
        self._polls = polls
        self._clock = clock
        self._poke = poke
        self._check_every = check_every
        self._wake = asyncio.Event()
        self._stopping = False
        self._active = False  # run() is in its loop
        self._stopped = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def stop(self, grace: float = 5.0) -> None:
        """Let :meth:`run` finish the check it is in and return (waiting at most ``grace``).

        Cancelling it mid-query instead would make the database driver abandon a connection
        in the middle of a statement, which aiosqlite cannot always close afterwards.
        """
        self._stopping = True
        self._wake.set()
        if not self._active:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace):
                await self._stopped.wait()

    async def catch_up(self) -> None:
        """After a start: close what is overdue and refresh cards left behind."""
        await self.close_due()
        for poll_id in await self._polls.behind(self._clock() - dt.timedelta(days=1)):
            self._poke(poll_id)

    async def close_due(self) -> list[str]:
        closed = await self._polls.close_due(self._clock())
        for poll_id in closed:
            log.info("poll %s closed at its closing time", poll_id)
            self._poke(poll_id)
        return closed

    async def run(self) -> None:
        """Until :meth:`stop`: close due polls, then sleep until the next closing time (or a
        wake-up)."""
        self._active = True
        try:
            await self._loop()
        finally:
            self._active = False
            self._stopped.set()

    async def _loop(self) -> None:
        first = True
        while not self._stopping:
            try:
                if first:
                    await self.catch_up()
                    first = False
                else:
                    await self.close_due()
                next_closing = await self._polls.next_closing()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("checking poll closing times failed (%s)", type(error).__name__)
                next_closing = None
            if self._stopping:
                return
            delay = self._check_every
            if next_closing is not None:
                until = (next_closing - self._clock()).total_seconds()
                delay = min(delay, max(until, 0.05))
            self._wake.clear()
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for loses a cancellation that
            # arrives as the event is set, and this loop would then outlive its shutdown.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()
