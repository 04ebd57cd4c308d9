"""reminder senders: who holds a delivery claim, and whether that process still lives

A claimed delivery row now names the process that claimed it (``claimed_by``), and every
process sending reminders keeps a row in ``reminder_senders`` with its host, pid and a
heartbeat. A claim of a process that is known to be dead (its pid is gone on this host, or its
heartbeat stopped) is taken over at once instead of when its lease runs out.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_senders",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_senders")),
    )
    with op.batch_alter_table("reminder_deliveries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_by", sa.String(length=64), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder_deliveries", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
    op.drop_table("reminder_senders")
