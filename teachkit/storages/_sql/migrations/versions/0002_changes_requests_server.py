"""Change ops (a growing item bank), request ids (idempotent ops), and the service's API
keys and courses.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teachkit_changes",
        sa.Column("curriculum_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("op_seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "teachkit_requests",
        sa.Column("curriculum_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("request_id", sa.String(200), primary_key=True),
        sa.Column("op_seq", sa.BigInteger(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
    )
    op.create_index(
        "ix_teachkit_requests_created", "teachkit_requests", ["curriculum_id", "created"]
    )
    op.create_table(
        "teachkit_api_keys",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("admin", sa.SmallInteger(), nullable=False),
        sa.Column("label", sa.String(200), nullable=True),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("revoked", sa.Float(), nullable=True),
    )
    op.create_table(
        "teachkit_courses",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("curriculum", sa.String(200), nullable=False, unique=True),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.UniqueConstraint("tenant", "name", name="uq_teachkit_courses_tenant_name"),
    )


def downgrade() -> None:
    op.drop_table("teachkit_courses")
    op.drop_table("teachkit_api_keys")
    op.drop_index("ix_teachkit_requests_created", table_name="teachkit_requests")
    op.drop_table("teachkit_requests")
    op.drop_table("teachkit_changes")
