"""The poll tables under concurrency: nothing lost, nothing doubled, last click wins."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy import event, select, text

from notifications.poll_closer import PollCloser
from store.db import create_engine
from store.models import PollBallot
from store.polls import (
    OptionSpec,
    Origin,
    PollSpec,
    PollStore,
    QuestionSpec,
    Voter,
    VoteRefused,
)
from store.repository import Store
from tests.conftest import FIXED_NOW

SECRET = b"a test secret of enough bytes"
SPEC = PollSpec(
    kind="choice",
    title="Frokost?",
    questions=(QuestionSpec("Frokost?", (OptionSpec("Ja"), OptionSpec("Nej"))),),
)


@pytest.fixture
async def stores(database_url: str) -> AsyncIterator[tuple[PollStore, PollStore]]:
    """Two instances' poll stores on one database, as behind a load balancer."""
    first, second = Store(create_engine(database_url)), Store(create_engine(database_url))
    a, b = PollStore(first.sessions, SECRET), PollStore(second.sessions, SECRET)
    yield a, b
    for polls in (a, b):
        await polls.close_engine()
    await first.close()
    await second.close()


async def new_poll(polls: PollStore, spec: PollSpec = SPEC) -> tuple[str, int, list[int]]:
    poll = await polls.create(spec, Origin("conv", "aad-admin", "Admin"), FIXED_NOW)
    await polls.posted(poll.id, "activity-1")
    question = poll.questions[0]
    return poll.id, question.id, [o.id for o in question.options]


async def test_many_voters_on_two_instances_are_all_counted_once(
    stores: tuple[PollStore, PollStore],
) -> None:
    a, b = stores
    poll_id, question, (ja, nej) = await new_poll(a)

    async def cast(n: int) -> None:
        store = a if n % 2 else b
        await store.vote(
            poll_id, "conv", Voter(f"aad-{n}"), {question: [ja if n % 3 else nej]}, FIXED_NOW
        )

    await asyncio.gather(*(cast(n) for n in range(60)))
    poll = await a.get(poll_id)
    assert poll is not None
    assert poll.voters == 60 and poll.version == 60
    assert [o.votes for o in poll.questions[0].options] == [40, 20]


async def test_a_burst_of_first_clicks_on_another_instance_reads_the_poll_once(
    stores: tuple[PollStore, PollStore],
) -> None:
    """The meeting clicks seconds after the card is posted: the instance that created the poll
    knows what it asks, and another one reads it once for the whole burst, not per click."""
    a, b = stores
    poll_id, question, (ja, nej) = await new_poll(a)
    reads: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "FROM polls" in statement and "poll_questions" not in statement:
            reads.append(statement)

    for store in (a, b):
        event.listen(store._engine.sync_engine, "before_cursor_execute", count)
    await asyncio.gather(
        *(
            store.vote(poll_id, "conv", Voter(f"aad-{n}"), {question: [ja]}, FIXED_NOW)
            for n, store in enumerate([a, b] * 10)
        )
    )
    assert len(reads) == 1  # b's one read; a created the poll
    with pytest.raises(VoteRefused):  # a forged poll id is still refused, every time
        await b.vote("no-such-poll", "conv", Voter("aad-x"), {question: [nej]}, FIXED_NOW)
    poll = await a.get(poll_id)
    assert poll is not None and poll.voters == 20


async def test_concurrent_clicks_by_one_person_end_in_one_vote(
    stores: tuple[PollStore, PollStore],
) -> None:
    a, b = stores
    poll_id, question, (ja, nej) = await new_poll(a)
    clicks = [(a if n % 2 else b, ja if n % 2 else nej) for n in range(20)]
    await asyncio.gather(
        *(s.vote(poll_id, "conv", Voter("aad-same"), {question: [o]}, FIXED_NOW) for s, o in clicks)
    )
    poll = await a.get(poll_id)
    assert poll is not None and poll.voters == 1
    assert sum(o.votes for o in poll.questions[0].options) == 1
    # Serialised on a row lock, the last committed click is the one that counts; clicking
    # once more afterwards is the voter's final word.
    await b.vote(poll_id, "conv", Voter("aad-same"), {question: [nej]}, FIXED_NOW)
    poll = await a.get(poll_id)
    assert poll is not None and [o.votes for o in poll.questions[0].options] == [0, 1]


async def test_refusals_change_nothing(stores: tuple[PollStore, PollStore]) -> None:
    a, _b = stores
    poll_id, question, (ja, _nej) = await new_poll(a)
    other_poll, other_question, (other_ja, _) = await new_poll(a)
    cases = [
        (poll_id, "other-conv", {question: [ja]}, "other_conversation"),
        ("no-such-poll", "conv", {question: [ja]}, "unknown"),
        (poll_id, "conv", {other_question: [other_ja]}, "bad_choice"),
        (poll_id, "conv", {question: [other_ja]}, "bad_choice"),
        (poll_id, "conv", {question: [ja, ja]}, "bad_choice"),
        (poll_id, "conv", {question: []}, "bad_choice"),
    ]
    for target, conversation, choices, reason in cases:
        with pytest.raises(VoteRefused) as refused:
            await a.vote(target, conversation, Voter("aad-1"), choices, FIXED_NOW)
        assert refused.value.reason == reason
    poll = await a.get(poll_id)
    assert poll is not None and poll.version == 0 and poll.voters == 0
    assert other_poll != poll_id


