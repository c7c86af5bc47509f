"""Curriculum: binds a teacher to a storage, hands out assignments, records outcomes."""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from teachkit import _codec
from teachkit._batch import EventBatch, OutcomeBatch
from teachkit._legacy import upgrade_config, upgrade_state
from teachkit._records import Assignment, Event, Outcome, Task
from teachkit._teacher import BaseTeacher
from teachkit._time import from_timestamp, utcnow
from teachkit._validation import check_learner_id, check_positive_int, preview
from teachkit._version import __version__
from teachkit.curriculum._assignments import AssignmentBatch
from teachkit.errors import (
    AssignmentFinishedError,
    CurriculumExistsError,
    ReplayMismatchWarning,
    UnknownAssignmentError,
    ValidationError,
)
from teachkit.spaces import Discrete
from teachkit.storages import BaseStorage, get_storage
from teachkit.storages._base import TOLD, AskOp, CurriculumInfo, Op, StoredAssignment, Transaction

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
            if upgrade_config(existing.config["teacher"]) != config["teacher"]:
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
        teacher = BaseTeacher.from_config(upgrade_config(info.config["teacher"]))
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
        """The curriculum's name in its storage."""
        return self._info.name

    @property
    def teacher(self) -> BaseTeacher:
        """The live teacher (read it, don't tell it directly: tells belong in the log)."""
        return self._teacher

    @property
    def space(self) -> Any:
        """The task space (the teacher's)."""
        return self._space

    @property
    def storage(self) -> BaseStorage:
        """The storage holding the log, assignments and snapshots."""
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
        check_learner_id(learner_id)
        now_dt = self._now()
        now = now_dt.timestamp()
        expires = None if self._lease is None else now + self._lease
        with _Op(self, now) as tx:
            self._mutating = True
            encoded = self._teacher.ask_encoded(learner_id, 1)
            texts = self._space.to_text(encoded)
            seq, first = tx.append_ask(learner_id, texts, now, expires)
        self._done(seq)
        return Assignment(
            id=first,
            learner_id=learner_id,
            task=texts[0] if isinstance(self._space, Discrete) else self._space.decode(encoded)[0],
            created=now_dt,
            expires=None if expires is None else from_timestamp(expires),
            curriculum=self.name,
        )

    def ask_many(self, learner_id: str, n: int) -> AssignmentBatch:
        """Hand ``learner_id`` ``n`` tasks at once (one op; the fast path for machines)."""
        check_learner_id(learner_id)
        n = check_positive_int("n", n)
        now_dt = self._now()
        now = now_dt.timestamp()
        expires = None if self._lease is None else now + self._lease
        with _Op(self, now) as tx:
            self._mutating = True
            encoded = self._teacher.ask_encoded(learner_id, n)
            texts = self._space.to_text(encoded)
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
            aid = assignment.id
        else:
            aid = int(self._ids([assignment], "tell")[0])
        now = self._now().timestamp()
        when = now if outcome.time is None else outcome.time.timestamp()
        with _Op(self, now) as tx:
            found = tx.lookup(np.array([aid]))
            status = int(found.status[0])
            if status < 0:
                raise self._unknown([aid])
            if status == TOLD:
                if skip_if_finished:
                    return None
                raise self._finished([aid])
            text, learner = found.tasks[0], found.learner_ids[0]
            assert text is not None and learner is not None
            encoded = self._space.from_text([text])
            batch = EventBatch.one(
                learner_id=learner, task=encoded, outcome=outcome, time=when, assignment_id=aid
            )
            self._teacher.validate(batch)
            seq = tx.append_tell(batch, [text])
            self._mutating = True
            self._teacher._learn(batch)
        self._done(seq)
        task = text if isinstance(self._space, Discrete) else self._space.decode(encoded)[0]
        return Event(learner, task, outcome, from_timestamp(when), aid)

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
        with _Op(self, now) as tx:
            seq = tx.append_tell(batch, self._space.to_text(encoded))
            self._mutating = True
            self._teacher._learn(batch)
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

    def _unknown(self, ids: list[int]) -> UnknownAssignmentError:
        return UnknownAssignmentError(
            f"curriculum {self.name!r} never handed out assignment ids {preview(ids)}; "
            "tell ids returned by this curriculum's ask"
        )

    def _finished(self, ids: list[int]) -> AssignmentFinishedError:
        return AssignmentFinishedError(
            f"assignments {preview(ids)} were already told; pass skip_if_finished=True to "
            "ignore repeated tells"
        )

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
        with _Op(self, now) as tx:
            if known is not None:
                status = tx.statuses(ids)
            else:
                found = tx.lookup(ids)
                status = found.status
            unknown = status < 0
            if unknown.any():
                raise self._unknown(ids[unknown].tolist())
            keep = status != TOLD
            keep_all = bool(keep.all())
            if not keep_all and not skip:
                raise self._finished(ids[~keep].tolist())
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
                encoded = self._space.from_text(texts)
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
            seq = tx.append_tell(batch, texts)
            self._mutating = True
            self._teacher._learn(batch)
        self._done(seq)
        return batch

    # -- leases ---------------------------------------------------------------------------
    def expire(self) -> list[Assignment]:
        """Abandon every open assignment whose lease has ended; report and return them."""
        now = self._now().timestamp()
        self._next_expiry_check = float("-inf")
        with _Op(self, now):
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
            task=self._space.decode(self._space.from_text([row.task]))[0],
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
        return rows.to_batch(self._space).events(self._space)

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
        stored = self._info.config["teacher"]
        fresh = BaseTeacher.from_config(upgrade_config(stored))
        assert isinstance(fresh, BaseTeacher)
        seq, blob = self._storage.latest_snapshot(self._info.id)
        fresh.load_state_dict(upgrade_state(stored, _codec.loads(blob)))
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
                if not self._mismatch_warned and self._space.to_text(got) != op.tasks:
                    self._mismatch_warned = True
                    warnings.warn(
                        f"curriculum {self.name!r}: replaying ask op {op.seq} chose "
                        f"{preview(self._space.to_text(got), 3)} where the log recorded "
                        f"{preview(op.tasks, 3)}; the log is kept, but the teacher's state may "
                        "differ from the original (did its code or configuration change?)",
                        ReplayMismatchWarning,
                        stacklevel=3,
                    )
            else:
                self._teacher._learn(op.to_batch(self._space))
            self._applied = op.seq

    def close(self) -> None:
        """Close the storage's connections (the log is already durable; nothing is lost)."""
        self._storage.close()

    def __enter__(self) -> Curriculum:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Op:
    """One op of a curriculum, as a context manager around a storage transaction.

    On enter: take the curriculum's lock, rebuild a stale teacher, catch up on ops other
    handles wrote, abandon expired assignments. On exit: commit (or roll back), and if
    the teacher moved but the op was not stored, mark it stale so the next op rebuilds
    it from the log. A class, not a generator: this runs twice per ask+tell.
    """

    __slots__ = ("_abandoned", "_cur", "_now", "_tx")

    def __init__(self, cur: Curriculum, now: float) -> None:
        self._cur = cur
        self._now = now

    def __enter__(self) -> Transaction:
        cur = self._cur
        cur._lock.acquire()
        try:
            if cur._stale:
                cur._reload()
            cur._mutating = False
            cur._last_abandoned = []
            self._abandoned: list[StoredAssignment] = []
            self._tx = cur._storage.transaction(cur._info.id)
            tx = self._tx.__enter__()
            try:
                if tx.last_seq > cur._applied:
                    cur._replay(tx.read_ops(cur._applied))
                if cur._lease is not None and self._now >= cur._next_expiry_check:
                    self._abandoned = tx.abandon_expired(self._now)
                    cur._next_expiry_check = self._now + min(1.0, cur._lease / 10)
            except BaseException as exc:
                self._tx.__exit__(type(exc), exc, exc.__traceback__)
                raise
            return tx
        except BaseException:
            cur._lock.release()
            raise

    def __exit__(self, kind: Any, value: Any, tb: Any) -> None:
        cur = self._cur
        try:
            self._tx.__exit__(kind, value, tb)
        except BaseException:
            if cur._mutating:
                cur._stale = True
            raise
        else:
            if kind is not None and cur._mutating:
                cur._stale = True  # the teacher moved but the op was not stored
        finally:
            cur._mutating = False
            cur._lock.release()
        if kind is None:
            cur._report_abandoned(self._abandoned)


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
