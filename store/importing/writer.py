"""Write validated records: insert what is new, update what changed, touch nothing else."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import insert, select
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
# The column in each child table that points at its parent.
CHILD_PARENT_COLUMN: dict[type[Base], str] = {
    MunicipalityAlias: "municipality_id",
    AgendaItem: "meeting_id",
    BlockedAction: "frozen_zone_id",
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
        key_columns = NATURAL_KEYS[table]
        children = CHILD_MODELS.get(table, {})
        query = select(model)
        for relation in children:
            query = query.options(selectinload(getattr(model, relation)))
        existing = {
            tuple(getattr(obj, c) for c in key_columns): obj
            for obj in (await self._session.scalars(query)).all()
        }
        new: list[tuple[tuple[object, ...], dict[str, Any], Record]] = []
        referenced = {v.table for r in records for v in r.values.values() if isinstance(v, Ref)}
        for needed in referenced:
            await self._load_ref_ids(needed)
        for record in records:
            values = {column: self._resolve(value) for column, value in record.values.items()}
            key = tuple(values[c] for c in key_columns)
            obj = existing.get(key)
            if obj is None:
                new.append((key, values, record))
            elif await self._update(obj, values, record.children, children):
                obj.import_id = await self._import_id()  # type: ignore[attr-defined]
                self.updated += 1
        if new:
            await self._insert(model, key_columns, children, new)
        await self._session.flush()
        ref_table = REF_TABLE_OF_MODEL.get(model)
        if ref_table is not None:
            self._ref_ids.pop(ref_table, None)

    async def _insert(
        self,
        model: type[Base],
        key_columns: tuple[str, ...],
        children: dict[str, type[Base]],
        new: list[tuple[tuple[object, ...], dict[str, Any], Record]],
    ) -> None:
        """Insert new facts in one batch per table (an empty database loads in one pass)."""
        import_id = await self._import_id()
        await self._session.execute(
            insert(model), [{**values, "import_id": import_id} for _key, values, _record in new]
        )
        self.inserted += len(new)
        if not any(record.children for _key, _values, record in new):
            return
        ids = {
            tuple(row[:-1]): row[-1]
            for row in await self._session.execute(
                select(*(getattr(model, c) for c in key_columns), model.id)  # type: ignore[attr-defined]
            )
        }
        for relation, child_model in children.items():
            parent_column = CHILD_PARENT_COLUMN[child_model]
            rows = [
                {**row, parent_column: ids[key]}
                for key, _values, record in new
                for row in record.children.get(relation, [])
            ]
            if rows:
                await self._session.execute(insert(child_model), rows)

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

    async def _load_ref_ids(self, table: str) -> None:
        if table not in self._ref_ids:
            model, column = REF_TARGETS[table]
            rows = await self._session.execute(select(getattr(model, column), model.id))  # type: ignore[attr-defined]
            self._ref_ids[table] = {key: id_ for key, id_ in rows.all()}

    def _resolve(self, value: object) -> object:
        """A Ref becomes the id it names (loaded by :meth:`_load_ref_ids`); values stay."""
        if not isinstance(value, Ref):
            return value
        return self._ref_ids[value.table][value.key]
