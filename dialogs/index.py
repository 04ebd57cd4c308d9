"""The entity index for a snapshot: every name a question may use, built once per data version."""

from __future__ import annotations

from dialogs.answers.common import agreement_name, newest_first_key, task_name
from dialogs.entities import EntityIndex, EntityRecord
from store.snapshot import DataSnapshot, Task


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
    newest = {same_task(task): task for task in _oldest_first(snapshot)}
    for task in snapshot.tasks.values():
        # One task announced at several meetings is one entity: its code names the newest
        # announcement (whose answer names the others); the old keys still name their row.
        is_newest = newest[same_task(task)] is task
        names = tuple(n for n in (task.key, task.code if is_newest else "") if n)
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


def same_task(task: Task) -> tuple[str, str, str]:
    """What makes two rows one task: its project, code and title as written."""
    return (task.project.casefold(), task.code.casefold(), task.title.casefold().strip())


def _oldest_first(snapshot: DataSnapshot) -> list[Task]:
    return sorted(snapshot.tasks.values(), key=lambda t: newest_first_key(t.meeting, snapshot))


def build_index(snapshot: DataSnapshot) -> EntityIndex:
    return EntityIndex(entity_records(snapshot))
