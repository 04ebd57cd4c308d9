"""An immutable in-memory copy of the facts, rebuilt only when the data version changes.

KOMBIT's dataset is small (hundreds of rows), and a question must be answered "within a
blink", so the dialogs answer from this snapshot with pure functions instead of querying per
question. Each instance checks the database's data version (one indexed read) before answering
and reloads when another instance (or an import) changed the facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from kombitbot.dates import FuzzyDate
from store import models as m


@dataclass(frozen=True, slots=True)
class Municipality:
    name: str
    official_name: str
    region: str
    region_official: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Solution:
    key: str
    code: str
    full_name: str
    full_name_basis: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StatusCounts:
    completed: int | None
    started: int | None
    not_started: int | None
    status_as_of: dt.date | None
    status_as_of_raw: str
    source: str


@dataclass(frozen=True, slots=True)
class MunicipalityStatus:
    """One municipality's status on a task or agreement, as imported or self-reported."""

    municipality: str
    status: str
    derived: bool
    status_as_of: dt.date | None
    status_as_of_raw: str
    source: str
    notes: str


@dataclass(frozen=True, slots=True)
class Meeting:
    key: str
    label: str
    kind: str
    date: FuzzyDate | None
    date_basis: str
    title: str
    agenda: tuple[tuple[str, str, str], ...]  # (time, title, presenters)
    status_as_of: dt.date | None
    source: str
    participants_count: str = ""  # as the deck gives it ("72", "ca. 80")
    participants_raw: str = ""

    @property
    def is_deck(self) -> bool:
        return self.kind == "deck"


@dataclass(frozen=True, slots=True)
class Task:
    key: str
    solution: str | None  # solution key
    project: str
    code: str
    title: str
    start: FuzzyDate | None
    end: FuzzyDate | None
    mandatory: bool | None
    target_role: str
    notes: str
    meeting: str | None
    source: str
    counts: tuple[StatusCounts, ...]
    statuses: dict[str, MunicipalityStatus] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Agreement:
    key: str
    solution: str | None
    solution_as_written: str
    title: str
    kind: str
    kind_as_written: str
    sent: FuzzyDate | None
    sent_to: str
    deadline: FuzzyDate | None
    notes: str
    related_task: str | None
    status_as_of: dt.date | None
    status_as_of_raw: str
    meeting: str | None
    source: str
    signatures: dict[str, MunicipalityStatus] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FrozenZone:
    key: str
    solution: str | None
    system: str
    environment: str
    kind: str
    start: FuzzyDate | None
    end: FuzzyDate | None
    calendar_shown: str
    blocked_actions: tuple[str, ...]
    closed_access: str
    notes: str
    meeting: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Contact:
    address: str
    name: str
    title: str
    role_or_topic: str
    kind: str
    organisation: str
    phone: str
    meeting: str | None
    source: str


@dataclass(frozen=True, slots=True)
class RolloutWave:
    programme: str
    solution: str | None
    wave: str
    go_live: FuzzyDate | None
    municipality: str | None
    name_as_written: str
    notes: str
    meeting: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Visit:
    """KOMBIT's visit to a municipality's management: held, planned, or interest shown."""

    municipality: str
    status: str  # as the slide says it: "besøgt", "planlagt", …
    date: FuzzyDate | None
    notes: str
    meeting: str | None
    source: str


@dataclass(frozen=True, slots=True)
class RecordedPoll:
    """A poll or evaluation question a deck shows (asked through Mentimeter before the bot)."""

    key: str
    question: str
    statement: str
    options: str
    kind: str
    channel: str
    meeting: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Action:
    key: str
    action: str
    deadline: FuzzyDate | None
    topic: str
    notes: str
    meeting: str | None
    source: str


@dataclass(frozen=True, slots=True)
class DataSnapshot:
    version: int
    municipalities: dict[str, Municipality]
    solutions: dict[str, Solution]
    meetings: dict[str, Meeting]
    tasks: dict[str, Task]
    agreements: dict[str, Agreement]
    frozen_zones: dict[str, FrozenZone]
    contacts: tuple[Contact, ...]
    rollout_waves: tuple[RolloutWave, ...]
    actions: dict[str, Action]
    visits: tuple[Visit, ...] = ()
    recorded_polls: tuple[RecordedPoll, ...] = ()
    latest_deck_day: dt.date | None = None  # the newest meeting deck: what "current" means
    deck_labels: dict[str, str] = field(default_factory=dict)  # seed file -> deck label

    @property
    def regions(self) -> dict[str, tuple[str, ...]]:
        """Region name → its municipalities."""
        regions: dict[str, list[str]] = {}
        for municipality in self.municipalities.values():
            regions.setdefault(municipality.region, []).append(municipality.name)
        return {region: tuple(sorted(names)) for region, names in sorted(regions.items())}


