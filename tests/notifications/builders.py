"""Small hand-made snapshots for the edge cases the real data does not have.

Four municipalities (two of them the near pair Vejle/Vejen) are enough to show who is
listed and who is not; dates are written as on the slides and read by the real parser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from kombitbot.dates import FuzzyDate, parse_fuzzy_date
from store.snapshot import (
    Agreement,
    DataSnapshot,
    FrozenZone,
    Municipality,
    MunicipalityStatus,
    Solution,
    StatusCounts,
    Task,
)

REGIONS = {
    "Vejle": "Syddanmark",
    "Vejen": "Syddanmark",
    "Aarhus": "Midtjylland",
    "København": "Hovedstaden",
}
ALIASES = {"Aarhus": ("Århus",), "København": ("Kbh",)}
SOLUTIONS = {
    "sapa": Solution(
        "sapa", "SAPA", "Fælleskommunalt Sags- og Partsoverblik", "", ("Sags- og Partsoverblik",)
    ),
    "sp": Solution("sp", "SP", "Serviceplatformen", "", ("Serviceplatformen",)),
    "flis": Solution("flis", "FLIS", "Fælleskommunalt Ledelsesinformationssystem", "", ()),
}
STATUS_DAY = dt.date(2025, 11, 20)
DECK = "002_deck.txt"


def fuzzy(raw: str, context: dt.date = dt.date(2025, 11, 20)) -> FuzzyDate:
    value = parse_fuzzy_date(raw, context=context)
    assert value is not None
    return value


def statuses(by_municipality: Mapping[str, str]) -> dict[str, MunicipalityStatus]:
    return {
        name: MunicipalityStatus(
            municipality=name,
            status=status,
            derived=False,
            status_as_of=STATUS_DAY,
            status_as_of_raw="20.11.25",
            source=f"{DECK} | Danmarkskort",
            notes="",
        )
        for name, status in by_municipality.items()
    }


def task(
    key: str,
    end: str | None,
    status: Mapping[str, str] | None = None,
    *,
    solution: str | None = "sapa",
    code: str = "K49",
    title: str = "Kvalitetssikre SAPA-systemejer",
    counts: Iterable[StatusCounts] = (),
) -> Task:
    return Task(
        key=key,
        solution=solution,
        project=SOLUTIONS[solution].code if solution else "",
        code=code,
        title=title,
        start=None,
        end=fuzzy(end) if end else None,
        mandatory=None,
        target_role="",
        notes="",
        meeting="PLM",
        source=f"{DECK} | KLIK-opgaver",
        counts=tuple(counts),
        statuses=statuses(status or {}),
    )


def agreement(
    key: str,
    deadline: str | None,
    signatures: Mapping[str, str] | None = None,
    *,
    solution: str | None = "flis",
    title: str = "Databehandleraftale - ny skabelon",
    related_task: str | None = None,
) -> Agreement:
    return Agreement(
        key=key,
        solution=solution,
        solution_as_written=SOLUTIONS[solution].code if solution else "",
        title=title,
        kind="databehandleraftale",
        kind_as_written="databehandleraftale",
        sent=None,
        sent_to="KOMBIT-programledere",
        deadline=fuzzy(deadline) if deadline else None,
        notes="",
        related_task=related_task,
        status_as_of=STATUS_DAY if signatures else None,
        status_as_of_raw="20.11.25" if signatures else "",
        meeting="PLM",
        source=f"{DECK} | Overblik over aftaler",
        signatures=statuses(signatures or {}),
    )


def zone(
    key: str,
    start: str | None,
    end: str | None,
    *,
    kind: str = "frozen zone",
    blocked: tuple[str, ...] = ("oprette og administrere serviceaftaler", "trække rapporter"),
    solution: str | None = "sp",
) -> FrozenZone:
    return FrozenZone(
        key=key,
        solution=solution,
        system="Serviceplatformen",
        environment="PRODUKTION",
        kind=kind,
        start=fuzzy(start) if start else None,
        end=fuzzy(end) if end else None,
        calendar_shown="",
        blocked_actions=blocked,
        closed_access="Der er lukket for log-in til Fælleskommunalt Administrationsmodul",
        notes="",
        meeting="PLM",
        source=f"{DECK} | Frozen zone",
    )


def snapshot(
    tasks: Iterable[Task] = (),
    agreements: Iterable[Agreement] = (),
    zones: Iterable[FrozenZone] = (),
) -> DataSnapshot:
    return DataSnapshot(
        version=1,
        municipalities={
            name: Municipality(
                name, f"{name} Kommune", region, f"Region {region}", ALIASES.get(name, ())
            )
            for name, region in REGIONS.items()
        },
        solutions=dict(SOLUTIONS),
        meetings={},
        tasks={t.key: t for t in tasks},
        agreements={a.key: a for a in agreements},
        frozen_zones={z.key: z for z in zones},
        contacts=(),
        rollout_waves=(),
        actions={},
        latest_deck_day=STATUS_DAY,
        deck_labels={DECK: "Programledermøde november 2025"},
    )


def everyone(status: str) -> dict[str, str]:
    return dict.fromkeys(REGIONS, status)
