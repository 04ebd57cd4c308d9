"""The delivery ledger (``reminder_deliveries``): what was sent where, so nothing goes twice.

The unit is the **digest**: one card per conversation per day (:mod:`notifications.digest`),
so a row's key is the conversation and the day (:func:`digest_key`) and ``items`` holds the
reminder identities the card carries (:attr:`notifications.rules.DueReminder.identity`). A
per-reminder key would allow a second card the same day whenever one item was new, which is
exactly the noise the digest exists to avoid; with the digest as the key, what was sent is
what the row says.

How a row moves, and why a restart, a retry or two running instances never send one twice:

* :meth:`Deliveries.claim` writes the row *before* the send: an INSERT (new key), or a
  conditional UPDATE that takes over a ``failed`` row or a ``pending`` row whose lease
  (``claimed_until``) has run out. One statement each, so of two instances exactly one wins.
* The lease is also the claim's fencing token: every later write (:meth:`~Deliveries.renew`
  before each retry, :meth:`~Deliveries.sent`, :meth:`~Deliveries.failed`) only applies while
  ``claimed_until`` still equals the value this claim wrote. An instance that stalled past its
  lease learns it lost the row before it sends again, not after.
* ``failed`` rows are claimed again by the next run (or the retry sweep): a failed send is
  retried, not forgotten; ``gone`` (Teams said 403/404) and ``sent`` rows never are.

* A claim names its sender process (``claimed_by``, a row of ``reminder_senders`` with host,
  pid and heartbeat). A ``pending`` row of a sender that is dead — its pid is gone on this
  host, which a restart sees at once (:meth:`Deliveries.reap`), or its heartbeat is older
  than ``stale_after`` — is taken over at once, not when the lease runs out.

The one window no ledger can close: a process killed after Teams accepted the message but
before ``sent`` was written leaves a ``pending`` row, which is sent again by whoever takes it
over (at least once rather than at most once, because a lost reminder can cost a deadline).
So the duplicates a kill can cause are at most the sends in flight at that moment (the
fan-out's concurrency bounds them).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final, Literal, TypeVar, cast

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from store.db import create_sqlite_sync_engine
from store.models import BotConversation, ReminderDelivery, ReminderSender

__all__ = [
    "GONE_REASON",
    "Claim",
    "ClaimRefused",
    "Deliveries",
    "DeliveryRow",
    "DeliveryState",
    "SenderIdentity",
    "digest_key",
    "parse_items",
]

DeliveryState = Literal["pending", "sent", "failed", "gone"]
GONE_REASON: Final = "gone"  # bot_conversations.inactive_reason after a 403/404
_R = TypeVar("_R")
log = logging.getLogger(__name__)
_KEY_MAX: Final = 512
# The hot writes are Core statements on the tables: the ORM's bulk path costs several
# milliseconds of CPU per statement, which at Teams' 50 sends a second per tenant adds up.
_T: Final = cast(Table, ReminderDelivery.__table__)
_CONVERSATIONS: Final = cast(Table, BotConversation.__table__)
_SENDERS: Final = cast(Table, ReminderSender.__table__)
_DEAD: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # the heartbeat of a sender known dead
_ERROR_MAX: Final = 255


def digest_key(conversation_id: str, day: dt.date) -> str:
    """ "digest|<Teams conversation id>|2025-12-12"; a very long id is hashed to fit."""
    if len("digest|") + len(conversation_id) + len("|2025-12-12") > _KEY_MAX:
        conversation_id = "sha256:" + hashlib.sha256(conversation_id.encode()).hexdigest()
    return f"digest|{conversation_id}|{day.isoformat()}"


def parse_items(text: str) -> tuple[str, ...]:
    """The reminder identities in a row's ``items`` (JSON list); garbage reads as none."""
    try:
        data = json.loads(text) if text else []
    except ValueError:
        return ()
    return tuple(str(item) for item in data) if isinstance(data, list) else ()


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite returns stored times without zone; they are always written in UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class Claim:
    """A row this instance may send now; ``token`` (its ``claimed_until``) fences it."""

    id: int
    key: str
    conversation: int  # bot_conversations.id
    day: dt.date
    token: dt.datetime
    attempts: int  # HTTP attempts so far, this one included
    taken_over: bool  # a failed or abandoned row, not a new one


@dataclass(frozen=True, slots=True)
class ClaimRefused:
    """Why a row must not be sent now: ``sent`` already, ``gone``, or ``pending`` (being sent
    by a live sender, whose lease still runs)."""

    state: DeliveryState


