"""Write validated records: insert what is new, update what changed, touch nothing else."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from store.importing.records import NATURAL_KEYS, Record, Ref
from store.models import (
    AgendaItem,
    Agreement,
    AgreementSignature,
    Base,
    BlockedAction,
    Contact,
    FrozenZone,
    KlikTask,
    KlikTaskStatus,
    KlikTaskStatusCount,
    Meeting,
    Municipality,
    MunicipalityAlias,
    MunicipalityVisit,
    ProgrammeLeaderAction,
    RecordedPoll,
    RolloutWave,
    Solution,
)

MODELS: dict[str, type[Base]] = {
    "solutions": Solution,
    "municipalities": Municipality,
    "meetings": Meeting,
    "klik_tasks": KlikTask,
    "klik_task_status_counts": KlikTaskStatusCount,
    "agreements": Agreement,
    "agreement_signatures": AgreementSignature,
    "klik_task_statuses": KlikTaskStatus,
    "frozen_zones": FrozenZone,
    "contacts": Contact,
    "rollout_waves": RolloutWave,
    "recorded_polls": RecordedPoll,
    "programme_leader_actions": ProgrammeLeaderAction,
    "municipality_visits": MunicipalityVisit,
}
WRITE_ORDER = tuple(MODELS)
CHILD_MODELS: dict[str, dict[str, type[Base]]] = {
    "municipalities": {"aliases": MunicipalityAlias},
    "meetings": {"agenda_items": AgendaItem},
    "frozen_zones": {"blocked_actions": BlockedAction},
}
# What a Ref("municipality", "Vejle") points at: the table and its natural-key column.
REF_TARGETS: dict[str, tuple[type[Base], str]] = {
    "solution": (Solution, "key"),
    "municipality": (Municipality, "name"),
    "meeting": (Meeting, "key"),
    "task": (KlikTask, "key"),
    "agreement": (Agreement, "key"),
}
REF_TABLE_OF_MODEL = {model: ref for ref, (model, _column) in REF_TARGETS.items()}


class RecordWriter:
    """Applies one import's records inside the caller's transaction."""

    def __init__(self, session: AsyncSession, import_id: Callable[[], Awaitable[int]]) -> None:
        self._session = session
        self._import_id = import_id
        self._ref_ids: dict[str, dict[str, int]] = {}
        self.inserted = 0
        self.updated = 0

    async def write(self, records: list[Record]) -> None:
        by_table: dict[str, list[Record]] = defaultdict(list)
        for record in records:
            by_table[record.table].append(record)
        for table in WRITE_ORDER:
            if by_table[table]:
                await self._write_table(table, by_table[table])

    async def _write_table(self, table: str, records: list[Record]) -> None:
        model = MODELS[table]
        children = CHILD_MODELS.get(table, {})
        query = select(model)
        for relation in children:
            query = query.options(selectinload(getattr(model, relation)))
        existing = {
            tuple(getattr(obj, c) for c in NATURAL_KEYS[table]): obj
            for obj in (await self._session.scalars(query)).all()
        }
        for record in records:
            values = {column: await self._resolve(value) for column, value in record.values.items()}
            key = tuple(values[c] for c in NATURAL_KEYS[table])
            obj = existing.get(key)
            if obj is None:
                obj = model(**values)
                for relation, rows in record.children.items():
                    getattr(obj, relation).extend(children[relation](**row) for row in rows)
                obj.import_id = await self._import_id()  # type: ignore[attr-defined]
                self._session.add(obj)
                existing[key] = obj
                self.inserted += 1
            elif await self._update(obj, values, record.children, children):
                obj.import_id = await self._import_id()  # type: ignore[attr-defined]
                self.updated += 1
        await self._session.flush()
        ref_table = REF_TABLE_OF_MODEL.get(model)
        if ref_table is not None:
            self._ref_ids.pop(ref_table, None)

    async def _update(
        self,
        obj: Base,
        values: dict[str, Any],
        child_rows: dict[str, list[dict[str, object]]],
        child_models: dict[str, type[Base]],
    ) -> bool:
        changed = False
        for column, value in values.items():
            if getattr(obj, column) != value:
                setattr(obj, column, value)
                changed = True
        for relation, rows in child_rows.items():
            collection = getattr(obj, relation)
            current = [
                {c: getattr(child, c) for c in row}
                for child, row in zip(collection, rows, strict=False)
            ]
            if len(collection) == len(rows) and current == rows:
                continue
            # Replace the list; flush the removals first so unique keys can be reused.
            collection.clear()
            await self._session.flush()
            collection.extend(child_models[relation](**row) for row in rows)
            changed = True
        return changed

    async def _resolve(self, value: object) -> object:
        if not isinstance(value, Ref):
            return value
        ids = self._ref_ids.get(value.table)
        if ids is None:
            model, column = REF_TARGETS[value.table]
            rows = await self._session.execute(select(getattr(model, column), model.id))  # type: ignore[attr-defined]
            ids = self._ref_ids[value.table] = {key: id_ for key, id_ in rows.all()}
        return ids[value.key]
