"""PostgreSQL: first votes as prepared statements on plain asyncpg connections, in batches.

This is the hot path of a meeting clicking at once, and on PostgreSQL most of a vote's cost
was client-side: SQLAlchemy's async layer (greenlet hops, pool checkout, result wrapping) cost
several times the statement itself, and a pool too small for a burst opened and closed
connections under load. Here the statement is prepared once per connection and sent as is,
on a fixed set of connections that never churns (:mod:`store.pg_connections`).

Then the round trip itself: each one costs the bot's single thread a socket write, a wake-up
and a read, about as much as the rest of the vote. So the one-answer votes that arrive
together go as one ``CALL poll_first_votes`` (migration 0007): one round trip for the batch,
while the procedure still COMMITs each vote on its own, in arrival order. The SQL names the
tables and columns of :mod:`store.models`; everything else about polls goes through SQLAlchemy
in :mod:`store.polls`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg
from sqlalchemy.engine import URL

from store.pg_connections import ConnectionsClosed, ConnectionSet

log = logging.getLogger(__name__)

POOL_SIZE = 8
CONNECT_TIMEOUT = 5.0  # seconds: Teams gives up on an unanswered click soon after
# Batches of one-answer votes on their way at once (the rest of the connections serve the
# other votes); a burst's later votes gather while these are out and go as the next batch.
BATCHES_IN_FLIGHT = 4
MAX_BATCH = 64
SHUTDOWN_GRACE = 2.0  # seconds a batch under way may finish in when the service stops

# Bump the voter's shard of the open poll (validates the poll and takes that shard's row lock:
# a close waits for it, and a vote waiting behind a close re-reads ``closed`` and is refused).
# Both vote statements start with it; ``{shard}`` is the shard's parameter.
_OPENED = """
WITH opened AS (
    UPDATE poll_shards s SET version = s.version + 1
    FROM polls p
    WHERE s.poll_id = $1 AND s.shard = {shard} AND NOT s.closed
      AND p.id = $1 AND p.closed_at IS NULL AND (p.closes_at IS NULL OR p.closes_at > $2)
    RETURNING s.poll_id AS id
)"""
# Both end by telling whether the poll was open and which questions were answered now.
_OUTCOME = """
SELECT (SELECT count(*) FROM opened) AS opened,
       ARRAY(SELECT question_id FROM inserted) AS inserted
"""

# After the bump, insert the ballots that do not exist yet and count the options of exactly
# the ballots inserted, in the same shard: one statement, one transaction (autocommit). People
# voting at once lock different shard rows (store.models.PollShard), so they do not queue for
# one row.
FIRST_VOTE_SQL = (
    _OPENED.format(shard="$12")
    + """, answers AS (
    SELECT *
    FROM unnest($3::integer[], $4::text[], $5::text[]) AS a(question_id, sealed_choice, choice)
), inserted AS (
    INSERT INTO poll_ballots (poll_id, question_id, voter_key, sealed_choice, choice,
                              voter_aad_object_id, voter_name, voted_at)
    SELECT opened.id, a.question_id, $6, a.sealed_choice, a.choice, $7, $8, $9::timestamptz
    FROM opened CROSS JOIN answers a
    ON CONFLICT (poll_id, question_id, voter_key) DO NOTHING
    RETURNING question_id
), counted AS (
    UPDATE poll_option_shards o SET votes = o.votes + 1
    FROM unnest($10::integer[], $11::integer[]) AS v(question_id, option_id)
    JOIN inserted ON inserted.question_id = v.question_id
    WHERE o.option_id = v.option_id AND o.shard = $12
    RETURNING o.option_id
)"""
    + _OUTCOME
)

# The same for the common click: one question, one option. Plain parameters instead of six
# arrays to encode, unnest and join (less CPU in the bot and in PostgreSQL per vote).
FIRST_SINGLE_VOTE_SQL = (
    _OPENED.format(shard="$11")
    + """, inserted AS (
    INSERT INTO poll_ballots (poll_id, question_id, voter_key, sealed_choice, choice,
                              voter_aad_object_id, voter_name, voted_at)
    SELECT opened.id, $3, $6, $4, $5, $7, $8, $9::timestamptz
    FROM opened
    ON CONFLICT (poll_id, question_id, voter_key) DO NOTHING
    RETURNING question_id
), counted AS (
    UPDATE poll_option_shards o SET votes = o.votes + 1
    FROM inserted
    WHERE o.option_id = $10 AND o.shard = $11
    RETURNING o.option_id
)"""
    + _OUTCOME
)


# The procedure of migration 0007: per vote the statement above (bump, insert, count) and a
# COMMIT; ``outcome`` says per vote 0 closed, 1 counted now, 2 answered before.
CALL_FIRST_VOTES = "CALL poll_first_votes($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL)"
_CLOSED, _COUNTED, _ANSWERED_BEFORE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class FirstVote:
    """One voter's answers to insert if they are new (anonymous polls: sealed only)."""

    poll_id: str
    shard: int  # which slice of the poll's counters this voter's first vote counts in
    now: dt.datetime
    voter_key: str
    questions: Sequence[int]
    sealed: Sequence[str]
    plain: Sequence[str]
    aad: str
    name: str
    voted_at: dt.datetime | None
    option_questions: Sequence[int]  # one entry per chosen option: its question
    option_ids: Sequence[int]

    @property
    def one_answer(self) -> bool:
        """One question, one option: the common click, sent in batches or as the single form."""
        return len(self.questions) == 1 and len(self.option_ids) == 1