def changed_items(before: DataSnapshot, after: DataSnapshot) -> list[tuple[str, str]]:
    """The tasks, agreements and frozen zones that differ between two snapshots (added,
    removed, or any field or municipality status changed), as ``(kind, key)`` in the kinds
    reminders use: after an import, the reminder cards that mention them may read otherwise."""
    changed: list[tuple[str, str]] = []
    kinds: tuple[tuple[str, Mapping[str, object], Mapping[str, object]], ...] = (
        ("task", before.tasks, after.tasks),
        ("agreement", before.agreements, after.agreements),
        ("frozen_zone", before.frozen_zones, after.frozen_zones),
    )
    for kind, old, new in kinds:
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                changed.append((kind, key))
    return changed


async def data_version(session: AsyncSession) -> int:
    return int(
        await session.scalar(select(m.DataVersion.version).where(m.DataVersion.id == 1)) or 0
    )


def _status(row: m.AgreementSignature | m.KlikTaskStatus, name: str) -> MunicipalityStatus:
    return MunicipalityStatus(
        municipality=name,
        status=row.status,
        derived=row.derived,
        status_as_of=row.status_as_of,
        status_as_of_raw=row.status_as_of_raw,
        source=row.source,
        notes=row.notes,
    )


async def load_snapshot(session: AsyncSession) -> DataSnapshot:
    """Read every fact once (a few dozen milliseconds) into plain immutable objects."""
    version = await data_version(session)
    municipalities_by_id: dict[int, str] = {}
    municipalities: dict[str, Municipality] = {}
    for mrow in await session.scalars(
        select(m.Municipality)
        .options(selectinload(m.Municipality.aliases))
        .order_by(m.Municipality.name)
    ):
        municipalities_by_id[mrow.id] = mrow.name
        municipalities[mrow.name] = Municipality(
            mrow.name,
            mrow.official_name,
            mrow.region,
            mrow.region_official,
            tuple(a.alias for a in mrow.aliases),
        )
    solutions_by_id: dict[int, str] = {}
    solutions: dict[str, Solution] = {}
    for srow in await session.scalars(select(m.Solution).order_by(m.Solution.id)):
        solutions_by_id[srow.id] = srow.key
        aliases = tuple(a.strip() for a in srow.aliases.split(";") if a.strip())
        solutions[srow.key] = Solution(
            srow.key, srow.code, srow.full_name, srow.full_name_basis, aliases
        )
    meetings_by_id: dict[int, str] = {}
    meetings: dict[str, Meeting] = {}
    for merow in await session.scalars(
        select(m.Meeting).options(selectinload(m.Meeting.agenda_items)).order_by(m.Meeting.id)
    ):
        meetings_by_id[merow.id] = merow.key
        meetings[merow.key] = Meeting(
            key=merow.key,
            label=merow.label,
            kind=merow.kind,
            date=merow.fuzzy("date"),
            date_basis=merow.date_basis,
            title=merow.title,
            agenda=tuple((i.time_raw, i.title, i.presenters) for i in merow.agenda_items),
            status_as_of=merow.status_as_of,
            source=merow.source,
            participants_count=merow.participants_count,
            participants_raw=merow.participants_raw,
        )

    def meeting(meeting_id: int | None) -> str | None:
        return meetings_by_id.get(meeting_id) if meeting_id is not None else None

    def solution(solution_id: int | None) -> str | None:
        return solutions_by_id.get(solution_id) if solution_id is not None else None

    counts: dict[int, list[StatusCounts]] = {}
    for crow in await session.scalars(
        select(m.KlikTaskStatusCount).order_by(m.KlikTaskStatusCount.id)
    ):
        counts.setdefault(crow.task_id, []).append(
            StatusCounts(
                crow.completed,
                crow.started,
                crow.not_started,
                crow.status_as_of,
                crow.status_as_of_raw,
                crow.source,
            )
        )
    task_statuses: dict[int, dict[str, MunicipalityStatus]] = {}
    for tsrow in await session.scalars(select(m.KlikTaskStatus)):
        name = municipalities_by_id[tsrow.municipality_id]
        task_statuses.setdefault(tsrow.task_id, {})[name] = _status(tsrow, name)
    tasks_by_id: dict[int, str] = {}
    tasks: dict[str, Task] = {}
    for trow in await session.scalars(select(m.KlikTask).order_by(m.KlikTask.id)):
        tasks_by_id[trow.id] = trow.key
        tasks[trow.key] = Task(
            key=trow.key,
            solution=solution(trow.solution_id),
            project=trow.project_as_written,
            code=trow.code,
            title=trow.title,
            start=trow.fuzzy("start"),
            end=trow.fuzzy("end"),
            mandatory=trow.mandatory,
            target_role=trow.target_role,
            notes=trow.notes,
            meeting=meeting(trow.meeting_id),
            source=trow.source,
            counts=tuple(counts.get(trow.id, ())),
            statuses=task_statuses.get(trow.id, {}),
        )
    signatures: dict[int, dict[str, MunicipalityStatus]] = {}
    for asrow in await session.scalars(select(m.AgreementSignature)):
        name = municipalities_by_id[asrow.municipality_id]
        signatures.setdefault(asrow.agreement_id, {})[name] = _status(asrow, name)
    agreements: dict[str, Agreement] = {}
    for arow in await session.scalars(select(m.Agreement).order_by(m.Agreement.id)):
        agreements[arow.key] = Agreement(
            key=arow.key,
            solution=solution(arow.solution_id),
            solution_as_written=arow.solution_as_written,
            title=arow.title,
            kind=arow.kind,
            kind_as_written=arow.kind_as_written,
            sent=arow.fuzzy("sent"),
            sent_to=arow.sent_to,
            deadline=arow.fuzzy("deadline"),
            notes=arow.notes,
            related_task=tasks_by_id.get(arow.related_task_id) if arow.related_task_id else None,
            status_as_of=arow.status_as_of,
            status_as_of_raw=arow.status_as_of_raw,
            meeting=meeting(arow.meeting_id),
            source=arow.source,
            signatures=signatures.get(arow.id, {}),
        )
    frozen_zones: dict[str, FrozenZone] = {}
    for frow in await session.scalars(
        select(m.FrozenZone)
        .options(selectinload(m.FrozenZone.blocked_actions))
        .order_by(m.FrozenZone.id)
    ):
        frozen_zones[frow.key] = FrozenZone(
            key=frow.key,
            solution=solution(frow.solution_id),
            system=frow.system_as_written,
            environment=frow.environment,
            kind=frow.kind,
            start=frow.fuzzy("start"),
            end=frow.fuzzy("end"),
            calendar_shown=frow.calendar_shown,
            blocked_actions=tuple(a.action for a in frow.blocked_actions),
            closed_access=frow.closed_access,
            notes=frow.notes,
            meeting=meeting(frow.meeting_id),
            source=frow.source,
        )
    contacts = tuple(
        Contact(
            r.address,
            r.name,
            r.title,
            r.role_or_topic,
            r.kind,
            r.organisation,
            r.phone,
            meeting(r.meeting_id),
            r.source,
        )
        for r in await session.scalars(select(m.Contact).order_by(m.Contact.id))
    )
    waves = tuple(
        RolloutWave(
            programme=r.programme,
            solution=solution(r.solution_id),
            wave=r.wave,
            go_live=r.fuzzy("go_live"),
            municipality=municipalities_by_id.get(r.municipality_id) if r.municipality_id else None,
            name_as_written=r.name_as_written,
            notes=r.notes,
            meeting=meeting(r.meeting_id),
            source=r.source,
        )
        for r in await session.scalars(select(m.RolloutWave).order_by(m.RolloutWave.id))
    )
    actions = {
        r.key: Action(
            r.key, r.action, r.fuzzy("deadline"), r.topic, r.notes, meeting(r.meeting_id), r.source
        )
        for r in await session.scalars(
            select(m.ProgrammeLeaderAction).order_by(m.ProgrammeLeaderAction.id)
        )
    }
    visits = tuple(
        Visit(
            municipality=municipalities_by_id[r.municipality_id],
            status=r.status,
            date=r.fuzzy("date"),
            notes=r.notes,
            meeting=meeting(r.meeting_id),
            source=r.source,
        )
        for r in await session.scalars(select(m.MunicipalityVisit).order_by(m.MunicipalityVisit.id))
        if r.municipality_id in municipalities_by_id
    )
    recorded_polls = tuple(
        RecordedPoll(
            key=r.key,
            question=r.question,
            statement=r.statement,
            options=r.options,
            kind=r.kind,
            channel=r.channel,
            meeting=meeting(r.meeting_id),
            source=r.source,
        )
        for r in await session.scalars(select(m.RecordedPoll).order_by(m.RecordedPoll.id))
    )
    decks = [deck for deck in meetings.values() if deck.is_deck]
    deck_days = [d.date.earliest if d.date and d.date.earliest else d.status_as_of for d in decks]
    labels: dict[str, str] = {}
    for deck in decks:
        for part in deck.source.split("; "):
            labels.setdefault(part.split(" | ", 1)[0].strip(), deck.label)
    return DataSnapshot(
        latest_deck_day=max((d for d in deck_days if d is not None), default=None),
        deck_labels=labels,
        version=version,
        municipalities=municipalities,
        solutions=solutions,
        meetings=meetings,
        tasks=tasks,
        agreements=agreements,
        frozen_zones=frozen_zones,
        contacts=contacts,
        rollout_waves=waves,
        actions=actions,
        visits=visits,
        recorded_polls=recorded_polls,
    )
