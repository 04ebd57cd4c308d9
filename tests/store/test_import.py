"""Importing CSV/XLSX: all rows are checked first; any bad row means nothing is written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from store.db import create_engine
from store.importing import ImportFile, ImportRejected, import_files
from store.models import AgreementSignature, Import, KlikTask, KlikTaskStatus, Municipality
from store.repository import BUILTIN_DATA_DIR, Store
from tests.support.snapshots import snapshot

TASK_HEADER = [
    "task_id",
    "project",
    "code",
    "title",
    "start_raw",
    "end_raw",
    "year_inferred",
    "mandatory",
    "target_role",
    "notes",
    "completed",
    "started",
    "not_started",
    "status_as_of",
    "meeting",
    "meeting_id",
    "source",
]


def task_row(n: int, **overrides: str) -> dict[str, str]:
    row = dict.fromkeys(TASK_HEADER, "")
    row.update(
        task_id=f"T900-{n:03d}",
        project="SAPA",
        code=f"Z{n}",
        title=f"Testopgave {n}",
        start_raw="01.12.2025",
        end_raw="Ultimo jan.",
        year_inferred="2026",
        meeting_id="PLM-2025-udateret",
        source="test | import",
    )
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict[str, str]], header: list[str] = TASK_HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
async def store(database_url: str):  # type: ignore[no-untyped-def]
    store = Store(create_engine(database_url))
    yield store
    await store.close()


async def test_one_bad_row_among_a_hundred_writes_nothing_and_names_the_row(store: Store) -> None:
    rows = [task_row(n) for n in range(1, 101)]
    rows.insert(57, task_row(500, end_raw="31.13.2025"))  # file line 59 (header is line 1)
    before = await snapshot(store)

    with pytest.raises(ImportRejected) as rejected:
        await import_files(store.sessions, [ImportFile("klik_tasks.csv", csv_bytes(rows))])

    [error] = rejected.value.errors
    assert (error.file, error.line, error.column) == ("klik_tasks.csv", 59, "end_raw")
    assert "31.13.2025" in error.reason
    assert await snapshot(store) == before


async def test_every_bad_row_is_reported_not_just_the_first(store: Store) -> None:
    rows = [
        task_row(1, meeting_id="PLM-1999-01"),
        task_row(2),
        task_row(3, completed="mange"),
        task_row(2),  # same task id as line 3
        task_row(4, task_id=""),
    ]
    with pytest.raises(ImportRejected) as rejected:
        await import_files(store.sessions, [ImportFile("klik_tasks.csv", csv_bytes(rows))])
    located = sorted((e.line, e.column) for e in rejected.value.errors)
    assert located == [(2, "meeting_id"), (4, "completed"), (5, ""), (6, "task_id")]


async def test_importing_the_same_file_twice_equals_importing_it_once(store: Store) -> None:
    file = ImportFile("klik_tasks.csv", csv_bytes([task_row(n) for n in range(1, 101)]))
    first = await import_files(store.sessions, [file])
    after_first = await snapshot(store)
    second = await import_files(store.sessions, [file])

    assert (first.inserted, first.updated) == (100, 0)
    assert (second.inserted, second.updated) == (0, 0)
    assert await snapshot(store) == after_first


async def test_reimporting_the_builtin_files_changes_nothing(store: Store) -> None:
    before = await snapshot(store)
    files = [ImportFile.from_path(p) for p in sorted(BUILTIN_DATA_DIR.glob("*.csv"))]
    result = await import_files(store.sessions, files)
    assert not result.changed
    assert await snapshot(store) == before


async def test_a_changed_row_updates_that_fact_and_records_the_import(store: Store) -> None:
    await import_files(
        store.sessions, [ImportFile("klik_tasks.csv", csv_bytes([task_row(1), task_row(2)]))]
    )
    changed = ImportFile(
        "klik_tasks.csv", csv_bytes([task_row(1, end_raw="15.02.2026"), task_row(2)])
    )
    result = await import_files(store.sessions, [changed], imported_by="test")

    assert (result.inserted, result.updated) == (0, 1)
    async with store.sessions() as session:
        task = await session.scalar(select(KlikTask).where(KlikTask.key == "T900-001"))
        assert task is not None
        last_import = await session.get(Import, task.import_id)
    assert task.end_raw == "15.02.2026"
    assert last_import is not None and last_import.imported_by == "test"


async def test_an_xlsx_workbook_imports_like_the_csv(store: Store, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "klik_tasks"
    sheet.append(TASK_HEADER)
    for n in range(1, 4):
        sheet.append([task_row(n)[c] for c in TASK_HEADER])
    path = tmp_path / "opgaver.xlsx"
    workbook.save(path)

    result = await import_files(store.sessions, [ImportFile.from_path(path)])
    again_as_csv = await import_files(
        store.sessions,
        [ImportFile("klik_tasks.csv", csv_bytes([task_row(n) for n in range(1, 4)]))],
    )
    assert result.tables == {"opgaver.xlsx:klik_tasks": "klik_tasks"}
    assert result.inserted == 3
    assert not again_as_csv.changed


async def test_signature_statuses_distinguish_unknown_and_derived(store: Store) -> None:
    header = ["agreement_id", "municipality", "status", "status_as_of", "source"]
    rows = [
        {
            "agreement_id": "A002-09",
            "municipality": "Vejle",
            "status": "underskrevet",
            "status_as_of": "01.12.2025",
            "source": "t",
        },
        {
            "agreement_id": "A002-09",
            "municipality": "Vejen",
            "status": "status ukendt",
            "status_as_of": "01.12.2025",
            "source": "t",
        },
        {
            "agreement_id": "A002-09",
            "municipality": "Horsens",
            "status": "underskrevet (udledt)",
            "status_as_of": "01.12.2025",
            "source": "t",
        },
    ]
    await import_files(
        store.sessions, [ImportFile("agreement_signatures.csv", csv_bytes(rows, header))]
    )
    async with store.sessions() as session:
        statuses = (
            await session.execute(
                select(Municipality.name, AgreementSignature.status, AgreementSignature.derived)
                .join(AgreementSignature.municipality)
                .where(AgreementSignature.agreement.has(key="A002-09"))
                .order_by(Municipality.name)
            )
        ).all()
    assert [tuple(s) for s in statuses] == [
        ("Horsens", "signed", True),
        ("Vejen", "unknown", False),
        ("Vejle", "signed", False),
    ]


async def test_per_municipality_task_statuses_import(store: Store) -> None:
    header = ["task_id", "municipality", "status", "status_as_of", "source"]
    rows = [
        {
            "task_id": "T002-07",
            "municipality": "Vejle",
            "status": "Fuldført",
            "status_as_of": "01.12.2025",
            "source": "KLIK",
        },
        {
            "task_id": "T002-07",
            "municipality": "Vejen",
            "status": "Ikke påbegyndt",
            "status_as_of": "01.12.2025",
            "source": "KLIK",
        },
    ]
    result = await import_files(
        store.sessions, [ImportFile("klik_task_statuses.csv", csv_bytes(rows, header))]
    )
    assert result.inserted == 2
    async with store.sessions() as session:
        statuses = set((await session.execute(select(KlikTaskStatus.status))).scalars())
    assert statuses == {"completed", "not_started"}


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "municipalities.csv",
            b"name,region\nVejle,Syddanmark\n",
            "required column is missing",
        ),
        ("noter.csv", b"foo,bar\n1,2\n", "cannot tell which table"),
        ("klik_tasks.csv", b"\xff\xfe\x00garbage", "not UTF-8"),
        ("klik_tasks.pdf", b"%PDF", "unsupported file type"),
        ("klik_tasks.xlsx", b"not a zip", "not a readable XLSX"),
    ],
)
async def test_unreadable_or_unknown_files_are_refused_with_a_reason(
    store: Store, name: str, content: bytes, reason: str
) -> None:
    before = await snapshot(store)
    with pytest.raises(ImportRejected) as rejected:
        await import_files(store.sessions, [ImportFile(name, content)])
    assert any(reason in e.reason and e.file.startswith(name) for e in rejected.value.errors)
    assert await snapshot(store) == before


async def test_a_municipality_must_be_named_by_its_key_and_aliases_are_hinted(store: Store) -> None:
    header = ["agreement_id", "municipality", "status", "status_as_of", "source"]
    rows = [
        {
            "agreement_id": "A002-09",
            "municipality": "Kbh",
            "status": "underskrevet",
            "status_as_of": "01.12.2025",
            "source": "t",
        }
    ]
    with pytest.raises(ImportRejected) as rejected:
        await import_files(
            store.sessions, [ImportFile("agreement_signatures.csv", csv_bytes(rows, header))]
        )
    [error] = rejected.value.errors
    assert error.column == "municipality"
    assert "'København'" in error.reason


async def test_every_kind_of_bad_cell_is_reported_in_one_go_and_nothing_is_written(
    store: Store,
) -> None:
    """Bad bytes, an over-long field, a NUL, a date that is no date and a formula: each named
    with its line and column, the good rows around them unharmed, nothing written."""
    rows = [
        task_row(1),
        task_row(2, title="Opgave med \x00 i titlen"),
        task_row(3, end_raw="ikke en dato"),
        task_row(4, notes='=HYPERLINK("https://evil.example","klik")'),
        task_row(5, title="x" * 5000),
        task_row(6, notes="@SUM(A1:A9)"),
        task_row(7, notes="-2+3"),
        task_row(8, notes="- en punktopstilling er tekst"),
        task_row(9, title="x" * 200_000),  # beyond the csv module's field limit
        task_row(10, title="BAD-BYTES"),
        task_row(11),
    ]
    content = csv_bytes(rows).replace(b"BAD-BYTES", b"d\xe5rlig \xff")  # Latin-1, not UTF-8
    before = await snapshot(store)
    with pytest.raises(ImportRejected) as rejected:
        await import_files(store.sessions, [ImportFile("klik_tasks.csv", content)])
    found = {(e.line, e.column): e.reason for e in rejected.value.errors}
    assert "control character (U+0000)" in found[(3, "title")]
    assert "'ikke en dato' is not a date" in found[(4, "end_raw")]
    assert "formula" in found[(5, "notes")]
    assert "5,000 characters long" in found[(6, "title")]
    assert "formula" in found[(7, "notes")]
    assert "formula" in found[(8, "notes")]
    assert "field larger than field limit" in found[(10, "")]
    assert "not UTF-8" in found[(11, "")]
    assert len(found) == 8  # rows 1, 8 ("- " is a bullet) and 11 are fine
    assert await snapshot(store) == before
