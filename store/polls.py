"""Live polls: create, vote, close, read results — each vote one transaction.

Every vote starts by bumping a version counter with a conditional UPDATE (open, this
conversation). That one statement validates the poll, takes a write lock and tells every
instance that the card is behind. On SQLite the counter is the poll row's ``version`` (SQLite
writes one transaction at a time anyway), and the counts are the option rows'. On PostgreSQL a
first vote bumps and counts in the voter's shard (``store.models.PollShard``) instead, so
people voting at once lock different rows; a changed vote, a close and a card claim still take
the poll row. A poll's version and an option's count are the row's value plus its shards'.
The unique constraint (poll, question, voter) is the backstop against a doubled vote.

Anonymity: a ballot is found again by a keyed hash of (poll, voter); in an anonymous poll the
choice is stored only sealed under a key derived from the secret and the voter's id, so the
database by itself links nobody to an option. The secret comes from the settings and never
enters the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    ScalarSelect,
    Update,
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
)
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from store.db import create_sqlite_sync_engine
from store.models import (
    POLL_SHARDS,
    AuditEntry,
    Poll,
    PollBallot,
    PollOption,
    PollOptionShard,
    PollQuestion,
    PollShard,
)
from store.poll_sealing import PollSecrets
from store.vote_lane import VoteLane

if TYPE_CHECKING:
    from store.poll_votes_pg import PgFirstVotes

PollKind = Literal["choice", "evaluation", "rating"]
RefusalReason = Literal[
    "unknown", "other_conversation", "closed", "bad_choice", "no_identity", "unchangeable"
]
CloseRefusal = Literal["unknown", "not_yours", "closed"]


def utc(moment: dt.datetime) -> dt.datetime:
    """Store and compare in UTC: SQLite keeps no offset, so every value must share one."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else utc(moment)


@dataclass(frozen=True, slots=True)
class OptionSpec:
    label: str
    score: int | None = None


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    text: str
    options: tuple[OptionSpec, ...]


@dataclass(frozen=True, slots=True)
class PollSpec:
    """What a poll asks; built by :mod:`dialogs.polls.commands` from a command or a form."""

    kind: PollKind
    title: str
    questions: tuple[QuestionSpec, ...]
    lang: Literal["da", "en"] = "da"
    multiple: bool = False
    anonymous: bool = True
    results_hidden: bool = False
    closes_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Origin:
    """Where and by whom a poll was started (from the activity)."""

    conversation_id: str
    created_by_aad: str
    created_by_name: str = ""
    tenant_id: str = ""
    conversation_type: str = ""
    conversation_reference: str = ""  # JSON, to update the card later from any instance
    teams_meeting_id: str = ""
    meeting_key: str = ""


@dataclass(frozen=True, slots=True)
class OptionView:
    id: int
    label: str
    score: int | None
    votes: int


@dataclass(frozen=True, slots=True)
class QuestionView:
    id: int
    text: str
    options: tuple[OptionView, ...]
    answered: int  # how many voters answered this question

    def option(self, option_id: int) -> OptionView | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True, slots=True)
class PollView:
    """A poll and its counts at one ``version``."""

    id: str
    kind: PollKind
    lang: Literal["da", "en"]
    title: str
    multiple: bool
    anonymous: bool
    results_hidden: bool
    conversation_id: str
    conversation_type: str
    conversation_reference: str
    activity_id: str
    teams_meeting_id: str
    meeting_key: str
    created_by_aad: str
    created_by_name: str
    created_at: dt.datetime
    closes_at: dt.datetime | None
    closed_at: dt.datetime | None
    closed_by: str
    version: int
    voters: int
    questions: tuple[QuestionView, ...]

    def is_closed(self, now: dt.datetime) -> bool:
        if self.closed_at is not None:
            return True
        return self.closes_at is not None and utc(now) >= self.closes_at

    def question(self, question_id: int) -> QuestionView | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True, slots=True)
class Voter:
    aad_object_id: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class VoteReceipt:
    """What was stored: per question the chosen option labels; ``changed`` if it replaced one."""

    poll_id: str
    choices: tuple[tuple[str, tuple[str, ...]], ...]  # (question text, option labels)
    changed: bool
    lang: Literal["da", "en"] = "da"  # the poll's language, for the voter's confirmation


@dataclass(frozen=True, slots=True)
class NamedVote:
    """One row of a named poll's export: who chose what, when."""

    voter_name: str
    voter_aad_object_id: str
    question: str
    choices: tuple[str, ...]
    voted_at: dt.datetime | None


class VoteRefused(Exception):
    """The vote was not stored (and nothing was changed)."""

    def __init__(self, reason: RefusalReason) -> None:
        self.reason = reason
        super().__init__(reason)


class CloseRefused(Exception):
    def __init__(self, reason: CloseRefusal) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class RenderClaim:
    """The outcome of :meth:`PollStore.claim_render`.

    ``view`` set: this caller renders it now. ``wait_until`` set: another update was sent too
    recently, try again then. Neither: the card already shows the newest version.
    """

    view: PollView | None = None
    wait_until: dt.datetime | None = None


