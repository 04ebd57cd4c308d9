"""What a validated row becomes: a record keyed by its natural key, with symbolic references.

References (to a municipality, a meeting …) stay symbolic until the write, because the thing
referred to may arrive in the same import and have no database id yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Ref:
    """A foreign key by natural key: ``Ref("municipality", "Vejle")``."""

    table: str
    key: str


@dataclass(slots=True)
class Record:
    table: str
    values: dict[str, object]
    origin: str
    line: int
    children: dict[str, list[dict[str, object]]] = field(default_factory=dict)


# The columns that identify a fact in each table: re-importing a row with the same key updates
# that fact instead of adding another.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "solutions": ("key",),
    "municipalities": ("name",),
    "meetings": ("key",),
    "klik_tasks": ("key",),
    "klik_task_status_counts": ("task_id", "status_as_of_raw"),
    "agreements": ("key",),
    "agreement_signatures": ("agreement_id", "municipality_id"),
    "klik_task_statuses": ("task_id", "municipality_id"),
    "frozen_zones": ("key",),
    "contacts": ("address", "name", "meeting_id", "role_or_topic"),
    "rollout_waves": ("programme", "wave", "municipality_name", "name_as_written"),
    "recorded_polls": ("key",),
    "programme_leader_actions": ("key",),
    "municipality_visits": ("municipality_id", "status", "date_raw"),
}


def natural_key(record: Record) -> tuple[object, ...]:
    return tuple(record.values[column] for column in NATURAL_KEYS[record.table])


@dataclass(frozen=True, slots=True)
class RowError:
    """A reason a row cannot be imported, located as precisely as the file allows."""

    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        column = f", column {self.column}" if self.column else ""
        return f"{self.file}, line {self.line}{column}: {self.reason}"


@dataclass(slots=True)
class MeetingContext:
    """What a row needs from its meeting to infer a missing year."""

    key: str
    day: dt.date | None
    seed_file: str
