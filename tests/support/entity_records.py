"""Entity records built from the built-in CSVs, mapped the way the bot maps its database rows.

The bot builds its ``EntityIndex`` from the database; tests and the benchmark have no database
to hand, so they read the same facts from ``store/data`` (the files the built-in import loads).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from dialogs.entities import EntityRecord
from store.importing.validation import normalise_key

DATA = Path(__file__).resolve().parents[2] / "store" / "data"


def _rows(name: str, data: Path) -> Iterator[dict[str, str]]:
    with (data / name).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield {key: (value or "").strip() for key, value in row.items() if key}


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _unique(*names: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for name in names if name))


def municipality_records(data: Path = DATA) -> list[EntityRecord]:
    """Name, official name, aliases and the spellings seen in the decks; key = the name."""
    records = []
    for row in _rows("municipalities.csv", data):
        seen = [entry.split(" (", 1)[0].strip() for entry in _split(row["aliases_in_seeds"])]
        names = _unique(
            row["name"],
            row["official_name"],
            *_split(row["aliases"]),
            *(name for name in seen if "," not in name),
        )
        records.append(EntityRecord("municipality", row["name"], row["name"], names))
    return records


def region_records(data: Path = DATA) -> list[EntityRecord]:
    """The five regions; key = the short name ("Nordjylland"), as in municipalities.region."""
    regions: dict[str, str] = {}
    for row in _rows("municipalities.csv", data):
        regions.setdefault(row["region"], row["region_official"])
    return [
        EntityRecord("region", region, official, _unique(region, official))
        for region, official in regions.items()
    ]


def solution_records(data: Path = DATA) -> list[EntityRecord]:
    """Code, full name and aliases; key = the store's solution key (case-folded code)."""
    return [
        EntityRecord(
            "solution",
            normalise_key(row["code"]),
            row["code"],
            _unique(row["code"], row["full_name"], *_split(row["aliases"])),
        )
        for row in _rows("solutions.csv", data)
    ]


def task_records(data: Path = DATA) -> list[EntityRecord]:
    """KLIK tasks by code ("K49", "ADG_0", "MI 43") and title; key = task_id."""
    records = []
    for row in _rows("klik_tasks.csv", data):
        code, title = row["code"], row["title"]
        display = f"{code} – {title}" if code else title
        records.append(EntityRecord("task", row["task_id"], display, _unique(code, title)))
    return records


def agreement_records(data: Path = DATA) -> list[EntityRecord]:
    """Agreements by title; key = agreement_id. Titles repeat across solutions on purpose."""
    return [
        EntityRecord(
            "agreement",
            row["agreement_id"],
            f"{row['agreement']} ({row['solution']})" if row["solution"] else row["agreement"],
            (row["agreement"],),
        )
        for row in _rows("agreements.csv", data)
    ]


def contact_records(data: Path = DATA) -> list[EntityRecord]:
    """Contacts by person name, address and initials; key = the address, else the name.

    Rows with the same address are one contact (a mailbox shared by two people). Initials
    ("COA") are a name only for a person's own address; a mailbox's local part ("valg",
    "aula", "drift") is an ordinary word or a solution, so a mailbox is found by its address.
    A person listed once without and once with an address is the one with the address.
    """
    by_address: dict[str, list[str]] = {}
    unaddressed: list[str] = []
    for row in _rows("contacts.csv", data):
        address, name = row["address"], row["name"]
        if address:
            names = by_address.setdefault(address, [])
            if name and name not in names:
                names.append(name)
        elif name and name not in unaddressed:
            unaddressed.append(name)
    records = []
    for address, people in by_address.items():
        local = address.split("@", 1)[0]
        initials = local if people and local.isupper() else ""
        display = f"{', '.join(people)} ({address})" if people else address
        records.append(
            EntityRecord("contact", address, display, _unique(*people, address, initials))
        )
    named = {name for people in by_address.values() for name in people}
    records.extend(
        EntityRecord("contact", name, name, (name,)) for name in unaddressed if name not in named
    )
    return records


def builtin_records(data: Path = DATA) -> list[EntityRecord]:
    """Every record the bot would index from the built-in data."""
    return [
        *municipality_records(data),
        *region_records(data),
        *solution_records(data),
        *task_records(data),
        *agreement_records(data),
        *contact_records(data),
    ]
