"""Live poll cards: coalesce a burst of votes into at most one card update per interval.

A vote (or a close) "pokes" its poll. One task per poll then asks the store to claim the next
update (:meth:`store.polls.PollStore.claim_render`), which enforces the interval across every
instance sharing the database, and updates the posted card in place through
``CloudAdapter.continue_conversation``. Because each poke guarantees a later claim, and a claim
renders the counts of exactly the version it claims, the last update always shows the final
count.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

from botbuilder.core import BotAdapter, TurnContext

from bot.activities import reference_from_json, reply_activity
from dialogs.reply import Reply
from store.polls import PollStore, PollView

log = logging.getLogger(__name__)

UPDATE_INTERVAL = dt.timedelta(seconds=2)
MAX_FAILED_UPDATES = 3


class LiveCards:
    """Keeps posted poll cards up to date; one per application, built by the app factory."""

    def __init__(
        self,
        adapter: BotAdapter,
        app_id: str,
        polls: PollStore,
        render: Callable[[PollView], Reply],
        *,
        interval: dt.timedelta = UPDATE_INTERVAL,
        wall_clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._adapter = adapter
        self._app_id = app_id
        self._polls = polls
        self._render = render
        self._interval = interval
        self._wall_clock = wall_clock
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._dirty: set[str] = set()
        self.updates_sent = 0  # for the benchmark and the logs

    def poke(self, poll_id: str) -> None:
        """The poll changed: make sure its card will show it (soon, not necessarily now)."""
        self._dirty.add(poll_id)
        if poll_id not in self._tasks:
            self._tasks[poll_id] = asyncio.create_task(self._keep_up(poll_id))

    async def idle(self) -> None:
        """Wait until every pending card update is done (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)
        self._tasks.clear()

    async def _keep_up(self, poll_id: str) -> None:
        failures = 0
        try:
            while True:
                self._dirty.discard(poll_id)
                try:
                    claim = await self._polls.claim_render(
                        poll_id, self._wall_clock(), self._interval
                    )
                except Exception:
                    log.warning(
                        "could not read poll %s for its card update", poll_id, exc_info=True
                    )
                    claim = None
                    failures += 1
                if claim is not None and claim.view is not None:
                    if await self._send(claim.view):
                        failures = 0
                        # The interval counts from when Teams got the update, not from the claim.
                        await self._polls.stamp_update(poll_id, self._wall_clock())
                    else:
                        failures += 1
                        await self._polls.mark_behind(poll_id, claim.view.version)
                    if failures >= MAX_FAILED_UPDATES:
                        log.warning("giving up updating the card of poll %s for now", poll_id)
                        return
                    continue  # more votes may have come in meanwhile; the next claim says
                if claim is not None and claim.wait_until is not None:
                    delay = (claim.wait_until - self._wall_clock()).total_seconds()
                    await asyncio.sleep(max(delay, 0.01))
                    continue
                if claim is None:
                    if failures >= MAX_FAILED_UPDATES:
                        return
                    await asyncio.sleep(self._interval.total_seconds())
                    continue
                if poll_id not in self._dirty:
                    return  # the card shows the newest version and nobody poked since
        finally:
            self._tasks.pop(poll_id, None)

    async def _send(self, poll: PollView) -> bool:
        reference = reference_from_json(poll.conversation_reference)
        if reference is None or not poll.activity_id:
            log.warning("poll %s has no conversation reference to update its card", poll.id)
            return True  # nothing will ever make this possible; do not retry
        reply = self._render(poll)
        update = reply_activity(reply)
        update.id = poll.activity_id

        async def callback(turn_context: TurnContext) -> None:
            await turn_context.update_activity(update)

        try:
            await self._adapter.continue_conversation(reference, callback, self._app_id)
        except Exception as error:
            log.warning("updating the card of poll %s failed (%s)", poll.id, type(error).__name__)
            return False
        self.updates_sent += 1
        return True
