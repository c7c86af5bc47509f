"""SQLStorage: the storage contract on SQLite (the default) and PostgreSQL.

Concurrency. Every op runs in a transaction that first takes the curriculum's write lock:
``BEGIN IMMEDIATE`` on SQLite (the database's single writer lock), ``SELECT ... FOR UPDATE``
on the curriculum's row on PostgreSQL. Sequence numbers and assignment ids are allocated
from that row under the lock, so they have no gaps, never collide and commit in order;
processes sharing a curriculum read each other's ops in that order.

Durability. SQLite runs in WAL mode with ``synchronous=NORMAL``: a committed tell survives
the process being killed at any moment (what teachkit promises); after a power cut the last
transactions may roll back. Pass ``synchronous="FULL"`` to trade speed for surviving power
loss too.
"""

from __future__ import annotations

import heapq
import itertools
import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DataError,
    IntegrityError,
    OperationalError,
)
from sqlalchemy.pool import StaticPool

from teachkit._batch import EventBatch
from teachkit._validation import check_name, did_you_mean
from teachkit.errors import (
    CurriculumExistsError,
    CurriculumNotFoundError,
    MissingDependencyError,
    StorageError,
    ValidationError,
)
from teachkit.storages._base import (
    ABANDONED,
    OPEN,
    TOLD,
    AskOp,
    AssignmentLookup,
    BaseStorage,
    ChangeOp,
    CurriculumInfo,
    EventRows,
    Op,
    StoredAssignment,
    StoredRequest,
    TellOp,
    Transaction,
    _vectors_to_json,
)
from teachkit.storages._sql._damage import RESTORE, check_sqlite_file, damaged
from teachkit.storages._sql._migrate import ensure_schema
from teachkit.storages._sql._schema import (
    assignments,
    changes,
    curricula,
    events,
    requests,
    snapshots,
)

PAGE = 50_000
_MAX_POS = 2**31 - 1
_IN_CHUNK = 500
_EVENT_COLS = (
    "op_seq, pos, learner_id, task, score, reward, success, duration, time, "
    "rewards, advantages, assignment_id"
)


def url_suggestion(url: Any) -> str:
    """What a malformed storage URL probably meant, as ``" (did you mean ...?)"``, or ``""``.

    >>> print(url_suggestion("sqlite:/x.db"))
     (did you mean 'sqlite:///x.db' (x.db in the current folder) or 'sqlite:////x.db' (the absolute path /x.db)?)
    >>> print(url_suggestion("runs/a.db"))
     (did you mean 'sqlite:///runs/a.db'?)
    """
    if not isinstance(url, str) or not url.strip():
        return ""
    text = url.strip()
    scheme, sep, rest = text.partition(":")
    if sep and scheme.lower() == "sqlite":
        path = rest.lstrip("/")
        if not path:
            return ""
        if rest.startswith("/"):
            return (
                f" (did you mean 'sqlite:///{path}' ({path} in the current folder) or "
                f"'sqlite:////{path}' (the absolute path /{path})?)"
            )
        return f" (did you mean 'sqlite:///{path}'?)"
    if "://" not in text and (not sep or len(scheme) == 1):  # a bare path (or C:\...)
        return f" (did you mean 'sqlite:///{text}'?)"
    return ""


