"""poll shards: first votes on PostgreSQL count in slices, not on one hot row

See ``store.models.PollShard``. Existing polls get their shards here (PostgreSQL only; SQLite
does not use them); a downgrade folds the slices back into the poll and option rows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 16:30:07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARDS = 16  # store.models.POLL_SHARDS when this migration was written


def upgrade() -> None:
    op.create_table(
        "poll_shards",
        sa.Column("poll_id", sa.String(length=36), nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_shards_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("poll_id", "shard", name=op.f("pk_poll_shards")),
    )
    op.create_table(
        "poll_option_shards",
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["poll_options.id"],
            name=op.f("fk_poll_option_shards_option_id_poll_options"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("option_id", "shard", name=op.f("pk_poll_option_shards")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "INSERT INTO poll_shards (poll_id, shard, version, closed)"
            " SELECT p.id, s, 0, p.closed_at IS NOT NULL"
            f" FROM polls p CROSS JOIN generate_series(0, {SHARDS - 1}) AS s"
        )
        op.execute(
            "INSERT INTO poll_option_shards (option_id, shard, votes)"
            f" SELECT o.id, s, 0 FROM poll_options o CROSS JOIN generate_series(0, {SHARDS - 1}) AS s"
        )


def downgrade() -> None:
    op.execute(
        "UPDATE polls SET version = version"
        " + COALESCE((SELECT sum(s.version) FROM poll_shards s WHERE s.poll_id = polls.id), 0)"
    )
    op.execute(
        "UPDATE poll_options SET votes = votes + COALESCE((SELECT sum(s.votes)"
        " FROM poll_option_shards s WHERE s.option_id = poll_options.id), 0)"
    )
    op.drop_table("poll_option_shards")
    op.drop_table("poll_shards")
