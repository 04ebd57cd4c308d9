"""What is due on a given day: deadline reminders and frozen-zone notices, as pure data.

The scheduler (issue #4, built separately) asks :func:`reminders_due` once per day and sends
what it returns; a preview asks :func:`upcoming_reminders`. Nothing here reads a clock, a
database or a subscription table, so every rule is tested with a hand-made snapshot and day.

Conventions, from DOMAIN.md ("a nudge a week before and the day before, listing who still has
not completed or signed – and nothing for those who have"):

* A fuzzy deadline ("ultimo jan.") is reminded relative to its LATEST possible day, and the
  reminder carries the fuzzy value so it can say so.
* A reminder whose ideal day is not a working day (weekend, Danish holiday, 24 and 31 Dec)
  moves to the last working day BEFORE it: earlier is safe, later may be too late.
* A frozen zone is taken at its widest: it may start on the start's earliest day and may last
  until the end's latest day, so warnings come early enough and "er slut" is never premature.
* An unknown status is not a done status: municipalities without a known status stay listed,
  as "status ukendt", apart from those known to be missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Final, Literal

from dialogs.answers.common import agreement_name, task_name
from dialogs.sources import group_sources, source_parts
from kombitbot.dates import FuzzyDate
from kombitbot.workdays import DanishCalendar
from store.snapshot import (
    Agreement,
    DataSnapshot,
    FrozenZone,
    MunicipalityStatus,
    StatusCounts,
    Task,
)

__all__ = [
    "AudienceMatch",
    "DeadlineItem",
    "DueReminder",
    "ItemKind",
    "ReminderRules",
    "Rule",
    "Subscription",
    "ZoneWindow",
    "audience",
    "deadline_items",
    "frozen_zone_windows",
    "reminders_due",
    "upcoming_reminders",
]

Rule = Literal["deadline", "frozen_zone"]
ItemKind = Literal["task", "agreement", "frozen_zone"]

START: Final = "start"
END: Final = "end"

# Statuses that close an item for a municipality; anything else known is "missing".
_DONE: Final[Mapping[str, str]] = {"task": "completed", "agreement": "signed"}
_UNKNOWN: Final = "unknown"


@dataclass(frozen=True, slots=True)
class ReminderRules:
    """When to remind; the defaults are the ones agreed in issue #4.

    ``deadline_days_before`` counts calendar days ("a week before"), the ``…working_days…``
    fields count Danish working days ("the day before" = the previous working day).
    ``frozen_zone_kinds`` are the zone kinds that close things for municipalities; service
    windows and announced transitions without dates are not notified.
    """

    deadline_days_before: tuple[int, ...] = (7,)
    deadline_working_days_before: tuple[int, ...] = (1,)
    frozen_working_days_before: tuple[int, ...] = (14, 2)
    frozen_start: bool = True
    frozen_end: bool = True
    frozen_zone_kinds: frozenset[str] = frozenset({"frozen zone", "cut-over"})

    def __post_init__(self) -> None:
        counts = (
            *self.deadline_days_before,
            *self.deadline_working_days_before,
            *self.frozen_working_days_before,
        )
        if any(n < 1 for n in counts):
            raise ValueError("reminder offsets must be at least 1 day")


@dataclass(frozen=True, slots=True)
class ZoneWindow:
    """A frozen zone at its widest, with what a notice about it must say."""

    key: str
    solution: str | None
    system: str
    environment: str
    kind: str
    start: FuzzyDate
    end: FuzzyDate | None
    first_day: dt.date  # the earliest day it may start
    last_day: dt.date  # the latest day it may still be on
    reports_before: dt.date  # last working day before first_day: pull reports by then
    blocked_actions: tuple[str, ...]
    closed_access: str
    source: str

    @property
    def name(self) -> str:
        """ "Serviceplatformen PRODUKTION"."""
        return f"{self.system} {self.environment}".strip()

    @property
    def exact(self) -> bool:
        """Whether both ends are known to the day (else the notice says it is a period)."""
        return self.start.is_exact and (self.end is None or self.end.is_exact)

    def overlaps(self, earliest: dt.date, latest: dt.date) -> bool:
        return self.first_day <= latest and earliest <= self.last_day


@dataclass(frozen=True, slots=True)
class DueReminder:
    """One reminder about one item on one day, self-contained so it can be rendered later.

    ``target_day`` is what the reminder is about: a deadline's latest possible day, a zone's
    first day (for the notices before and at the start) or its last frozen day (for "end").
    ``missing`` are municipalities known to still have the item open (agreement: mangler
    underskrift; task: påbegyndt or ikke påbegyndt); ``unknown`` are those whose status is
    not known. Both are empty for frozen zones, which concern every municipality.
    """

    rule: Rule
    kind: ItemKind
    key: str
    occasion: str  # "7d", "1wd", "14wd", "2wd", "start", "end"
    day: dt.date  # the day it is sent (always a working day)
    target_day: dt.date
    title: str
    solution: str | None
    source: str  # "Programledermøde …, slide »…«", ready to show
    deadline: FuzzyDate | None = None  # as written; None for frozen zones
    zone: ZoneWindow | None = None  # the zone a frozen-zone notice is about
    inside_zones: tuple[ZoneWindow, ...] = ()  # zones a deadline may fall inside
    missing: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    has_status_list: bool = False  # False: no municipality's status is known at all
    status_as_of: dt.date | None = None
    status_as_of_raw: str = ""
    counts: StatusCounts | None = None  # the newest counts, for tasks with counts only

    @property
    def fuzzy(self) -> bool:
        """The deadline is not one named day: the reminder must say "senest …"."""
        return self.deadline is not None and not self.deadline.is_exact

    @property
    def open_municipalities(self) -> tuple[str, ...]:
        return tuple(sorted((*self.missing, *self.unknown)))

    @property
    def identity(self) -> str:
        """A stable key for a delivery ledger; a moved deadline is a new reminder."""
        return f"{self.rule}:{self.kind}:{self.key}:{self.occasion}:{self.target_day.isoformat()}"


# --------------------------------------------------------------------------- zones


def _cited(source: str, snapshot: DataSnapshot) -> str:
    """The source as a reader knows it (meeting and slide), not the seed file's hashed name."""
    return group_sources(source_parts(source, snapshot.deck_labels))


