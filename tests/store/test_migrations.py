"""The schema is made only by migrations, and the migrations match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from store.db import SCHEMA_HEAD, create_engine, head_revision
from store.models import Base
from store.repository import Store


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_an_empty_database_is_not_ready_until_migrated_then_matches_the_models(
    empty_database_url: str,
) -> None:
    store = Store(create_engine(empty_database_url))
    try:
        assert not (await store.readiness()).ready
        await store.migrate()
        await store.migrate()  # idempotent: a second instance starting finds nothing to do
        readiness = await store.readiness()
        assert readiness.ready, readiness.detail
        assert head_revision() in readiness.detail
        async with store.engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await store.close()


def test_the_schema_head_constant_is_alembics_newest_migration() -> None:
    assert head_revision() == SCHEMA_HEAD