@dataclass(frozen=True, slots=True)
class SenderIdentity:
    """This process as a reminder sender."""

    id: str
    host: str
    pid: int

    @classmethod
    def of_this_process(cls) -> SenderIdentity:
        return cls(uuid.uuid4().hex, socket.gethostname()[:255], os.getpid())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """A ledger row as read back (retries, card updates, tests, the preview)."""

    id: int
    key: str
    conversation: int
    day: dt.date
    state: DeliveryState
    attempts: int
    claimed_until: dt.datetime | None
    activity_id: str
    items: tuple[str, ...]
    last_status: int | None
    last_error: str
    sent_at: dt.datetime | None


def _row(row: ReminderDelivery) -> DeliveryRow:
    return DeliveryRow(
        id=row.id,
        key=row.key,
        conversation=row.conversation_id,
        day=row.day,
        state=row.state,  # type: ignore[arg-type]
        attempts=row.attempts,
        claimed_until=_utc(row.claimed_until) if row.claimed_until is not None else None,
        activity_id=row.activity_id,
        items=parse_items(row.items),
        last_status=row.last_status,
        last_error=row.last_error,
        sent_at=_utc(row.sent_at) if row.sent_at is not None else None,
    )


def _claimable(now: dt.datetime, stale_after: dt.timedelta) -> ColumnElement[bool]:
    """A row that may be claimed: failed, or pending with its lease run out or its sender
    known dead (no heartbeat since ``stale_after``, or reaped). A sender the table does not
    know (never registered, or forgotten) keeps its claim until the lease runs out."""
    dead = select(_SENDERS.c.id).where(_SENDERS.c.heartbeat_at < now - stale_after)
    return or_(
        _T.c.state == "failed",
        and_(
            _T.c.state == "pending",
            or_(
                _T.c.claimed_until.is_(None),
                _T.c.claimed_until < now,
                _T.c.claimed_by.in_(dead),
            ),
        ),
    )


def _owned(claim: Claim) -> tuple[ColumnElement[bool], ...]:
    """The claimed row, only while this claim holds it (the fencing condition)."""
    return (_T.c.id == claim.id, _T.c.state == "pending", _T.c.claimed_until == claim.token)