async def test_a_closing_time_stops_votes_before_the_closer_runs(
    stores: tuple[PollStore, PollStore],
) -> None:
    a, b = stores
    spec = replace(SPEC, closes_at=FIXED_NOW + dt.timedelta(minutes=5))
    poll_id, question, (ja, _nej) = await new_poll(a, spec)
    later = FIXED_NOW + dt.timedelta(minutes=6)
    with pytest.raises(VoteRefused) as refused:
        await a.vote(poll_id, "conv", Voter("aad-1"), {question: [ja]}, later)
    assert refused.value.reason == "closed"
    closed = await asyncio.gather(a.close_due(later), b.close_due(later))
    assert sorted(closed, key=len) == [[], [poll_id]]  # closed by exactly one instance


async def test_card_updates_are_claimed_by_one_instance_per_interval(
    stores: tuple[PollStore, PollStore],
) -> None:
    a, b = stores
    poll_id, question, (ja, _nej) = await new_poll(a)
    await a.vote(poll_id, "conv", Voter("aad-1"), {question: [ja]}, FIXED_NOW)
    wall = dt.datetime(2025, 11, 25, 9, 0, tzinfo=dt.UTC)
    interval = dt.timedelta(seconds=2)
    claims = await asyncio.gather(
        a.claim_render(poll_id, wall, interval), b.claim_render(poll_id, wall, interval)
    )
    assert sum(c.view is not None for c in claims) == 1
    winner = next(c.view for c in claims if c.view is not None)
    assert winner.questions[0].options[0].votes == 1
    await b.vote(poll_id, "conv", Voter("aad-2"), {question: [ja]}, FIXED_NOW)
    soon = await a.claim_render(poll_id, wall + dt.timedelta(seconds=1), interval)
    assert soon.view is None and soon.wait_until == wall + interval
    later = await b.claim_render(poll_id, wall + interval, interval)
    assert later.view is not None and later.view.questions[0].options[0].votes == 2
    done = await a.claim_render(poll_id, wall + 2 * interval, interval)
    assert done.view is None and done.wait_until is None  # the card is up to date


async def test_named_polls_keep_who_voted_what_for_the_export(
    stores: tuple[PollStore, PollStore], database_url: str
) -> None:
    a, _b = stores
    named = PollSpec(kind="choice", title="Q", questions=SPEC.questions, anonymous=False)
    poll_id, question, (ja, nej) = await new_poll(a, named)
    await a.vote(poll_id, "conv", Voter("aad-1", "Mette"), {question: [ja]}, FIXED_NOW)
    await a.vote(poll_id, "conv", Voter("aad-1", "Mette"), {question: [nej]}, FIXED_NOW)
    [vote] = await a.named_votes(poll_id)
    assert (vote.voter_name, vote.choices) == ("Mette", ("Nej",))
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        [ballot] = (await connection.execute(select(PollBallot.__table__))).mappings().all()
    await engine.dispose()
    assert ballot["sealed_choice"] == "" and ballot["voter_name"] == "Mette"


async def test_the_closer_stops_between_checks_rather_than_being_cut_off(
    stores: tuple[PollStore, PollStore],
) -> None:
    """A wake-up closes what fell due; on shutdown run() returns by itself, promptly,
    instead of being cancelled in the middle of a statement."""
    a, _ = stores
    spec = replace(SPEC, closes_at=FIXED_NOW + dt.timedelta(minutes=5))
    poll_id, _question, _options = await new_poll(a, spec)
    poked: list[str] = []
    clock = [FIXED_NOW]
    closer = PollCloser(a, lambda: clock[0], poked.append, check_every=30)
    running = asyncio.create_task(closer.run())
    await asyncio.sleep(0.2)  # its first check: nothing is due yet
    clock[0] = FIXED_NOW + dt.timedelta(minutes=6)
    closer.wake()
    for _ in range(100):
        if poked:
            break
        await asyncio.sleep(0.05)
    assert poked == [poll_id]
    async with asyncio.timeout(2):  # not its 30 s sleep
        await closer.stop()
    assert running.done() and not running.cancelled()
    await running
    view = await a.get(poll_id)
    assert view is not None and view.closed_at is not None


