"""The built-in dataset: KOMBIT's tables load completely, faithfully and only once."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from store.db import create_engine
from store.models import (
    Agreement,
    AgreementSignature,
    Contact,
    FrozenZone,
    Import,
    KlikTask,
    KlikTaskStatusCount,
    Meeting,
    Municipality,
    MunicipalityAlias,
    MunicipalityVisit,
    ProgrammeLeaderAction,
    RecordedPoll,
    RolloutWave,
)
from store.repository import BUILTIN_DATA_DIR, Store
from tests.support.snapshots import snapshot

SOURCES = Path(__file__).resolve().parents[1] / "fixtures" / "SOURCES.md"


def csv_rows(name: str) -> list[dict[str, str]]:
    with (BUILTIN_DATA_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def recorded_checksums() -> dict[str, str]:
    """KOMBIT's tables as handed over: file name -> SHA-256, from tests/fixtures/SOURCES.md."""
    found = re.findall(
        r"^\| `store/data/([\w.]+\.csv)` \| `([0-9a-f]{64})` \|$", SOURCES.read_text(), re.M
    )
    return dict(found)


def test_the_builtin_dataset_is_a_faithful_copy_of_kombits_tables() -> None:
    checksums = recorded_checksums()
    assert len(checksums) == 11
    for name, checksum in checksums.items():
        assert hashlib.sha256((BUILTIN_DATA_DIR / name).read_bytes()).hexdigest() == checksum, name


@pytest.fixture
async def store(database_url: str):  # type: ignore[no-untyped-def]
    store = Store(create_engine(database_url))
    yield store
    await store.close()


async def count(store: Store, model: type) -> int:
    async with store.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    ("model", "csv_name"),
    [
        (Municipality, "municipalities.csv"),
        (KlikTask, "klik_tasks.csv"),
        (Agreement, "agreements.csv"),
        (AgreementSignature, "agreement_signatures.csv"),
        (FrozenZone, "frozen_zones.csv"),
        (Meeting, "meetings.csv"),
        (Contact, "contacts.csv"),
        (RolloutWave, "rollout_waves.csv"),
        (RecordedPoll, "polls.csv"),
        (ProgrammeLeaderAction, "programme_leader_actions.csv"),
        (MunicipalityVisit, "municipality_visits.csv"),
    ],
)
async def test_every_row_of_every_table_is_loaded(store: Store, model: type, csv_name: str) -> None:
    assert await count(store, model) == len(csv_rows(csv_name))


async def test_all_98_municipalities_with_their_regions_and_aliases(store: Store) -> None:
    async with store.sessions() as session:
        vejle = await session.scalar(select(Municipality).where(Municipality.name == "Vejle"))
        assert vejle is not None and vejle.region == "Syddanmark"
        query = select(MunicipalityAlias.alias, Municipality.name).join(Municipality)
        owners = {alias: name for alias, name in (await session.execute(query)).all()}
    assert await count(store, Municipality) == 98
    assert owners["Kbh"] == "København"
    assert owners["Åbenrå"] == "Aabenraa"
    assert owners["Bornholms Regionskommune"] == "Bornholm"
    assert owners["Høje Taastrup"] == "Høje-Taastrup"


async def test_signatures_keep_missing_apart_from_derived_signed(store: Store) -> None:
    async with store.sessions() as session:
        rows = (
            await session.execute(
                select(
                    AgreementSignature.status, AgreementSignature.derived, func.count()
                ).group_by(AgreementSignature.status, AgreementSignature.derived)
            )
        ).all()
        vejle = await session.scalar(
            select(AgreementSignature).join(Municipality).where(Municipality.name == "Vejle")
        )
    assert sorted(rows) == [("missing", False, 83), ("signed", True, 15)]
    assert vejle is not None
    assert vejle.status == "missing"
    assert vejle.status_as_of == dt.date(2025, 11, 20)
    assert vejle.status_as_of_raw == "20.11.25"
    assert "Følgende 83 kommuner mangler underskrift" in vejle.source


async def test_fuzzy_deadlines_keep_their_text_range_and_precision(store: Store) -> None:
    async with store.sessions() as session:
        sapa = await session.scalar(select(KlikTask).where(KlikTask.key == "T002-08"))
        flis = await session.scalar(select(Agreement).where(Agreement.key == "A002-09"))
    assert sapa is not None and flis is not None
    end = sapa.fuzzy("end")
    assert end is not None
    assert (end.raw, end.earliest, end.latest, end.precision.value) == (
        "Medio/ultimo dec",
        dt.date(2025, 12, 11),
        dt.date(2025, 12, 31),
        "part_of_month",
    )
    assert end.year_inferred
    deadline = flis.fuzzy("deadline")
    assert deadline is not None and deadline.earliest == deadline.latest == dt.date(2025, 12, 5)
    assert flis.kind == "databehandleraftale"
    assert flis.solution_as_written == "FLIS"


async def test_task_counts_are_kept_with_their_status_date(store: Store) -> None:
    async with store.sessions() as session:
        counts = (
            await session.execute(
                select(
                    KlikTask.key,
                    KlikTaskStatusCount.completed,
                    KlikTaskStatusCount.started,
                    KlikTaskStatusCount.not_started,
                    KlikTaskStatusCount.status_as_of,
                )
                .join(KlikTask)
                .order_by(KlikTask.key)
            )
        ).all()
    assert ("T001-01", 31, 8, 59, dt.date(2020, 9, 25)) in counts
    assert len(counts) == 4


async def test_meeting_agenda_is_split_into_items_with_presenters(store: Store) -> None:
    async with store.sessions() as session:
        meeting = await session.scalar(select(Meeting).where(Meeting.key == "PLM-2020-03"))
        assert meeting is not None
        await session.refresh(meeting, ["agenda_items"])
        items = [(i.time_raw, i.title, i.presenters) for i in meeting.agenda_items]
    assert meeting.date_earliest == dt.date(2020, 3, 30)
    assert items[2] == (
        "10.25 - 10.40",
        "KOMBIT, kommunerne og coronakrisen",
        "Peter Egelund/KOMBIT",
    )
    assert items[1][2] == "Rasmus Edelberg/KL og Hans Christian Jelstrup/ATP"


async def test_frozen_zone_lists_what_cannot_be_done(store: Store) -> None:
    async with store.sessions() as session:
        zone = await session.scalar(select(FrozenZone).where(FrozenZone.key == "FZ-03"))
        assert zone is not None
        await session.refresh(zone, ["blocked_actions"])
    actions = [a.action for a in zone.blocked_actions]
    assert len(actions) == 7
    assert actions[0] == "oprette og administrere serviceaftaler"
    assert "trække rapporter fra brugergrænsefladen (så gør det før frozen-zone)" in actions
    assert (zone.start_earliest, zone.end_latest) == (dt.date(2020, 11, 1), dt.date(2020, 12, 31))


async def test_loading_again_on_a_database_with_data_changes_nothing(store: Store) -> None:
    before = await snapshot(store)
    result = await store.load_builtin_if_empty()
    assert result.skipped
    assert await snapshot(store) == before
    assert await count(store, Import) == 1