def _poll_audit(
    action: str, actor: Voter, poll_id: str, title: str, now: dt.datetime
) -> AuditEntry:
    """Opening and closing a poll are audited (votes are not: anonymity)."""
    return AuditEntry(
        at=now,
        actor_aad_object_id=actor.aad_object_id,
        actor_name=actor.name,
        action=action,
        entity="poll",
        entity_key=poll_id,
        before="",
        after=json.dumps({"title": title}, ensure_ascii=False),
    )


def _ids(text: str) -> tuple[int, ...]:
    return tuple(int(i) for i in text.split(",") if i)


@dataclass(frozen=True, slots=True)
class _Definition:
    conversation_id: str
    multiple: bool
    anonymous: bool
    lang: Literal["da", "en"]
    labels: dict[int, dict[int, str]]  # question id -> option id -> label, in order
    texts: dict[int, str]  # question id -> text


def _read_view(session: Session, poll_id: str) -> PollView | None:
    """A poll with its counts, read in the caller's transaction."""
    poll = session.scalar(
        select(Poll)
        .where(Poll.id == poll_id)
        .options(selectinload(Poll.questions).selectinload(PollQuestion.options))
        .execution_options(populate_existing=True)
    )
    if poll is None:
        return None
    counted = session.execute(
        select(PollBallot.question_id, func.count())
        .where(PollBallot.poll_id == poll_id)
        .group_by(PollBallot.question_id)
    )
    answered = {int(question_id): int(n) for question_id, n in counted.all()}
    voters = session.scalar(
        select(func.count(func.distinct(PollBallot.voter_key))).where(PollBallot.poll_id == poll_id)
    )
    option_ids = [o.id for q in poll.questions for o in q.options]
    sliced = {
        int(option_id): int(n)
        for option_id, n in session.execute(
            select(PollOptionShard.option_id, func.sum(PollOptionShard.votes))
            .where(PollOptionShard.option_id.in_(option_ids))
            .group_by(PollOptionShard.option_id)
        ).all()
    }

    return PollView(
        id=poll.id,
        kind=poll.kind,  # type: ignore[arg-type]
        lang="en" if poll.lang == "en" else "da",
        title=poll.title,
        multiple=poll.multiple,
        anonymous=poll.anonymous,
        results_hidden=poll.results_hidden,
        conversation_id=poll.conversation_id,
        conversation_type=poll.conversation_type,
        conversation_reference=poll.conversation_reference,
        activity_id=poll.activity_id,
        teams_meeting_id=poll.teams_meeting_id,
        meeting_key=poll.meeting_key,
        created_by_aad=poll.created_by_aad,
        created_by_name=poll.created_by_name,
        created_at=utc(poll.created_at),
        closes_at=_aware(poll.closes_at),
        closed_at=_aware(poll.closed_at),
        closed_by=poll.closed_by,
        version=poll.version + int(session.scalar(select(_shards_version(poll_id))) or 0),
        voters=int(voters or 0),
        questions=tuple(
            QuestionView(
                id=q.id,
                text=q.text,
                options=tuple(
                    OptionView(o.id, o.label, o.score, o.votes + sliced.get(o.id, 0))
                    for o in q.options
                ),
                answered=int(answered.get(q.id, 0)),
            )
            for q in poll.questions
        ),
    )


