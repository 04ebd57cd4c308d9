"""PostgreSQL first votes in batches: one round trip for a burst, one transaction per vote.

Against the machine's real PostgreSQL, through the procedure of migration 0007.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import func, select

from store.db import create_engine
from store.models import PollBallot, PollOptionShard
from store.poll_votes_pg import FirstVote, PgFirstVotes
from store.polls import PollStore, Voter
from store.repository import Store
from tests.conftest import FIXED_NOW
from tests.store.test_poll_store import SECRET, new_poll


@pytest.fixture
async def polls(postgres_url: str) -> AsyncIterator[PollStore]:
    store = Store(create_engine(postgres_url))
    polls = PollStore(store.sessions, SECRET)
    yield polls
    await polls.close_engine()
    await store.close()


def calls_counted(votes: PgFirstVotes, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement the vote connections send from now on (new connections included)."""
    sent: list[str] = []
    connections = votes._connections
    connect = connections._connect

    async def logged_connect() -> asyncpg.Connection:
        connection = await connect()
        connection.add_query_logger(lambda record: sent.append(record.query))
        return connection

    monkeypatch.setattr(connections, "_connect", logged_connect)
    for idle in connections._idle:
        idle.add_query_logger(lambda record: sent.append(record.query))
    return sent


async def test_a_burst_of_clicks_reaches_the_database_in_a_few_calls_each_vote_once(
    polls: PollStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    poll_id, question, (ja, nej) = await new_poll(polls)
    assert polls._pg_first_votes is not None
    sent = calls_counted(polls._pg_first_votes, monkeypatch)

    await asyncio.gather(
        *(
            polls.vote(
                poll_id, "conv", Voter(f"aad-{n}"), {question: [ja if n % 4 else nej]}, FIXED_NOW
            )
            for n in range(40)
        )
    )

    calls = [q for q in sent if q.startswith("CALL poll_first_votes")]
    assert 1 <= len(calls) <= 4  # not one round trip per vote
    assert not any("poll_ballots" in q for q in sent)  # and none sent on its own
    poll = await polls.get(poll_id)
    assert poll is not None and poll.voters == 40
    assert [o.votes for o in poll.questions[0].options] == [30, 10]


def first_vote(poll_id: str, question: int, option: int, voter: str) -> FirstVote:
    return FirstVote(
        poll_id=poll_id,
        shard=sum(voter.encode()) % 16,
        now=FIXED_NOW,
        voter_key=f"key-{voter}",
        questions=[question],
        sealed=[""],
        plain=[str(option)],
        aad=voter,
        name=voter,
        voted_at=FIXED_NOW,
        option_questions=[question],
        option_ids=[option],
    )


async def stored(polls: PollStore, poll_id: str, options: list[int]) -> tuple[int, int]:
    """Ballots and counted votes of a poll, read from the tables."""
    async with polls._sessions() as db:
        ballots = await db.scalar(
            select(func.count()).select_from(PollBallot).where(PollBallot.poll_id == poll_id)
        )
        counted = await db.scalar(
            select(func.sum(PollOptionShard.votes)).where(PollOptionShard.option_id.in_(options))
        )
    return int(ballots or 0), int(counted or 0)


async def test_a_vote_that_fails_in_a_batch_fails_alone_and_the_others_count_once(
    polls: PollStore,
) -> None:
    """The procedure stops at an error: the votes before it are committed, the rest not run.
    Each is then sent on its own, so only the failing voter hears of it and no one counts
    twice."""
    poll_id, question, (ja, nej) = await new_poll(polls)
    votes = polls._pg_first_votes
    assert votes is not None
    batch = [
        first_vote(poll_id, question, ja, "aad-before"),
        first_vote(poll_id, 987654, nej, "aad-forged"),  # no such question: a key violation
        first_vote(poll_id, question, nej, "aad-after"),
    ]

    results: list[Any] = await asyncio.gather(
        *(votes.run(v) for v in batch), return_exceptions=True
    )

    assert isinstance(results[1], asyncpg.ForeignKeyViolationError)
    # The first was committed by the call; sent again it is "answered before" (the store
    # then finds the same answer and changes nothing). The last was stored on its own.
    assert results[0] == set() and results[2] == {question}
    assert await stored(polls, poll_id, [ja, nej]) == (2, 2)
    assert await votes.run(batch[2]) == set()  # once more: nothing counted again
    assert await stored(polls, poll_id, [ja, nej]) == (2, 2)


async def test_a_batch_on_a_closed_poll_is_refused_vote_by_vote(polls: PollStore) -> None:
    poll_id, question, (ja, nej) = await new_poll(polls)
    votes = polls._pg_first_votes
    assert votes is not None
    await votes.run(first_vote(poll_id, question, ja, "aad-early"))
    await polls.close(poll_id, Voter("aad-admin"), FIXED_NOW, is_admin=True)

    results = await asyncio.gather(
        *(votes.run(first_vote(poll_id, question, nej, f"aad-late-{n}")) for n in range(5))
    )

    assert results == [None] * 5
    assert await stored(polls, poll_id, [ja, nej]) == (1, 1)


async def test_votes_still_waiting_when_the_service_stops_are_refused_not_lost_silently(
    polls: PollStore,
) -> None:
    poll_id, question, (ja, _nej) = await new_poll(polls)
    votes = polls._pg_first_votes
    assert votes is not None
    await votes.run(first_vote(poll_id, question, ja, "aad-0"))  # connected
    waiting = [
        asyncio.ensure_future(votes.run(first_vote(poll_id, question, ja, f"aad-{n}")))
        for n in range(1, 4)
    ]
    await votes.close()  # before the next pass of the event loop sends them
    outcomes = await asyncio.gather(*waiting, return_exceptions=True)
    # Each was either stored in a batch that was already under way or clearly refused.
    for outcome in outcomes:
        assert outcome == {question} or isinstance(outcome, ConnectionError), outcome
