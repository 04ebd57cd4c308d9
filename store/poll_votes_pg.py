"""PostgreSQL: a first vote as one prepared statement on plain asyncpg connections.

This is the hot path of a meeting clicking at once, and on PostgreSQL most of a vote's cost
was client-side: SQLAlchemy's async layer (greenlet hops, pool checkout, result wrapping) cost
several times the statement itself, and a pool too small for a burst opened and closed
connections under load. Here the statement is prepared once per connection and sent as is,
on a fixed set of connections that never churns (:mod:`store.pg_connections`). The SQL names
the tables and columns of :mod:`store.models`; everything else about polls goes through
SQLAlchemy in :mod:`store.polls`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg
from sqlalchemy.engine import URL

from store.pg_connections import ConnectionSet

POOL_SIZE = 8
CONNECT_TIMEOUT = 5.0  # seconds: Teams gives up on an unanswered click soon after

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
    """Runs :data:`FIRST_VOTE_SQL` (or its single-answer form) on a few connections of its own."""

    def __init__(self, url: URL, size: int = POOL_SIZE) -> None:
        # Connected on first use, not here: creating this never fails while the database is down.
        self._connections = ConnectionSet(asyncpg_dsn(url), size, CONNECT_TIMEOUT)

    async def run(self, vote: FirstVote) -> set[int] | None:
        """Insert the new answers; the questions answered now, or None if the poll is closed.

        A question the voter answered before is not in the result (the caller changes it).
        After the server dropped its connections (a restart), the set's others are stale
        too: they are all replaced and the vote is sent once more — safe, because a vote that
        did reach the database inserts nothing the second time and so counts nothing twice.
        """
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
        await self._connections.close()


def _statement(v: FirstVote) -> tuple[str, tuple[object, ...]]:
    """The statement for this vote and its arguments: the single form for one answer."""
    if len(v.questions) == 1 and len(v.option_ids) == 1:
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