# What a connection the server dropped raises on its next use (the server's own "terminating
# connection" notice included); the vote is then sent once more on a new connection.
_CONNECTION_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.OperatorInterventionError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
)


def asyncpg_dsn(url: URL) -> str:
    """The SQLAlchemy URL (``postgresql+asyncpg://…``) as a DSN asyncpg itself takes."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class PgFirstVotes:
    """Sends first votes on a few connections of its own: one-answer votes in batches."""

    def __init__(
        self, url: URL, size: int = POOL_SIZE, batches_in_flight: int = BATCHES_IN_FLIGHT
    ) -> None:
        # Connected on first use, not here: creating this never fails while the database is down.
        self._connections = ConnectionSet(asyncpg_dsn(url), size, CONNECT_TIMEOUT)
        self._batches_in_flight = batches_in_flight
        self._queue: list[tuple[FirstVote, asyncio.Future[set[int] | None]]] = []
        self._in_flight = 0
        self._dispatch_due = False
        self._batches: set[asyncio.Task[None]] = set()

    async def run(self, vote: FirstVote) -> set[int] | None:
        """Insert the new answers; the questions answered now, or None if the poll is closed.

        A question the voter answered before is not in the result (the caller changes it).
        A one-answer vote waits for the next batch: at most one pass of the event loop when
        the database is not busy, else until one of the batches under way is answered.
        """
        if not vote.one_answer:
            return await self._alone(vote)
        answered: asyncio.Future[set[int] | None] = asyncio.get_running_loop().create_future()
        self._queue.append((vote, answered))
        self._schedule()
        return await answered

    def _schedule(self) -> None:
        """Dispatch on the next pass of the event loop: the turns under way join this batch."""
        if self._queue and not self._dispatch_due and self._in_flight < self._batches_in_flight:
            self._dispatch_due = True
            asyncio.get_running_loop().call_soon(self._dispatch)

    def _dispatch(self) -> None:
        self._dispatch_due = False
        if self._in_flight >= self._batches_in_flight:
            return
        waiting = [(vote, answered) for vote, answered in self._queue if not answered.done()]
        batch, self._queue = waiting[:MAX_BATCH], waiting[MAX_BATCH:]
        if not batch:
            return
        self._in_flight += 1
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._batches.add(task)
        task.add_done_callback(self._batches.discard)
        self._schedule()

    async def _send(self, batch: list[tuple[FirstVote, asyncio.Future[set[int] | None]]]) -> None:
        """One CALL for the batch; if it failed on the way, each vote again on its own."""
        try:
            outcomes = await self._call([vote for vote, _ in batch])
        except Exception as error:  # no connection: the database is down or unreachable
            for _, answered in batch:
                if not answered.done():
                    answered.set_exception(error)
            return
        except BaseException:  # the service is stopping
            for _, answered in batch:
                answered.cancel()
            raise
        finally:
            self._in_flight -= 1
            self._schedule()
        if outcomes is not None:
            for (vote, answered), outcome in zip(batch, outcomes, strict=True):
                if not answered.done():
                    answered.set_result(_answered(vote, outcome))
            return
        # The call stopped part-way (an error on the server, a lost connection): the votes
        # before the failure are committed and the rest are not. Sending each one again in
        # arrival order is safe: a committed vote inserts nothing the second time (the caller
        # then finds the same answer and changes nothing), and a vote that fails again fails
        # only for its own voter.
        for vote, answered in batch:
            try:
                result = await self._alone(vote)
            except Exception as error:
                if not answered.done():
                    answered.set_exception(error)
            else:
                if not answered.done():
                    answered.set_result(result)

    async def _call(self, votes: list[FirstVote]) -> list[int] | None:
        """Each vote's outcome, or None if the call failed after it reached the database."""
        connection = await self._connections.acquire()
        reusable = False
        try:
            row = await connection.fetchrow(CALL_FIRST_VOTES, *_batch_arguments(votes))
            reusable = True
        except _CONNECTION_LOST as error:
            log.warning("a batch of %d votes lost its connection (%s)", len(votes), error)
            self._connections.expire()
            return None
        except asyncpg.PostgresError as error:
            # The server answered with an error: the call is over and the connection is fine.
            reusable = True
            log.warning(
                "a batch of %d votes failed (%s); sending them one by one", len(votes), error
            )
            return None
        finally:
            self._connections.release(connection, reusable=reusable)
        assert row is not None  # a CALL with an INOUT parameter returns one row
        return [int(outcome) for outcome in row["outcome"]]

    async def _alone(self, vote: FirstVote) -> set[int] | None:
        """One vote as one statement. After the server dropped its connections (a restart),
        the set's others are stale too: they are all replaced and the vote is sent once more
        — safe, because a vote that did reach the database inserts nothing the second time
        and so counts nothing twice."""
        statement, arguments = _statement(vote)
        try:
            row = await self._fetchrow(statement, arguments)
        except _CONNECTION_LOST:
            self._connections.expire()
            row = await self._fetchrow(statement, arguments)
        assert row is not None  # the final SELECT always returns one row
        if not row["opened"]:
            return None
        return {int(q) for q in row["inserted"]}

    async def _fetchrow(
        self, statement: str, arguments: tuple[object, ...]
    ) -> asyncpg.Record | None:
        connection = await self._connections.acquire()
        reusable = False
        try:
            row = await connection.fetchrow(statement, *arguments)
            reusable = True
            return row
        except asyncpg.PostgresError as error:
            # The server answered with an error: the statement (autocommit) is over and the
            # connection is fine, unless the error says the connection itself is gone.
            reusable = not isinstance(error, _CONNECTION_LOST)
            raise
        finally:
            self._connections.release(connection, reusable=reusable)

    async def close(self) -> None:
        """Let the batches under way finish (briefly), refuse what still waits, disconnect."""
        if self._batches:
            _done, pending = await asyncio.wait(set(self._batches), timeout=SHUTDOWN_GRACE)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        queued, self._queue = self._queue, []
        for _, answered in queued:
            if not answered.done():
                answered.set_exception(ConnectionsClosed("the vote connections are closed"))
        await self._connections.close()


