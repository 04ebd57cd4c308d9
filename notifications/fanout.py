"""The daily fan-out: what is due today, to every conversation that asked, once.

For a day: :func:`~notifications.rules.reminders_due` → for each active conversation its
subscriptions → :func:`~notifications.rules.audience` per reminder → one digest card
(:func:`~notifications.digest.build_digest`) → claim the ledger row → send → sent / failed /
gone. The ledger (:mod:`store.deliveries`) makes every run idempotent: the scheduler, a
restart's catch-up, "send påmindelser nu" and ``kombitbot remind`` may all run the same day,
on one instance or several, and each conversation still gets that day's card once.

Who gets what:

* A conversation gets reminders only for what it subscribed to ("all", a municipality,
  a region, a solution, frozen zones only); several subscriptions are a union.
* A personal chat whose user registered a municipality ("jeg er programleder i Vejle") hears
  of a deadline only while that municipality still has it open; an explicit municipality
  subscription is honoured as written. Frozen zones concern everybody.
* "Påmind mig igen mandag" (a snooze) keeps the item out of that person's personal reminders
  until the snooze day (moved to the next working day if it is none), and brings it back on
  that day while the deadline has not passed.

:meth:`ReminderFanOut.preview` runs the same planning without writing anything, so "what
would go out" is what goes out. :meth:`ReminderFanOut.refresh_cards` re-renders cards posted
earlier when an item's status changes.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Literal

from dialogs.reply import Reply
from kombitbot.workdays import DanishCalendar
from notifications.digest import REMINDER_SEEN, build_digest
from notifications.rules import (
    AudienceMatch,
    DueReminder,
    ReminderRules,
    Subscription,
    audience,
    reminders_due,
    upcoming_reminders,
)
from notifications.sender import DigestSender, SendOutcome, usable
from store.deliveries import Claim, ClaimRefused, Deliveries, DeliveryRow, digest_key
from store.reminder_control import ReminderControlStore
from store.reminder_targets import ReminderTarget, ReminderTargets, SubscriptionRow
from store.snapshot import DataSnapshot

__all__ = [
    "FanOutSummary",
    "PlannedDigest",
    "Preview",
    "PreviewEntry",
    "ReminderFanOut",
    "matches_for",
    "plan_day",
    "subscriptions_of",
    "with_delivery",
]

log = logging.getLogger(__name__)

SNOOZE_OCCASION: Final = "snooze"
DONE_TEXT: Final = (
    "Alt på dette kort er klaret – tak! (Everything on this card has been taken care of.)"
)


# --------------------------------------------------------------------------- planning (pure)


def _find(value: str, choices: Iterable[str]) -> str | None:
    folded = value.strip().casefold()
    return next((choice for choice in choices if choice.casefold() == folded), None)


def _solution_key(value: str, snapshot: DataSnapshot) -> str | None:
    key = _find(value, snapshot.solutions)
    if key is not None:
        return key
    return next(
        (s.key for s in snapshot.solutions.values() if s.code.casefold() == value.casefold()),
        None,
    )


def subscriptions_of(target: ReminderTarget, snapshot: DataSnapshot) -> list[Subscription]:
    """The stored subscriptions as filters; a personal chat narrowed to its user's
    municipality (see the module docstring). Values the data does not know are skipped."""
    own = target.municipality if target.personal else None
    result: list[Subscription] = []
    for row in target.subscriptions:
        found = _subscription(row, snapshot, own)
        if found is None:
            log.warning(
                "subscription %s=%r of conversation %d matches nothing in the data",
                row.kind,
                row.value,
                target.id,
            )
            continue
        result.append(found)
    return result


def _subscription(
    row: SubscriptionRow, snapshot: DataSnapshot, own: str | None
) -> Subscription | None:
    narrow = frozenset({own}) if own else None
    if row.kind == "all":
        return Subscription(municipalities=narrow)
    if row.kind == "frozen_zones":
        return Subscription.zones_only()
    if row.kind == "municipality":
        name = _find(row.value, snapshot.municipalities)
        return Subscription.for_municipalities(name) if name else None
    if row.kind == "region":
        region = _find(row.value, snapshot.regions)
        return Subscription(municipalities=narrow, region=region) if region else None
    if row.kind == "solution":
        key = _solution_key(row.value, snapshot)
        return Subscription(municipalities=narrow, solution=key) if key else None
    return None


def _merge(matches: Sequence[AudienceMatch]) -> AudienceMatch:
    """One reminder seen through several subscriptions: the union of who is named."""
    first = matches[0]
    if len(matches) == 1:
        return first
    missing = {m for match in matches for m in match.missing}
    unknown = {m for match in matches for m in match.unknown}
    return AudienceMatch(
        first.reminder,
        tuple(m for m in first.reminder.missing if m in missing),
        tuple(m for m in first.reminder.unknown if m in unknown),
    )


def snooze_day(until: dt.date, calendar: DanishCalendar) -> dt.date:
    """The day a snoozed item comes back: ``until``, or the next working day after it."""
    return until if calendar.is_working_day(until) else calendar.next_working_day(until)


def matches_for(
    target: ReminderTarget,
    reminders: Sequence[DueReminder],
    snapshot: DataSnapshot,
    day: dt.date,
    calendar: DanishCalendar,
    *,
    comeback: Callable[[str, str], DueReminder | None] = lambda _kind, _key: None,
    snoozes: bool = True,
) -> list[AudienceMatch]:
    """What this conversation is told on ``day`` about ``reminders``, snoozes applied.

    ``comeback(kind, key)`` gives the reminder to repeat for an item whose snooze ends on
    ``day`` (None when there is nothing left to remind of).
    """
    subscriptions = subscriptions_of(target, snapshot)
    if not subscriptions:
        return []
    held = {
        item: snooze_day(until, calendar)
        for item, until in (target.snoozes.items() if snoozes and target.personal else ())
    }
    chosen = list(reminders)
    present = {(r.kind, r.key) for r in chosen}
    for (kind, key), comes_back in sorted(held.items()):
        if comes_back == day and (kind, key) not in present:
            again = comeback(kind, key)
            if again is not None:
                chosen.append(again)
    result: list[AudienceMatch] = []
    for reminder in chosen:
        back = held.get((reminder.kind, reminder.key))
        if reminder.rule == "deadline" and back is not None and day < back:
            continue
        found = [
            match
            for subscription in subscriptions
            if (match := audience(reminder, subscription, snapshot)) is not None
        ]
        if found:
            result.append(_merge(found))
    return result


@dataclass(frozen=True, slots=True)
class PlannedDigest:
    """One card for one conversation on one day, ready to claim and send."""

    target: ReminderTarget
    day: dt.date
    key: str
    matches: tuple[AudienceMatch, ...]
    reply: Reply

    @property
    def items(self) -> tuple[str, ...]:
        """The reminder identities on the card (kept in the ledger row)."""
        return tuple(match.reminder.identity for match in self.matches)


def plan_day(
    snapshot: DataSnapshot,
    reminders: Sequence[DueReminder],
    targets: Sequence[ReminderTarget],
    day: dt.date,
    calendar: DanishCalendar,
    *,
    comeback: Callable[[str, str], DueReminder | None] = lambda _kind, _key: None,
    ics_url: str | None = None,
) -> list[PlannedDigest]:
    """Every card to send on ``day``, one per conversation with something to say."""
    planned: list[PlannedDigest] = []
    for target in targets:
        if not usable(target):
            log.warning("conversation %d has no usable reference; skipped", target.id)
            continue
        matches = matches_for(target, reminders, snapshot, day, calendar, comeback=comeback)
        reply = build_digest(matches, day, ics_url=ics_url)
        if reply is None:
            continue
        planned.append(
            PlannedDigest(
                target, day, digest_key(target.conversation_id, day), tuple(matches), reply
            )
        )
    return planned


def with_delivery(reply: Reply, delivery_id: int) -> Reply:
    """The card with its ledger row's id on every "Set" button, so an acknowledgement is
    counted for exactly this delivery (the id exists only once the row is claimed)."""
    if reply.card is None:
        return reply
    card = copy.deepcopy(reply.card)
    stack: list[object] = [card]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and data.get("kombitbot") == REMINDER_SEEN:
                data["delivery"] = delivery_id
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return replace(reply, card=card)


def _interleave_tenants(planned: Sequence[PlannedDigest]) -> list[PlannedDigest]:
    """Round-robin over tenants, so one large tenant's rate limit does not hold up the rest."""
    queues: dict[str, list[PlannedDigest]] = {}
    for digest in planned:
        queues.setdefault(digest.target.tenant_id, []).append(digest)
    ordered: list[PlannedDigest] = []
    lists = list(queues.values())
    for index in range(max((len(q) for q in lists), default=0)):
        ordered.extend(q[index] for q in lists if index < len(q))
    return ordered