def _zone_window(
    zone: FrozenZone, snapshot: DataSnapshot, calendar: DanishCalendar
) -> ZoneWindow | None:
    start = zone.start
    if start is None or start.earliest is None:
        return None
    end = zone.end if zone.end is not None and zone.end.latest is not None else None
    last = end.latest if end is not None and end.latest is not None else start.latest
    if last is None:
        return None
    return ZoneWindow(
        key=zone.key,
        solution=zone.solution,
        system=zone.system,
        environment=zone.environment,
        kind=zone.kind,
        start=start,
        end=end,
        first_day=start.earliest,
        last_day=max(last, start.earliest),
        reports_before=calendar.previous_working_day(start.earliest),
        blocked_actions=zone.blocked_actions,
        closed_access=zone.closed_access,
        source=_cited(zone.source, snapshot),
    )


def frozen_zone_windows(
    snapshot: DataSnapshot, calendar: DanishCalendar, kinds: Iterable[str]
) -> tuple[ZoneWindow, ...]:
    """The dated zones of the given kinds, earliest first; undated announcements are left out."""
    wanted = {kind.casefold() for kind in kinds}
    windows = [
        window
        for zone in snapshot.frozen_zones.values()
        if zone.kind.casefold() in wanted
        for window in [_zone_window(zone, snapshot, calendar)]
        if window is not None
    ]
    return tuple(sorted(windows, key=lambda w: (w.first_day, w.key)))


# --------------------------------------------------------------------------- deadlines