def _claim(
    session: Session, poll_id: str, wall_now: dt.datetime, min_interval: dt.timedelta
) -> RenderClaim:
    """:meth:`PollStore.claim_render` in the caller's transaction."""
    row = session.execute(
        select(
            (Poll.version + _shards_version(Poll.id)).label("version"),
            Poll.shown_version,
            Poll.card_updated_at,
            Poll.activity_id,
        ).where(Poll.id == poll_id)
    ).first()
    if row is None or not row.activity_id or row.shown_version >= row.version:
        return RenderClaim()
    version = int(row.version)
    last = _aware(row.card_updated_at)
    if last is not None and wall_now < last + min_interval:
        return RenderClaim(wait_until=last + min_interval)
    won = session.execute(
        update(Poll)
        .where(Poll.id == poll_id, Poll.shown_version == row.shown_version)
        .values(shown_version=version, card_updated_at=wall_now)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        return RenderClaim(wait_until=wall_now + min_interval)
    view = _read_view(session, poll_id)
    # On PostgreSQL first votes do not wait for this transaction, so the counts read may
    # already include later votes: the card is then newer than claimed, never older, and the
    # version it carries is the one claimed (a failed send gives back exactly that claim).
    return RenderClaim(view=None if view is None else dataclasses.replace(view, version=version))


def _shards_version(poll_id: QueryableAttribute[str] | str) -> ScalarSelect[int]:
    """The first votes counted in a poll's shards (PostgreSQL; 0 on SQLite): a poll's version
    is ``Poll.version`` plus this, wherever it is compared or shown."""
    return (
        select(func.coalesce(func.sum(PollShard.version), 0))
        .where(PollShard.poll_id == poll_id)
        .scalar_subquery()
    )


DEFINITION_CACHE = 256
FAST_VOTE_TRIES = 5  # SQLite: tries on the event loop before a vote is queued on its thread
_T = TypeVar("_T")


class _Vote(NamedTuple):
    """One click, checked against its poll (:meth:`PollStore.vote`), handed whole through the
    steps that store it on either database."""

    poll_id: str
    definition: _Definition
    voter: Voter
    choices: Mapping[int, Sequence[int]]
    now: dt.datetime  # UTC


@dataclass(frozen=True, slots=True)
class _Ballot:
    """What a ballot row stores for one answer (anonymous: only ``sealed``)."""

    sealed: str
    choice: str
    voter_aad_object_id: str
    voter_name: str
    voted_at: dt.datetime | None


class _VoteOps(Protocol):
    """The five statements of a vote, so one piece of logic runs on either database."""

    def bump(self, poll_id: str, now: dt.datetime) -> bool: ...

    def insert_new(self, poll_id: str, voter_key: str, ballots: dict[int, _Ballot]) -> set[int]: ...

    def earlier(self, poll_id: str, voter_key: str) -> list[tuple[int, int, str, str]]: ...

    def replace(self, ballot_id: int, ballot: _Ballot) -> None: ...

    def recount(self, option_id: int, delta: int) -> None: ...


def _sqlite_time(moment: dt.datetime | None) -> str | None:
    """How SQLAlchemy stores a DateTime in SQLite (naive UTC text), for the raw statements."""
    return None if moment is None else utc(moment).strftime("%Y-%m-%d %H:%M:%S.%f")


class _SqliteVoteOps:
    """The vote's statements on the SQLite driver connection: no per-statement overhead.

    The tables and columns are those of :mod:`store.models`; the SQL is written out here
    because this is the one path where building statements would cost more than running them.
    """

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def bump(self, poll_id: str, now: dt.datetime) -> bool:
        self._cursor.execute(
            "UPDATE polls SET version = version + 1 WHERE id = ? AND closed_at IS NULL"
            " AND (closes_at IS NULL OR closes_at > ?)",
            (poll_id, _sqlite_time(now)),
        )
        return bool(self._cursor.rowcount == 1)

    def insert_new(self, poll_id: str, voter_key: str, ballots: dict[int, _Ballot]) -> set[int]:
        inserted: set[int] = set()
        for question_id, b in ballots.items():
            self._cursor.execute(
                "INSERT INTO poll_ballots (poll_id, question_id, voter_key, sealed_choice, choice,"
                " voter_aad_object_id, voter_name, voted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (poll_id, question_id, voter_key) DO NOTHING RETURNING question_id",
                (
                    poll_id,
                    question_id,
                    voter_key,
                    b.sealed,
                    b.choice,
                    b.voter_aad_object_id,
                    b.voter_name,
                    _sqlite_time(b.voted_at),
                ),
            )
            inserted.update(row[0] for row in self._cursor.fetchall())
        return inserted

    def earlier(self, poll_id: str, voter_key: str) -> list[tuple[int, int, str, str]]:
        self._cursor.execute(
            "SELECT id, question_id, sealed_choice, choice FROM poll_ballots"
            " WHERE poll_id = ? AND voter_key = ?",
            (poll_id, voter_key),
        )
        return [tuple(row) for row in self._cursor.fetchall()]

    def replace(self, ballot_id: int, b: _Ballot) -> None:
        self._cursor.execute(
            "UPDATE poll_ballots SET sealed_choice = ?, choice = ?, voter_aad_object_id = ?,"
            " voter_name = ?, voted_at = ? WHERE id = ?",
            (
                b.sealed,
                b.choice,
                b.voter_aad_object_id,
                b.voter_name,
                _sqlite_time(b.voted_at),
                ballot_id,
            ),
        )

    def recount(self, option_id: int, delta: int) -> None:
        self._cursor.execute(
            "UPDATE poll_options SET votes = votes + ? WHERE id = ?", (delta, option_id)
        )


class _CoreVoteOps:
    """The vote's statements through SQLAlchemy Core (PostgreSQL), prepared once per store."""

    def __init__(self, connection: Connection, store: PollStore) -> None:
        self._connection = connection
        self._store = store

    def bump(self, poll_id: str, now: dt.datetime) -> bool:
        result = self._connection.execute(self._store._bump, {"poll_id": poll_id, "now": now})
        return bool(result.rowcount == 1)

    def insert_new(self, poll_id: str, voter_key: str, ballots: dict[int, _Ballot]) -> set[int]:
        rows = [
            {
                "poll_id": poll_id,
                "question_id": question_id,
                "voter_key": voter_key,
                "sealed_choice": b.sealed,
                "choice": b.choice,
                "voter_aad_object_id": b.voter_aad_object_id,
                "voter_name": b.voter_name,
                "voted_at": b.voted_at,
            }
            for question_id, b in ballots.items()
        ]
        result = self._connection.execute(self._store._insert_new.values(rows))
        return {int(row[0]) for row in result}

    def earlier(self, poll_id: str, voter_key: str) -> list[tuple[int, int, str, str]]:
        result = self._connection.execute(
            self._store._ballots, {"poll_id": poll_id, "voter_key": voter_key}
        )
        return [(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in result]

    def replace(self, ballot_id: int, b: _Ballot) -> None:
        self._connection.execute(
            update(PollBallot)
            .where(PollBallot.id == ballot_id)
            .values(
                sealed_choice=b.sealed,
                choice=b.choice,
                voter_aad_object_id=b.voter_aad_object_id,
                voter_name=b.voter_name,
                voted_at=b.voted_at,
            )
        )

    def recount(self, option_id: int, delta: int) -> None:
        self._connection.execute(self._store._recount, {"option": option_id, "delta": delta})


class PollStore:
    """The polls' tables; constructed once by the app factory with the settings' secret."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], secret: bytes) -> None:
        self._sessions = sessions
        engine = sessions.kw["bind"]
        assert isinstance(engine, AsyncEngine)
        self._engine = engine
        self._secrets = PollSecrets(secret)
        self._definitions: dict[str, _Definition] = {}
        # Definitions being read: a burst of first clicks on a new poll waits for one read.
        self._reading: dict[str, asyncio.Future[_Definition | None]] = {}
        self._serial = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        # The vote's statements, built once (building SQL expressions costs more than running
        # these on SQLite).
        self._bump = (
            update(Poll)
            .where(
                Poll.id == bindparam("poll_id"),
                Poll.closed_at.is_(None),
                or_(Poll.closes_at.is_(None), Poll.closes_at > bindparam("now")),
            )
            .values(version=Poll.version + 1)
        )
        self._ballots = select(
            PollBallot.id, PollBallot.question_id, PollBallot.sealed_choice, PollBallot.choice
        ).where(
            PollBallot.poll_id == bindparam("poll_id"),
            PollBallot.voter_key == bindparam("voter_key"),
        )
        self._recount = (
            update(PollOption)
            .where(PollOption.id == bindparam("option"))
            .values(votes=PollOption.votes + bindparam("delta"))
        )
        dialect_insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        self._insert_new = (
            dialect_insert(PollBallot)
            .on_conflict_do_nothing(
                index_elements=[PollBallot.poll_id, PollBallot.question_id, PollBallot.voter_key]
            )
            .returning(PollBallot.question_id)
        )
        # First votes on PostgreSQL: one prepared statement on asyncpg's own pool (imported
        # only there: the embedded SQLite service does without asyncpg in memory).
        self._pg_first_votes: PgFirstVotes | None = None
        if engine.dialect.name == "postgresql":
            from store.poll_votes_pg import PgFirstVotes

            self._pg_first_votes = PgFirstVotes(engine.url)
        self._sqlite = create_sqlite_sync_engine(engine)
        self._sqlite_thread = (
            ThreadPoolExecutor(1, thread_name_prefix="poll-votes") if self._sqlite else None
        )
        self._fast: Any = None  # see _fast_connection
        self._lane: VoteLane[_Vote, bool] | None = (
            VoteLane(self._vote_now_on_sqlite, self._vote_when_free) if self._sqlite else None
        )

    async def close_engine(self) -> None:
        """Release the SQLite vote thread and its engine (the async engine is the Store's)."""
        if self._lane is not None:
            await self._lane.idle()  # the votes handed in are written before the engine goes
        if self._sqlite_thread is not None:
            self._sqlite_thread.shutdown(wait=True)
        if self._fast is not None:
            fast, self._fast = self._fast, None
            fast.invalidate()  # its pragmas differ: closed, not returned to the pool
        if self._sqlite is not None:
            self._sqlite.dispose()
        if self._pg_first_votes is not None:
            await self._pg_first_votes.close()

    async def create(self, spec: PollSpec, origin: Origin, now: dt.datetime) -> PollView:
        """Store a new poll (its card is not posted yet: see :meth:`posted`) and audit it."""
        poll_id = str(uuid.uuid4())
        now = utc(now)
        poll = Poll(
            id=poll_id,
            kind=spec.kind,
            lang=spec.lang,
            title=spec.title,
            multiple=spec.multiple,
            anonymous=spec.anonymous,
            results_hidden=spec.results_hidden,
            tenant_id=origin.tenant_id,
            conversation_id=origin.conversation_id,
            conversation_type=origin.conversation_type,
            conversation_reference=origin.conversation_reference,
            teams_meeting_id=origin.teams_meeting_id,
            meeting_key=origin.meeting_key,
            created_by_aad=origin.created_by_aad,
            created_by_name=origin.created_by_name,
            created_at=now,
            closes_at=_aware(spec.closes_at),
            closed_by="",
            version=0,
            shown_version=0,
            questions=[
                PollQuestion(
                    position=qi,
                    text=question.text,
                    options=[
                        PollOption(position=oi, label=option.label, score=option.score, votes=0)
                        for oi, option in enumerate(question.options)
                    ],
                )
                for qi, question in enumerate(spec.questions)
            ],
        )
        async with self._writing(), self._sessions() as session, session.begin():
            session.add(poll)
            if self._pg_first_votes is not None:  # PostgreSQL counts first votes in shards
                await session.flush()  # the option ids
                session.add_all(PollShard(poll_id=poll_id, shard=n) for n in range(POLL_SHARDS))
                session.add_all(
                    PollOptionShard(option_id=option.id, shard=n)
                    for question in poll.questions
                    for option in question.options
                    for n in range(POLL_SHARDS)
                )
            session.add(
                _poll_audit(
                    "poll_open",
                    Voter(origin.created_by_aad, origin.created_by_name),
                    poll_id,
                    spec.title,
                    now,
                )
            )
        view = await self.get(poll_id)
        assert view is not None
        # Its first votes come seconds from now, all at once: know the definition already.
        self._remember(
            poll_id,
            _Definition(
                view.conversation_id,
                view.multiple,
                view.anonymous,
                view.lang,
                {q.id: {o.id: o.label for o in q.options} for q in view.questions},
                {q.id: q.text for q in view.questions},
            ),
        )
        return view

    async def posted(self, poll_id: str, activity_id: str) -> None:
        """Remember the id Teams gave the poll's card, so it can be updated in place."""
        async with self._writing(), self._sessions() as session, session.begin():
            await session.execute(
                update(Poll).where(Poll.id == poll_id).values(activity_id=activity_id)
            )

    async def discard(self, poll_id: str) -> None:
        """Forget a poll whose card could not be posted (nobody can have voted)."""
        async with self._writing(), self._sessions() as session, session.begin():
            poll = await session.get(Poll, poll_id)
            if poll is not None:
                await session.delete(poll)

    async def get(self, poll_id: str) -> PollView | None:
        async with self._sessions() as session:
            return await self._view(session, poll_id)

    async def _view(self, session: AsyncSession, poll_id: str) -> PollView | None:
        return await session.run_sync(_read_view, poll_id)

    async def _sqlite_write(self, work: Callable[[Session], _T]) -> _T:
        """SQLite: ``work`` in one write transaction on the vote thread.

        Every frequent poll write (votes, card-update claims and stamps) goes through that one
        thread, so they queue there instead of meeting SQLite's write lock from two sides —
        where the loser sleeps in SQLite's busy handler (milliseconds, growing) while the
        votes behind it wait.
        """
        assert self._sqlite is not None

        def run() -> _T:
            assert self._sqlite is not None
            with self._sqlite.connect() as connection:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                with Session(bind=connection) as session:
                    result = work(session)
                connection.commit()  # the session joined this transaction; it commits here
                return result

        return await asyncio.get_running_loop().run_in_executor(self._sqlite_thread, run)

    async def _definition(self, poll_id: str) -> _Definition | None:
        """What a poll asks, read once: it never changes after the poll is created.

        Callers that miss at the same time (a meeting's first clicks on a poll another
        instance created) share one read instead of each opening a connection for it.
        """
        known = self._definitions.get(poll_id)
        if known is not None:
            return known
        reading = self._reading.get(poll_id)
        if reading is None:
            # A task of its own, so a caller that gives up does not cancel it for the others.
            reading = asyncio.ensure_future(self._read_definition(poll_id))
            self._reading[poll_id] = reading
            reading.add_done_callback(lambda done: self._read_done(poll_id, done))
        return await asyncio.shield(reading)

    def _read_done(self, poll_id: str, reading: asyncio.Future[_Definition | None]) -> None:
        del self._reading[poll_id]
        if reading.cancelled() or reading.exception() is not None:
            return  # the callers waiting got the error; the next click reads again
        definition = reading.result()
        if definition is not None:
            self._remember(poll_id, definition)

    def _remember(self, poll_id: str, definition: _Definition) -> None:
        if len(self._definitions) >= DEFINITION_CACHE:
            self._definitions.pop(next(iter(self._definitions)))
        self._definitions[poll_id] = definition

    async def _read_definition(self, poll_id: str) -> _Definition | None:
        async with self._engine.connect() as connection:
            head = (
                await connection.execute(
                    select(Poll.conversation_id, Poll.multiple, Poll.anonymous, Poll.lang).where(
                        Poll.id == poll_id
                    )
                )
            ).first()
            if head is None:
                return None
            rows = (
                await connection.execute(
                    select(PollQuestion.id, PollQuestion.text, PollOption.id, PollOption.label)
                    .join(PollOption, PollOption.question_id == PollQuestion.id)
                    .where(PollQuestion.poll_id == poll_id)
                    .order_by(PollQuestion.position, PollOption.position)
                )
            ).all()
        labels: dict[int, dict[int, str]] = {}
        texts: dict[int, str] = {}
        for question_id, question_text, option_id, label in rows:
            labels.setdefault(question_id, {})[option_id] = label
            texts[question_id] = question_text
        lang: Literal["da", "en"] = "en" if head[3] == "en" else "da"
        return _Definition(head[0], bool(head[1]), bool(head[2]), lang, labels, texts)

    async def vote(
        self,
        poll_id: str,
        conversation_id: str,
        voter: Voter,
        choices: Mapping[int, Sequence[int]],
        now: dt.datetime,
    ) -> VoteReceipt:
        """Store (or change) one person's answers; raises :class:`VoteRefused`, changing nothing.

        ``choices`` maps question id to the chosen option ids (exactly one unless the poll is
        multiple choice). Questions not in ``choices`` keep the voter's earlier answer. One
        short transaction of plain statements: the hot path of a meeting with 98 voters.
        """
        if not voter.aad_object_id:
            raise VoteRefused("no_identity")
        if not choices or any(not options for options in choices.values()):
            raise VoteRefused("bad_choice")
        definition = await self._definition(poll_id)
        if definition is None:
            raise VoteRefused("unknown")
        if definition.conversation_id != conversation_id:
            raise VoteRefused("other_conversation")
        for question_id, option_ids in choices.items():
            known = definition.labels.get(question_id)
            if known is None or any(o not in known for o in option_ids):
                raise VoteRefused("bad_choice")
            if len(set(option_ids)) != len(option_ids):
                raise VoteRefused("bad_choice")
            if not definition.multiple and len(option_ids) != 1:
                raise VoteRefused("bad_choice")
        vote = _Vote(poll_id, definition, voter, choices, utc(now))
        if self._lane is not None:
            changed = await self._lane.write(vote)
        else:
            done = await self._first_vote_postgres(vote)
            changed = False
            if done is None:
                raise VoteRefused("closed")
            rest = {q: options for q, options in choices.items() if q not in done}
            if rest:  # the voter answered before: change their answer in one transaction
                async with self._engine.begin() as connection:
                    changed = await connection.run_sync(self._vote_tx, vote._replace(choices=rest))
        labels = definition.labels
        receipt = tuple(
            (
                definition.texts[q],
                tuple(labels[q][o] for o in sorted(options, key=list(labels[q]).index)),
            )
            for q, options in sorted(choices.items())
        )
        return VoteReceipt(poll_id, receipt, changed, definition.lang)

    @contextlib.asynccontextmanager
    async def _writing(self) -> AsyncIterator[None]:
        """SQLite has one writer at a time: queue writers here rather than in its busy loop."""
        if self._serial is None:
            yield
            return
        async with self._serial:
            yield

    async def _first_vote_postgres(
        self,
        vote: _Vote,
    ) -> set[int] | None:
        """PostgreSQL: a first answer as ONE statement in its own transaction (autocommit).

        The poll row and the option counters are locked only while that statement runs,
        instead of across several round trips through a busy event loop: with a meeting
        clicking at once, those locks are what every vote queues for. Returns the questions
        answered (a question answered before is left to :meth:`_vote_tx`), or None when the
        poll is closed.
        """
        poll_id, definition, voter, choices, now = vote
        aad = voter.aad_object_id
        voter_key = self._secrets.voter_key(poll_id, aad)
        stored = self._ballots_for(vote)
        questions = list(stored)
        option_questions = [q for q in questions for _ in choices[q]]
        option_ids = [o for q in questions for o in sorted(choices[q])]
        named = not definition.anonymous
        assert self._pg_first_votes is not None
        from store.poll_votes_pg import FirstVote

        return await self._pg_first_votes.run(
            FirstVote(
                poll_id=poll_id,
                shard=int(voter_key[:8], 16) % POLL_SHARDS,
                now=now,
                voter_key=voter_key,
                questions=questions,
                sealed=[stored[q].sealed for q in questions],
                plain=[stored[q].choice for q in questions],
                aad=aad if named else "",
                name=voter.name[:255] if named else "",
                voted_at=now if named else None,
                option_questions=option_questions,
                option_ids=option_ids,
            )
        )

    def _ballots_for(
        self,
        vote: _Vote,
    ) -> dict[int, _Ballot]:
        """What each answer's ballot stores: anonymous polls only the sealed choice."""
        poll_id, definition, voter, choices, now = vote
        aad = voter.aad_object_id
        ballots: dict[int, _Ballot] = {}
        for question_id, option_ids in choices.items():
            new = tuple(sorted(option_ids))
            if definition.anonymous:
                sealed = self._secrets.seal(poll_id, question_id, aad, new)
                ballots[question_id] = _Ballot(sealed, "", "", "", None)
            else:
                plain = ",".join(str(i) for i in new)
                ballots[question_id] = _Ballot("", plain, aad, voter.name[:255], now)
        return ballots

    async def _vote_when_free(self, vote: _Vote) -> bool:
        """SQLite was busy (a long write elsewhere): try again shortly on the event loop, then
        let the vote thread wait its turn for it."""
        for attempt in range(1, FAST_VOTE_TRIES):
            await asyncio.sleep(0.001 * attempt)
            changed = self._vote_now_on_sqlite(vote)
            if changed is not None:
                return changed
        return await asyncio.get_running_loop().run_in_executor(
            self._sqlite_thread, self._vote_on_sqlite, vote
        )

    def _vote_now_on_sqlite(
        self,
        vote: _Vote,
    ) -> bool | None:
        """SQLite's fast path: the vote right here on the event loop, if the database is free.

        The hop to the vote thread and back costs more than the vote's few statements (about
        half of a vote's time under load), so when no other writer holds SQLite's lock the vote
        runs on this loop's own connection, which never waits for the lock (busy_timeout 0)
        and never checkpoints (the other connections do). Called by the vote lane
        (:mod:`store.vote_lane`) only. None when the database is busy: the lane then waits
        in :meth:`_vote_when_free`.
        """
        raw = self._fast_connection()
        cursor = raw.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                return None
            raise
        return self._vote_begun(raw, cursor, vote)

    def _vote_begun(
        self,
        raw: Any,
        cursor: Any,
        vote: _Vote,
    ) -> bool:
        """The vote inside the write transaction ``cursor`` began; committed, or rolled back."""
        try:
            changed = self._vote_logic(_SqliteVoteOps(cursor), vote)
        except BaseException:
            raw.rollback()
            raise
        raw.commit()
        return changed

    def _fast_connection(self) -> Any:
        """The event loop's own SQLite connection (see :meth:`_vote_now_on_sqlite`)."""
        if self._fast is None:
            assert self._sqlite is not None
            raw = self._sqlite.raw_connection()
            cursor = raw.cursor()
            cursor.execute("PRAGMA busy_timeout=0")
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            self._fast = raw
        return self._fast

    def _vote_on_sqlite(
        self,
        vote: _Vote,
    ) -> bool:
        """SQLite: the whole vote in the vote thread, on the driver connection directly."""
        assert self._sqlite is not None
        raw = self._sqlite.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            return self._vote_begun(raw, cursor, vote)
        finally:
            raw.close()

    def _vote_tx(
        self,
        connection: Connection,
        vote: _Vote,
    ) -> bool:
        """PostgreSQL: the vote through SQLAlchemy Core, in one ``run_sync`` call."""
        return self._vote_logic(_CoreVoteOps(connection, self), vote)

    def _vote_logic(
        self,
        ops: _VoteOps,
        vote: _Vote,
    ) -> bool:
        """The vote as one transaction of a few plain statements.

        First the poll row: the conditional version bump checks the poll is open and holds
        its lock, so a poll's votes are serialised, option counters are updated in one order,
        and a person's concurrent clicks end in the last one. Then each answer is inserted
        (ON CONFLICT DO NOTHING: the common first vote costs one statement) or, when the voter
        answered before, changed, moving one count from the old option to the new.
        """
        poll_id, definition, voter, choices, now = vote
        if not ops.bump(poll_id, now):
            raise VoteRefused("closed")  # it exists (its definition was read): so closed
        aad = voter.aad_object_id
        voter_key = self._secrets.voter_key(poll_id, aad)
        stored = self._ballots_for(vote)
        inserted = ops.insert_new(poll_id, voter_key, stored)
        deltas: dict[int, int] = {}
        for question_id in inserted:
            for option_id in choices[question_id]:
                deltas[option_id] = deltas.get(option_id, 0) + 1
        changed = False
        earlier = [q for q in choices if q not in inserted]
        if earlier:
            for ballot_id, question_id, sealed_choice, choice in ops.earlier(poll_id, voter_key):
                if question_id not in earlier:
                    continue
                old = (
                    self._secrets.unseal(poll_id, question_id, aad, sealed_choice)
                    if definition.anonymous
                    else _ids(choice)
                )
                if old is None:  # sealed under another secret: its count cannot be moved
                    raise VoteRefused("unchangeable")
                new = tuple(sorted(choices[question_id]))
                if old == new:
                    continue
                changed = True
                for option_id in old:
                    deltas[option_id] = deltas.get(option_id, 0) - 1
                for option_id in new:
                    deltas[option_id] = deltas.get(option_id, 0) + 1
                ops.replace(ballot_id, stored[question_id])
        for option_id, delta in sorted(deltas.items()):
            if delta:
                ops.recount(option_id, delta)
        return changed

    async def close(
        self, poll_id: str, actor: Voter, now: dt.datetime, *, is_admin: bool
    ) -> PollView:
        """Close by hand: the creator or a KOMBIT admin. Raises :class:`CloseRefused`."""
        now = utc(now)
        async with self._writing(), self._sessions() as session, session.begin():
            poll = await session.get(Poll, poll_id)
            if poll is None:
                raise CloseRefused("unknown")
            if poll.created_by_aad != actor.aad_object_id and not is_admin:
                raise CloseRefused("not_yours")
            closed = await self._close(session, poll_id, actor.name or actor.aad_object_id, now)
            if not closed:
                raise CloseRefused("closed")
            session.add(_poll_audit("poll_close", actor, poll_id, poll.title, now))
        view = await self.get(poll_id)
        assert view is not None
        return view

    @staticmethod
    async def _close(session: AsyncSession, poll_id: str, by: str, now: dt.datetime) -> bool:
        result = await session.execute(
            update(Poll)
            .where(Poll.id == poll_id, Poll.closed_at.is_(None))
            .values(closed_at=now, closed_by=by, version=Poll.version + 1)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        # PostgreSQL: a first vote checks ``closed`` on the shard row it locks, so this waits
        # for the votes under way and refuses every later one (no rows on SQLite).
        await session.execute(
            update(PollShard).where(PollShard.poll_id == poll_id).values(closed=True)
        )
        return True

    async def close_due(self, now: dt.datetime) -> list[str]:
        """Close every poll whose closing time has passed; the ids this call closed.

        Safe with several instances: each poll is closed by exactly one conditional UPDATE.
        """
        now = utc(now)
        async with self._sessions() as session:
            due = list(
                await session.scalars(
                    select(Poll.id).where(Poll.closed_at.is_(None), Poll.closes_at <= now)
                )
            )
        closed: list[str] = []
        for poll_id in due:
            async with self._writing(), self._sessions() as session, session.begin():
                if await self._close(session, poll_id, "", now):
                    closed.append(poll_id)
        return closed

    async def next_closing(self) -> dt.datetime | None:
        """When the next open poll is due to close (None: none has a closing time)."""
        async with self._sessions() as session:
            value = await session.scalar(
                select(func.min(Poll.closes_at)).where(Poll.closed_at.is_(None))
            )
        return _aware(value)

    async def behind(self, since: dt.datetime) -> list[str]:
        """Polls whose posted card shows an older version (e.g. after a restart)."""
        async with self._sessions() as session:
            return list(
                await session.scalars(
                    select(Poll.id).where(
                        Poll.activity_id != "",
                        Poll.shown_version < Poll.version + _shards_version(Poll.id),
                        or_(Poll.closed_at.is_(None), Poll.closed_at >= utc(since)),
                    )
                )
            )

    async def claim_render(
        self, poll_id: str, wall_now: dt.datetime, min_interval: dt.timedelta
    ) -> RenderClaim:
        """Decide, across instances, whether this caller updates the card now.

        At most one update per ``min_interval`` per poll: the caller that wins the conditional
        UPDATE on ``shown_version`` renders the view read in the same transaction. On SQLite
        that transaction holds the write lock, so the counts are exactly those of the version
        claimed; on PostgreSQL first votes may commit meanwhile, so the counts are those of the
        claimed version or newer: never older, and the last claim after the last vote shows
        the final count.
        """
        wall_now = utc(wall_now)
        if self._sqlite is not None:
            return await self._sqlite_write(
                lambda session: _claim(session, poll_id, wall_now, min_interval)
            )
        async with self._sessions() as session, session.begin():
            return await session.run_sync(_claim, poll_id, wall_now, min_interval)

    async def stamp_update(self, poll_id: str, wall_now: dt.datetime) -> None:
        """The card update was delivered now: the next one waits a full interval from here."""
        statement = update(Poll).where(Poll.id == poll_id).values(card_updated_at=utc(wall_now))
        await self._write_statement(statement)

    async def mark_behind(self, poll_id: str, claimed_version: int) -> None:
        """The update claimed for ``claimed_version`` was not delivered: claim it again later."""
        statement = (
            update(Poll)
            .where(Poll.id == poll_id, Poll.shown_version == claimed_version)
            .values(shown_version=claimed_version - 1)
        )
        await self._write_statement(statement)

    async def _write_statement(self, statement: Update) -> None:
        if self._sqlite is not None:
            await self._sqlite_write(lambda session: session.execute(statement))
            return
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def latest(self, conversation_id: str) -> PollView | None:
        """The newest poll started in this conversation."""
        newest = await self._posted(Poll.conversation_id == conversation_id, limit=1)
        return newest[0] if newest else None

    async def latest_created_by(self, aad_object_id: str) -> PollView | None:
        """The newest poll this person started, wherever (for export from personal chat)."""
        newest = await self._posted(Poll.created_by_aad == aad_object_id, limit=1)
        return newest[0] if newest else None

    async def of_meeting(
        self,
        *,
        teams_meeting_id: str,
        conversation_id: str,
        day_start: dt.datetime,
        day_end: dt.datetime,
    ) -> list[PollView]:
        """The polls of one meeting: by Teams' meeting id, else this conversation's that day."""
        if teams_meeting_id:
            condition = Poll.teams_meeting_id == teams_meeting_id
        else:
            condition = (
                (Poll.conversation_id == conversation_id)
                & (Poll.created_at >= utc(day_start))
                & (Poll.created_at < utc(day_end))
            )
        return await self._posted(condition, newest_first=False)

    async def recent(self, kind: PollKind, limit: int) -> list[PollView]:
        """The newest polls of a kind, newest first (for "evaluering: udvikling")."""
        return await self._posted(Poll.kind == kind, limit=limit)

    async def _posted(
        self,
        condition: ColumnElement[bool],
        *,
        newest_first: bool = True,
        limit: int | None = None,
    ) -> list[PollView]:
        """The polls matching ``condition`` whose card was posted, by creation time."""
        order = Poll.created_at.desc() if newest_first else Poll.created_at
        query = select(Poll.id).where(condition, Poll.activity_id != "").order_by(order)
        if limit is not None:
            query = query.limit(limit)
        async with self._sessions() as session:
            ids = list(await session.scalars(query))
            views = [await self._view(session, poll_id) for poll_id in ids]
        return [v for v in views if v is not None]

    async def named_votes(self, poll_id: str) -> list[NamedVote]:
        """Who chose what in a named poll (empty for an anonymous one: nothing to read)."""
        async with self._sessions() as session:
            poll = await self._view(session, poll_id)
            if poll is None or poll.anonymous:
                return []
            ballots = list(
                await session.scalars(
                    select(PollBallot)
                    .where(PollBallot.poll_id == poll_id)
                    .order_by(PollBallot.voter_name, PollBallot.question_id)
                )
            )
        votes: list[NamedVote] = []
        for ballot in ballots:
            question = poll.question(ballot.question_id)
            if question is None:
                continue
            labels = tuple(
                option.label
                for option_id in _ids(ballot.choice)
                if (option := question.option(option_id)) is not None
            )
            votes.append(
                NamedVote(
                    ballot.voter_name,
                    ballot.voter_aad_object_id,
                    question.text,
                    labels,
                    _aware(ballot.voted_at),
                )
            )
        return votes