def normalize_url(url: str) -> URL:
    """Parse a storage URL; pick psycopg 3 for PostgreSQL; explain mistakes."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValidationError(
            "storage URL",
            [
                f"expected a URL like 'sqlite:///run.db' or "
                f"'postgresql+psycopg://user@host/db', got {url!r}{url_suggestion(url)}"
            ],
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite" and (parsed.host or parsed.port or parsed.username):
        # 'sqlite://x.db' names a host, which SQLite has not: two slashes too few
        path = f"{parsed.host or ''}/{parsed.database or ''}".strip("/")
        raise ValidationError(
            "storage URL",
            [
                f"expected 'sqlite:///' and a file path (three slashes), got {url!r} "
                f"(did you mean 'sqlite:///{path}'?)"
            ],
        )
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise MissingDependencyError(
                "PostgreSQL storage needs psycopg 3: pip install 'teachkit[postgres]'"
            ) from None
    elif backend != "sqlite":
        raise ValidationError(
            "storage URL",
            [f"expected a sqlite:// or postgresql:// URL, got the {backend!r} backend in {url!r}"],
        )
    return parsed


class SQLStorage(BaseStorage):
    """Curricula in a SQL database: SQLite (a file, the default) or PostgreSQL.

    Args:
        url: ``"sqlite:///relative.db"``, ``"sqlite:////absolute/path.db"`` or
            ``"postgresql+psycopg://user:password@host:5432/database"`` (a plain
            ``postgresql://`` URL uses psycopg 3 too).
        synchronous: SQLite's ``PRAGMA synchronous`` (``"NORMAL"`` or ``"FULL"``).
        busy_timeout: seconds a SQLite writer waits for the lock before failing.
        engine_kwargs: passed to ``sqlalchemy.create_engine`` (pool sizes, echo...).
        create: create the SQLite file and the schema when they are missing. With False
            (``Curriculum.load``, ``teachkit storage info``) nothing is created or changed:
            a missing file, or a database without teachkit's tables, raises
            :class:`~teachkit.errors.CurriculumNotFoundError`.

    An empty database gets the schema on first use (unless ``create=False``). A database
    with an older schema is refused with an error telling you to run
    ``teachkit storage upgrade URL``; a damaged one with a
    :class:`~teachkit.errors.StorageError` saying what is damaged and what to do.
    """

    def __init__(
        self,
        url: str,
        *,
        synchronous: str = "NORMAL",
        busy_timeout: float = 60.0,
        engine_kwargs: dict[str, Any] | None = None,
        create: bool = True,
    ) -> None:
        parsed = normalize_url(url)
        self.url = parsed.render_as_string(hide_password=True)
        self._sqlite = parsed.get_backend_name() == "sqlite"
        kwargs = dict(engine_kwargs or {})
        if self._sqlite:
            if synchronous.upper() not in ("NORMAL", "FULL", "EXTRA", "OFF"):
                raise ValidationError(
                    "SQLStorage", [f"synchronous: expected 'NORMAL' or 'FULL', got {synchronous!r}"]
                )
            if parsed.database in (None, "", ":memory:"):
                kwargs.setdefault("poolclass", StaticPool)
                kwargs.setdefault("connect_args", {"check_same_thread": False})
            elif not create:
                check_sqlite_file(parsed.database, self.url)
        self._engine = create_engine(parsed, **kwargs)
        if self._sqlite:
            self._install_sqlite_hooks(synchronous.upper(), busy_timeout, parsed.database)
        self._last_seq_sql = "SELECT last_seq FROM teachkit_curricula WHERE id = " + (
            "?" if self._sqlite else "%s"
        )
        self._lock_sql = (
            "SELECT last_seq, next_assignment_id FROM teachkit_curricula WHERE id = "
            + ("?" if self._sqlite else "%s FOR UPDATE")
        )
        try:
            ensure_schema(self._engine, self.url, create=create)
        except OperationalError as exc:  # unreachable, locked, unreadable
            self._engine.dispose()
            raise StorageError(f"cannot open {self.url}: {exc.orig}") from None
        except DatabaseError as exc:
            self._engine.dispose()
            raise damaged(self.url, exc) from None
        except BaseException:
            self._engine.dispose()
            raise

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for tables that live beside teachkit's, such as the
        service's API keys)."""
        return self._engine

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is SQLite (else PostgreSQL)."""
        return self._sqlite

    def _install_sqlite_hooks(
        self, synchronous: str, busy_timeout: float, database: str | None
    ) -> None:
        file_backed = database not in (None, "", ":memory:")

        @event.listens_for(self._engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's begin hook, not pysqlite, decide how transactions start.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            if file_backed:
                _switch_to_wal(cur, busy_timeout)
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.close()

        @event.listens_for(self._engine, "begin")
        def _begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("teachkit_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    # -- curricula ----------------------------------------------------------------------------
    def create_curriculum(
        self, name: str, config: dict[str, Any], snapshot: bytes
    ) -> CurriculumInfo:
        check_name("curriculum name", name, "create_curriculum")
        now = time.time()
        try:
            with self._write() as conn:
                result = conn.execute(
                    insert(curricula).values(
                        name=name,
                        config=json.dumps(config),
                        created=now,
                        last_seq=0,
                        next_assignment_id=1,
                    )
                )
                cid = int(result.inserted_primary_key[0])  # type: ignore[index]
                conn.execute(
                    insert(snapshots).values(curriculum_id=cid, seq=0, created=now, state=snapshot)
                )
        except IntegrityError:
            raise CurriculumExistsError(
                f"a curriculum named {name!r} already exists in {self.url}; load it with "
                "Curriculum.load(storage, name) or choose another name"
            ) from None
        return CurriculumInfo(cid, name, config, now)

    def get_curriculum(self, name: str) -> CurriculumInfo:
        check_name("curriculum name", name, "get_curriculum")
        with self._read() as conn:
            row = conn.execute(
                select(curricula.c.id, curricula.c.config, curricula.c.created).where(
                    curricula.c.name == name
                )
            ).first()
            if row is None:
                names = [r[0] for r in conn.execute(select(curricula.c.name))]
                raise CurriculumNotFoundError(
                    f"no curriculum named {name!r} in {self.url}{did_you_mean(name, names)}; "
                    f"known: {sorted(names)}"
                )
        config = _json(row[1], self.url, f"the configuration of curriculum {name!r}")
        if not isinstance(config, dict):
            raise StorageError(
                f"{self.url}: the configuration of curriculum {name!r} is damaged (expected "
                f"a JSON object, got {str(row[1])[:60]!r}). {RESTORE}"
            )
        return CurriculumInfo(int(row[0]), name, config, float(row[2]))

    def list_curricula(self) -> list[str]:
        with self._read() as conn:
            return sorted(r[0] for r in conn.execute(select(curricula.c.name)))

    def delete_curriculum(self, name: str) -> None:
        info = self.get_curriculum(name)
        with self._write() as conn:
            for table in (events, assignments, snapshots, changes, requests):
                conn.execute(delete(table).where(table.c.curriculum_id == info.id))
            conn.execute(delete(curricula).where(curricula.c.id == info.id))

    # -- connections --------------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn:
                conn.execution_options(teachkit_write=True)
                with conn.begin():
                    yield conn
        except OperationalError as exc:
            if _is_damage(exc):
                raise damaged(self.url, exc) from None
            raise StorageError(
                f"{self.url}: the write failed and was rolled back ({exc.orig}); "
                "if the database is locked, another process holds it for too long"
            ) from exc
        except (IntegrityError, DataError):
            raise
        except DatabaseError as exc:
            raise damaged(self.url, exc) from None

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn, conn.begin():
                yield conn
        except OperationalError as exc:
            if _is_damage(exc):
                raise damaged(self.url, exc) from None
            raise StorageError(f"{self.url}: the read failed ({exc.orig})") from exc
        except (IntegrityError, DataError):
            raise
        except DatabaseError as exc:
            raise damaged(self.url, exc) from None

    @contextmanager
    def transaction(self, curriculum_id: int) -> Iterator[Transaction]:
        with self._write() as conn:
            # FOR UPDATE takes the curriculum's row lock on PostgreSQL; on SQLite the
            # BEGIN IMMEDIATE of the write connection already holds the database lock.
            row = conn.exec_driver_sql(self._lock_sql, (curriculum_id,)).first()
            if row is None:
                raise CurriculumNotFoundError(
                    f"curriculum id {curriculum_id} no longer exists in {self.url}"
                )
            tx = _SQLTransaction(conn, curriculum_id, int(row[0]), int(row[1]))
            yield tx
            tx.finish()

    # -- reading ------------------------------------------------------------------------------
    def read_ops(self, curriculum_id: int, after: int = 0) -> Iterator[Op]:
        with self._read() as conn:
            upto = conn.execute(
                select(curricula.c.last_seq).where(curricula.c.id == curriculum_id)
            ).scalar_one()
            yield from _read_ops(conn, curriculum_id, after, int(upto))

    def read_events(self, curriculum_id: int, learner_id: str | None = None) -> EventRows:
        with self._read() as conn:
            pages = list(_event_pages(conn, curriculum_id, 0, None, learner_id))
        return EventRows.concat(pages)

    def read_event_page(
        self, curriculum_id: int, after: int, limit: int, learner_id: str | None = None
    ) -> EventRows:
        sql = "SELECT op_seq FROM teachkit_events WHERE curriculum_id = :c AND op_seq > :s"
        params: dict[str, Any] = {"c": curriculum_id, "s": after, "o": max(limit, 1) - 1}
        if learner_id is not None:
            sql += " AND learner_id = :lid"
            params["lid"] = learner_id
        with self._read() as conn:
            # the op of the limit-th row: the page ends with that op's last row
            bound = conn.execute(
                text(sql + " ORDER BY op_seq, pos LIMIT 1 OFFSET :o"), params
            ).scalar()
            pages = list(
                _event_pages(
                    conn, curriculum_id, after, None if bound is None else int(bound), learner_id
                )
            )
        return EventRows.concat(pages)

    def last_seq(self, curriculum_id: int) -> int:
        try:
            with self._engine.connect() as conn:  # one row, no transaction of its own needed
                found = conn.exec_driver_sql(self._last_seq_sql, (curriculum_id,)).scalar()
        except (IntegrityError, DataError):
            raise
        except DatabaseError as exc:
            raise damaged(self.url, exc) from None
        if found is None:
            raise CurriculumNotFoundError(
                f"curriculum id {curriculum_id} no longer exists in {self.url}"
            )
        return int(found)

    def latest_change(self, curriculum_id: int) -> ChangeOp | None:
        with self._read() as conn:
            row = conn.execute(
                select(changes.c.op_seq, changes.c.config, changes.c.state)
                .where(changes.c.curriculum_id == curriculum_id)
                .order_by(changes.c.op_seq.desc())
                .limit(1)
            ).first()
        if row is None:
            return None
        config = _json(row[1], self.url, f"the teacher configuration of change op {row[0]}")
        return ChangeOp(int(row[0]), config, bytes(row[2]))

    def open_assignments(
        self, curriculum_id: int, learner_id: str | None = None
    ) -> list[StoredAssignment]:
        query = select(assignments).where(
            assignments.c.curriculum_id == curriculum_id, assignments.c.status == OPEN
        )
        if learner_id is not None:
            query = query.where(assignments.c.learner_id == learner_id)
        with self._read() as conn:
            return [_stored(r) for r in conn.execute(query.order_by(assignments.c.id))]

    def get_assignment(self, curriculum_id: int, assignment_id: int) -> StoredAssignment | None:
        with self._read() as conn:
            row = conn.execute(
                select(assignments).where(
                    assignments.c.curriculum_id == curriculum_id, assignments.c.id == assignment_id
                )
            ).first()
        return None if row is None else _stored(row)

    # -- snapshots ----------------------------------------------------------------------------
    def latest_snapshot(self, curriculum_id: int, upto: int | None = None) -> tuple[int, bytes]:
        query = select(snapshots.c.seq, snapshots.c.state).where(
            snapshots.c.curriculum_id == curriculum_id
        )
        if upto is not None:
            query = query.where(snapshots.c.seq <= upto)
        with self._read() as conn:
            row = conn.execute(query.order_by(snapshots.c.seq.desc()).limit(1)).first()
        if row is None:
            raise StorageError(
                f"{self.url}: curriculum id {curriculum_id} has no teacher snapshot at or "
                "before its start (seq 0): the database is damaged. Restore it from a backup"
            )
        return int(row[0]), bytes(row[1])

    def put_snapshot(self, curriculum_id: int, seq: int, state: bytes, *, keep: int = 3) -> None:
        try:
            with self._write() as conn:
                conn.execute(
                    insert(snapshots).values(
                        curriculum_id=curriculum_id, seq=seq, created=time.time(), state=state
                    )
                )
                # Keep seq 0 (the starting point) and the newest few.
                old = (
                    conn.execute(
                        select(snapshots.c.seq)
                        .where(snapshots.c.curriculum_id == curriculum_id, snapshots.c.seq > 0)
                        .order_by(snapshots.c.seq.desc())
                        .offset(keep)
                    )
                    .scalars()
                    .all()
                )
                if old:
                    conn.execute(
                        delete(snapshots).where(
                            snapshots.c.curriculum_id == curriculum_id, snapshots.c.seq.in_(old)
                        )
                    )
        except IntegrityError:
            pass  # another process stored this very snapshot already

    def close(self) -> None:
        self._engine.dispose()

    def __repr__(self) -> str:
        return f"SQLStorage({self.url!r})"


class _SQLTransaction(Transaction):
    """The hot path of every op, written as plain SQL: building SQLAlchemy statement
    objects on each call would cost more than the database work itself."""

    def __init__(self, conn: Connection, cid: int, last_seq: int, next_id: int) -> None:
        self._conn = conn
        self._cid = cid
        self.last_seq = last_seq
        self._seq = last_seq
        self._next_id = next_id
        self._mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"

    def _run(self, sql: str, params: tuple[Any, ...]) -> Any:
        return self._conn.exec_driver_sql(sql.replace("?", self._mark), params)

    def _assignment_rows(self, columns: str, ids: np.ndarray) -> list[Any]:
        """Rows of the assignments with these ids: one range query when the ids are
        (nearly) contiguous, as batches are; otherwise chunks of IN lists."""
        if not len(ids):
            return []
        lo, hi = int(ids.min()), int(ids.max())
        base = f"SELECT {columns} FROM teachkit_assignments WHERE curriculum_id = ? AND "
        if hi - lo < 4 * len(ids) + 64:
            return list(self._run(base + "id BETWEEN ? AND ?", (self._cid, lo, hi)).fetchall())
        rows: list[Any] = []
        wanted = ids.tolist()
        for k in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[k : k + _IN_CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows += self._run(base + f"id IN ({marks})", (self._cid, *chunk)).fetchall()
        return rows

    def read_ops(self, after: int) -> list[Op]:
        return list(_read_ops(self._conn, self._cid, after, self.last_seq))

    def lookup(self, ids: np.ndarray) -> AssignmentLookup:
        rows = self._assignment_rows("id, status, learner_id, task", ids)
        found = {int(r[0]): (int(r[1]), r[2], r[3]) for r in rows}
        picked = [found.get(i) for i in ids.tolist()]
        return AssignmentLookup(
            status=np.array([-1 if p is None else p[0] for p in picked], dtype=np.int16),
            learner_ids=[None if p is None else p[1] for p in picked],
            tasks=[None if p is None else p[2] for p in picked],
        )

    def statuses(self, ids: np.ndarray) -> np.ndarray:
        found = {int(r[0]): int(r[1]) for r in self._assignment_rows("id, status", ids)}
        return np.array([found.get(i, -1) for i in ids.tolist()], dtype=np.int16)

    def _insert_many(
        self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        """Hand rows straight to the driver: SQLAlchemy's per-row parameter processing would
        cost more than the database itself on big batches.

        SQLite takes ``executemany`` (one prepared statement, no round trips). PostgreSQL
        gets ``COPY ... FROM STDIN`` on the same connection, inside the same transaction:
        a round trip per row, or parsing a statement with tens of thousands of
        placeholders, would dominate a batched tell.
        """
        if self._mark == "?":
            row = "(" + ", ".join(["?"] * len(columns)) + ")"
            self._conn.exec_driver_sql(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {row}", rows
            )
            return
        raw = self._conn.connection.driver_connection
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            for values in rows:
                copy.write_row(values)

    def append_ask(
        self, learner_id: str, tasks: list[str], created: float, expires: float | None
    ) -> tuple[int, int]:
        self._seq += 1
        seq, first = self._seq, self._next_id
        self._next_id += len(tasks)
        cid = self._cid
        self._insert_many(
            "teachkit_assignments",
            ("curriculum_id", "id", "op_seq", "learner_id", "task", "created", "expires", "status"),
            [
                (cid, first + i, seq, learner_id, task, created, expires, OPEN)
                for i, task in enumerate(tasks)
            ],
        )
        return seq, first

    def append_tell(self, batch: EventBatch, tasks: list[str]) -> int:
        self._seq += 1
        seq = self._seq

        def nulls(col: np.ndarray) -> list[float | None]:
            return [None if v != v else v for v in col.tolist()]

        success = [None if v != v else int(v) for v in batch.success.tolist()]
        aids = [None if a < 0 else a for a in batch.assignment_ids.tolist()]
        n = len(batch)
        self._insert_many(
            "teachkit_events",
            (
                "curriculum_id",
                "op_seq",
                "pos",
                "learner_id",
                "task",
                "score",
                "reward",
                "success",
                "duration",
                "time",
                "rewards",
                "advantages",
                "assignment_id",
            ),
            list(
                zip(
                    [self._cid] * n,
                    [seq] * n,
                    range(n),
                    batch.learner_ids.tolist(),
                    tasks,
                    nulls(batch.score),
                    nulls(batch.reward),
                    success,
                    nulls(batch.duration),
                    batch.time.tolist(),
                    _vectors_to_json(batch.rewards),
                    _vectors_to_json(batch.advantages),
                    aids,
                )
            ),
        )
        told = batch.assignment_ids[batch.assignment_ids > 0]
        if len(told):
            lo, hi = int(told.min()), int(told.max())
            update_sql = (
                f"UPDATE teachkit_assignments SET status = {TOLD} WHERE curriculum_id = ? AND "
            )
            if hi - lo + 1 == len(told):
                self._run(update_sql + "id BETWEEN ? AND ?", (self._cid, lo, hi))
            else:
                values = told.tolist()
                for k in range(0, len(values), _IN_CHUNK):
                    chunk = values[k : k + _IN_CHUNK]
                    marks = ", ".join("?" * len(chunk))
                    self._run(update_sql + f"id IN ({marks})", (self._cid, *chunk))
        return seq

    def abandon_expired(self, now: float) -> list[StoredAssignment]:
        where = (
            assignments.c.curriculum_id == self._cid,
            assignments.c.status == OPEN,
            assignments.c.expires < now,
        )
        found = [_stored(r) for r in self._conn.execute(select(assignments).where(*where))]
        if found:
            self._conn.execute(update(assignments).where(*where).values(status=ABANDONED))
        return [StoredAssignment(**{**a.__dict__, "status": ABANDONED}) for a in found]

    def append_change(self, config: dict[str, Any], state: bytes, created: float) -> int:
        self._seq += 1
        self._conn.execute(
            insert(changes).values(
                curriculum_id=self._cid,
                op_seq=self._seq,
                created=created,
                config=json.dumps(config),
                state=state,
            )
        )
        return self._seq

    def find_request(self, request_id: str) -> StoredRequest | None:
        row = self._run(
            "SELECT op_seq, fingerprint, response FROM teachkit_requests "
            "WHERE curriculum_id = ? AND request_id = ?",
            (self._cid, request_id),
        ).first()
        return None if row is None else StoredRequest(int(row[0]), str(row[1]), str(row[2]))

    def put_request(
        self, request_id: str, seq: int, fingerprint: str, response: str, created: float
    ) -> None:
        self._run(
            "INSERT INTO teachkit_requests (curriculum_id, request_id, op_seq, fingerprint, "
            "response, created) VALUES (?, ?, ?, ?, ?, ?)",
            (self._cid, request_id, seq, fingerprint, response, created),
        )

    def prune_requests(self, before: float) -> int:
        result = self._run(
            "DELETE FROM teachkit_requests WHERE curriculum_id = ? AND created < ?",
            (self._cid, before),
        )
        return int(result.rowcount or 0)

    def finish(self) -> None:
        if self._seq != self.last_seq:
            self._run(
                "UPDATE teachkit_curricula SET last_seq = ?, next_assignment_id = ? WHERE id = ?",
                (self._seq, self._next_id, self._cid),
            )


def _is_damage(exc: OperationalError) -> bool:
    """SQLite reports some damage as an OperationalError (a page that points nowhere)."""
    text = str(exc.orig).lower()
    return any(w in text for w in ("malformed", "not a database", "no such table", "corrupt"))


def _json(text: Any, url: str, what: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError) as exc:
        raise StorageError(f"{url}: {what} is damaged (not JSON: {exc}). {RESTORE}") from None


def _switch_to_wal(cursor: Any, timeout: float) -> None:
    """``PRAGMA journal_mode=WAL``, retried: on a new database that other processes open at
    the same moment, SQLite refuses the switch with "database is locked" without waiting
    for its busy timeout (the change needs the database to itself for an instant)."""
    import sqlite3

    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(0.2, delay * 2)


def _stored(row: Any) -> StoredAssignment:
    m = row._mapping
    return StoredAssignment(
        id=int(m["id"]),
        op_seq=int(m["op_seq"]),
        learner_id=m["learner_id"],
        task=m["task"],
        created=float(m["created"]),
        expires=None if m["expires"] is None else float(m["expires"]),
        status=int(m["status"]),
    )


def _read_ops(conn: Connection, cid: int, after: int, upto: int) -> Iterator[Op]:
    """Asks and tells with ``after < seq <= upto``, merged in seq order, read in pages."""
    if upto <= after:
        return
    asks: Iterator[Op] = _ask_ops(conn, cid, after, upto)
    tells: Iterator[Op] = _tell_ops(conn, cid, after, upto)
    found: Iterator[Op] = _change_ops(conn, cid, after, upto)
    yield from heapq.merge(asks, tells, found, key=_seq_of)


def _change_ops(conn: Connection, cid: int, after: int, upto: int) -> Iterator[ChangeOp]:
    rows = conn.execute(
        select(changes.c.op_seq, changes.c.config, changes.c.state)
        .where(changes.c.curriculum_id == cid, changes.c.op_seq > after, changes.c.op_seq <= upto)
        .order_by(changes.c.op_seq)
    ).all()
    for seq, config, state in rows:
        yield ChangeOp(int(seq), _json(config, "the database", f"change op {seq}"), bytes(state))


def _seq_of(op: Op) -> int:
    return op.seq


def _ask_ops(conn: Connection, cid: int, after: int, upto: int) -> Iterator[AskOp]:
    start = conn.execute(
        text(
            "SELECT MIN(id) FROM teachkit_assignments "
            "WHERE curriculum_id = :c AND op_seq > :s AND op_seq <= :u"
        ),
        {"c": cid, "s": after, "u": upto},
    ).scalar()
    if start is None:
        return
    last_id = int(start) - 1
    current: AskOp | None = None
    while True:
        rows = conn.execute(
            text(
                "SELECT op_seq, id, learner_id, task FROM teachkit_assignments "
                "WHERE curriculum_id = :c AND id > :i AND op_seq <= :u ORDER BY id LIMIT :l"
            ),
            {"c": cid, "i": last_id, "u": upto, "l": PAGE},
        ).all()
        for seq, aid, lid, task in rows:
            if current is not None and current.seq == seq:
                current.tasks.append(task)
            else:
                if current is not None:
                    yield current
                current = AskOp(int(seq), lid, [task], int(aid))
        if len(rows) < PAGE:
            break
        last_id = int(rows[-1][1])
    if current is not None:
        yield current


def _tell_ops(conn: Connection, cid: int, after: int, upto: int) -> Iterator[TellOp]:
    carry: EventRows | None = None
    for page in _event_pages(conn, cid, after, upto, None):
        if carry is not None:
            page = EventRows.concat([carry, page])
        cuts = np.flatnonzero(np.diff(page.seq)) + 1
        starts = [0, *cuts.tolist()]
        # The last op of a page may continue on the next page: hold it back.
        for a, b in itertools.pairwise(starts):
            yield TellOp(int(page.seq[a]), page.slice(a, b))
        carry = page.slice(starts[-1], len(page))
    if carry is not None and len(carry):
        yield TellOp(int(carry.seq[0]), carry)


def _event_pages(
    conn: Connection, cid: int, after: int, upto: int | None, learner_id: str | None
) -> Iterator[EventRows]:
    last = (after, _MAX_POS)  # start after every row of op `after`
    while True:
        sql = (
            f"SELECT {_EVENT_COLS} FROM teachkit_events WHERE curriculum_id = :c "
            "AND (op_seq, pos) > (:s, :p)"
        )
        params: dict[str, Any] = {"c": cid, "s": last[0], "p": last[1], "l": PAGE}
        if upto is not None:
            sql += " AND op_seq <= :u"
            params["u"] = upto
        if learner_id is not None:
            sql += " AND learner_id = :lid"
            params["lid"] = learner_id
        rows = conn.execute(text(sql + " ORDER BY op_seq, pos LIMIT :l"), params).all()
        if not rows:
            return
        yield _rows_to_columns(rows)
        if len(rows) < PAGE:
            return
        last = (int(rows[-1][0]), int(rows[-1][1]))


def _rows_to_columns(rows: Sequence[Any]) -> EventRows:
    cols = list(zip(*rows))
    f = np.float64
    return EventRows(
        seq=np.asarray(cols[0], dtype=np.int64),
        learner_ids=list(cols[2]),
        tasks=list(cols[3]),
        score=np.array(cols[4], dtype=f),
        reward=np.array(cols[5], dtype=f),
        success=np.array(cols[6], dtype=f),
        duration=np.array(cols[7], dtype=f),
        time=np.array(cols[8], dtype=f),
        rewards=list(cols[9]),
        advantages=list(cols[10]),
        assignment_ids=np.array([-1 if a is None else a for a in cols[11]], dtype=np.int64),
    )