def _answered(vote: FirstVote, outcome: int) -> set[int] | None:
    """:meth:`PgFirstVotes.run`'s result from the procedure's outcome for a one-answer vote."""
    return {_CLOSED: None, _COUNTED: set(vote.questions), _ANSWERED_BEFORE: set()}[outcome]


def _batch_arguments(votes: list[FirstVote]) -> tuple[object, ...]:
    """The procedure's arguments: one array per column, one entry per vote."""
    return (
        [v.poll_id for v in votes],
        [v.shard for v in votes],
        [v.now for v in votes],
        [v.questions[0] for v in votes],
        [v.sealed[0] for v in votes],
        [v.plain[0] for v in votes],
        [v.voter_key for v in votes],
        [v.aad for v in votes],
        [v.name for v in votes],
        [v.voted_at for v in votes],
        [v.option_ids[0] for v in votes],
    )


def _statement(v: FirstVote) -> tuple[str, tuple[object, ...]]:
    """The statement for this vote and its arguments: the single form for one answer."""
    if v.one_answer:
        arguments = (
            v.poll_id,
            v.now,
            v.questions[0],
            v.sealed[0],
            v.plain[0],
            v.voter_key,
            v.aad,
            v.name,
            v.voted_at,
            v.option_ids[0],
            v.shard,
        )
        return FIRST_SINGLE_VOTE_SQL, arguments
    return FIRST_VOTE_SQL, _arguments(v)


def _arguments(v: FirstVote) -> tuple[object, ...]:
    return (
        v.poll_id,
        v.now,
        list(v.questions),
        list(v.sealed),
        list(v.plain),
        v.voter_key,
        v.aad,
        v.name,
        v.voted_at,
        list(v.option_questions),
        list(v.option_ids),
        v.shard,
    )
