"""The entity index for a snapshot: every name a question may use, built once per data version."""

from __future__ import annotations

from dialogs.answers.common import agreement_name, task_name
from dialogs.entities import EntityIndex, EntityRecord
from store.snapshot import DataSnapshot


def entity_records(snapshot: DataSnapshot) -> list[EntityRecord]:
    records: list[EntityRecord] = []
    for municipality in snapshot.municipalities.values():
        names = (municipality.name, municipality.official_name, *municipality.aliases)
        records.append(EntityRecord("municipality", municipality.name, municipality.name, names))
    for region in snapshot.regions:
        official = next(
            m.region_official for m in snapshot.municipalities.values() if m.region == region
        )
        records.append(EntityRecord("region", region, official, (region, official)))
    for solution in snapshot.solutions.values():
        names = tuple(n for n in (solution.code, *solution.aliases) if n)
        records.append(EntityRecord("solution", solution.key, solution.code, names))
    for task in snapshot.tasks.values():
        names = tuple(n for n in (task.key, task.code) if n)
        meeting = snapshot.meetings.get(task.meeting or "")
        display = task_name(task, snapshot) + (f" ({meeting.label})" if meeting else "")
        records.append(EntityRecord("task", task.key, display, names))
    for agreement in snapshot.agreements.values():
        records.append(
            EntityRecord(
                "agreement", agreement.key, agreement_name(agreement, snapshot), (agreement.key,)
            )
        )
    return records


def build_index(snapshot: DataSnapshot) -> EntityIndex:
    return EntityIndex(entity_records(snapshot))