def _insert(connection: Connection) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into the ledger that supports ON CONFLICT, for the connection's database."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(_T)
    return sqlite.insert(_T)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Deliveries:
    """All SQL for the ledger; one per application, built by the app factory."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], dt.datetime],
        *,
        sender: SenderIdentity | None = None,
        stale_after: dt.timedelta = dt.timedelta(seconds=20),
    ) -> None:
        """``sender``: this process (one per process); ``stale_after``: a sender whose
        heartbeat is older is taken for dead (it beats every ``stale_after / 4`` while it
        sends, see :meth:`alive`)."""
        self._sessions = sessions
        self._clock = clock
        self.sender = sender or SenderIdentity.of_this_process()
        self.stale_after = stale_after
        engine = sessions.kw.get("bind")
        assert isinstance(engine, AsyncEngine)
        self._engine = engine
        # SQLite: every write runs whole in one worker thread on a synchronous engine — one
        # thread hop per transaction instead of one per statement, and one writer at a time
        # (a second SQLite writer would sleep in growing steps until the first is done).
        self._sqlite = create_sqlite_sync_engine(engine)
        self._thread = (
            ThreadPoolExecutor(1, thread_name_prefix="ledger") if self._sqlite is not None else None
        )

    async def _write(self, work: Callable[[Connection], _R]) -> _R:
        """Run ``work`` (Core statements on a plain connection) in one write transaction."""
        if self._sqlite is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._thread, self._sqlite_write, work)
        async with self._engine.begin() as connection:
            return await connection.run_sync(work)

    def _sqlite_write(self, work: Callable[[Connection], _R]) -> _R:
        assert self._sqlite is not None
        with self._sqlite.begin() as connection:
            return work(connection)

    async def close(self) -> None:
        """Release the SQLite worker thread and its engine (the async engine is the Store's)."""
        if self._thread is not None:
            self._thread.shutdown(wait=True)
        if self._sqlite is not None:
            self._sqlite.dispose()

    def _now(self) -> dt.datetime:
        return self._clock().astimezone(dt.UTC)

    async def claim(
        self,
        key: str,
        conversation: int,
        day: dt.date,
        items: Sequence[str],
        lease: dt.timedelta,
    ) -> Claim | ClaimRefused:
        """Reserve ``key`` for one send by this process, or say why it must not be sent:
        already sent, gone, or being sent by a live sender whose lease still runs."""
        now = self._now()
        until = now + lease
        items_json = json.dumps(list(items), ensure_ascii=False)
        me = self.sender.id

        def work(connection: Connection) -> Claim | ClaimRefused:
            new_id = connection.execute(
                _insert(connection)
                .values(
                    key=key,
                    conversation_id=conversation,
                    day=day,
                    state="pending",
                    attempts=1,
                    claimed_until=until,
                    claimed_by=me,
                    items=items_json,
                    activity_id="",
                    last_error="",
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing(index_elements=["key"])
                .returning(_T.c.id)
            ).scalar_one_or_none()
            if new_id is not None:
                return Claim(new_id, key, conversation, day, until, 1, taken_over=False)
            taken = connection.execute(
                update(_T)
                .where(_T.c.key == key, _claimable(now, self.stale_after))
                .values(
                    state="pending",
                    attempts=_T.c.attempts + 1,
                    claimed_until=until,
                    claimed_by=me,
                    items=items_json,
                    updated_at=now,
                )
                .returning(_T.c.id, _T.c.attempts)
            ).first()
            if taken is None:
                state = connection.execute(select(_T.c.state).where(_T.c.key == key)).scalar()
                return ClaimRefused(cast(DeliveryState, state or "pending"))
            return Claim(taken[0], key, conversation, day, until, int(taken[1]), taken_over=True)

        return await self._write(work)

    async def heartbeat(self) -> None:
        """Say this sender is alive (and register it the first time)."""
        now = self._now()
        sender = self.sender

        def work(connection: Connection) -> None:
            beat = connection.execute(
                update(_SENDERS).where(_SENDERS.c.id == sender.id).values(heartbeat_at=now)
            )
            if beat.rowcount == 0:
                connection.execute(
                    _SENDERS.insert().values(
                        id=sender.id,
                        host=sender.host,
                        pid=sender.pid,
                        started_at=now,
                        heartbeat_at=now,
                    )
                )

        await self._write(work)

    async def reap(self) -> int:
        """Mark dead the senders of this host whose process is gone (a crash, a SIGKILL), so
        their claims are taken over now; forget senders silent for a day. Returns how many
        were found dead."""
        now = self._now()
        sender = self.sender

        def work(connection: Connection) -> int:
            connection.execute(
                delete(_SENDERS).where(_SENDERS.c.heartbeat_at < now - dt.timedelta(days=1))
            )
            neighbours = connection.execute(
                select(_SENDERS.c.id, _SENDERS.c.pid).where(
                    _SENDERS.c.host == sender.host,
                    _SENDERS.c.id != sender.id,
                    _SENDERS.c.heartbeat_at > _DEAD,
                )
            ).all()
            dead = [sender_id for sender_id, pid in neighbours if not _pid_alive(pid)]
            if dead:
                connection.execute(
                    update(_SENDERS).where(_SENDERS.c.id.in_(dead)).values(heartbeat_at=_DEAD)
                )
            return len(dead)

        return await self._write(work)

    @contextlib.asynccontextmanager
    async def alive(self) -> AsyncIterator[None]:
        """While the block runs (a fan-out), this sender's heartbeat is renewed, and dead
        senders of this host have been reaped before it starts."""
        await self.heartbeat()
        reaped = await self.reap()
        if reaped:
            log.warning(
                "%d reminder sender(s) on this host died; their cards are taken over", reaped
            )
        interval = self.stale_after.total_seconds() / 4

        async def beat() -> None:
            while True:
                await asyncio.sleep(interval)
                try:
                    await self.heartbeat()
                except Exception:  # the database is away: claims then wait for their lease
                    log.warning("reminder sender heartbeat failed", exc_info=True)

        task = asyncio.create_task(beat())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def renew(
        self, claim: Claim, lease: dt.timedelta, *, last_status: int | None, last_error: str
    ) -> Claim | None:
        """Before another attempt: extend the lease, count the attempt and note why the last
        one failed. None when the claim was lost (the lease ran out and someone took over)."""
        now = self._now()
        until = max(now + lease, claim.token + dt.timedelta(microseconds=1))
        renewed = await self._fenced(
            claim,
            attempts=_T.c.attempts + 1,
            claimed_until=until,
            last_status=last_status,
            last_error=last_error[:_ERROR_MAX],
            updated_at=now,
        )
        if not renewed:
            return None
        return Claim(
            claim.id,
            claim.key,
            claim.conversation,
            claim.day,
            until,
            claim.attempts + 1,
            claim.taken_over,
        )

    async def sent(self, claim: Claim, activity_id: str, status: int) -> bool:
        """Teams accepted the card; False if the claim had been lost meanwhile."""
        now = self._now()
        return await self._fenced(
            claim,
            state="sent",
            activity_id=activity_id[:255],
            claimed_until=None,
            last_status=status,
            last_error="",
            updated_at=now,
            sent_at=now,
        )

    async def failed(self, claim: Claim, status: int | None, error: str) -> bool:
        """The send did not succeed this time; the row will be claimed again later."""
        return await self._fenced(
            claim,
            state="failed",
            claimed_until=None,
            last_status=status,
            last_error=error[:_ERROR_MAX],
            updated_at=self._now(),
        )

    async def discard(self, claim: Claim) -> bool:
        """Nothing is left to send for this claim (a retry found every item done): the row
        goes, as nothing was ever delivered; a later run of that day starts from scratch."""

        def work(connection: Connection) -> bool:
            return bool(connection.execute(delete(_T).where(*_owned(claim))).rowcount)

        return await self._write(work)

    async def gone(self, conversation: int, *, status: int | None = None, error: str = "") -> int:
        """Teams answered 403/404: the bot is not in that conversation any more. Marks it
        inactive (reason "gone") and its unsent rows ``gone``; how many rows that was."""
        now = self._now()

        def work(connection: Connection) -> int:
            connection.execute(
                update(_CONVERSATIONS)
                .where(_CONVERSATIONS.c.id == conversation)
                .values(active=False, inactive_reason=GONE_REASON, updated_at=now)
            )
            return int(
                connection.execute(
                    update(_T)
                    .where(
                        _T.c.conversation_id == conversation,
                        _T.c.state.in_(("pending", "failed")),
                    )
                    .values(
                        state="gone",
                        claimed_until=None,
                        last_status=status,
                        last_error=error[:_ERROR_MAX],
                        updated_at=now,
                    )
                ).rowcount
            )

        return await self._write(work)

    async def _fenced(self, claim: Claim, **values: object) -> bool:
        """Update the claimed row only while this claim still holds it."""

        def work(connection: Connection) -> bool:
            return bool(
                connection.execute(update(_T).where(*_owned(claim)).values(**values)).rowcount
            )

        return await self._write(work)

    async def retryable(self, first_day: dt.date, last_day: dt.date) -> list[DeliveryRow]:
        """Rows of active conversations from those days that failed or were abandoned
        (pending with the lease run out): what a retry should claim again."""
        now = self._now()
        query = (
            select(ReminderDelivery)
            .join(BotConversation, BotConversation.id == ReminderDelivery.conversation_id)
            .where(
                BotConversation.active.is_(True),
                ReminderDelivery.day >= first_day,
                ReminderDelivery.day <= last_day,
                _claimable(now, self.stale_after),
            )
            .order_by(ReminderDelivery.day, ReminderDelivery.id)
        )
        async with self._sessions() as session:
            return [_row(row) for row in await session.scalars(query)]

    async def posted_with(
        self, items: Collection[tuple[str, str]], first_day: dt.date
    ) -> list[DeliveryRow]:
        """Cards sent since ``first_day`` that carry a reminder about any of these
        ``(kind, key)`` items (to update them in place when their status changes), each card
        once, in one query per 200 items."""
        wanted = set(items)
        found: dict[int, DeliveryRow] = {}
        ordered = sorted(wanted)
        async with self._sessions() as session:
            for start in range(0, len(ordered), 200):
                needles = [
                    ReminderDelivery.items.like(
                        f"%:{_like_escape(kind)}:{_like_escape(key)}:%", escape="\\"
                    )
                    for kind, key in ordered[start : start + 200]
                ]
                query = select(ReminderDelivery).where(
                    ReminderDelivery.state == "sent",
                    ReminderDelivery.activity_id != "",
                    ReminderDelivery.day >= first_day,
                    or_(*needles),
                )
                for row in await session.scalars(query):
                    found[row.id] = _row(row)
        return [
            found[row_id]
            for row_id in sorted(found)
            if any(_item_of(i) in wanted for i in found[row_id].items)
        ]

    async def by_keys(self, keys: Sequence[str]) -> dict[str, DeliveryRow]:
        """The rows with these keys (the preview says what was already sent)."""
        found: dict[str, DeliveryRow] = {}
        async with self._sessions() as session:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                for row in await session.scalars(
                    select(ReminderDelivery).where(ReminderDelivery.key.in_(chunk))
                ):
                    found[row.key] = _row(row)
        return found

    async def for_day(self, day: dt.date) -> list[DeliveryRow]:
        """Every row of one day, oldest first (operations, tests)."""
        async with self._sessions() as session:
            return [
                _row(row)
                for row in await session.scalars(
                    select(ReminderDelivery)
                    .where(ReminderDelivery.day == day)
                    .order_by(ReminderDelivery.id)
                )
            ]


def _item_of(identity: str) -> tuple[str, str]:
    """The ``(kind, key)`` a ``rule:kind:key:occasion:day`` names (keys may contain colons)."""
    head, _, _day = identity.rpartition(":")
    head, _, _occasion = head.rpartition(":")
    _rule, _, rest = head.partition(":")
    kind, _, key = rest.partition(":")
    return kind, key
