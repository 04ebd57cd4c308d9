"""Fuzzy Danish dates: every date written in the built-in data, the spec's forms, rendering.

The big table is the specification for the data: one row per distinct raw date value in
``store/data/*.csv``, with the year hint or context it needs and the interval it denotes,
written out by hand.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Literal, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kombitbot.dates import (
    FuzzyDate,
    FuzzyDateError,
    Precision,
    parse_fuzzy_date,
    parse_year_hint,
    render_fuzzy_date,
)

P = Precision
DATA_DIR = Path(__file__).resolve().parents[2] / "store" / "data"
RAW_COLUMNS = (
    "start_raw",
    "end_raw",
    "sent_raw",
    "deadline_raw",
    "date_raw",
    "go_live_raw",
    "status_as_of",
    "calendar_shown",
)
# The day each deck was (probably) presented: the context for dates written without a year.
MEETING_CONTEXT = {
    "PLM-2020-03": date(2020, 3, 30),
    "PLM-2020-09": date(2020, 9, 25),
    "PLM-2023-05": date(2023, 5, 30),
    "PLM-2024-udateret": date(2024, 9, 1),
    "PLM-2025-udateret": date(2025, 11, 25),
}
# Rows without one of those meeting ids (referenced meetings, signatures) take their deck's.
SEED_MEETING = {
    "000": "PLM-2024-udateret",
    "001": "PLM-2020-09",
    "002": "PLM-2025-udateret",
    "003": "PLM-2020-03",
    "004": "PLM-2023-05",
}
DA_MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip
LANGS: tuple[Literal["da", "en"], ...] = ("da", "en")
EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def row_context(row: dict[str, str]) -> date:
    meeting = row.get("meeting_id") or ""
    if meeting in MEETING_CONTEXT:
        return MEETING_CONTEXT[meeting]
    return MEETING_CONTEXT[SEED_MEETING[row["source"][:3]]]


def raw_dates_in_data() -> list[tuple[str, str, str, dict[str, str]]]:
    """(file, column, raw, row) for every non-empty raw date cell in the built-in data."""
    found = []
    for path in sorted(DATA_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in RAW_COLUMNS:
                    raw = (row.get(column) or "").strip()
                    if raw:
                        found.append((path.name, column, raw, row))
    return found


# raw, year_hint, context, earliest, latest, precision
DATA_TABLE: list[tuple[str, int | None, date | None, date | None, date | None, Precision]] = [
    # agreement_signatures.csv
    ("20.11.25", None, None, date(2025, 11, 20), date(2025, 11, 20), P.DAY),
    # agreements.csv
    (
        "medio/ultimo september 2024",
        None,
        None,
        date(2024, 9, 11),
        date(2024, 9, 30),
        P.PART_OF_MONTH,
    ),
    ("Medio september", 2024, None, date(2024, 9, 11), date(2024, 9, 20), P.PART_OF_MONTH),
    ("Sendt uge 44", 2025, None, date(2025, 10, 27), date(2025, 11, 2), P.WEEK),
    ("15. december", 2025, None, date(2025, 12, 15), date(2025, 12, 15), P.DAY),
    ("Sendes primo december", 2025, None, date(2025, 12, 1), date(2025, 12, 10), P.PART_OF_MONTH),
    ("07.03.2025", None, None, date(2025, 3, 7), date(2025, 3, 7), P.DAY),
    ("04.04.2025", None, None, date(2025, 4, 4), date(2025, 4, 4), P.DAY),
    ("Medio dec.2025", None, None, date(2025, 12, 11), date(2025, 12, 20), P.PART_OF_MONTH),
    ("14.3.2025", None, None, date(2025, 3, 14), date(2025, 3, 14), P.DAY),
    ("10.08.2025", None, None, date(2025, 8, 10), date(2025, 8, 10), P.DAY),
    ("Sendt uge 47", 2025, None, date(2025, 11, 17), date(2025, 11, 23), P.WEEK),
    ("dec-25", None, date(2025, 11, 25), date(2025, 12, 1), date(2025, 12, 31), P.MONTH),
    ("05.12.25", 2025, None, date(2025, 12, 5), date(2025, 12, 5), P.DAY),
    ("Uafklaret", None, None, None, None, P.UNDECIDED),
    ("07.08.2025", None, None, date(2025, 8, 7), date(2025, 8, 7), P.DAY),
    ("25.09.2025", None, None, date(2025, 9, 25), date(2025, 9, 25), P.DAY),
    ("19.05.2025", None, None, date(2025, 5, 19), date(2025, 5, 19), P.DAY),
    ("16.06.2025", None, None, date(2025, 6, 16), date(2025, 6, 16), P.DAY),
    ("19.09.2025", None, None, date(2025, 9, 19), date(2025, 9, 19), P.DAY),
    ("20.10.2025", None, None, date(2025, 10, 20), date(2025, 10, 20), P.DAY),
    ("Medio/ultimo dec", 2025, None, date(2025, 12, 11), date(2025, 12, 31), P.PART_OF_MONTH),
    # frozen_zones.csv
    ("September 2020", None, None, date(2020, 9, 1), date(2020, 9, 30), P.MONTH),
    ("1–30 (september 2020)", None, None, date(2020, 9, 1), date(2020, 9, 30), P.DAY_RANGE),
    ("November 2020", None, None, date(2020, 11, 1), date(2020, 11, 30), P.MONTH),
    ("December 2020", None, None, date(2020, 12, 1), date(2020, 12, 31), P.MONTH),
    (
        "14.–30. november 2020 og 1.–13. december 2020",
        None,
        None,
        date(2020, 11, 14),
        date(2020, 12, 13),
        P.DAY_RANGE,
    ),
    ("i perioderne op til frozen zone/cut-over", None, None, None, None, P.UNKNOWN),
    ("februar 2020", None, None, date(2020, 2, 1), date(2020, 2, 29), P.MONTH),
    # klik_tasks.csv
    ("12.08.2024", None, None, date(2024, 8, 12), date(2024, 8, 12), P.DAY),
    ("28-08-2024", None, None, date(2024, 8, 28), date(2024, 8, 28), P.DAY),
    ("19.04.2024", None, None, date(2024, 4, 19), date(2024, 4, 19), P.DAY),
    ("31.12.2024", None, None, date(2024, 12, 31), date(2024, 12, 31), P.DAY),
    ("01.08.2024", None, None, date(2024, 8, 1), date(2024, 8, 1), P.DAY),
    ("31.10.2024", None, None, date(2024, 10, 31), date(2024, 10, 31), P.DAY),
    ("13.06.2024", None, None, date(2024, 6, 13), date(2024, 6, 13), P.DAY),
    ("16.08.2024", None, None, date(2024, 8, 16), date(2024, 8, 16), P.DAY),
    ("07.10.2024", None, None, date(2024, 10, 7), date(2024, 10, 7), P.DAY),
    ("08.11.2024", None, None, date(2024, 11, 8), date(2024, 11, 8), P.DAY),
    ("Q4 2024", None, None, date(2024, 10, 1), date(2024, 12, 31), P.QUARTER),
    ("Ultimo august", 2024, None, date(2024, 8, 21), date(2024, 8, 31), P.PART_OF_MONTH),
    ("Primo september", 2024, None, date(2024, 9, 1), date(2024, 9, 10), P.PART_OF_MONTH),
    ("Primo november", 2024, None, date(2024, 11, 1), date(2024, 11, 10), P.PART_OF_MONTH),
    ("Primo oktober", 2024, None, date(2024, 10, 1), date(2024, 10, 10), P.PART_OF_MONTH),
    ("31. december", 2024, None, date(2024, 12, 31), date(2024, 12, 31), P.DAY),
    ("Juni 2024", None, None, date(2024, 6, 1), date(2024, 6, 30), P.MONTH),
    ("I september måned", 2024, None, date(2024, 9, 1), date(2024, 9, 30), P.MONTH),
    ("Uge 47-5", 2024, None, date(2024, 11, 18), date(2025, 2, 2), P.WEEK_RANGE),
    ("6. oktober", 2020, None, date(2020, 10, 6), date(2020, 10, 6), P.DAY),
    ("25. september 2020", 2020, None, date(2020, 9, 25), date(2020, 9, 25), P.DAY),
    ("31. august", 2020, None, date(2020, 8, 31), date(2020, 8, 31), P.DAY),
    ("Primo jan.", 2026, None, date(2026, 1, 1), date(2026, 1, 10), P.PART_OF_MONTH),
    ("Ultimo Jan.", 2026, None, date(2026, 1, 21), date(2026, 1, 31), P.PART_OF_MONTH),
    ("27.10.2025", None, None, date(2025, 10, 27), date(2025, 10, 27), P.DAY),
    ("01.12.2025", None, None, date(2025, 12, 1), date(2025, 12, 1), P.DAY),
    ("05.09.2025", None, None, date(2025, 9, 5), date(2025, 9, 5), P.DAY),
    ("03.11.2025", None, None, date(2025, 11, 3), date(2025, 11, 3), P.DAY),
    ("06.11.2025", None, None, date(2025, 11, 6), date(2025, 11, 6), P.DAY),
    ("09.01.2026", None, None, date(2026, 1, 9), date(2026, 1, 9), P.DAY),
    ("19.11.2025", None, None, date(2025, 11, 19), date(2025, 11, 19), P.DAY),
    ("05.12.2025", None, None, date(2025, 12, 5), date(2025, 12, 5), P.DAY),
    ("19.10.2025", None, None, date(2025, 10, 19), date(2025, 10, 19), P.DAY),
    ("15.12.2025", None, None, date(2025, 12, 15), date(2025, 12, 15), P.DAY),
    ("Primo dec", 2025, None, date(2025, 12, 1), date(2025, 12, 10), P.PART_OF_MONTH),
    ("18/3-2020", None, None, date(2020, 3, 18), date(2020, 3, 18), P.DAY),
    ("30/4-2020", None, None, date(2020, 4, 30), date(2020, 4, 30), P.DAY),
    (
        "Publiceres i næste uge",
        2023,
        date(2023, 5, 30),
        date(2023, 6, 5),
        date(2023, 6, 11),
        P.WEEK,
    ),
    ("1. juli 2023", 2023, None, date(2023, 7, 1), date(2023, 7, 1), P.DAY),
    ("30. maj", 2023, None, date(2023, 5, 30), date(2023, 5, 30), P.DAY),
    # meetings.csv
    (
        "Den 30. marts 2020; Den 31. marts 2020",
        None,
        None,
        date(2020, 3, 30),
        date(2020, 3, 31),
        P.DAY_RANGE,
    ),
    ("april 2020", None, None, date(2020, 4, 1), date(2020, 4, 30), P.MONTH),
    ("juni", None, date(2020, 9, 25), date(2020, 6, 1), date(2020, 6, 30), P.MONTH),
    ("august 2020", None, None, date(2020, 8, 1), date(2020, 8, 31), P.MONTH),
    ("oktober", None, date(2020, 9, 25), date(2020, 10, 1), date(2020, 10, 31), P.MONTH),
    ("30/5-23", None, None, date(2023, 5, 30), date(2023, 5, 30), P.DAY),
    ("februar 2025", None, None, date(2025, 2, 1), date(2025, 2, 28), P.MONTH),
    ("september 2025", None, None, date(2025, 9, 1), date(2025, 9, 30), P.MONTH),
    ("15.12.", None, date(2025, 11, 25), date(2025, 12, 15), date(2025, 12, 15), P.DAY),
    # municipality_visits.csv
    ("19-04-2023", None, None, date(2023, 4, 19), date(2023, 4, 19), P.DAY),
    ("15-05-2023", None, None, date(2023, 5, 15), date(2023, 5, 15), P.DAY),
    ("16-05-2023", None, None, date(2023, 5, 16), date(2023, 5, 16), P.DAY),
    ("30-05-2023", None, None, date(2023, 5, 30), date(2023, 5, 30), P.DAY),
    ("14-06-2023", None, None, date(2023, 6, 14), date(2023, 6, 14), P.DAY),
    ("29-06-2023", None, None, date(2023, 6, 29), date(2023, 6, 29), P.DAY),
    ("22-08-2023", None, None, date(2023, 8, 22), date(2023, 8, 22), P.DAY),
    ("21-08-2023", None, None, date(2023, 8, 21), date(2023, 8, 21), P.DAY),
    ("21-11-2023", None, None, date(2023, 11, 21), date(2023, 11, 21), P.DAY),
    ("22-11-2023", None, None, date(2023, 11, 22), date(2023, 11, 22), P.DAY),
    ("29-11-2023", None, None, date(2023, 11, 29), date(2023, 11, 29), P.DAY),
    ("30-11-2023", None, None, date(2023, 11, 30), date(2023, 11, 30), P.DAY),
    ("18-12-2023", None, None, date(2023, 12, 18), date(2023, 12, 18), P.DAY),
    ("10-01-2024", None, None, date(2024, 1, 10), date(2024, 1, 10), P.DAY),
    ("15-01-2024", None, None, date(2024, 1, 15), date(2024, 1, 15), P.DAY),
    ("18-01-2024", None, None, date(2024, 1, 18), date(2024, 1, 18), P.DAY),
    ("22-02-2024", None, None, date(2024, 2, 22), date(2024, 2, 22), P.DAY),
    ("28-02-2024", None, None, date(2024, 2, 28), date(2024, 2, 28), P.DAY),
    ("11-03-2024", None, None, date(2024, 3, 11), date(2024, 3, 11), P.DAY),
    ("03-04-2024", None, None, date(2024, 4, 3), date(2024, 4, 3), P.DAY),
    ("04-04-2024", None, None, date(2024, 4, 4), date(2024, 4, 4), P.DAY),
    ("08-04-2024", None, None, date(2024, 4, 8), date(2024, 4, 8), P.DAY),
    ("16-04-2024", None, None, date(2024, 4, 16), date(2024, 4, 16), P.DAY),
    ("17-04-2024", None, None, date(2024, 4, 17), date(2024, 4, 17), P.DAY),
    ("22-04-2024", None, None, date(2024, 4, 22), date(2024, 4, 22), P.DAY),
    ("24-04-2024", None, None, date(2024, 4, 24), date(2024, 4, 24), P.DAY),
    ("26-04-2024", None, None, date(2024, 4, 26), date(2024, 4, 26), P.DAY),
    ("30-04-2024", None, None, date(2024, 4, 30), date(2024, 4, 30), P.DAY),
    ("02-05-2024", None, None, date(2024, 5, 2), date(2024, 5, 2), P.DAY),
    ("03-05-2024", None, None, date(2024, 5, 3), date(2024, 5, 3), P.DAY),
    ("15-05-2024", None, None, date(2024, 5, 15), date(2024, 5, 15), P.DAY),
    ("03-06-2024", None, None, date(2024, 6, 3), date(2024, 6, 3), P.DAY),
    ("19-06-2024", None, None, date(2024, 6, 19), date(2024, 6, 19), P.DAY),
    ("15-08-2024", None, None, date(2024, 8, 15), date(2024, 8, 15), P.DAY),
    ("21-08-24", None, None, date(2024, 8, 21), date(2024, 8, 21), P.DAY),
    ("30-09-2024", None, None, date(2024, 9, 30), date(2024, 9, 30), P.DAY),
    # programme_leader_actions.csv
    ("10. oktober", 2020, None, date(2020, 10, 10), date(2020, 10, 10), P.DAY),
    ("19. oktober", 2020, None, date(2020, 10, 19), date(2020, 10, 19), P.DAY),
    ("15. december 2025", None, None, date(2025, 12, 15), date(2025, 12, 15), P.DAY),
    ("15/12-25", None, None, date(2025, 12, 15), date(2025, 12, 15), P.DAY),
    # rollout_waves.csv
    ("8.6.2020", None, None, date(2020, 6, 8), date(2020, 6, 8), P.DAY),
    ("7.9.2020", None, None, date(2020, 9, 7), date(2020, 9, 7), P.DAY),
    ("9.11.2020", None, None, date(2020, 11, 9), date(2020, 11, 9), P.DAY),
    ("8.2.2021", None, None, date(2021, 2, 8), date(2021, 2, 8), P.DAY),
    ("8.3.2021", None, None, date(2021, 3, 8), date(2021, 3, 8), P.DAY),
    ("10.5.2021", None, None, date(2021, 5, 10), date(2021, 5, 10), P.DAY),
    ("7.6.2021", None, None, date(2021, 6, 7), date(2021, 6, 7), P.DAY),
    ("14/5 ‘25", None, None, date(2025, 5, 14), date(2025, 5, 14), P.DAY),
    ("26/8", 2024, None, date(2024, 8, 26), date(2024, 8, 26), P.DAY),
    (
        "frem mod medio november",
        2024,
        None,
        date(2024, 11, 11),
        date(2024, 11, 20),
        P.PART_OF_MONTH,
    ),
    ("primo 2025", None, None, date(2025, 1, 1), date(2025, 4, 30), P.PART_OF_YEAR),
    ("aug", 2023, None, date(2023, 8, 1), date(2023, 8, 31), P.MONTH),
    ("1/12-20", None, None, date(2020, 12, 1), date(2020, 12, 1), P.DAY),
    ("8. august", 2023, None, date(2023, 8, 8), date(2023, 8, 8), P.DAY),
    ("3. oktober 2023", None, None, date(2023, 10, 3), date(2023, 10, 3), P.DAY),
    ("4. november 2023", None, None, date(2023, 11, 4), date(2023, 11, 4), P.DAY),
    ("1. juli 2025", None, None, date(2025, 7, 1), date(2025, 7, 1), P.DAY),
]


@pytest.mark.parametrize(
    ("raw", "year_hint", "context", "earliest", "latest", "precision"),
    DATA_TABLE,
    ids=[row[0] for row in DATA_TABLE],
)
def test_every_raw_date_in_the_data_reads_as_specified(
    raw: str,
    year_hint: int | None,
    context: date | None,
    earliest: date | None,
    latest: date | None,
    precision: Precision,
) -> None:
    fd = parse_fuzzy_date(raw, context=context, year_hint=year_hint)
    assert fd is not None
    assert (fd.earliest, fd.latest, fd.precision) == (earliest, latest, precision)
    assert fd.raw == raw


def test_the_table_has_a_row_for_every_distinct_raw_date_in_the_data() -> None:
    in_data = {raw for _, _, raw, _ in raw_dates_in_data()}
    in_table = [row[0] for row in DATA_TABLE]
    assert len(in_table) == len(set(in_table)), "duplicate rows"
    assert set(in_table) == in_data


@pytest.mark.parametrize("filename", sorted(p.name for p in DATA_DIR.glob("*.csv")))
def test_every_raw_date_in_a_file_parses_with_its_rows_year_hint_or_meeting(
    filename: str,
) -> None:
    for _, column, raw, row in (r for r in raw_dates_in_data() if r[0] == filename):
        hint = parse_year_hint(row.get("year_inferred") or "")
        context = row_context(row)
        fd = parse_fuzzy_date(raw, context=context, year_hint=hint)
        assert fd is not None, (column, raw)
        if hint is not None and fd.year_inferred:
            # The data's own inference and ours from the meeting date must agree.
            from_context = parse_fuzzy_date(raw, context=context)
            assert from_context is not None
            assert (from_context.earliest, from_context.latest) == (fd.earliest, fd.latest), raw


# Forms from the spec and DOMAIN.md that do not occur in the data (or occur elsewhere).
NOV_2025 = date(2025, 11, 25)
SPEC_TABLE: list[tuple[str, date | None, date, date, Precision]] = [
    # exact days
    ("15 December 2025", None, date(2025, 12, 15), date(2025, 12, 15), P.DAY),
    ("December 15, 2025", None, date(2025, 12, 15), date(2025, 12, 15), P.DAY),
    ("2025-12-15", None, date(2025, 12, 15), date(2025, 12, 15), P.DAY),
    ("31. august", date(2024, 9, 1), date(2024, 8, 31), date(2024, 8, 31), P.DAY),
    ("d. 20.11.25", None, date(2025, 11, 20), date(2025, 11, 20), P.DAY),
    ("senest 15. december 2025", None, date(2025, 12, 15), date(2025, 12, 15), P.DAY),
    # parts of a month, Danish and English
    ("Primo jan.", NOV_2025, date(2026, 1, 1), date(2026, 1, 10), P.PART_OF_MONTH),
    ("Ultimo Jan.", NOV_2025, date(2026, 1, 21), date(2026, 1, 31), P.PART_OF_MONTH),
    ("Medio/ultimo dec", NOV_2025, date(2025, 12, 11), date(2025, 12, 31), P.PART_OF_MONTH),
    ("Ultimo februar 2024", None, date(2024, 2, 21), date(2024, 2, 29), P.PART_OF_MONTH),
    ("early January 2026", None, date(2026, 1, 1), date(2026, 1, 10), P.PART_OF_MONTH),
    ("mid January 2026", None, date(2026, 1, 11), date(2026, 1, 20), P.PART_OF_MONTH),
    ("late January 2026", None, date(2026, 1, 21), date(2026, 1, 31), P.PART_OF_MONTH),
    ("mid-to-late December 2025", None, date(2025, 12, 11), date(2025, 12, 31), P.PART_OF_MONTH),
    # ISO weeks (Monday–Sunday; week 1 of 2026 starts in 2025)
    ("uge 47", NOV_2025, date(2025, 11, 17), date(2025, 11, 23), P.WEEK),
    ("uge 47 2025", None, date(2025, 11, 17), date(2025, 11, 23), P.WEEK),
    ("week 47 2025", None, date(2025, 11, 17), date(2025, 11, 23), P.WEEK),
    ("uge 14 20", None, date(2020, 3, 30), date(2020, 4, 5), P.WEEK),
    ("Uge 16/20", None, date(2020, 4, 13), date(2020, 4, 19), P.WEEK),
    ("uge 1 2026", None, date(2025, 12, 29), date(2026, 1, 4), P.WEEK),
    ("Uge 20-26", date(2025, 1, 15), date(2025, 5, 12), date(2025, 6, 29), P.WEEK_RANGE),
    ("Uge 6–19", date(2025, 1, 15), date(2025, 2, 3), date(2025, 5, 11), P.WEEK_RANGE),
    ("uge 47 2024 – uge 5 2025", None, date(2024, 11, 18), date(2025, 2, 2), P.WEEK_RANGE),
    # months, quarters, halves
    ("dec-25", None, date(2025, 12, 1), date(2025, 12, 31), P.MONTH),
    ("December 2025", None, date(2025, 12, 1), date(2025, 12, 31), P.MONTH),
    ("november–december 2020", None, date(2020, 11, 1), date(2020, 12, 31), P.MONTH_RANGE),
    ("Q3/2020", None, date(2020, 7, 1), date(2020, 9, 30), P.QUARTER),
    ("Q2/2024", None, date(2024, 4, 1), date(2024, 6, 30), P.QUARTER),
    ("Q4 2020", None, date(2020, 10, 1), date(2020, 12, 31), P.QUARTER),
    ("H1 ‘23", None, date(2023, 1, 1), date(2023, 6, 30), P.HALF),
    ("H2 '25", None, date(2025, 7, 1), date(2025, 12, 31), P.HALF),
    ("H2 2025", None, date(2025, 7, 1), date(2025, 12, 31), P.HALF),
    # seasons (vinter runs into the next year) and parts of a year
    ("efteråret 2025", None, date(2025, 9, 1), date(2025, 11, 30), P.SEASON),
    ("Efterår ‘24", None, date(2024, 9, 1), date(2024, 11, 30), P.SEASON),
    ("vinteren 2025/26", None, date(2025, 12, 1), date(2026, 2, 28), P.SEASON),
    ("autumn 2025", None, date(2025, 9, 1), date(2025, 11, 30), P.SEASON),
    ("spring 2026", None, date(2026, 3, 1), date(2026, 5, 31), P.SEASON),
    ("medio 2025", None, date(2025, 5, 1), date(2025, 8, 31), P.PART_OF_YEAR),
    ("ultimo 2025", None, date(2025, 9, 1), date(2025, 12, 31), P.PART_OF_YEAR),
    ("2025", None, date(2025, 1, 1), date(2025, 12, 31), P.YEAR),
    # relative weeks (context: Tuesday 25 November 2025, week 48)
    ("i denne uge", NOV_2025, date(2025, 11, 24), date(2025, 11, 30), P.WEEK),
    ("i indeværende uge", NOV_2025, date(2025, 11, 24), date(2025, 11, 30), P.WEEK),
    ("i næste uge", NOV_2025, date(2025, 12, 1), date(2025, 12, 7), P.WEEK),
    ("Publiceres i næste uge", NOV_2025, date(2025, 12, 1), date(2025, 12, 7), P.WEEK),
]


@pytest.mark.parametrize(
    ("raw", "context", "earliest", "latest", "precision"),
    SPEC_TABLE,
    ids=[row[0] for row in SPEC_TABLE],
)
def test_spec_forms(
    raw: str, context: date | None, earliest: date, latest: date, precision: Precision
) -> None:
    fd = parse_fuzzy_date(raw, context=context)
    assert fd is not None
    assert (fd.earliest, fd.latest, fd.precision) == (earliest, latest, precision)


@pytest.mark.parametrize("raw", ["Uafklaret", "uafklaret", "undecided", "TBD"])
def test_undecided_has_no_dates(raw: str) -> None:
    assert parse_fuzzy_date(raw) == FuzzyDate(raw, None, None, P.UNDECIDED)


@pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
def test_blank_text_is_no_date(raw: str) -> None:
    assert parse_fuzzy_date(raw) is None


def test_raw_is_kept_as_written_but_stripped() -> None:
    fd = parse_fuzzy_date("  Ultimo Jan. ", year_hint=2026)
    assert fd is not None
    assert fd.raw == "Ultimo Jan."


class TestYearInference:
    def test_a_hint_marks_the_year_as_inferred(self) -> None:
        fd = parse_fuzzy_date("Primo dec", year_hint=2025)
        assert fd == FuzzyDate(
            "Primo dec", date(2025, 12, 1), date(2025, 12, 10), P.PART_OF_MONTH, True
        )

    def test_a_written_year_wins_over_the_hint(self) -> None:
        fd = parse_fuzzy_date("Medio dec.2025", year_hint=2024)
        assert fd is not None
        assert (fd.earliest, fd.year_inferred) == (date(2025, 12, 11), False)

    def test_the_hint_wins_over_the_context(self) -> None:
        fd = parse_fuzzy_date("Primo jan.", year_hint=2025, context=NOV_2025)
        assert fd is not None
        assert fd.earliest == date(2025, 1, 1)

    def test_context_in_late_november_makes_january_next_year(self) -> None:
        fd = parse_fuzzy_date("Primo jan.", context=NOV_2025)
        assert fd is not None
        assert (fd.earliest, fd.latest, fd.year_inferred) == (
            date(2026, 1, 1),
            date(2026, 1, 10),
            True,
        )

    def test_context_just_after_a_day_keeps_that_year(self) -> None:
        fd = parse_fuzzy_date("31. august", context=date(2024, 9, 1))
        assert fd is not None
        assert fd.earliest == date(2024, 8, 31)

    def test_a_week_range_hint_is_the_start_year_and_the_end_rolls_over(self) -> None:
        fd = parse_fuzzy_date("Uge 47-5", year_hint=parse_year_hint("2024–2025"))
        assert fd is not None
        assert (fd.earliest, fd.latest, fd.precision) == (
            date(2024, 11, 18),
            date(2025, 2, 2),
            P.WEEK_RANGE,
        )

    def test_a_month_range_written_with_its_end_year_starts_the_year_before(self) -> None:
        fd = parse_fuzzy_date("december–januar 2026")
        assert fd is not None
        assert (fd.earliest, fd.latest) == (date(2025, 12, 1), date(2026, 1, 31))

    @pytest.mark.parametrize("raw", ["Primo dec", "15.12.", "uge 47", "juni", "Q4"])
    def test_no_year_and_no_context_is_an_error(self, raw: str) -> None:
        with pytest.raises(FuzzyDateError, match="year"):
            parse_fuzzy_date(raw)

    @pytest.mark.parametrize("raw", ["i denne uge", "i næste uge"])
    def test_relative_weeks_need_a_context(self, raw: str) -> None:
        with pytest.raises(FuzzyDateError, match="relative"):
            parse_fuzzy_date(raw, year_hint=2025)

    def test_a_week_that_only_exists_in_some_years_takes_the_nearest_such_year(self) -> None:
        fd = parse_fuzzy_date("uge 53", context=date(2026, 6, 1))
        assert fd is not None
        assert fd.earliest == date(2026, 12, 28)


@pytest.mark.parametrize(
    "raw",
    [
        "31.02.2025",
        "29.02.2025",
        "uge 54 2025",
        "uge 53 2025",
        "uge 0 2025",
        "Q5 2025",
        "H3 2025",
        "13.13.2025",
        "0.12.2025",
        "ultimo/primo dec 2025",
        "vinteren 2025/27",
        "uge 47 2025 – uge 5 2025",
        "uge 47 – december 2025",
        "uge 47 2025 (1.–7. december 2025)",
        "15. smørrebrød 2025",
    ],
)
def test_invalid_dates_are_errors_that_quote_the_text(raw: str) -> None:
    with pytest.raises(FuzzyDateError) as excinfo:
        parse_fuzzy_date(raw, context=NOV_2025)
    assert repr(raw.strip()) in str(excinfo.value)


@pytest.mark.parametrize(
    "raw",
    [
        "i perioderne op til frozen zone/cut-over",
        "snarest muligt",
        "efter aftale",
        "når kommunen er klar",
        "spørg Jan",
    ],
)
def test_text_without_date_information_is_unknown(raw: str) -> None:
    assert parse_fuzzy_date(raw) == FuzzyDate(raw, None, None, P.UNKNOWN)


NOT_DATE_WORDS = ("frozen", "zone", "kommunen", "efter", "aftale", "snarest", "muligt", "når")


@given(st.lists(st.sampled_from(NOT_DATE_WORDS), min_size=1, max_size=6).map(" ".join))
def test_any_text_without_date_words_is_unknown(text: str) -> None:
    fd = parse_fuzzy_date(text, context=NOV_2025)
    assert fd is not None
    assert (fd.precision, fd.earliest, fd.latest) == (P.UNKNOWN, None, None)


class TestRendering:
    @pytest.mark.parametrize(
        ("raw", "danish", "english"),
        [
            ("15.12.2025", "15. december 2025", "15 December 2025"),
            (
                "Ultimo Jan. 2026",
                "ultimo januar 2026 (senest 31.01.2026)",
                "late January 2026 (by 31 Jan 2026)",
            ),
            (
                "Medio/ultimo dec 2025",
                "medio/ultimo december 2025 (senest 31.12.2025)",
                "mid-to-late December 2025 (by 31 Dec 2025)",
            ),
            (
                "Medio dec.2025",
                "medio december 2025 (senest 20.12.2025)",
                "mid-December 2025 (by 20 Dec 2025)",
            ),
            ("uge 47 2025", "uge 47 2025 (17.11.–23.11.2025)", "week 47 2025 (17–23 Nov 2025)"),
            (
                "uge 1 2026",
                "uge 1 2026 (29.12.2025–04.01.2026)",
                "week 1 2026 (29 Dec 2025 – 4 Jan 2026)",
            ),
            (
                "uge 47 2024 – uge 5 2025",
                "uge 47 2024 – uge 5 2025 (18.11.2024–02.02.2025)",
                "week 47 2024 – week 5 2025 (18 Nov 2024 – 2 Feb 2025)",
            ),
            (
                "Uge 20-26 2025",
                "uge 20–26 2025 (12.05.–29.06.2025)",
                "weeks 20–26 2025 (12 May – 29 Jun 2025)",
            ),
            ("dec-25", "december 2025", "December 2025"),
            ("november–december 2020", "november–december 2020", "November–December 2020"),
            (
                "Den 30. marts 2020; Den 31. marts 2020",
                "30.–31. marts 2020",
                "30–31 March 2020",
            ),
            (
                "14.–30. november 2020 og 1.–13. december 2020",
                "14. november – 13. december 2020",
                "14 November – 13 December 2020",
            ),
            ("Q4 2024", "Q4 2024", "Q4 2024"),
            ("H2 '25", "H2 2025", "H2 2025"),
            (
                "efteråret 2025",
                "efteråret 2025 (september–november 2025)",
                "autumn 2025 (September–November 2025)",
            ),
            (
                "vinteren 2025/26",
                "vinteren 2025/26 (december 2025 – februar 2026)",
                "winter 2025/26 (December 2025 – February 2026)",
            ),
            ("primo 2025", "primo 2025 (januar–april 2025)", "early 2025 (January–April 2025)"),
            ("2025", "2025", "2025"),
            ("Uafklaret", "uafklaret", "undecided"),
        ],
    )
    def test_examples(self, raw: str, danish: str, english: str) -> None:
        fd = parse_fuzzy_date(raw)
        assert fd is not None
        assert render_fuzzy_date(fd) == danish
        assert render_fuzzy_date(fd, "en") == english

    def test_unknown_is_shown_as_written(self) -> None:
        fd = parse_fuzzy_date("i perioderne op til frozen zone/cut-over")
        assert fd is not None
        assert render_fuzzy_date(fd, "da") == render_fuzzy_date(fd, "en") == fd.raw

    @pytest.mark.parametrize("lang", LANGS)
    def test_every_dated_value_in_the_data_round_trips(self, lang: Literal["da", "en"]) -> None:
        for _, _, raw, row in raw_dates_in_data():
            fd = parse_fuzzy_date(
                raw,
                context=row_context(row),
                year_hint=parse_year_hint(row.get("year_inferred") or ""),
            )
            assert fd is not None
            if fd.is_dated:
                shown = render_fuzzy_date(fd, lang)
                again = parse_fuzzy_date(shown)
                assert again is not None, shown
                assert (again.earliest, again.latest, again.precision) == (
                    fd.earliest,
                    fd.latest,
                    fd.precision,
                ), shown


class TestFuzzyDate:
    ULTIMO_JAN = FuzzyDate("Ultimo Jan.", date(2026, 1, 21), date(2026, 1, 31), P.PART_OF_MONTH)

    def test_only_a_single_day_is_exact(self) -> None:
        day = parse_fuzzy_date("15.12.2025")
        assert day is not None
        assert day.is_exact
        assert not self.ULTIMO_JAN.is_exact

    def test_undecided_is_not_dated_and_overlaps_nothing(self) -> None:
        fd = FuzzyDate("Uafklaret", None, None, P.UNDECIDED)
        assert not fd.is_dated
        assert not fd.overlaps(date(2000, 1, 1), date(2100, 1, 1))
        assert not fd.contains(date(2025, 1, 1))

    def test_overlaps_and_contains_use_the_whole_interval(self) -> None:
        fd = self.ULTIMO_JAN
        assert fd.is_dated
        assert fd.overlaps(date(2026, 1, 26), date(2026, 2, 1))  # week 5
        assert fd.overlaps(date(2026, 1, 31), date(2026, 1, 31))
        assert not fd.overlaps(date(2026, 1, 12), date(2026, 1, 18))  # week 3
        assert fd.contains(date(2026, 1, 21))
        assert not fd.contains(date(2026, 1, 20))

    @pytest.mark.parametrize(
        ("earliest", "latest", "precision"),
        [
            (None, None, P.DAY),
            (date(2025, 1, 2), date(2025, 1, 1), P.DAY_RANGE),
            (date(2025, 1, 1), date(2025, 1, 1), P.UNDECIDED),
        ],
    )
    def test_inconsistent_values_cannot_be_built(
        self, earliest: date | None, latest: date | None, precision: Precision
    ) -> None:
        with pytest.raises(ValueError):
            FuzzyDate("x", earliest, latest, precision)


@pytest.mark.parametrize(
    ("text", "year"),
    [("2024", 2024), ("2024–2025", 2024), ("2025-2026", 2025), ("", None), ("  ", None)],
)
def test_parse_year_hint(text: str, year: int | None) -> None:
    assert parse_year_hint(text) == year


# --------------------------------------------------------------------------- properties

years = st.integers(2000, 2040)
months = st.integers(1, 12)
days = st.dates(date(2000, 1, 1), date(2040, 12, 31))


def weeks_in(year: int) -> int:
    return date(year, 12, 28).isocalendar()[1]


iso_weeks = years.flatmap(lambda y: st.tuples(st.just(y), st.integers(1, weeks_in(y))))
part_pairs = st.tuples(st.integers(0, 2), st.integers(0, 2)).map(lambda p: (min(p), max(p)))
PARTS_DA = ("primo", "medio", "ultimo")
Ordered = TypeVar("Ordered", date, tuple[int, int])


def ordered_pair(values: st.SearchStrategy[Ordered]) -> st.SearchStrategy[tuple[Ordered, Ordered]]:
    """Two different values, earliest first: the two ends of a range."""
    pairs = st.lists(values, min_size=2, max_size=2, unique=True)
    return pairs.map(lambda xs: (min(xs), max(xs)))


@st.composite
def written_dates(draw: st.DrawFn) -> tuple[str, Precision]:
    """A date as a user might write it, with the precision it must be read as."""
    kind = draw(st.sampled_from([p for p in Precision if p not in (P.UNDECIDED, P.UNKNOWN)]))
    year = draw(years)
    if kind is P.DAY:
        d = draw(days)
        text = draw(
            st.sampled_from(
                [
                    f"{d.day}.{d.month}.{d.year}",
                    f"{d:%d.%m.%Y}",
                    f"{d:%d-%m-%y}",
                    d.isoformat(),
                    f"{d.day}/{d.month}-{d.year % 100:02d}",
                    f"{d.day}. {DA_MONTHS[d.month - 1]} {d.year}",
                    f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}",
                    f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}",
                ]
            )
        )
    elif kind is P.DAY_RANGE:
        a, b = draw(ordered_pair(days))
        text = f"{a:%d.%m.%Y} – {b:%d.%m.%Y}"
    elif kind is P.PART_OF_MONTH:
        first, last = draw(part_pairs)
        label = PARTS_DA[first] if first == last else f"{PARTS_DA[first]}/{PARTS_DA[last]}"
        text = f"{label} {DA_MONTHS[draw(months) - 1]} {year}"
    elif kind is P.WEEK:
        iso_year, week = draw(iso_weeks)
        text = f"uge {week} {iso_year}"
    elif kind is P.WEEK_RANGE:
        (y1, w1), (y2, w2) = draw(ordered_pair(iso_weeks))
        text = f"uge {w1} {y1} – uge {w2} {y2}"
    elif kind is P.MONTH:
        text = f"{DA_MONTHS[draw(months) - 1]} {year}"
    elif kind is P.MONTH_RANGE:
        (y1, m1), (y2, m2) = draw(ordered_pair(st.tuples(years, months)))
        text = f"{DA_MONTHS[m1 - 1]} {y1} – {DA_MONTHS[m2 - 1]} {y2}"
    elif kind is P.QUARTER:
        text = f"Q{draw(st.integers(1, 4))} {year}"
    elif kind is P.HALF:
        text = f"H{draw(st.integers(1, 2))} '{year % 100:02d}"
    elif kind is P.SEASON:
        season = draw(st.sampled_from(["foråret", "sommeren", "efteråret", "vinteren"]))
        text = (
            f"vinteren {year}/{(year + 1) % 100:02d}"
            if season == "vinteren"
            else f"{season} {year}"
        )
    elif kind is P.PART_OF_YEAR:
        first, last = draw(part_pairs)
        label = PARTS_DA[first] if first == last else f"{PARTS_DA[first]}/{PARTS_DA[last]}"
        text = f"{label} {year}"
    else:
        text = str(year)
    return text, kind


@settings(max_examples=300, deadline=None)
@given(written_dates())
def test_generated_dates_read_with_their_precision_and_ordered_bounds(
    written: tuple[str, Precision],
) -> None:
    text, precision = written
    fd = parse_fuzzy_date(text)
    assert fd is not None
    assert fd.precision is precision
    assert fd.earliest is not None and fd.latest is not None
    assert fd.earliest <= fd.latest
    assert not fd.year_inferred


@settings(max_examples=300, deadline=None)
@given(written_dates(), st.sampled_from(LANGS))
def test_render_then_parse_gives_the_same_interval_and_precision(
    written: tuple[str, Precision], lang: Literal["da", "en"]
) -> None:
    fd = parse_fuzzy_date(written[0])
    assert fd is not None
    shown = render_fuzzy_date(fd, lang)
    again = parse_fuzzy_date(shown)
    assert again is not None, shown
    assert (again.earliest, again.latest, again.precision) == (
        fd.earliest,
        fd.latest,
        fd.precision,
    ), shown


TOKENS = (
    "uge", "primo", "medio", "ultimo", "dec", "januar", "Q4", "H2", "efteråret", "vinteren",
    "2025", "25", "'25", "47", "5", "31", "15.12.", "1/12-20", "-", "–", "/", ";", "og",
    "(", ")", "senest", "i", "næste", "Uafklaret", "mid-to-late", "week", "frozen", "zone",
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.lists(st.sampled_from(TOKENS), max_size=6).map(" ".join),
        st.text(alphabet="0123456789./-–'‘ ugeqhprimoaj()", max_size=16),
    ),
    st.dates(date(2000, 1, 1), date(2040, 12, 31)),
)
def test_any_text_reads_as_a_consistent_value_or_a_fuzzy_date_error(
    text: str, context: date
) -> None:
    try:
        fd = parse_fuzzy_date(text, context=context)
    except FuzzyDateError as exc:
        assert repr(text.strip()) in str(exc)
        return
    if fd is None:
        assert not text.strip()
    elif fd.is_dated:
        assert fd.earliest is not None and fd.latest is not None
        assert fd.earliest <= fd.latest
