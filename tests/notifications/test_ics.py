"""The Outlook calendar feed: every deadline and frozen zone as an all-day event.

The feed is parsed back with ``icalendar`` and checked the way Outlook reads it: stable
UIDs, all-day dates, fuzzy deadlines on their latest day with a description that says so,
and filters by municipality (only what it still has open) and project.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar, Event

from notifications.ics import build_calendar, calendar_handler, find_municipality, find_solution
from store.snapshot import DataSnapshot
from tests.notifications.builders import agreement, snapshot, task, zone

D = dt.date
NOW = dt.datetime(2025, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))

SNAP = snapshot(
    tasks=[
        task("T1", "15.12.2025", {"Vejle": "not_started", "Vejen": "completed"}),
        task("T2", "Ultimo Jan. 2026", title="Konfigurer og åbn for fordringer", code=""),
        task("T3", "16.12.2026", title="Opdater certifikater", code="ADG_1", solution="sp"),
    ],
    agreements=[
        agreement("A1", "05.12.2025", {"Vejle": "missing", "Vejen": "signed"}),
        agreement("A2", "Uafklaret"),
    ],
    zones=[zone("FZ1", "14.12.2026", "18.12.2026")],
)


def parse(feed: bytes) -> tuple[Calendar, dict[str, Event]]:
    calendar = Calendar.from_ical(feed)
    events = {str(event["UID"]): event for event in calendar.events}
    return calendar, events


def dates(event: Event) -> tuple[dt.date, dt.date]:
    return event.decoded("DTSTART"), event.decoded("DTEND")


def test_every_dated_deadline_and_zone_is_an_all_day_event_with_a_stable_uid() -> None:
    _, events = parse(build_calendar(SNAP, NOW))
    assert set(events) == {
        "task-T1@kombitbot",
        "task-T2@kombitbot",
        "task-T3@kombitbot",
        "agreement-A1@kombitbot",
        "frozen-zone-FZ1@kombitbot",
    }  # "Uafklaret" has no day to show
    assert dates(events["task-T1@kombitbot"]) == (D(2025, 12, 15), D(2025, 12, 16))
    assert not isinstance(events["task-T1@kombitbot"].decoded("DTSTART"), dt.datetime)
    assert dates(events["frozen-zone-FZ1@kombitbot"]) == (D(2026, 12, 14), D(2026, 12, 19))
    # The same data an hour later: the same events, only DTSTAMP moves.
    _, later = parse(build_calendar(SNAP, NOW + dt.timedelta(hours=1)))
    assert {uid: dates(e) for uid, e in later.items()} == {
        uid: dates(e) for uid, e in events.items()
    }
    assert events["task-T1@kombitbot"].decoded("DTSTAMP") == NOW.astimezone(dt.UTC)


def test_the_calendar_is_named_and_in_copenhagen_time() -> None:
    calendar, _ = parse(build_calendar(SNAP, NOW))
    assert str(calendar["X-WR-CALNAME"]) == "KOMBIT-frister"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Copenhagen"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    assert str(calendar["METHOD"]) == "PUBLISH"


def test_summary_and_description_are_danish_and_cite_the_source() -> None:
    _, events = parse(build_calendar(SNAP, NOW))
    t1 = events["task-T1@kombitbot"]
    assert str(t1["SUMMARY"]) == "Frist: SAPA K49 – Kvalitetssikre SAPA-systemejer"
    description = str(t1["DESCRIPTION"])
    assert "KLIK-opgave – SAPA." in description
    assert "Frist: 15.12.2025 (præcis dato)." in description
    assert "Kilde: Programledermøde november 2025, slide »KLIK-opgaver«" in description
    a1 = events["agreement-A1@kombitbot"]
    assert str(a1["SUMMARY"]) == "Frist: FLIS: Databehandleraftale - ny skabelon"
    assert (
        "Mangler underskrift: 1 kommuner (Vejle); status ukendt: 2 kommuner (status opgjort 20.11.25)."
        in str(a1["DESCRIPTION"])
    )


def test_a_fuzzy_deadline_sits_on_its_latest_day_and_says_so() -> None:
    _, events = parse(build_calendar(SNAP, NOW))
    t2 = events["task-T2@kombitbot"]
    assert dates(t2) == (D(2026, 1, 31), D(2026, 2, 1))
    assert (
        str(t2["SUMMARY"])
        == "Frist (senest; »Ultimo Jan. 2026«): SAPA Konfigurer og åbn for fordringer"
    )
    assert (
        "Fristen er skrevet »Ultimo Jan. 2026« (ultimo januar 2026 (senest 31.01.2026)) – "
        "upræcis (del af en måned). Lagt i kalenderen på den senest mulige dag, 31.01.2026."
    ) in str(t2["DESCRIPTION"])


def test_a_frozen_zone_lists_what_is_closed_and_a_deadline_in_it_warns() -> None:
    _, events = parse(build_calendar(SNAP, NOW))
    fz = events["frozen-zone-FZ1@kombitbot"]
    assert str(fz["SUMMARY"]) == "Frozen zone: Serviceplatformen PRODUKTION"
    description = str(fz["DESCRIPTION"])
    assert "Træk rapporter før frozen zone starter – senest 11.12.2026." in description
    assert "Kommunen kan IKKE:\n- oprette og administrere serviceaftaler" in description
    assert (
        "Advarsel: fristen kan falde i frozen zone på Serviceplatformen PRODUKTION (14.12.2026–18.12.2026)."
        in str(events["task-T3@kombitbot"]["DESCRIPTION"])
    )


def test_a_municipality_sees_only_what_it_still_has_open() -> None:
    calendar, vejen = parse(build_calendar(SNAP, NOW, municipality="Vejen"))
    assert str(calendar["X-WR-CALNAME"]) == "KOMBIT-frister – Vejen"
    # Vejen completed T1 and signed A1; T2/T3 have no status (unknown) and zones concern all.
    assert set(vejen) == {"task-T2@kombitbot", "task-T3@kombitbot", "frozen-zone-FZ1@kombitbot"}
    assert "Vejen: status ukendt." in str(vejen["task-T2@kombitbot"]["DESCRIPTION"])
    _, vejle = parse(build_calendar(SNAP, NOW, municipality="Vejle"))
    assert {"task-T1@kombitbot", "agreement-A1@kombitbot"} <= set(vejle)
    assert "Vejle: mangler underskrift (status opgjort 20.11.25)." in str(
        vejle["agreement-A1@kombitbot"]["DESCRIPTION"]
    )
    assert "Vejle: ikke fuldført (status opgjort 20.11.25)." in str(
        vejle["task-T1@kombitbot"]["DESCRIPTION"]
    )


def test_a_project_sees_only_its_own_items() -> None:
    calendar, events = parse(build_calendar(SNAP, NOW, municipality="Vejle", solution="sapa"))
    assert str(calendar["X-WR-CALNAME"]) == "KOMBIT-frister – Vejle – SAPA"
    assert set(events) == {"task-T1@kombitbot", "task-T2@kombitbot"}
    _, sp = parse(build_calendar(SNAP, NOW, solution="sp"))
    assert set(sp) == {"task-T3@kombitbot", "frozen-zone-FZ1@kombitbot"}


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError):
        build_calendar(SNAP, dt.datetime(2025, 11, 25, 10, 0))


# --- names: exact or alias, never a near name --------------------------------------------------


@pytest.mark.parametrize(
    ("written", "found"),
    [
        ("Vejle", "Vejle"),
        ("vejle", "Vejle"),
        ("Vejle Kommune", "Vejle"),
        ("Vejen", "Vejen"),
        ("Vejl", None),
        ("Vejlee", None),
        ("Århus", "Aarhus"),
        ("aarhus", "Aarhus"),
        ("Kbh", "København"),
        ("Københavns Kommune", "København"),
        ("Kobenhavn", "København"),
        ("Høje Taastrup", "Høje-Taastrup"),
        ("hoeje-taastrup", "Høje-Taastrup"),
        ("Åbenrå", "Aabenraa"),
        ("Hørsholm", "Hørsholm"),
        ("Horsens", "Horsens"),
        ("Allerød", "Allerød"),
        ("", None),
        ("kommune", None),
    ],
)
def test_municipality_names_match_exactly(
    builtin_snapshot: DataSnapshot, written: str, found: str | None
) -> None:
    assert find_municipality(builtin_snapshot, written) == found


def test_every_real_name_and_alias_finds_its_own_municipality(
    builtin_snapshot: DataSnapshot,
) -> None:
    for municipality in builtin_snapshot.municipalities.values():
        for name in (municipality.name, municipality.official_name, *municipality.aliases):
            assert find_municipality(builtin_snapshot, name) == municipality.name, name
            assert find_municipality(builtin_snapshot, name.upper()) == municipality.name, name


@pytest.mark.parametrize(
    ("written", "found"),
    [
        ("SAPA", "sapa"),
        ("sapa", "sapa"),
        ("Serviceplatformen", "sp"),
        ("FKI-SP", "fki-sp"),
        ("KY", "ky"),
        ("SAP", None),
    ],
)
def test_project_names_match_exactly(
    builtin_snapshot: DataSnapshot, written: str, found: str | None
) -> None:
    assert find_solution(builtin_snapshot, written) == found


# --- the real dataset ---------------------------------------------------------------------------


def test_real_data_feed_for_vejle(builtin_snapshot: DataSnapshot) -> None:
    _, events = parse(build_calendar(builtin_snapshot, NOW, municipality="Vejle"))
    standards = events["agreement-A002-01@kombitbot"]
    assert dates(standards) == (D(2025, 12, 15), D(2025, 12, 16))
    assert "Vejle: mangler underskrift (status opgjort 20.11.25)." in str(standards["DESCRIPTION"])
    assert dates(events["frozen-zone-FZ-03@kombitbot"]) == (D(2020, 11, 1), D(2021, 1, 1))
    assert dates(events["task-T002-01@kombitbot"]) == (
        D(2026, 1, 31),
        D(2026, 2, 1),
    )  # "Ultimo Jan."
    assert "agreement-A002-10@kombitbot" not in events  # "Uafklaret"
    assert "agreement-A002-09@kombitbot" not in events  # signed through KLIK task T002-06
    signed = next(
        name
        for name, s in builtin_snapshot.agreements["A002-01"].signatures.items()
        if s.status == "signed"
    )
    _, theirs = parse(build_calendar(builtin_snapshot, NOW, municipality=signed))
    assert "agreement-A002-01@kombitbot" not in theirs


# --- over HTTP -----------------------------------------------------------------------------------


class FakeStore:
    def __init__(self, snap: DataSnapshot | None, error: Exception | None = None) -> None:
        self._snap = snap
        self._error = error

    async def snapshot(self) -> DataSnapshot:
        if self._error is not None:
            raise self._error
        assert self._snap is not None
        return self._snap


async def _client(store: FakeStore) -> TestClient[web.Request, web.Application]:
    app = web.Application()
    app.router.add_get("/calendar.ics", calendar_handler(store, lambda: NOW))
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


@pytest.fixture
async def http(
    builtin_snapshot: DataSnapshot,
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    client = await _client(FakeStore(builtin_snapshot))
    yield client
    await client.close()


async def test_get_calendar_for_a_municipality_and_project(
    http: TestClient[web.Request, web.Application], builtin_snapshot: DataSnapshot
) -> None:
    response = await http.get("/calendar.ics", params={"kommune": "Vejle", "projekt": "SAPA"})
    assert response.status == 200
    assert response.content_type == "text/calendar"
    assert response.charset == "utf-8"
    calendar, events = parse(await response.read())
    assert str(calendar["X-WR-CALNAME"]) == "KOMBIT-frister – Vejle – SAPA"
    sapa = {
        *(
            f"task-{t.key}@kombitbot"
            for t in builtin_snapshot.tasks.values()
            if t.solution == "sapa"
        ),
        *(
            f"agreement-{a.key}@kombitbot"
            for a in builtin_snapshot.agreements.values()
            if a.solution == "sapa"
        ),
    }
    assert "agreement-A002-15@kombitbot" in events
    assert events and set(events) <= sapa


async def test_without_parameters_everything_is_served(
    http: TestClient[web.Request, web.Application],
) -> None:
    response = await http.get("/calendar.ics")
    assert response.status == 200
    _, events = parse(await response.read())
    assert "agreement-A002-01@kombitbot" in events


async def test_a_near_name_is_its_own_municipality_not_a_guess(
    http: TestClient[web.Request, web.Application],
) -> None:
    response = await http.get("/calendar.ics", params={"kommune": "vejen"})
    calendar, _ = parse(await response.read())
    assert str(calendar["X-WR-CALNAME"]) == "KOMBIT-frister – Vejen"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kommune": "Vejn"}, "Ukendt kommune: »Vejn«"),
        ({"kommune": "Vejle", "projekt": "SAAP"}, "Ukendt projekt: »SAAP«"),
    ],
)
async def test_an_unknown_name_is_a_404_that_says_why(
    http: TestClient[web.Request, web.Application], params: dict[str, str], message: str
) -> None:
    response = await http.get("/calendar.ics", params=params)
    assert response.status == 404
    assert response.content_type == "text/plain"
    assert message in await response.text()


async def test_a_database_outage_is_a_503_so_outlook_tries_again() -> None:
    client = await _client(FakeStore(None, ConnectionRefusedError("database down")))
    try:
        response = await client.get("/calendar.ics")
        assert response.status == 503
        assert "prøv igen om lidt" in await response.text()
    finally:
        await client.close()
