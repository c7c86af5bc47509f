"""Curriculum: binds a teacher to a storage, hands out assignments, records outcomes."""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from teachkit._batch import EventBatch, OutcomeBatch
from teachkit._records import Assignment, Event, Outcome, Task
from teachkit._time import from_timestamp, utcnow
from teachkit._validation import check_learner_id, check_positive_int, preview
from teachkit._version import __version__
from teachkit.curriculum._assignments import AssignmentBatch
from teachkit.curriculum._convert import batch_to_rows, rows_to_batch, tasks_to_text, text_to_tasks
from teachkit.errors import (
    AssignmentFinishedError,
    CurriculumExistsError,
    ReplayMismatchWarning,
    UnknownAssignmentError,
    ValidationError,
)
from teachkit.storages import BaseStorage, get_storage
from teachkit.storages._base import TOLD, AskOp, CurriculumInfo, Op, StoredAssignment, Transaction
from teachkit.teachers import BaseTeacher

log = logging.getLogger("teachkit")

AbandonCallback = Callable[[list[Assignment]], None]


class Curriculum:
    """The user-facing handle: a teacher, a storage and the log that ties them together.

    ``ask`` hands a learner an :class:`~teachkit.Assignment` chosen by the teacher;
    ``tell`` records its outcome durably and teaches the teacher. Everything goes through
    the storage's op log first, so a curriculum reloaded with :meth:`load` (in this process
    or another) makes exactly the same next choices as one that never stopped.

    Args:
        teacher: the policy. Its current state becomes the curriculum's starting point.
        storage: ``None`` (in memory), a URL (``"sqlite:///run.db"``,
            ``"postgresql+psycopg://user@host/db"``) or a storage object.
        name: the curriculum's name in the storage.
        lease: how long an assignment stays open before it is abandoned (None: forever).
        snapshot_every: store a teacher snapshot every this many ops, so that loading
            replays at most this many.
        on_abandon: called with the assignments whose lease ran out. Without it they are
            logged as a warning on the ``teachkit`` logger. Either way they stay visible
            through :meth:`assignments`.
        clock: returns the current time (timezone-aware); for tests and simulations.
        load_if_exists: if a curriculum of that name exists, load it instead of failing
            (its stored teacher must have the same configuration as ``teacher``).

    Example:
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(["add", "sub", "mul"])
        >>> cur = tk.Curriculum(tk.teachers.Uniform(space, seed=0))
        >>> a = cur.ask("alice")
        >>> cur.tell(a, tk.Outcome(score=1.0)).outcome.score
        1.0
    """

    def __init__(
        self,
        teacher: BaseTeacher,
        storage: str | BaseStorage | None = None,
        name: str = "default",
        *,
        lease: timedelta | None = timedelta(hours=1),
        snapshot_every: int = 1000,
        on_abandon: AbandonCallback | None = None,
        clock: Callable[[], datetime] | None = None,
        load_if_exists: bool = False,
    ) -> None:
        if not isinstance(teacher, BaseTeacher):
            raise ValidationError(
                "Curriculum",
                [f"teacher: expected a teachkit teacher, got {type(teacher).__name__}"],
            )
        _check_name(name)
        _check_lease(lease)
        check_positive_int("snapshot_every", snapshot_every)
        store = get_storage(storage)
        config = {
            "teacher": teacher.to_config(),
            "lease_seconds": None if lease is None else lease.total_seconds(),
            "snapshot_every": snapshot_every,
            "teachkit_version": __version__,
        }
        try:
            info = store.create_curriculum(name, config, teacher.state_bytes())
        except CurriculumExistsError:
            if not load_if_exists:
                raise
            existing = store.get_curriculum(name)
            if existing.config["teacher"] != config["teacher"]:
                raise CurriculumExistsError(
                    f"a curriculum named {name!r} exists in {store.url} with a different "
                    f"teacher ({existing.config['teacher']['class']}); load it with "
                    "Curriculum.load(storage, name) or choose another name"
                ) from None
            loaded = Curriculum.load(store, name, on_abandon=on_abandon, clock=clock)
            self.__dict__.update(loaded.__dict__)
            return
        self._setup(store, info, teacher, on_abandon, clock)
        self._last_snapshot = 0

    def _setup(
        self,
        storage: BaseStorage,
        info: CurriculumInfo,
        teacher: BaseTeacher,
        on_abandon: AbandonCallback | None,
        clock: Callable[[], datetime] | None,
    ) -> None:
        self._storage = storage
        self._info = info
        self._teacher = teacher
        self._space = teacher.space
        self._on_abandon = on_abandon
        self._clock = clock or utcnow
        lease = info.config.get("lease_seconds")
        self._lease = None if lease is None else float(lease)
        self._snapshot_every = int(info.config.get("snapshot_every", 1000))
        self._applied = 0
        self._last_snapshot = 0
        self._stale = False
        self._next_expiry_check = float("-inf")
        self._lock = threading.RLock()
        self._mismatch_warned = False
        self._last_abandoned: list[Assignment] = []

    @classmethod
    def load(
        cls,
        storage: str | BaseStorage,
        name: str = "default",
        *,
        on_abandon: AbandonCallback | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> Curriculum:
        """Rebuild a stored curriculum: its teacher from the latest snapshot plus a replay
        of the ops after it (same state, same RNG, same next choices)."""
        store = get_storage(storage)
        info = store.get_curriculum(name)
        teacher = BaseTeacher.from_config(info.config["teacher"])
        if not isinstance(teacher, BaseTeacher):
            raise ValidationError(
                "Curriculum.load", [f"stored teacher is a {type(teacher).__name__}"]
            )
        self = cls.__new__(cls)
        self._setup(store, info, teacher, on_abandon, clock)
        self._reload()
        return self

    # -- properties -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._info.name

    @property
    def teacher(self) -> BaseTeacher:
        """The live teacher (read it, don't tell it directly: tells belong in the log)."""
        return self._teacher

    @property
    def space(self) -> Any:
        return self._space

    @property
    def storage(self) -> BaseStorage:
        return self._storage

    @property
    def ops(self) -> int:
        """How many asks and tells this curriculum has applied."""
        return self._applied

    def __repr__(self) -> str:
        return (
            f"Curriculum(name={self.name!r}, teacher={self._teacher!r}, "
            f"storage={self._storage.url!r}, ops={self._applied})"
        )

    # -- asking ---------------------------------------------------------------------------
    def ask(self, learner_id: str) -> Assignment:
        """Hand ``learner_id`` one task chosen by the teacher."""
        return self.ask_many(learner_id, 1)[0]

    def ask_many(self, learner_id: str, n: int) -> AssignmentBatch:
        """Hand ``learner_id`` ``n`` tasks at once (one op; the fast path for machines)."""
        check_learner_id(learner_id)
        n = check_positive_int("n", n)
        now_dt = self._now()
        now = now_dt.timestamp()
        expires = None if self._lease is None else now + self._lease
        with self._op(now) as tx:
            self._mutating = True
            encoded = self._teacher.ask_encoded(learner_id, n)
            texts = tasks_to_text(self._space, encoded)
            seq, first = tx.append_ask(learner_id, texts, now, expires)
        self._done(seq)
        return AssignmentBatch(
            curriculum=self.name,
            learner_id=learner_id,
            ids=np.arange(first, first + n, dtype=np.int64),
            encoded=encoded,
            space=self._space,
            created=now_dt,
            expires=None if expires is None else from_timestamp(expires),
            texts=texts,
        )

    # -- telling --------------------------------------------------------------------------
    def tell(
        self, assignment: Assignment | int, outcome: Outcome, *, skip_if_finished: bool = False
    ) -> Event | None:
        """Record the outcome of an assignment (or of its id, from another process).

        Returns the recorded Event, or None when the assignment was already told and
        ``skip_if_finished`` is set. Raises UnknownAssignmentError for an id this
        curriculum never handed out and AssignmentFinishedError for one already told.
        """
        if not isinstance(outcome, Outcome):
            raise ValidationError(
                "tell",
                [
                    f"outcome: expected an Outcome, got {type(outcome).__name__}; e.g. tk.Outcome(score=1.0)"
                ],
            )
        if isinstance(assignment, Assignment) and (
            not assignment.curriculum or assignment.curriculum == self.name
        ):
            ids = np.array([assignment.id], dtype=np.int64)
        else:
            ids = self._ids([assignment], "tell")
        batch = self._tell(ids, OutcomeBatch.from_outcomes([outcome]), skip_if_finished)
        if batch is None:
            return None
        return Event(
            learner_id=str(batch.learner_ids[0]),
            task=self._space.decode(batch.tasks)[0],
            outcome=outcome,
            time=from_timestamp(float(batch.time[0])),
            assignment_id=int(ids[0]),
        )

    def tell_many(
        self,
        items: Iterable[tuple[Assignment | int, Outcome]]
        | AssignmentBatch
        | Sequence[Assignment | int],
        outcomes: OutcomeBatch | Sequence[Outcome] | None = None,
        *,
        skip_if_finished: bool = False,
    ) -> int:
        """Record many outcomes as one op; returns how many were recorded.

        Either ``tell_many([(assignment, outcome), ...])`` or
        ``tell_many(assignments, outcomes)`` where ``outcomes`` is a list of Outcome or a
        columnar :class:`~teachkit.OutcomeBatch` (fastest). The whole batch is checked
        before anything is written: one bad item rejects all of them.
        """
        if outcomes is None:
            pairs: list[Any] = list(items)
            bad = [i for i, p in enumerate(pairs) if not (isinstance(p, tuple) and len(p) == 2)]
            if bad:
                raise ValidationError(
                    "tell_many",
                    [
                        f"expected (assignment, outcome) pairs, got {type(pairs[bad[0]]).__name__} "
                        f"at positions {preview(bad)}; or call tell_many(assignments, outcomes)"
                    ],
                )
            targets: Any = [p[0] for p in pairs]
            outs: Any = [p[1] for p in pairs]
        else:
            targets, outs = items, outcomes
        ids = self._ids(targets, "tell_many")
        known = (
            targets if isinstance(targets, AssignmentBatch) and targets._texts is not None else None
        )
        if not isinstance(outs, OutcomeBatch):
            outs = list(outs)
            bad = [i for i, o in enumerate(outs) if not isinstance(o, Outcome)]
            if bad:
                raise ValidationError(
                    "tell_many",
                    [
                        f"expected Outcome objects, got {type(outs[bad[0]]).__name__} at positions {preview(bad)}"
                    ],
                )
            if not outs:
                return 0
            outs = OutcomeBatch.from_outcomes(outs)
        if len(outs) != len(ids):
            raise ValidationError(
                "tell_many", [f"expected one outcome per assignment ({len(ids)}), got {len(outs)}"]
            )
        batch = self._tell(ids, outs, skip_if_finished, known)
        return 0 if batch is None else len(batch)

    def record(self, learner_id: str, task: Task, outcome: Outcome) -> Event:
        """Record an outcome on a task the curriculum did not assign (self-chosen practice,
        an imported history); the teacher learns from it like any other."""
        check_learner_id(learner_id)
        if not isinstance(outcome, Outcome):
            raise ValidationError(
                "record", [f"outcome: expected an Outcome, got {type(outcome).__name__}"]
            )
        encoded = self._space.encode([task])
        now = self._now().timestamp()
        outs = OutcomeBatch.from_outcomes([outcome])
        batch = EventBatch.build(
            learner_ids=[learner_id],
            tasks=encoded,
            outcomes=outs,
            times=outs.resolve_times(now),
            assignment_ids=[-1],
        )
        self._teacher.validate(batch)
        with self._op(now) as tx:
            seq = tx.append_tell(batch_to_rows(batch, tasks_to_text(self._space, encoded)))
            self._mutating = True
            self._teacher.tell(batch)
        self._done(seq)
        return batch.events(self._space)[0]

    def _ids(self, targets: Any, where: str) -> np.ndarray:
        if isinstance(targets, AssignmentBatch):
            self._check_own(targets.curriculum, where)
            return targets.ids
        ids: list[int] = []
        problems: list[str] = []
        for i, t in enumerate(targets):
            if isinstance(t, Assignment):
                if t.curriculum and t.curriculum != self.name:
                    problems.append(
                        f"[{i}]: assignment {t.id} belongs to curriculum {t.curriculum!r}, not {self.name!r}"
                    )
                ids.append(t.id)
            elif isinstance(t, int | np.integer) and not isinstance(t, bool):
                ids.append(int(t))
            else:
                problems.append(f"[{i}]: expected an Assignment or its integer id, got {t!r}")
        if problems:
            raise ValidationError(where, problems)
        arr = np.asarray(ids, dtype=np.int64)
        if len(arr) > 1 and len(np.unique(arr)) != len(arr):
            values, counts = np.unique(arr, return_counts=True)
            raise ValidationError(
                where,
                [
                    f"each assignment may be told once, repeated: {preview(values[counts > 1].tolist())}"
                ],
            )
        return arr

    def _check_own(self, curriculum: str, where: str) -> None:
        if curriculum and curriculum != self.name:
            raise ValidationError(
                where, [f"these assignments belong to curriculum {curriculum!r}, not {self.name!r}"]
            )

    def _tell(
        self,
        ids: np.ndarray,
        outcomes: OutcomeBatch,
        skip: bool,
        known: AssignmentBatch | None = None,
    ) -> EventBatch | None:
        """Record outcomes for assignment ids. ``known`` is the batch this curriculum
        handed out for exactly these ids: its learner and tasks need no lookup."""
        now = self._now().timestamp()
        with self._op(now) as tx:
            if known is not None:
                status = tx.statuses(ids)
            else:
                found = tx.lookup(ids)
                status = found.status
            unknown = status < 0
            if unknown.any():
                raise UnknownAssignmentError(
                    f"curriculum {self.name!r} never handed out assignment ids "
                    f"{preview(ids[unknown].tolist())}; tell ids returned by this curriculum's ask"
                )
            keep = status != TOLD
            keep_all = bool(keep.all())
            if not keep_all and not skip:
                raise AssignmentFinishedError(
                    f"assignments {preview(ids[~keep].tolist())} were already told; pass "
                    "skip_if_finished=True to ignore repeated tells"
                )
            if not keep_all and not keep.any():
                return None
            if known is not None:
                assert known._texts is not None
                texts = known._texts
                learners: Any = np.full(len(ids), known.learner_id, dtype=object)
                encoded = known.encoded
            else:
                texts = found.tasks  # type: ignore[assignment]
                learners = found.learner_ids
                encoded = text_to_tasks(self._space, texts)
            batch = EventBatch.build(
                learner_ids=learners,
                tasks=encoded,
                outcomes=outcomes,
                times=outcomes.resolve_times(now),
                assignment_ids=ids,
            )
            if not keep_all:
                batch = batch.take(keep)
                texts = [t for t, k in zip(texts, keep.tolist()) if k]
            self._teacher.validate(batch)
            seq = tx.append_tell(batch_to_rows(batch, texts))
            self._mutating = True
            self._teacher.tell(batch)
        self._done(seq)
        return batch

    # -- leases ---------------------------------------------------------------------------
    def expire(self) -> list[Assignment]:
        """Abandon every open assignment whose lease has ended; report and return them."""
        now = self._now().timestamp()
        self._next_expiry_check = float("-inf")
        with self._op(now):
            pass
        return self._last_abandoned

    def _report_abandoned(self, rows: list[StoredAssignment]) -> None:
        abandoned = [self._assignment(r) for r in rows]
        self._last_abandoned = abandoned
        if not abandoned:
            return
        if self._on_abandon is not None:
            self._on_abandon(abandoned)
        else:
            log.warning(
                "curriculum %r: %d assignment(s) abandoned after their lease ended: ids %s",
                self.name,
                len(abandoned),
                preview([a.id for a in abandoned]),
            )

    def _assignment(self, row: StoredAssignment) -> Assignment:
        return Assignment(
            id=row.id,
            learner_id=row.learner_id,
            task=self._space.decode(text_to_tasks(self._space, [row.task]))[0],
            created=from_timestamp(row.created),
            expires=None if row.expires is None else from_timestamp(row.expires),
            curriculum=self.name,
        )

    # -- reading the log ------------------------------------------------------------------
    def events(self, learner_id: str | None = None) -> list[Event]:
        """Every recorded event (of one learner, if given), oldest first."""
        rows = self._storage.read_events(self._info.id, learner_id)
        if not len(rows):
            return []
        return rows_to_batch(self._space, rows).events(self._space)

    def assignments(self, learner_id: str | None = None) -> list[Assignment]:
        """Assignments still open (of one learner, if given)."""
        return [
            self._assignment(r) for r in self._storage.open_assignments(self._info.id, learner_id)
        ]

    def get_assignment(self, assignment_id: int) -> tuple[Assignment, str]:
        """An assignment and its status: ``"open"``, ``"told"`` or ``"abandoned"``."""
        from teachkit.storages._base import STATUS_NAMES

        row = self._storage.get_assignment(self._info.id, int(assignment_id))
        if row is None:
            raise UnknownAssignmentError(
                f"curriculum {self.name!r} never handed out assignment id {assignment_id}"
            )
        return self._assignment(row), STATUS_NAMES[row.status]

    # -- the op machinery -----------------------------------------------------------------
    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValidationError("clock", ["expected a timezone-aware datetime, got a naive one"])
        return now

    @contextmanager
    def _op(self, now: float) -> Iterator[Transaction]:
        """Lock, catch up on ops written elsewhere, expire leases, then do one op."""
        with self._lock:
            if self._stale:
                self._reload()
            self._mutating = False
            self._last_abandoned = []
            abandoned: list[StoredAssignment] = []
            try:
                with self._storage.transaction(self._info.id) as tx:
                    if tx.last_seq > self._applied:
                        self._replay(tx.read_ops(self._applied))
                    if self._lease is not None and now >= self._next_expiry_check:
                        abandoned = tx.abandon_expired(now)
                        self._next_expiry_check = now + self._expiry_interval()
                    yield tx
            except BaseException:
                if self._mutating:
                    self._stale = True  # the teacher moved but the op was not stored
                raise
            finally:
                self._mutating = False
            self._report_abandoned(abandoned)

    def _expiry_interval(self) -> float:
        assert self._lease is not None
        return min(1.0, self._lease / 10)

    def _done(self, seq: int) -> None:
        self._applied = seq
        if seq - self._last_snapshot >= self._snapshot_every:
            self.snapshot()

    def snapshot(self) -> None:
        """Store the teacher's state now, so that loading replays nothing before it."""
        with self._lock:
            self._storage.put_snapshot(self._info.id, self._applied, self._teacher.state_bytes())
            self._last_snapshot = self._applied

    def _reload(self) -> None:
        fresh = BaseTeacher.from_config(self._info.config["teacher"])
        assert isinstance(fresh, BaseTeacher)
        seq, blob = self._storage.latest_snapshot(self._info.id)
        fresh.load_state_bytes(blob)
        self._teacher = fresh
        self._space = fresh.space
        self._applied = seq
        self._last_snapshot = seq
        self._replay(self._storage.read_ops(self._info.id, after=seq))
        self._stale = False

    def _replay(self, ops: Iterable[Op]) -> None:
        for op in ops:
            if isinstance(op, AskOp):
                got = self._teacher.ask_encoded(op.learner_id, len(op.tasks))
                if not self._mismatch_warned and tasks_to_text(self._space, got) != op.tasks:
                    self._mismatch_warned = True
                    warnings.warn(
                        f"curriculum {self.name!r}: replaying ask op {op.seq} chose "
                        f"{preview(tasks_to_text(self._space, got), 3)} where the log recorded "
                        f"{preview(op.tasks, 3)}; the log is kept, but the teacher's state may "
                        "differ from the original (did its code or configuration change?)",
                        ReplayMismatchWarning,
                        stacklevel=3,
                    )
            else:
                self._teacher.tell(rows_to_batch(self._space, op.rows))
            self._applied = op.seq

    def close(self) -> None:
        self._storage.close()

    def __enter__(self) -> Curriculum:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not name or len(name) > 200:
        raise ValidationError(
            "Curriculum",
            [f"name: expected a non-empty string of at most 200 characters, got {name!r}"],
        )


def _check_lease(lease: Any) -> None:
    if lease is not None and (not isinstance(lease, timedelta) or lease <= timedelta(0)):
        raise ValidationError(
            "Curriculum", [f"lease: expected a positive timedelta or None, got {lease!r}"]
        )