# --------------------------------------------------------------------------- results


@dataclass(slots=True)
class FanOutSummary:
    """What one run did, as the ledger records it: cards ``sent`` now, ``already_sent``
    (recorded as sent before), ``in_progress`` (being sent right now by another live sender,
    or taken over by one), ``failed`` (to be retried), ``gone`` (the bot was removed there),
    ``stopped`` (not begun because the service was stopping: the run that catches up sends
    them). A card whose sender died is neither: it is taken over and counted where it ends."""

    day: dt.date
    paused: bool = False
    planned: int = 0
    sent: int = 0
    already_sent: int = 0
    in_progress: int = 0
    failed: int = 0
    gone: int = 0
    retried: int = 0  # of ``sent``: cards of earlier days sent by the retry pass
    stopped: int = 0

    @property
    def skipped(self) -> int:
        """Not sent by this run because the ledger says someone has or is."""
        return self.already_sent + self.in_progress

    def count(self, outcome: SendOutcome | ClaimRefused) -> None:
        if isinstance(outcome, ClaimRefused):
            if outcome.state == "sent":
                self.already_sent += 1
            elif outcome.state == "gone":
                self.gone += 1
            else:
                self.in_progress += 1
        elif outcome.verdict == "lost":
            self.in_progress += 1
        elif outcome.verdict == "sent":
            self.sent += 1
        elif outcome.verdict == "gone":
            self.gone += 1
        else:
            self.failed += 1

    def as_dict(self) -> dict[str, int]:
        return {
            "planned": self.planned,
            "sent": self.sent,
            "already_sent": self.already_sent,
            "in_progress": self.in_progress,
            "failed": self.failed,
            "gone": self.gone,
            "retried": self.retried,
            "stopped": self.stopped,
        }


