"""The first schema: curricula, assignments, events and snapshots.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teachkit_curricula",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("next_assignment_id", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "teachkit_assignments",
        sa.Column("curriculum_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("op_seq", sa.BigInteger(), nullable=False),
        sa.Column("learner_id", sa.String(200), nullable=False),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("expires", sa.Float(), nullable=True),
        sa.Column("status", sa.SmallInteger(), nullable=False),
    )
    op.create_index("ix_teachkit_assignments_op", "teachkit_assignments", ["curriculum_id", "op_seq"])
    op.create_index(
        "ix_teachkit_assignments_lease", "teachkit_assignments", ["curriculum_id", "status", "expires"]
    )
    op.create_index(
        "ix_teachkit_assignments_learner", "teachkit_assignments", ["curriculum_id", "learner_id"]
    )
    op.create_table(
        "teachkit_events",
        sa.Column("curriculum_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("op_seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("pos", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("learner_id", sa.String(200), nullable=False),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reward", sa.Float(), nullable=True),
        sa.Column("success", sa.SmallInteger(), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("time", sa.Float(), nullable=False),
        sa.Column("rewards", sa.Text(), nullable=True),
        sa.Column("advantages", sa.Text(), nullable=True),
        sa.Column("assignment_id", sa.BigInteger(), nullable=True),
    )
    op.create_index("ix_teachkit_events_learner", "teachkit_events", ["curriculum_id", "learner_id"])
    op.create_table(
        "teachkit_snapshots",
        sa.Column("curriculum_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("teachkit_snapshots")
    op.drop_table("teachkit_events")
    op.drop_table("teachkit_assignments")
    op.drop_table("teachkit_curricula")