async def test_a_vote_waits_for_another_writer_and_is_then_stored(
    stores: tuple[PollStore, PollStore], database_url: str
) -> None:
    """While something else holds the write lock the vote neither fails nor is lost."""
    a, _ = stores
    poll_id, question, (ja, _nej) = await new_poll(a)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as blocker:
            if engine.dialect.name == "sqlite":
                await blocker.exec_driver_sql("BEGIN IMMEDIATE")  # SQLite's one write lock
            else:
                await blocker.execute(
                    text("SELECT 1 FROM polls WHERE id = :id FOR UPDATE"), {"id": poll_id}
                )
            voting = asyncio.create_task(
                a.vote(poll_id, "conv", Voter("aad-1", "En"), {question: [ja]}, FIXED_NOW)
            )
            await asyncio.sleep(0.3)
            assert not voting.done()
            await blocker.rollback()
        receipt = await voting
    finally:
        await engine.dispose()
    assert receipt.choices == (("Frokost?", ("Ja",)),)
    view = await a.get(poll_id)
    assert view is not None and view.voters == 1


async def test_a_vote_after_postgresql_dropped_every_connection_is_stored_once(
    postgres_url: str,
) -> None:
    """A server restart kills the vote pool's connections: the next vote still gets through.

    The pool replaces its stale connections and sends the vote once more; a vote that had
    reached the database before its connection died is not counted twice.
    """
    store = Store(create_engine(postgres_url))
    polls = PollStore(store.sessions, SECRET)
    try:
        poll_id, question, (ja, nej) = await new_poll(polls)
        await polls.vote(poll_id, "conv", Voter("aad-1"), {question: [ja]}, FIXED_NOW)
        async with store.engine.connect() as admin:
            killed = await admin.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        assert killed >= 1  # at least the vote pool's connection
        receipt = await polls.vote(poll_id, "conv", Voter("aad-2"), {question: [nej]}, FIXED_NOW)
        assert receipt.choices == (("Frokost?", ("Nej",)),)
        # The same vote again (as if the first answer had been lost on the way) changes nothing.
        await polls.vote(poll_id, "conv", Voter("aad-2"), {question: [nej]}, FIXED_NOW)
        view = await polls.get(poll_id)
        assert view is not None and view.voters == 2
        assert [o.votes for o in view.questions[0].options] == [1, 1]
    finally:
        await polls.close_engine()
        await store.close()


async def test_a_vote_that_meets_a_closing_poll_is_either_counted_before_it_or_refused(
    stores: tuple[PollStore, PollStore],
) -> None:
    """No vote slips in after the close: on PostgreSQL first votes do not lock the poll row
    (they count in shards), so the close marks every shard and a vote queued behind it is
    refused; on SQLite the close holds the one write lock."""
    a, b = stores
    poll_id, question, (ja, nej) = await new_poll(a)
    await a.vote(poll_id, "conv", Voter("aad-before"), {question: [ja]}, FIXED_NOW)
    async with b._sessions() as session, session.begin():
        assert await PollStore._close(session, poll_id, "Admin", FIXED_NOW)
        voting = asyncio.create_task(
            a.vote(poll_id, "conv", Voter("aad-late"), {question: [nej]}, FIXED_NOW)
        )
        await asyncio.sleep(0.3)
        assert not voting.done()  # it waits for the close to commit
    with pytest.raises(VoteRefused) as refused:
        await voting
    assert refused.value.reason == "closed"
    view = await a.get(poll_id)
    assert view is not None and view.voters == 1
    assert [o.votes for o in view.questions[0].options] == [1, 0]


async def test_poll_counts_survive_the_shard_migration_both_ways(postgres_url: str) -> None:
    """Migration 0006 gives existing polls their shards; going back folds them into the
    poll and option rows, so no count is lost either way."""
    from alembic import command

    from store.db import alembic_config

    store = Store(create_engine(postgres_url))
    polls = PollStore(store.sessions, SECRET)
    try:
        poll_id, question, (ja, nej) = await new_poll(polls)
        await polls.vote(poll_id, "conv", Voter("aad-1"), {question: [ja]}, FIXED_NOW)

        def migrate_to(connection: object, revision: str) -> None:
            config = alembic_config()
            config.attributes["connection"] = connection
            if revision == "head":
                command.upgrade(config, revision)
            else:
                command.downgrade(config, revision)

        async with store.engine.begin() as connection:
            await connection.run_sync(migrate_to, "0005")
        async with store.engine.begin() as connection:
            counts = (
                await connection.execute(
                    text("SELECT votes FROM poll_options WHERE id IN (:a, :b) ORDER BY id"),
                    {"a": ja, "b": nej},
                )
            ).scalars()
            assert list(counts) == [1, 0]  # folded back into the option row
            await connection.run_sync(migrate_to, "head")
        await polls.vote(poll_id, "conv", Voter("aad-2"), {question: [nej]}, FIXED_NOW)
        view = await polls.get(poll_id)
        assert view is not None and view.voters == 2
        assert [o.votes for o in view.questions[0].options] == [1, 1]
        assert view.version == 2
    finally:
        await polls.close_engine()
        await store.close()
