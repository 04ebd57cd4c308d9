"""Import KOMBIT's tables (CSV/XLSX in the formats of the built-in dataset).

All or nothing: every row of every file is validated first and every problem is reported with
file, line and column; if anything is wrong nothing is written. Re-importing the same data
changes nothing (upsert on natural keys; an import that changes nothing leaves no trace in the
facts). An import someone asked for (``imported_by`` given: the CLI, a chat upload) is written
to the audit log in the same transaction, even when it changed nothing, so admins can see who
imported what; a rejected import writes nothing at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.importing.readers import UnreadableFile, read_tables
from store.importing.records import MeetingContext, RowError
from store.importing.validation import (
    SPECS,
    Catalog,
    TableSpec,
    identify,
    normalise_key,
    seed_file,
    validate_tables,
)
from store.importing.writer import RecordWriter
from store.models import (
    Agreement,
    AuditEntry,
    DataVersion,
    Import,
    KlikTask,
    Meeting,
    Municipality,
    MunicipalityAlias,
    Solution,
)
from store.versioning import bump_data_version

IMPORT_LOCK_ID = 0x4B4F4D43  # serialises imports between instances sharing PostgreSQL


@dataclass(frozen=True, slots=True)
class ImportFile:
    """A file to import: its name (for messages and type) and its bytes."""

    name: str
    content: bytes

    @classmethod
    def from_path(cls, path: Path) -> ImportFile:
        return cls(path.name, path.read_bytes())


@dataclass(slots=True)
class ImportResult:
    files: list[str]
    tables: dict[str, str] = field(default_factory=dict)  # origin -> table name
    records: int = 0
    inserted: int = 0
    updated: int = 0
    skipped: bool = False  # only_if_empty and the database already had data
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows checked
    data_version: int = 0  # the data version after the import

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)


class ImportRejected(Exception):
    """The import was refused; nothing was written. ``errors`` lists every bad row."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s); nothing was imported")


def _read(files: Sequence[ImportFile]) -> tuple[list[tuple[Any, TableSpec]], list[RowError]]:
    tables = []
    errors: list[RowError] = []
    for file in files:
        try:
            raw_tables = read_tables(Path(file.name), file.content)
        except UnreadableFile as exc:
            errors.append(RowError(file.name, 1, "", str(exc)))
            continue
        for table in raw_tables:
            errors.extend(
                RowError(table.origin, line, "", reason) for line, reason in table.problems
            )
            spec = identify(table)
            if spec is None:
                names = ", ".join(s.name for s in SPECS)
                errors.append(
                    RowError(
                        table.origin,
                        1,
                        "",
                        "cannot tell which table this is; "
                        f"name the file or sheet after one of: {names}",
                    )
                )
                continue
            tables.append((table, spec))
    return tables, errors


async def load_catalog(session: AsyncSession) -> Catalog:
    """What the database already holds, for reference checks and year inference."""
    catalog = Catalog()
    catalog.municipalities = set(await session.scalars(select(Municipality.name)))
    for name in catalog.municipalities:
        catalog.alias_owner[normalise_key(name)] = name
    for alias_key, name in (
        await session.execute(
            select(MunicipalityAlias.alias_key, Municipality.name).join(Municipality)
        )
    ).all():
        catalog.alias_owner[alias_key] = name
    for key, kind, day, status_day, source in (
        await session.execute(
            select(
                Meeting.key,
                Meeting.kind,
                Meeting.date_earliest,
                Meeting.status_as_of,
                Meeting.source,
            )
        )
    ).all():
        catalog.meetings[key] = MeetingContext(key, day or status_day, seed_file(source))
        if kind == "deck" and (day or status_day):
            catalog.deck_days[seed_file(source)] = day or status_day  # type: ignore[assignment]
    catalog.tasks = set(await session.scalars(select(KlikTask.key)))
    catalog.agreements = set(await session.scalars(select(Agreement.key)))
    for key, code, aliases in (
        await session.execute(select(Solution.key, Solution.code, Solution.aliases))
    ).all():
        for alias in [key, code, *aliases.split(";")]:
            if alias.strip():
                catalog.solution_alias[normalise_key(alias)] = key
    return catalog


async def import_files(
    sessions: async_sessionmaker[AsyncSession],
    files: Sequence[ImportFile],
    *,
    kind: str = "file",
    imported_by: str | None = None,
    imported_by_name: str = "",
    only_if_empty: bool = False,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Validate all files, then write everything in one transaction, or raise ImportRejected.

    With ``imported_by`` (an AAD object id, or "cli") the import is audited in that transaction.
    """
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    result = ImportResult(files=[f.name for f in files])
    tables, errors = _read(files)
    result.tables = {table.origin: spec.name for table, spec in tables}
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda f: f.content):
        digest.update(hashlib.sha256(file.content).digest())
    sha = digest.hexdigest()
    async with sessions() as session, session.begin():
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": IMPORT_LOCK_ID})
        if only_if_empty and await session.scalar(select(func.count()).select_from(Municipality)):
            result.skipped = True
            return result
        catalog = await load_catalog(session)
        records, row_errors = validate_tables(tables, catalog)
        errors.extend(row_errors)
        if errors:
            raise ImportRejected(errors)
        result.records = len(records)
        result.counts = dict(Counter(record.table for record in records))
        import_row: list[Import] = []

        async def import_id() -> int:
            if not import_row:
                existing = await session.scalar(select(Import).where(Import.sha256 == sha))
                row = existing or Import(
                    kind=kind,
                    label=", ".join(result.files),
                    sha256=sha,
                    imported_at=now,
                    imported_by=imported_by,
                )
                session.add(row)
                await session.flush()
                import_row.append(row)
            return import_row[0].id

        writer = RecordWriter(session, import_id)
        await writer.write(records)
        result.inserted, result.updated = writer.inserted, writer.updated
        if import_row:
            import_row[0].rows_inserted += writer.inserted
            import_row[0].rows_updated += writer.updated
            await bump_data_version(session)
        result.data_version = (
            await session.scalar(select(DataVersion.version).where(DataVersion.id == 1)) or 0
        )
        if imported_by is not None:
            session.add(_audit_entry(result, imported_by, imported_by_name, now))
    return result


def _audit_entry(result: ImportResult, actor: str, actor_name: str, now: dt.datetime) -> AuditEntry:
    """The change log's record of an import: which files, by whom, how many rows changed."""
    label = ", ".join(result.files)
    summary = {
        "files": result.files,
        "tables": result.counts,
        "rows": result.records,
        "inserted": result.inserted,
        "updated": result.updated,
        "data_version": result.data_version,
    }
    return AuditEntry(
        at=now,
        actor_aad_object_id=actor[:64],
        actor_name=actor_name[:255],
        action="import",
        entity="import",
        entity_key=label if len(label) <= 255 else label[:254] + "…",
        municipality_id=None,
        before="",
        after=json.dumps(summary, ensure_ascii=False),
    )


__all__ = ["ImportFile", "ImportRejected", "ImportResult", "RowError", "import_files"]
