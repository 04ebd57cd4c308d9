"""An iCalendar feed of deadlines and frozen zones, for "Abonnér i Outlook".

Programme leaders live in Outlook; a subscribed calendar shows KLIK deadlines, agreement
deadlines and frozen zones next to their meetings without the bot having to send anything.
The feed is rebuilt from the snapshot on every request (hundreds of rows: milliseconds), so
it is always as current as the bot's answers.

* Events are all-day. A fuzzy deadline ("ultimo jan.") is placed on its LATEST possible day
  and its description says so; a frozen zone spans its widest possible period.
* UIDs are stable (``task-T002-07@kombitbot``), so a moved deadline moves the event instead
  of adding one.
* ``?kommune=Vejle`` keeps only what Vejle still has open (or whose status is unknown);
  ``?projekt=SAPA`` keeps one solution. Names must match exactly (official name, alias,
  case and diacritics aside): a calendar for Vejen when the user meant Vejle would be a
  confident wrong answer, so anything else is a 404 that says so.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Final, Protocol

from aiohttp import web

from dialogs.entities import fold, skeleton
from kombitbot.dates import render_fuzzy_date
from kombitbot.workdays import DanishCalendar
from notifications.digest import precision_word
from notifications.rules import DeadlineItem, ReminderRules, ZoneWindow, deadline_items
from notifications.rules import frozen_zone_windows as _zone_windows
from store.db import is_database_unavailable
from store.snapshot import DataSnapshot

if TYPE_CHECKING:
    from icalendar import Event

__all__ = [
    "TIMEZONE",
    "build_calendar",
    "calendar_handler",
    "find_municipality",
    "find_solution",
]

log = logging.getLogger(__name__)

TIMEZONE: Final = "Europe/Copenhagen"
UID_DOMAIN: Final = "kombitbot"
PRODID: Final = "-//KOMBIT//kombitbot//DA"
REFRESH: Final = dt.timedelta(hours=6)  # how often Outlook should fetch the feed again
_UID_PREFIX: Final = {"task": "task", "agreement": "agreement", "frozen_zone": "frozen-zone"}
_NOT_NAME: Final = re.compile(r"[^0-9a-z]+")
_KOMMUNE_SUFFIX: Final = re.compile(r"(?:s?\s*kommune)$")
_ECHO_MAX: Final = 80


# --------------------------------------------------------------------------- names


def _key(text: str) -> str:
    """Case, diacritics, spaces and hyphens aside: "Høje Taastrup" = "høje-taastrup"."""
    return _NOT_NAME.sub("", fold(text.strip()))


def _unique(matches: Iterable[str]) -> str | None:
    found = set(matches)
    return found.pop() if len(found) == 1 else None


def find_municipality(snapshot: DataSnapshot, text: str) -> str | None:
    """The municipality ``text`` names exactly (name, official name or alias), else None.

    Never a near name: "Vejen" is not "Vejle". "Århus"/"Aarhus", "Kbh", "Vejle Kommune" and
    missing diacritics ("Abenra") are exact for this purpose.
    """
    wanted = _key(text)
    if not wanted:
        return None
    bare = _key(_KOMMUNE_SUFFIX.sub("", fold(text.strip())))
    exact: list[str] = []
    loose: list[str] = []
    for municipality in snapshot.municipalities.values():
        names = (municipality.name, municipality.official_name, *municipality.aliases)
        keys = {_key(name) for name in names}
        if wanted in keys or bare in keys:
            exact.append(municipality.name)
        elif skeleton(wanted) in {skeleton(k) for k in keys}:
            loose.append(municipality.name)
    return _unique(exact) or (None if exact else _unique(loose))


def find_solution(snapshot: DataSnapshot, text: str) -> str | None:
    """The solution key ``text`` names exactly (code, key, full name or alias), else None."""
    wanted = _key(text)
    if not wanted:
        return None
    return _unique(
        solution.key
        for solution in snapshot.solutions.values()
        if wanted
        in {_key(n) for n in (solution.key, solution.code, solution.full_name, *solution.aliases)}
    )


# --------------------------------------------------------------------------- events


def _fuzzy_text(item: DeadlineItem) -> str:
    deadline = item.deadline
    day = f"{item.day:%d.%m.%Y}"
    if deadline.is_exact:
        return f"Frist: {day} (præcis dato)."
    return (
        f"Fristen er skrevet »{deadline.raw}« ({render_fuzzy_date(deadline, 'da')}) – "
        f"upræcis ({precision_word(deadline.precision)}). Lagt i kalenderen på den senest mulige dag, {day}."
    )


def _status_text(item: DeadlineItem, municipality: str | None) -> str:
    as_of = f" (status opgjort {item.status_as_of_raw})" if item.status_as_of_raw else ""
    done = "underskrevet" if item.kind == "agreement" else "fuldført"
    open_word = "mangler underskrift" if item.kind == "agreement" else "ikke fuldført"
    if municipality is not None:
        if municipality in item.missing:
            return f"{municipality}: {open_word}{as_of}."
        return f"{municipality}: status ukendt{as_of}."
    if not item.has_status_list:
        return "Status pr. kommune ukendt (ingen liste i kilden)."
    parts = []
    if item.missing:
        parts.append(f"{open_word}: {len(item.missing)} kommuner ({', '.join(item.missing)})")
    if item.unknown:
        parts.append(f"status ukendt: {len(item.unknown)} kommuner")
    text = "; ".join(parts) or f"alle har {done}"
    return f"{text[:1].upper()}{text[1:]}{as_of}."


def _zone_warning(item: DeadlineItem) -> list[str]:
    return [
        f"Advarsel: fristen kan falde i {zone.kind} på {zone.name} "
        f"({zone.first_day:%d.%m.%Y}–{zone.last_day:%d.%m.%Y})."
        for zone in item.inside_zones
    ]


def _deadline_event(
    item: DeadlineItem, municipality: str | None, solution_code: str, now: dt.datetime
) -> Event:
    kind_word = "KLIK-opgave" if item.kind == "task" else "Aftale til underskrift"
    fuzzy = "" if item.deadline.is_exact else f" (senest; »{item.deadline.raw}«)"
    lines = [
        f"{kind_word}{f' – {solution_code}' if solution_code else ''}.",
        _fuzzy_text(item),
        *_zone_warning(item),
        _status_text(item, municipality),
        f"Kilde: {item.source}",
    ]
    from icalendar import TRANSP, Event  # imported when a feed is built: keeps start-up lean

    return Event.new(
        uid=f"{_UID_PREFIX[item.kind]}-{item.key}@{UID_DOMAIN}",
        stamp=now.astimezone(dt.UTC),
        start=item.day,
        end=item.day + dt.timedelta(days=1),
        summary=f"Frist{fuzzy}: {item.title}",
        description="\n".join(lines),
        categories=["KLIK-opgave" if item.kind == "task" else "Aftale", "Frist"],
        transparency=TRANSP.TRANSPARENT,
    )


def _zone_event(zone: ZoneWindow, now: dt.datetime) -> Event:
    start = render_fuzzy_date(zone.start, "da")
    end = render_fuzzy_date(zone.end, "da") if zone.end is not None else start
    kind = f"{zone.kind[:1].upper()}{zone.kind[1:]}"
    lines = [f"{kind} på {zone.name}: {start if start == end else f'{start} – {end}'}."]
    if not zone.exact:
        lines.append(
            f"De præcise dage kendes ikke; vist fra tidligst mulige start "
            f"({zone.first_day:%d.%m.%Y}) til senest mulige slut ({zone.last_day:%d.%m.%Y})."
        )
    lines.append(f"Træk rapporter før {zone.kind} starter – senest {zone.reports_before:%d.%m.%Y}.")
    if zone.blocked_actions:
        lines.append("Kommunen kan IKKE:")
        lines.extend(f"- {action}" for action in zone.blocked_actions)
    if zone.closed_access:
        lines.append(zone.closed_access.replace("; ", ". ").rstrip(".") + ".")
    lines.append(f"Kilde: {zone.source}")
    from icalendar import TRANSP, Event  # imported when a feed is built: keeps start-up lean

    return Event.new(
        uid=f"{_UID_PREFIX['frozen_zone']}-{zone.key}@{UID_DOMAIN}",
        stamp=now.astimezone(dt.UTC),
        start=zone.first_day,
        end=zone.last_day + dt.timedelta(days=1),
        summary=f"{kind}: {zone.name}",
        description="\n".join(lines),
        categories=["Frozen zone"],
        transparency=TRANSP.TRANSPARENT,
    )


def build_calendar(
    snapshot: DataSnapshot,
    now: dt.datetime,
    *,
    municipality: str | None = None,
    solution: str | None = None,
    calendar: DanishCalendar | None = None,
    rules: ReminderRules | None = None,
) -> bytes:
    """The feed as iCalendar bytes; ``municipality``/``solution`` are resolved keys.

    With ``municipality`` only deadlines that municipality has not closed are included
    (frozen zones concern everybody); with ``solution`` only that solution's items.
    ``now`` (timezone-aware) becomes every event's DTSTAMP.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    rules = rules or ReminderRules()
    zones = _zone_windows(snapshot, calendar or DanishCalendar(), rules.frozen_zone_kinds)
    zones = tuple(z for z in zones if solution is None or z.solution == solution)
    events: list[Event] = [_zone_event(zone, now) for zone in zones]
    for item in deadline_items(snapshot, zones):
        if solution is not None and item.solution != solution:
            continue
        if municipality is not None and municipality not in (*item.missing, *item.unknown):
            continue
        code = snapshot.solutions[item.solution].code if item.solution in snapshot.solutions else ""
        events.append(_deadline_event(item, municipality, code, now))
    events.sort(key=lambda e: (e.start, str(e.get("UID"))))

    name = " – ".join(
        part
        for part in (
            "KOMBIT-frister",
            municipality,
            snapshot.solutions[solution].code if solution in snapshot.solutions else solution,
        )
        if part
    )
    uid_scope = "-".join(_key(p) for p in (municipality or "alle", solution or "alle"))
    from icalendar import Calendar, Timezone

    ical = Calendar.new(
        name=name,
        description="KLIK-opgaver, aftaler og frozen zones fra KOMBITs programledermøder.",
        prodid=PRODID,
        method="PUBLISH",
        calscale="GREGORIAN",
        refresh_interval=REFRESH,
        uid=f"calendar-{uid_scope}@{UID_DOMAIN}",
    )
    ical.add("X-WR-TIMEZONE", TIMEZONE)
    ical.add("X-PUBLISHED-TTL", REFRESH)
    days = [e.start for e in events]
    if days:
        first, last = min(days), max(days)
        ical.add_component(
            Timezone.from_tzid(
                TIMEZONE,
                first_date=dt.date(first.year, 1, 1),
                last_date=dt.date(last.year + 1, 12, 31),
            )
        )
    for event in events:
        ical.add_component(event)
    body: bytes = ical.to_ical()
    return body


