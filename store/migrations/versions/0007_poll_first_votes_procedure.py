"""poll first votes: a procedure that stores a batch of them, each in its own transaction

PostgreSQL only (SQLite writes votes in the bot's process). ``store.poll_votes_pg`` sends the
first votes that arrive together as one ``CALL``: one round trip instead of one per vote,
while every vote still commits (or is refused) on its own, exactly as the single statement
``FIRST_SINGLE_VOTE_SQL`` there does it. A later migration that changes the tables this body
names must replace the procedure too.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 02:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Per vote i, in order: bump the voter's shard of the open poll (checks the poll is open and
# takes that shard's row lock, so a close waits for it and a vote behind a close is refused),
# insert the ballot unless the voter answered before, count the option in the same shard,
# COMMIT. ``outcome[i]``: 0 the poll is closed, 1 counted now, 2 answered before (the caller
# changes the answer). An error stops the call: the votes before it are committed, the
# failing one is rolled back, the rest are not run (the caller then sends them one by one).
PROCEDURE = """
CREATE OR REPLACE PROCEDURE poll_first_votes(
    p_poll text[], p_shard integer[], p_now timestamptz[], p_question integer[],
    p_sealed text[], p_choice text[], p_key text[], p_aad text[], p_name text[],
    p_voted timestamptz[], p_option integer[], INOUT outcome integer[] DEFAULT NULL)
LANGUAGE plpgsql AS $$
DECLARE
    i integer;
BEGIN
    outcome := array_fill(0, ARRAY[cardinality(p_poll)]);
    FOR i IN 1 .. cardinality(p_poll) LOOP
        UPDATE poll_shards s SET version = s.version + 1
        FROM polls p
        WHERE s.poll_id = p_poll[i] AND s.shard = p_shard[i] AND NOT s.closed
          AND p.id = p_poll[i] AND p.closed_at IS NULL
          AND (p.closes_at IS NULL OR p.closes_at > p_now[i]);
        IF FOUND THEN
            INSERT INTO poll_ballots (poll_id, question_id, voter_key, sealed_choice, choice,
                                      voter_aad_object_id, voter_name, voted_at)
            VALUES (p_poll[i], p_question[i], p_key[i], p_sealed[i], p_choice[i], p_aad[i],
                    p_name[i], p_voted[i])
            ON CONFLICT (poll_id, question_id, voter_key) DO NOTHING;
            IF FOUND THEN
                UPDATE poll_option_shards SET votes = votes + 1
                WHERE option_id = p_option[i] AND shard = p_shard[i];
                outcome[i] := 1;
            ELSE
                outcome[i] := 2;
            END IF;
        END IF;
        COMMIT;
    END LOOP;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PROCEDURE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP PROCEDURE IF EXISTS poll_first_votes")
