"""poll ballots: drop the index on poll_id alone

The unique constraint (poll_id, question_id, voter_key) already serves every lookup by poll
(poll_id is its first column), so the extra index only cost each vote one more B-tree insert
and, on SQLite, one more page written per commit.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("poll_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_ballots_poll_id"))


def downgrade() -> None:
    with op.batch_alter_table("poll_ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poll_ballots_poll_id"), ["poll_id"], unique=False)