# --------------------------------------------------------------------------- HTTP


class SnapshotSource(Protocol):
    """What the handler needs from the store (``store.repository.Store`` fits)."""

    async def snapshot(self) -> DataSnapshot: ...


def _not_found(text: str) -> web.Response:
    return web.Response(status=404, text=text, content_type="text/plain", charset="utf-8")


def _echo(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= _ECHO_MAX else value[: _ECHO_MAX - 1] + "…"


def calendar_handler(
    store: SnapshotSource, clock: Callable[[], dt.datetime]
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """``GET /calendar.ics?kommune=Vejle&projekt=SAPA`` – both parameters optional.

    An unknown or inexact name is a 404 with a plain explanation (never a guess); a
    database that cannot be reached is a 503, so Outlook keeps its copy and tries later.
    """

    async def calendar(request: web.Request) -> web.Response:
        kommune = request.query.get("kommune", "").strip()
        projekt = request.query.get("projekt", "").strip()
        try:
            snapshot = await store.snapshot()
        except Exception as error:
            if not is_database_unavailable(error):
                raise
            log.warning("calendar feed: database unavailable")
            return web.Response(
                status=503,
                text="Kalenderen kan ikke hentes lige nu – prøv igen om lidt.",
                headers={"Retry-After": "60"},
            )
        municipality = find_municipality(snapshot, kommune) if kommune else None
        if kommune and municipality is None:
            return _not_found(
                f"Ukendt kommune: »{_echo(kommune)}«. Skriv kommunens navn præcist, "
                "fx kommune=Vejle eller kommune=Høje-Taastrup.\n"
                f"Unknown municipality: »{_echo(kommune)}«. Use the exact name, e.g. kommune=Vejle.\n"
            )
        solution = find_solution(snapshot, projekt) if projekt else None
        if projekt and solution is None:
            codes = ", ".join(sorted(s.code for s in snapshot.solutions.values() if s.code))
            return _not_found(
                f"Ukendt projekt: »{_echo(projekt)}«. Kendte projekter: {codes}.\n"
                f"Unknown project: »{_echo(projekt)}«. Known projects: {codes}.\n"
            )
        body = build_calendar(snapshot, clock(), municipality=municipality, solution=solution)
        return web.Response(
            body=body,
            content_type="text/calendar",
            charset="utf-8",
            headers={"Content-Disposition": 'inline; filename="kombit.ics"'},
        )

    return calendar