PreviewState = Literal["new", "sent", "pending", "failed", "gone"]


@dataclass(frozen=True, slots=True)
class PreviewEntry:
    digest: PlannedDigest
    state: PreviewState  # the ledger row's state now ("new": none yet)
    would_send: bool


@dataclass(frozen=True, slots=True)
class Preview:
    """Exactly what a run for ``day`` would send, and where; nothing written."""

    day: dt.date
    paused: bool
    reminders: tuple[DueReminder, ...]
    entries: tuple[PreviewEntry, ...] = field(default_factory=tuple)

    @property
    def to_send(self) -> tuple[PlannedDigest, ...]:
        if self.paused:
            return ()
        return tuple(entry.digest for entry in self.entries if entry.would_send)


# --------------------------------------------------------------------------- the service


class ReminderFanOut:
    """Plans and sends reminders; one per application, built by the app factory.

    ``snapshot`` reads the current facts (``Store.snapshot``); ``clock`` is the local wall
    clock (tz-aware) that decides "today" and the leases.
    """

    def __init__(
        self,
        snapshot: Callable[[], Awaitable[DataSnapshot]],
        targets: ReminderTargets,
        deliveries: Deliveries,
        control: ReminderControlStore,
        sender: DigestSender,
        clock: Callable[[], dt.datetime],
        *,
        tz: dt.tzinfo,
        lease: dt.timedelta,
        send_window: tuple[dt.time, dt.time] = (dt.time(9), dt.time(16)),
        calendar: DanishCalendar | None = None,
        rules: ReminderRules | None = None,
        concurrency: int = 4,
        retry_working_days: int = 2,
        refresh_days: int = 14,
        ics_url: str | None = None,
    ) -> None:
        self._snapshot = snapshot
        self._targets = targets
        self._deliveries = deliveries
        self._control = control
        self._sender = sender
        self._clock = clock
        self._tz = tz
        self._lease = lease
        self._window = send_window
        self._calendar = calendar or DanishCalendar()
        self._rules = rules or ReminderRules()
        self._concurrency = concurrency
        self._retry_working_days = retry_working_days
        self._refresh_days = refresh_days
        self._ics_url = ics_url

    def now(self) -> dt.datetime:
        return self._clock()

    def today(self) -> dt.date:
        return self._clock().astimezone(self._tz).date()

    # ----------------------------------------------------------------- planning

    def _comeback(
        self, snapshot: DataSnapshot, day: dt.date
    ) -> Callable[[str, str], DueReminder | None]:
        """Finds the reminder to repeat when a snooze ends (computed on first use only)."""
        cache: dict[tuple[str, str], DueReminder] = {}
        loaded = False

        def comeback(kind: str, key: str) -> DueReminder | None:
            nonlocal loaded
            if not loaded:
                for reminder in upcoming_reminders(
                    snapshot, dt.date.min, dt.date.max, self._calendar, self._rules
                ):
                    if reminder.rule == "deadline" and reminder.target_day >= day:
                        cache.setdefault((reminder.kind, reminder.key), reminder)
                loaded = True
            found = cache.get((kind, key))
            return replace(found, occasion=SNOOZE_OCCASION, day=day) if found else None

        return comeback

    async def _plan(
        self, day: dt.date, targets: Sequence[ReminderTarget] | None = None
    ) -> tuple[list[DueReminder], list[PlannedDigest]]:
        snapshot = await self._snapshot()
        due = reminders_due(snapshot, day, self._calendar, self._rules)
        if targets is None:
            targets = await self._targets.active()
        planned = plan_day(
            snapshot,
            due,
            targets,
            day,
            self._calendar,
            comeback=self._comeback(snapshot, day),
            ics_url=self._ics_url,
        )
        return due, planned

    async def preview(self, day: dt.date) -> Preview:
        """What a run for ``day`` would send now, where, and what was sent already."""
        due, planned = await self._plan(day)
        rows = await self._deliveries.by_keys([digest.key for digest in planned])
        now = self._clock().astimezone(dt.UTC)
        entries = []
        for digest in planned:
            row = rows.get(digest.key)
            state: PreviewState = row.state if row is not None else "new"
            would = row is None or _claimable(row, now)
            entries.append(PreviewEntry(digest, state, would))
        paused = await self._control.paused()
        return Preview(day, paused, tuple(due), tuple(entries))

    # ----------------------------------------------------------------- sending

    async def run_today(self, stop: asyncio.Event | None = None) -> FanOutSummary:
        """The scheduler's daily job."""
        return await self.run(self.today(), stop)

    async def run(self, day: dt.date, stop: asyncio.Event | None = None) -> FanOutSummary:
        """Send ``day``'s cards (idempotent), then retry failed cards of the days before.

        Does nothing while reminders are paused. Once ``stop`` is set (the service is shutting
        down) no further card is begun; those under way finish. What was not begun has no
        ledger row yet, so a later run of the same day sends it.
        """
        summary = FanOutSummary(day)
        if await self._control.paused():
            summary.paused = True
            log.info("reminders are paused; nothing sent for %s", day.isoformat())
            return summary
        _due, planned = await self._plan(day)
        summary.planned = len(planned)
        async with self._deliveries.alive():
            await self._send_all(_interleave_tenants(planned), summary, stop)
            if stop is None or not stop.is_set():
                await self._retry(self._retry_from(day), day - dt.timedelta(days=1), summary, stop)
        log.info("reminder fan-out for %s done", day.isoformat(), extra=summary.as_dict())
        return summary

    async def retry(self, day: dt.date, stop: asyncio.Event | None = None) -> FanOutSummary:
        """Claim and send again what failed or was abandoned from ``day`` and the working days
        before it (``retry_working_days``)."""
        summary = FanOutSummary(day)
        if await self._control.paused():
            summary.paused = True
            return summary
        async with self._deliveries.alive():
            await self._retry(self._retry_from(day), day, summary, stop)
        return summary

    def _retry_from(self, day: dt.date) -> dt.date:
        """The first day whose failed cards are still worth sending (so Monday retries
        Friday's, and the day after Christmas the 23rd's)."""
        return self._calendar.previous_working_day(day, self._retry_working_days)

    async def retry_now(self, stop: asyncio.Event | None = None) -> FanOutSummary | None:
        """The scheduler's retry sweep: only on working days within the sending window."""
        now = self._clock().astimezone(self._tz)
        start, end = self._window
        if not self._calendar.is_working_day(now.date()) or not start <= now.time() < end:
            return None
        summary = await self.retry(now.date(), stop)
        if summary.sent or summary.failed or summary.gone:
            log.info("reminder retry sweep done", extra=summary.as_dict())
        return summary

    async def _send_all(
        self,
        planned: Sequence[PlannedDigest],
        summary: FanOutSummary,
        stop: asyncio.Event | None = None,
    ) -> None:
        gate = asyncio.Semaphore(self._concurrency)

        async def one(digest: PlannedDigest) -> None:
            async with gate:
                if stop is not None and stop.is_set():
                    summary.stopped += 1
                    return
                try:
                    summary.count(await self._send(digest))
                except Exception:
                    # The database failed under us: the claim's lease runs out and a later
                    # run takes the row over, so nothing is lost.
                    log.exception("sending reminders to conversation %d failed", digest.target.id)
                    summary.failed += 1

        await asyncio.gather(*(one(digest) for digest in planned))

    async def _send(self, digest: PlannedDigest) -> SendOutcome | ClaimRefused:
        claim = await self._deliveries.claim(
            digest.key, digest.target.id, digest.day, digest.items, self._lease
        )
        if isinstance(claim, ClaimRefused):
            return claim
        return await self._sender.send(digest.target, with_delivery(digest.reply, claim.id), claim)

    async def _retry(
        self,
        first: dt.date,
        last: dt.date,
        summary: FanOutSummary,
        stop: asyncio.Event | None = None,
    ) -> None:
        if last < first:
            return
        rows = await self._deliveries.retryable(first, last)
        if not rows:
            return
        targets = await self._targets.by_ids({row.conversation for row in rows})
        snapshot = await self._snapshot()
        today = self.today()
        planned: list[PlannedDigest] = []
        for row in rows:
            target = targets.get(row.conversation)
            if target is None:
                continue
            due = [
                r
                for r in reminders_due(snapshot, row.day, self._calendar, self._rules)
                if r.rule == "frozen_zone" or r.target_day >= today  # a passed deadline: moot
            ]
            found = plan_day(
                snapshot,
                due,
                [target],
                row.day,
                self._calendar,
                comeback=self._comeback(snapshot, row.day),
                ics_url=self._ics_url,
            )
            if not found:
                await self._nothing_left(row)
                continue
            planned.extend(found)
        before = summary.sent
        await self._send_all(_interleave_tenants(planned), summary, stop)
        summary.retried += summary.sent - before

    async def _nothing_left(self, row: DeliveryRow) -> None:
        """A failed card whose every item is done or past: nothing to retry."""
        claim = await self._deliveries.claim(row.key, row.conversation, row.day, (), self._lease)
        if isinstance(claim, Claim) and await self._deliveries.discard(claim):
            log.info("failed reminder card %s has nothing left to say; dropped", row.key)

    # ----------------------------------------------------------------- earlier cards

    async def refresh_cards(self, item_kind: str, item_key: str) -> int:
        """Update in place the cards of recent days that carry this item (its status
        changed); returns how many were updated. Called after a confirmed change, so it never
        raises: a card left behind is a pity, a failed click after a saved change is worse."""
        return await self.refresh_items([(item_kind, item_key)])

    async def refresh_items(self, items: Sequence[tuple[str, str]]) -> int:
        """:meth:`refresh_cards` for several items at once (an import): each card that
        carries any of them is updated once, not once per item. Never raises."""
        try:
            return await self._refresh_items(items)
        except Exception:
            log.exception("updating the reminder cards about %d item(s) failed", len(items))
            return 0

    async def _refresh_items(self, items: Sequence[tuple[str, str]]) -> int:
        since = self.today() - dt.timedelta(days=self._refresh_days)
        rows = await self._deliveries.posted_with(items, since) if items else []
        if not rows:
            return 0
        targets = await self._targets.by_ids({row.conversation for row in rows})
        snapshot = await self._snapshot()
        updated = 0
        for row in rows:
            target = targets.get(row.conversation)
            if target is None:
                continue
            reply = self._rerender(row, target, snapshot)
            if await self._sender.update(target, row.activity_id, reply):
                updated += 1
        return updated

    def _rerender(self, row: DeliveryRow, target: ReminderTarget, snapshot: DataSnapshot) -> Reply:
        """The card as it would be built now, with exactly the reminders it was sent with."""
        wanted = set(row.items)
        comeback = self._comeback(snapshot, row.day)
        reminders = [
            r
            for r in reminders_due(snapshot, row.day, self._calendar, self._rules)
            if r.identity in wanted
        ]
        for identity in wanted:
            parts = identity.split(":")
            if len(parts) >= 5 and parts[-2] == SNOOZE_OCCASION:
                again = comeback(parts[1], ":".join(parts[2:-2]))
                if again is not None and again.identity in wanted:
                    reminders.append(again)
        matches = [
            match
            for reminder in reminders
            for match in matches_for(
                target, [reminder], snapshot, row.day, self._calendar, snoozes=False
            )
        ]
        reply = build_digest(matches, row.day, ics_url=self._ics_url)
        return with_delivery(reply, row.id) if reply is not None else Reply(text=DONE_TEXT)


def _claimable(row: DeliveryRow, now: dt.datetime) -> bool:
    if row.state == "failed":
        return True
    return row.state == "pending" and (row.claimed_until is None or row.claimed_until < now)