@dataclass(frozen=True, slots=True)
class DeadlineItem:
    """A task or agreement with a dated deadline, and who still has it open (see DueReminder)."""

    kind: ItemKind
    key: str
    title: str
    solution: str | None
    source: str
    deadline: FuzzyDate
    missing: tuple[str, ...]
    unknown: tuple[str, ...]
    has_status_list: bool
    status_as_of: dt.date | None
    status_as_of_raw: str
    counts: StatusCounts | None = None
    inside_zones: tuple[ZoneWindow, ...] = ()

    @property
    def day(self) -> dt.date:
        assert self.deadline.latest is not None
        return self.deadline.latest


def _newest_status(statuses: Collection[MunicipalityStatus]) -> MunicipalityStatus | None:
    dated = [s for s in statuses if s.status_as_of is not None]
    if dated:
        return max(dated, key=lambda s: (s.status_as_of or dt.date.min, s.status_as_of_raw))
    return next((s for s in statuses if s.status_as_of_raw), None)


def _split(
    kind: ItemKind, statuses: Mapping[str, MunicipalityStatus], municipalities: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(missing, unknown) over every municipality; those done are left out."""
    missing: list[str] = []
    unknown: list[str] = []
    for name in sorted(municipalities):
        status = statuses.get(name)
        if status is None or status.status == _UNKNOWN:
            unknown.append(name)
        elif status.status != _DONE[kind]:
            missing.append(name)
    return tuple(missing), tuple(unknown)


def _all_done_by_counts(counts: StatusCounts | None, total: int) -> bool:
    """Counts only ("98 fuldført, 0 påbegyndt, 0 ikke påbegyndt") may still close a task."""
    return (
        counts is not None
        and counts.completed is not None
        and counts.completed >= total
        and not counts.started
        and not counts.not_started
    )


def _task_deadline(task: Task, snapshot: DataSnapshot) -> DeadlineItem | None:
    if task.end is None or task.end.latest is None:
        return None
    missing, unknown = _split("task", task.statuses, snapshot.municipalities)
    counts = task.counts[-1] if task.counts else None
    if not task.statuses and _all_done_by_counts(counts, len(snapshot.municipalities)):
        missing, unknown = (), ()
    newest = _newest_status(task.statuses.values())
    if newest is not None:
        as_of, as_of_raw = newest.status_as_of, newest.status_as_of_raw
    elif counts is not None:
        as_of, as_of_raw = counts.status_as_of, counts.status_as_of_raw
    else:
        as_of, as_of_raw = None, ""
    return DeadlineItem(
        kind="task",
        key=task.key,
        title=task_name(task, snapshot),
        solution=task.solution,
        source=_cited(task.source, snapshot),
        deadline=task.end,
        missing=missing,
        unknown=unknown,
        has_status_list=bool(task.statuses),
        status_as_of=as_of,
        status_as_of_raw=as_of_raw,
        counts=None if task.statuses else counts,
    )


def _agreement_deadline(agreement: Agreement, snapshot: DataSnapshot) -> DeadlineItem | None:
    if agreement.deadline is None or agreement.deadline.latest is None:
        return None
    missing, unknown = _split("agreement", agreement.signatures, snapshot.municipalities)
    newest = _newest_status(agreement.signatures.values())
    as_of = newest.status_as_of if newest is not None else agreement.status_as_of
    as_of_raw = newest.status_as_of_raw if newest is not None else agreement.status_as_of_raw
    return DeadlineItem(
        kind="agreement",
        key=agreement.key,
        title=agreement_name(agreement, snapshot),
        solution=agreement.solution,
        source=_cited(agreement.source, snapshot),
        deadline=agreement.deadline,
        missing=missing,
        unknown=unknown,
        has_status_list=bool(agreement.signatures),
        status_as_of=as_of,
        status_as_of_raw=as_of_raw,
    )


def _covered_by_task(agreement: Agreement, snapshot: DataSnapshot) -> bool:
    """Signed through its own KLIK task ("FLIS: Underskriv …"): the task's reminder says it.

    An agreement with its own signature list is still reminded, so that list is not lost.
    """
    task = snapshot.tasks.get(agreement.related_task or "")
    return (
        task is not None
        and task.end is not None
        and task.end.latest is not None
        and not agreement.signatures
    )


def deadline_items(
    snapshot: DataSnapshot, zones: tuple[ZoneWindow, ...] = ()
) -> Iterator[DeadlineItem]:
    """Every dated task and agreement deadline, each marked with the zones it may fall in."""
    found: list[DeadlineItem] = [
        item for task in snapshot.tasks.values() if (item := _task_deadline(task, snapshot))
    ]
    found.extend(
        item
        for agreement in snapshot.agreements.values()
        if not _covered_by_task(agreement, snapshot)
        and (item := _agreement_deadline(agreement, snapshot))
    )
    for item in found:
        earliest = item.deadline.earliest or item.day
        inside = tuple(zone for zone in zones if zone.overlaps(earliest, item.day))
        yield replace(item, inside_zones=inside) if inside else item


# --------------------------------------------------------------------------- scheduling


def _on_or_before_working_day(day: dt.date, calendar: DanishCalendar) -> dt.date:
    return day if calendar.is_working_day(day) else calendar.previous_working_day(day)


def _deadline_occasions(
    target: dt.date, rules: ReminderRules, calendar: DanishCalendar
) -> list[tuple[str, dt.date]]:
    """(occasion, send day), nearest the deadline first so a collision keeps the urgent one."""
    occasions = [
        (f"{n}wd", calendar.previous_working_day(target, n))
        for n in sorted(rules.deadline_working_days_before)
    ]
    occasions += [
        (f"{n}d", _on_or_before_working_day(target - dt.timedelta(days=n), calendar))
        for n in sorted(rules.deadline_days_before)
    ]
    return occasions


def _zone_occasions(
    zone: ZoneWindow, rules: ReminderRules, calendar: DanishCalendar
) -> list[tuple[str, dt.date, dt.date]]:
    """(occasion, send day, target day) for one zone."""
    occasions: list[tuple[str, dt.date, dt.date]] = []
    if rules.frozen_end:
        occasions.append((END, calendar.next_working_day(zone.last_day), zone.last_day))
    if rules.frozen_start:
        occasions.append(
            (START, _on_or_before_working_day(zone.first_day, calendar), zone.first_day)
        )
    occasions += [
        (f"{n}wd", calendar.previous_working_day(zone.first_day, n), zone.first_day)
        for n in sorted(rules.frozen_working_days_before)
    ]
    return occasions


def _all_reminders(
    snapshot: DataSnapshot, calendar: DanishCalendar, rules: ReminderRules
) -> Iterator[DueReminder]:
    zones = frozen_zone_windows(snapshot, calendar, rules.frozen_zone_kinds)
    for zone in zones:
        seen: set[dt.date] = set()
        for occasion, day, target in _zone_occasions(zone, rules, calendar):
            if day in seen:
                continue
            seen.add(day)
            yield DueReminder(
                rule="frozen_zone",
                kind="frozen_zone",
                key=zone.key,
                occasion=occasion,
                day=day,
                target_day=target,
                title=f"{zone.name}: {zone.kind}",
                solution=zone.solution,
                source=zone.source,
                zone=zone,
            )
    for item in deadline_items(snapshot, zones):
        if not (item.missing or item.unknown):
            continue  # everybody has completed or signed: nothing to nudge
        seen = set()
        for occasion, day in _deadline_occasions(item.day, rules, calendar):
            if day in seen:
                continue
            seen.add(day)
            yield DueReminder(
                rule="deadline",
                kind=item.kind,
                key=item.key,
                occasion=occasion,
                day=day,
                target_day=item.day,
                title=item.title,
                solution=item.solution,
                source=item.source,
                deadline=item.deadline,
                inside_zones=item.inside_zones,
                missing=item.missing,
                unknown=item.unknown,
                has_status_list=item.has_status_list,
                status_as_of=item.status_as_of,
                status_as_of_raw=item.status_as_of_raw,
                counts=item.counts,
            )


def _order(reminder: DueReminder) -> tuple[dt.date, int, dt.date, str, str]:
    """By send day; frozen zones before deadlines; then by what they are about."""
    return (
        reminder.day,
        0 if reminder.rule == "frozen_zone" else 1,
        reminder.target_day,
        reminder.title.casefold(),
        reminder.key,
    )


def reminders_due(
    snapshot: DataSnapshot,
    day: dt.date,
    calendar: DanishCalendar,
    rules: ReminderRules | None = None,
) -> list[DueReminder]:
    """Everything to send on ``day``: frozen zones first, then deadlines soonest first.

    A deadline already passed produces nothing; nor does one everybody has closed.
    """
    rules = rules or ReminderRules()
    due = [
        r
        for r in _all_reminders(snapshot, calendar, rules)
        if r.day == day and (r.rule == "frozen_zone" or r.target_day >= day)
    ]
    return sorted(due, key=_order)


def upcoming_reminders(
    snapshot: DataSnapshot,
    start: dt.date,
    end: dt.date,
    calendar: DanishCalendar,
    rules: ReminderRules | None = None,
) -> list[DueReminder]:
    """Every reminder to be sent from ``start`` to ``end`` (inclusive), for a preview."""
    rules = rules or ReminderRules()
    due = [r for r in _all_reminders(snapshot, calendar, rules) if start <= r.day <= end]
    return sorted(due, key=_order)


# --------------------------------------------------------------------------- audience


@dataclass(frozen=True, slots=True)
class Subscription:
    """What a conversation wants reminders about; set filters must all hold.

    ``municipalities``/``region`` narrow deadlines to those places (a programme leader's
    personal subscription is one municipality); ``solution`` narrows deadlines and zones to
    one solution key ("sapa"); ``frozen_zones_only`` drops deadlines.
    """

    municipalities: frozenset[str] | None = None
    region: str | None = None
    solution: str | None = None
    frozen_zones_only: bool = False

    @classmethod
    def everything(cls) -> Subscription:
        return cls()

    @classmethod
    def for_municipalities(cls, *names: str) -> Subscription:
        return cls(municipalities=frozenset(names))

    @classmethod
    def for_region(cls, region: str) -> Subscription:
        return cls(region=region)

    @classmethod
    def for_solution(cls, solution: str) -> Subscription:
        return cls(solution=solution)

    @classmethod
    def zones_only(cls) -> Subscription:
        return cls(frozen_zones_only=True)

    def covers(self, municipality: str, snapshot: DataSnapshot) -> bool:
        if self.municipalities is not None and municipality not in self.municipalities:
            return False
        if self.region is not None:
            found = snapshot.municipalities.get(municipality)
            return found is not None and found.region == self.region
        return True


@dataclass(frozen=True, slots=True)
class AudienceMatch:
    """A reminder as one subscription sees it: only its municipalities, only those open."""

    reminder: DueReminder
    missing: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()

    @property
    def municipalities(self) -> tuple[str, ...]:
        """The municipalities to list; empty for frozen zones (they concern everybody)."""
        return tuple(sorted((*self.missing, *self.unknown)))


def audience(
    reminder: DueReminder, subscription: Subscription, snapshot: DataSnapshot
) -> AudienceMatch | None:
    """What ``subscription`` should be told about ``reminder``, or None if nothing.

    None when the subscription does not cover the reminder's solution or kind, or when every
    municipality it covers has already completed or signed: a programme leader for Vejle is
    reminded only while Vejle still has the item open (or its status is unknown).
    """
    if subscription.solution is not None and reminder.solution != subscription.solution:
        return None
    if reminder.rule == "frozen_zone":
        return AudienceMatch(reminder)
    if subscription.frozen_zones_only:
        return None
    missing = tuple(m for m in reminder.missing if subscription.covers(m, snapshot))
    unknown = tuple(m for m in reminder.unknown if subscription.covers(m, snapshot))
    if not (missing or unknown):
        return None
    return AudienceMatch(reminder, missing, unknown)
