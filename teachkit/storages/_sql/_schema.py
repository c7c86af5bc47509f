"""The SQL schema. Changes go through an Alembic migration in ``migrations/versions``.

Tables are prefixed ``teachkit_`` and Alembic's bookkeeping lives in its own table, so a
teachkit schema can share a database with an application's own tables and migrations.
Times are POSIX seconds (UTC) in float columns: the log is read and written in bulk, and
numbers convert an order of magnitude faster than timestamp types.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

HEAD_REVISION = "0002"
"""The migration this code expects; a test checks it is Alembic's head."""

VERSION_TABLE = "teachkit_alembic_version"

metadata = MetaData()

curricula = Table(
    "teachkit_curricula",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("config", Text, nullable=False),
    Column("created", Float, nullable=False),
    Column("last_seq", BigInteger, nullable=False, default=0),
    Column("next_assignment_id", BigInteger, nullable=False, default=1),
)

assignments = Table(
    "teachkit_assignments",
    metadata,
    Column("curriculum_id", Integer, primary_key=True, autoincrement=False),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("op_seq", BigInteger, nullable=False),
    Column("learner_id", String(200), nullable=False),
    Column("task", Text, nullable=False),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=True),
    Column("status", SmallInteger, nullable=False, default=0),
    Index("ix_teachkit_assignments_op", "curriculum_id", "op_seq"),
    Index("ix_teachkit_assignments_lease", "curriculum_id", "status", "expires"),
    Index("ix_teachkit_assignments_learner", "curriculum_id", "learner_id"),
)

events = Table(
    "teachkit_events",
    metadata,
    Column("curriculum_id", Integer, primary_key=True, autoincrement=False),
    Column("op_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("pos", Integer, primary_key=True, autoincrement=False),
    Column("learner_id", String(200), nullable=False),
    Column("task", Text, nullable=False),
    Column("score", Float, nullable=True),
    Column("reward", Float, nullable=True),
    Column("success", SmallInteger, nullable=True),
    Column("duration", Float, nullable=True),
    Column("time", Float, nullable=False),
    Column("rewards", Text, nullable=True),
    Column("advantages", Text, nullable=True),
    Column("assignment_id", BigInteger, nullable=True),
    Index("ix_teachkit_events_learner", "curriculum_id", "learner_id"),
)

snapshots = Table(
    "teachkit_snapshots",
    metadata,
    Column("curriculum_id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("created", Float, nullable=False),
    Column("state", LargeBinary, nullable=False),
)

changes = Table(
    "teachkit_changes",
    metadata,
    Column("curriculum_id", Integer, primary_key=True, autoincrement=False),
    Column("op_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("created", Float, nullable=False),
    Column("config", Text, nullable=False),
    Column("state", LargeBinary, nullable=False),
)
"""Change ops: the teacher's configuration and state after its task space changed."""

requests = Table(
    "teachkit_requests",
    metadata,
    Column("curriculum_id", Integer, primary_key=True, autoincrement=False),
    Column("request_id", String(200), primary_key=True),
    Column("op_seq", BigInteger, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("response", Text, nullable=False),
    Column("created", Float, nullable=False),
    Index("ix_teachkit_requests_created", "curriculum_id", "created"),
)
"""Request ids of idempotent ops: a repeated request gets the first answer."""

api_keys = Table(
    "teachkit_api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant", String(64), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("admin", SmallInteger, nullable=False),
    Column("label", String(200), nullable=True),
    Column("created", Float, nullable=False),
    Column("revoked", Float, nullable=True),
)
"""The service's API keys (``teachkit.server``): only a hash of each key is kept."""

courses = Table(
    "teachkit_courses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant", String(64), nullable=False),
    Column("name", String(100), nullable=False),
    Column("curriculum", String(200), nullable=False, unique=True),
    Column("definition", Text, nullable=False),
    Column("created", Float, nullable=False),
    UniqueConstraint("tenant", "name", name="uq_teachkit_courses_tenant_name"),
)
"""The service's courses: a tenant's name for a curriculum, with its item contents."""
