"""Curriculum: binds a teacher to a storage, hands out assignments, records outcomes."""

from __future__ import annotations

import copy
import json
import logging
import threading
import uuid
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, ClassVar

import numpy as np

from teachkit import _codec, _validation
from teachkit._batch import EventBatch, OutcomeBatch
from teachkit._legacy import upgrade_config, upgrade_state
from teachkit._records import Assignment, Event, Outcome, Task
from teachkit._teacher import BaseTeacher
from teachkit._time import from_timestamp, utcnow
from teachkit._validation import (
    check_learner_id,
    check_name,
    check_positive_int,
    is_int,
    preview,
)
from teachkit._version import __version__
from teachkit.curriculum._assignments import AssignmentBatch
from teachkit.curriculum._bank import change_space, task_names
from teachkit.curriculum._diff import config_differences
from teachkit.curriculum._op import OpContext
from teachkit.curriculum._requests import (
    PRUNE_EVERY,
    REQUEST_TTL,
    check_request_id,
    fingerprint,
    first_answer,
    outcome_columns,
)
from teachkit.curriculum._view import TeacherView, unwrap
from teachkit.errors import (
    AssignmentFinishedError,
    CurriculumExistsError,
    ReplayMismatchWarning,
    StorageError,
    UnknownAssignmentError,
    ValidationError,
)
from teachkit.spaces import Discrete
from teachkit.storages import BaseStorage, get_storage
from teachkit.storages._base import (
    TOLD,
    AskOp,
    ChangeOp,
    CurriculumInfo,
    Op,
    StoredAssignment,
    Transaction,
)

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
            (its stored teacher must have the same configuration as ``teacher``, as it was
            created or as it is now; the error names what differs).

    Example:
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(["add", "sub", "mul"])
        >>> cur = tk.Curriculum(tk.teachers.Uniform(space, seed=0))
        >>> a = cur.ask("alice")
        >>> cur.tell(a, tk.Outcome(score=1.0)).outcome.score
        1.0
    """

    MAX_BATCH: ClassVar[int] = _validation.MAX_BATCH
    """The most tasks one :meth:`ask_many` or :meth:`peek` hands out (100,000): a bound on
    the memory one call can claim; ask in several calls for more."""

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
        if unwrap(teacher) is not teacher:  # another curriculum's teacher: take a copy
            teacher = teacher.copy()  # type: ignore[attr-defined]
        _check_name(name)
        _check_lease(lease)
        snapshot_every = check_positive_int("snapshot_every", snapshot_every)
        store = get_storage(storage)
        config = {
            "teacher": teacher.to_config(),
            "lease_seconds": None if lease is None else lease.total_seconds(),
            "snapshot_every": snapshot_every,
            "teachkit_version": __version__,
            "uid": uuid.uuid4().hex,
        }
        try:
            info = store.create_curriculum(name, config, teacher.state_bytes())
        except CurriculumExistsError:
            if not load_if_exists:
                raise
            existing = store.get_curriculum(name)
            created = upgrade_config(existing.config["teacher"])
            change = store.latest_change(existing.id)
            current = created if change is None else change.config
            if config["teacher"] not in (created, current):
                differences = "; ".join(config_differences(current, config["teacher"]))
                raise CurriculumExistsError(
                    f"a curriculum named {name!r} exists in {store.url} with a different "
                    f"teacher ({differences}); load it with Curriculum.load(storage, name) "
                    "or choose another name"
                ) from None
            loaded = Curriculum.load(
                store, name, on_abandon=on_abandon, clock=clock, allow=config_modules(config)
            )
            self.__dict__.update(loaded.__dict__)
            return
        self._setup(store, info, teacher, on_abandon, clock, config_modules(config))
        self._last_snapshot = 0

    def _setup(
        self,
        storage: BaseStorage,
        info: CurriculumInfo,
        teacher: BaseTeacher,
        on_abandon: AbandonCallback | None,
        clock: Callable[[], datetime] | None,
        allow: Iterable[str] = (),
    ) -> None:
        self._storage = storage
        self._allow = tuple(allow)
        self._info = info
        self._uid = curriculum_uid(info)
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
        self._use_snapshots = True

    @classmethod
    def load(
        cls,
        storage: str | BaseStorage,
        name: str = "default",
        *,
        on_abandon: AbandonCallback | None = None,
        clock: Callable[[], datetime] | None = None,
        snapshots: bool = True,
        allow: Iterable[str] = (),
    ) -> Curriculum:
        """Rebuild a stored curriculum: its teacher from the latest snapshot plus a replay
        of the ops after it (same state, same RNG, same next choices).

        Loading only reads: a URL naming a missing file or a database without teachkit's
        tables raises CurriculumNotFoundError and creates nothing. A damaged database,
        configuration or snapshot raises StorageError saying what is damaged.

        The stored configuration names the teacher's classes. Teachkit's registered
        classes (:mod:`teachkit.registry`) always load; any other class only from a module
        in ``allow``: a stored path is never imported otherwise, so a database from
        elsewhere cannot run code.

        Args:
            allow: modules or packages (``["mypkg.teachers"]``) whose classes the stored
                configuration may name besides teachkit's own: teachers of your own.
            snapshots: False ignores every snapshot after the curriculum's start and
                replays the whole log: how to recover when a snapshot is damaged (it
                writes nothing; call :meth:`snapshot` afterwards to store a good one).
        """
        _check_name(name, "Curriculum.load")
        allowed = _allowed(allow)
        store = get_storage(storage, create=False)  # loading writes nothing
        try:
            info = store.get_curriculum(name)
            if not isinstance(info.config.get("teacher"), dict):
                raise StorageError(
                    f"{store.url}: the configuration of curriculum {name!r} is damaged "
                    f"(expected a teacher, got {preview(info.config, 3)}); nothing was "
                    "changed. Restore the database from a backup"
                )
            config = upgrade_config(info.config["teacher"])
            try:
                teacher = BaseTeacher.from_config(config, allow=allowed)
            except ValidationError as exc:
                raise ValidationError(
                    f"Curriculum.load: the stored teacher of {name!r} in {store.url}", exc.problems
                ) from None
            if not isinstance(teacher, BaseTeacher):
                raise ValidationError(
                    "Curriculum.load", [f"stored teacher is a {type(teacher).__name__}"]
                )
            self = cls.__new__(cls)
            self._setup(store, info, teacher, on_abandon, clock, allowed)
            self._use_snapshots = bool(snapshots)
            self._reload()
        except BaseException:
            if store is not storage:  # opened here from a URL: close it again
                store.close()
            raise
        return self

    # -- properties -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The curriculum's name in its storage."""
        return self._info.name

    @property
    def teacher(self) -> BaseTeacher:
        """The teacher, as a read-only :class:`~teachkit.curriculum.TeacherView`.

        Read anything from it; what would change it behind the log (``ask``, ``tell``,
        loading a state) raises :class:`~teachkit.errors.ReadOnlyTeacherError`. Use
        :meth:`peek` to preview choices and ``curriculum.teacher.copy()`` for a teacher of
        your own. It reflects the ops this handle has applied; :meth:`refresh` first to
        see other processes' ops.
        """
        return TeacherView(self._teacher)  # type: ignore[return-value]

    @property
    def space(self) -> Any:
        """The task space (the teacher's)."""
        return self._space

    @property
    def storage(self) -> BaseStorage:
        """The storage holding the log, assignments and snapshots."""
        return self._storage

    @property
    def storage_id(self) -> int:
        """The curriculum's id in its storage (what the storage's methods take)."""
        return self._info.id

    @property
    def uid(self) -> str:
        """A token no other curriculum has, even one of the same name in another storage.

        Every assignment this curriculum hands out carries it
        (:attr:`Assignment.curriculum_uid`), and ``tell``/``tell_many`` refuse an
        assignment whose token differs, before writing anything.
        """
        return self._uid

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
    def ask(self, learner_id: str, *, request_id: str | None = None) -> Assignment:
        """Hand ``learner_id`` one task chosen by the teacher.

        With a ``request_id``, the ask happens once: asking again with the same id (a
        retry after a timeout, from any process) returns the same assignment.
        """
        check_learner_id(learner_id)
        now_dt = self._now()
        now = now_dt.timestamp()
        expires = None if self._lease is None else now + self._lease
        digest = ""
        if request_id is not None:
            check_request_id(request_id)
            digest = fingerprint("ask", learner_id)
        with OpContext(self, now) as tx:
            if request_id is not None and (found := tx.find_request(request_id)) is not None:
                answer = Assignment.from_dict(first_answer(found, digest, request_id, "ask"))
                # an answer stored before assignments carried the token gets it now
                if answer.curriculum_uid:
                    return answer
                return replace(answer, curriculum_uid=self._uid)
            self._mutating = True
            encoded = self._teacher.ask_encoded(learner_id, 1)
            mask = self._teacher.train_mask(learner_id)
            texts = self._space.to_text(encoded)
            seq, first = tx.append_ask(learner_id, texts, now, expires)
            self._applied = seq  # under the lock: another thread's op must not replay it
            assignment = Assignment(
                id=first,
                learner_id=learner_id,
                task=texts[0]
                if isinstance(self._space, Discrete)
                else self._space.decode(encoded)[0],
                created=now_dt,
                expires=None if expires is None else from_timestamp(expires),
                curriculum=self.name,
                train=True if mask is None else bool(mask[0]),
                curriculum_uid=self._uid,
            )
            if request_id is not None:
                self._remember(tx, request_id, seq, digest, assignment.to_dict(), now)
        self._done(seq)
        return assignment

    def ask_many(self, learner_id: str, n: int) -> AssignmentBatch:
        """Hand ``learner_id`` ``n`` tasks at once (one op; the fast path for machines);
        ``n`` is at most :attr:`MAX_BATCH`."""
        check_learner_id(learner_id)
        n = _validation.check_batch_size(n)
        now_dt = self._now()
        now = now_dt.timestamp()
        expires = None if self._lease is None else now + self._lease
        with OpContext(self, now) as tx:
            self._mutating = True
            encoded = self._teacher.ask_encoded(learner_id, n)
            mask = self._teacher.train_mask(learner_id)
            texts = self._space.to_text(encoded)
            seq, first = tx.append_ask(learner_id, texts, now, expires)
            self._applied = seq  # under the lock: another thread's op must not replay it
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
            train=None if mask is None else np.asarray(mask, dtype=bool).copy(),
            curriculum_uid=self._uid,
        )

    # -- telling --------------------------------------------------------------------------
    def tell(
        self,
        assignment: Assignment | int,
        outcome: Outcome,
        *,
        skip_if_finished: bool = False,
        request_id: str | None = None,
    ) -> Event | None:
        """Record the outcome of an assignment (or of its id, from another process).

        Returns the recorded Event, or None when the assignment was already told and
        ``skip_if_finished`` is set. Raises UnknownAssignmentError for an id this
        curriculum never handed out and AssignmentFinishedError for one already told.
        With a ``request_id``, telling again with the same id returns the first Event
        instead of raising (a retry whose first try did get through).
        """
        _check_flag("tell", "skip_if_finished", skip_if_finished)
        if not isinstance(outcome, Outcome):
            raise ValidationError(
                "tell",
                [
                    f"outcome: expected an Outcome, got {type(outcome).__name__}; e.g. tk.Outcome(score=1.0)"
                ],
            )
        if isinstance(assignment, Assignment):
            foreign = self._foreign(assignment)
            if foreign is not None:
                raise ValidationError("tell", [f"assignment {assignment.id} {foreign}"])
            aid = assignment.id
        else:
            aid = int(self._ids([assignment], "tell")[0])
        now = self._now().timestamp()
        when = now if outcome.time is None else outcome.time.timestamp()
        digest = ""
        if request_id is not None:
            check_request_id(request_id)
            digest = fingerprint("tell", [aid, outcome.to_dict()])
        with OpContext(self, now) as tx:
            if request_id is not None and (prior := tx.find_request(request_id)) is not None:
                return Event.from_dict(first_answer(prior, digest, request_id, "tell"))
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
            self._applied = seq  # under the lock: another thread's op must not replay it
            self._mutating = True
            self._teacher._learn(batch)
            task = text if isinstance(self._space, Discrete) else self._space.decode(encoded)[0]
            event = Event(learner, task, outcome, from_timestamp(when), aid)
            if request_id is not None:
                self._remember(tx, request_id, seq, digest, event.to_dict(), now)
        self._done(seq)
        return event

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
        before anything is written: one bad item rejects all of them. An empty batch
        (no assignments, an empty OutcomeBatch) is a no-op: it returns 0 and writes no op.
        """
        _check_flag("tell_many", "skip_if_finished", skip_if_finished)
        if outcomes is None:
            pairs: list[Any] = _listed(items, "items")
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
            targets = items if isinstance(items, AssignmentBatch) else _listed(items, "assignments")
            outs = outcomes
        ids = self._ids(targets, "tell_many")
        known = (
            targets if isinstance(targets, AssignmentBatch) and targets._texts is not None else None
        )
        if not isinstance(outs, OutcomeBatch):
            outs = _listed(outs, "outcomes")
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
        if not len(ids):  # nothing to tell: no op, on every storage (a gap-free log)
            return 0
        batch = self._tell(ids, outs, skip_if_finished, known)
        return 0 if batch is None else len(batch)

    def record(
        self, learner_id: str, task: Task, outcome: Outcome, *, request_id: str | None = None
    ) -> Event:
        """Record an outcome on a task the curriculum did not assign (self-chosen practice,
        an imported history); the teacher learns from it like any other. A repeat with the
        same ``request_id`` returns the first Event and records nothing."""
        check_learner_id(learner_id)
        if not isinstance(outcome, Outcome):
            raise ValidationError(
                "record", [f"outcome: expected an Outcome, got {type(outcome).__name__}"]
            )
        events = self.record_many([learner_id], [task], [outcome], request_id=request_id)
        return events[0]

    def record_many(
        self,
        learner_ids: Sequence[str],
        tasks: Sequence[Task],
        outcomes: Sequence[Outcome] | OutcomeBatch,
        *,
        request_id: str | None = None,
    ) -> list[Event]:
        """Record outcomes on tasks the curriculum did not assign, as one op (an imported
        log, in the order given). Everything is checked before anything is written. A
        repeat with the same ``request_id`` returns the first Events and records nothing."""
        ids = list(learner_ids)
        for lid in dict.fromkeys(ids):
            check_learner_id(lid)
        outs = outcomes if isinstance(outcomes, OutcomeBatch) else None
        if not isinstance(outcomes, OutcomeBatch):
            listed = list(outcomes)
            bad = [i for i, o in enumerate(listed) if not isinstance(o, Outcome)]
            if bad:
                raise ValidationError(
                    "record_many",
                    [
                        f"expected Outcome objects, got {type(listed[bad[0]]).__name__} at {preview(bad)}"
                    ],
                )
            outs = OutcomeBatch.from_outcomes(listed) if listed else None
        n = len(ids)
        if len(tasks) != n or (outs is not None and len(outs) != n) or (outs is None and n):
            raise ValidationError(
                "record_many",
                [
                    f"expected as many tasks and outcomes as learner ids ({n}), got "
                    f"{len(tasks)} tasks and {0 if outs is None else len(outs)} outcomes"
                ],
            )
        if not n or outs is None:
            return []
        now = self._now().timestamp()
        digest = ""
        if request_id is not None:
            check_request_id(request_id)
            digest = fingerprint("record", [ids, [str(t) for t in tasks], outcome_columns(outs)])
        with OpContext(self, now) as tx:
            if request_id is not None and (prior := tx.find_request(request_id)) is not None:
                answer = first_answer(prior, digest, request_id, "record")
                return [Event.from_dict(e) for e in answer]
            encoded = self._space.encode(list(tasks))
            batch = EventBatch.build(
                learner_ids=ids,
                tasks=encoded,
                outcomes=outs,
                times=outs.resolve_times(now),
                assignment_ids=np.full(n, -1, dtype=np.int64),
            )
            self._teacher.validate(batch)
            seq = tx.append_tell(batch, self._space.to_text(encoded))
            self._applied = seq  # under the lock: another thread's op must not replay it
            self._mutating = True
            self._teacher._learn(batch)
            events = batch.events(self._space)
            if request_id is not None:
                self._remember(tx, request_id, seq, digest, [e.to_dict() for e in events], now)
        self._done(seq)
        return events

    def _ids(self, targets: Any, where: str) -> np.ndarray:
        if isinstance(targets, AssignmentBatch):
            foreign = self._foreign(targets)
            if foreign is not None:
                raise ValidationError(where, [f"this batch of assignments {foreign}"])
            return targets.ids
        ids: list[int] = []
        problems: list[str] = []
        for i, t in enumerate(targets):
            if isinstance(t, Assignment):
                foreign = self._foreign(t)
                if foreign is not None:
                    problems.append(f"[{i}]: assignment {t.id} {foreign}")
                ids.append(t.id)
            elif isinstance(t, int | np.integer) and not isinstance(t, bool):
                if not 0 <= t <= _MAX_ID:  # ids are stored as 64-bit integers
                    problems.append(
                        f"[{i}]: expected an assignment id in [0, 2**63 - 1], got {_validation.short_repr(t)}"
                    )
                    continue
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

    def _foreign(self, assignment: Assignment | AssignmentBatch) -> str | None:
        """Why an assignment (or a batch) is not this curriculum's, or None if it may be.

        The token decides when the assignment has one; the name only for assignments
        built by hand (a bare id carries nothing and is checked against the log alone).
        """
        uid, name = assignment.curriculum_uid, assignment.curriculum
        if uid:
            if uid == self._uid:
                return None
            same = " of the same name" if name == self.name else f" ({name!r})"
            return (
                f"was handed out by another curriculum{same}, not by {self.name!r} in "
                f"{self._storage.url}; tell it to the curriculum that asked"
            )
        if name and name != self.name:
            return f"belongs to curriculum {name!r}, not {self.name!r}"
        return None

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
        with OpContext(self, now) as tx:
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
            self._applied = seq  # under the lock: another thread's op must not replay it
            self._mutating = True
            self._teacher._learn(batch)
        self._done(seq)
        return batch

    # -- leases ---------------------------------------------------------------------------
    def expire(self) -> list[Assignment]:
        """Abandon every open assignment whose lease has ended; report and return them."""
        now = self._now().timestamp()
        self._next_expiry_check = float("-inf")
        with OpContext(self, now):
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
            curriculum_uid=self._uid,
        )

    # -- reading the log ------------------------------------------------------------------
    def events(self, learner_id: str | None = None) -> list[Event]:
        """Every recorded event (of one learner, if given), oldest first."""
        if learner_id is not None:
            check_learner_id(learner_id)
        rows = self._storage.read_events(self._info.id, learner_id)
        if not len(rows):
            return []
        return rows.to_batch(self._space).events(self._space)

    def assignments(self, learner_id: str | None = None) -> list[Assignment]:
        """Assignments still open (of one learner, if given)."""
        if learner_id is not None:
            check_learner_id(learner_id)
        return [
            self._assignment(r) for r in self._storage.open_assignments(self._info.id, learner_id)
        ]

    def get_assignment(self, assignment_id: int) -> tuple[Assignment, str]:
        """An assignment and its status: ``"open"``, ``"told"`` or ``"abandoned"``."""
        from teachkit.storages._base import STATUS_NAMES

        if not is_int(assignment_id):
            raise ValidationError(
                "get_assignment",
                [f"expected an integer assignment id, got {preview([assignment_id])}"],
            )
        fits = 1 <= assignment_id < 2**63  # ids are 64-bit: a larger one was never handed out
        row = self._storage.get_assignment(self._info.id, int(assignment_id)) if fits else None
        if row is None:
            raise UnknownAssignmentError(
                f"curriculum {self.name!r} never handed out assignment id {assignment_id}"
            )
        return self._assignment(row), STATUS_NAMES[row.status]

    # -- current reads ----------------------------------------------------------------------
    def refresh(self) -> int:
        """Catch up with the ops other processes (or other handles) committed since this
        handle last looked; returns how many it applied.

        Ops catch up by themselves, so this matters before reads: :meth:`peek`,
        :meth:`mastery` and reads of :attr:`teacher` that must see every process's work.
        When nothing changed it costs one indexed read.
        """
        with self._lock:
            if self._stale:
                self._reload()
            if self._storage.last_seq(self._info.id) <= self._applied:
                return 0
            before = self._applied
            self._replay(self._storage.read_ops(self._info.id, after=self._applied))
            return self._applied - before

    def peek(self, learner_id: str, n: int = 1) -> list[Task]:
        """The tasks ``ask`` (``n=1``) or ``ask_many(learner_id, n)`` would hand out now,
        with no other op in between, without writing anything or changing the teacher.

        It catches up with other processes first (:meth:`refresh`), then asks a copy of
        the teacher.
        """
        check_learner_id(learner_id)
        n = _validation.check_batch_size(n)
        with self._lock:
            self.refresh()
            twin = copy.deepcopy(self._teacher)
        return list(twin.space.decode(twin.ask_encoded(learner_id, n)))

    def mastery(self, learner_id: str, *, refresh: bool = True) -> dict[str, float] | None:
        """How well the teacher believes ``learner_id`` knows each skill, after catching up
        with other processes: ``{skill: probability}``, or None for a teacher that keeps
        no learner model (see :meth:`BaseTeacher.mastery`). ``refresh=False`` reads the
        teacher as this handle's last op left it (right after a tell, say)."""
        check_learner_id(learner_id)
        with self._lock:
            if refresh:
                self.refresh()
            return self._teacher.mastery(learner_id)

    def due_reviews(self, learner_id: str, *, refresh: bool = True) -> list[str]:
        """Skills the teacher would have ``learner_id`` review now, after catching up with
        other processes unless ``refresh=False`` (see :meth:`BaseTeacher.due_reviews`)."""
        check_learner_id(learner_id)
        with self._lock:
            if refresh:
                self.refresh()
            return self._teacher.due_reviews(learner_id)

    # -- a growing item bank ------------------------------------------------------------------
    def add_tasks(
        self,
        tasks: Sequence[str],
        *,
        skills: Mapping[str, Sequence[str] | str] | None = None,
        prerequisites: Mapping[str, Sequence[str]] | None = None,
    ) -> Discrete:
        """Add tasks to the curriculum's Discrete space, as one op of its log.

        The existing tasks keep their place, the teacher moves onto the grown space
        (:meth:`BaseTeacher.grown`) knowing what it knew, and every process sharing the
        curriculum follows at its next op. Arguments as :meth:`Discrete.with_tasks`.
        Returns the new space.

        Example:
            >>> import teachkit as tk
            >>> cur = tk.Curriculum(tk.teachers.Uniform(tk.spaces.Discrete(["a", "b"]), seed=0))
            >>> cur.add_tasks(["c"]).names
            ('a', 'b', 'c')
        """
        return change_space(
            self,
            "add_tasks",
            lambda space: space.with_tasks(tasks, skills=skills, prerequisites=prerequisites),
        )

    def retire_tasks(self, tasks: Sequence[str]) -> Discrete:
        """Stop handing out ``tasks`` (one op). They stay in the space: answers already
        given still count, and late outcomes are still recorded. Returns the new space."""
        names = task_names("retire_tasks", tasks)
        return change_space(
            self, "retire_tasks", lambda space: space.with_retired([*space.retired, *names])
        )

    def restore_tasks(self, tasks: Sequence[str]) -> Discrete:
        """Hand out retired ``tasks`` again (one op). Returns the new space."""
        names = set(task_names("restore_tasks", tasks))

        def restore(space: Discrete) -> Discrete:
            for name in names:
                space.index(name)  # an unknown name is an error, a retired one fine
            return space.with_retired([t for t in space.retired if t not in names])

        return change_space(self, "restore_tasks", restore)

    def _remember(
        self, tx: Transaction, request_id: str, seq: int, digest: str, answer: Any, now: float
    ) -> None:
        tx.put_request(request_id, seq, digest, json.dumps(answer), now)
        if seq % PRUNE_EVERY == 0:
            tx.prune_requests(now - REQUEST_TTL.total_seconds())

    # -- the op machinery -----------------------------------------------------------------
    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValidationError("clock", ["expected a timezone-aware datetime, got a naive one"])
        return now

    def _done(self, seq: int) -> None:
        # ``_applied`` moved under the lock, with the op; set here, after the lock is
        # released, it could go back past another thread's op, which would then replay
        if seq - self._last_snapshot >= self._snapshot_every:
            self.snapshot()

    def snapshot(self) -> None:
        """Store the teacher's state now, so that loading replays nothing before it."""
        with self._lock:
            self._storage.put_snapshot(self._info.id, self._applied, self._teacher.state_bytes())
            self._last_snapshot = self._applied

    def _reload(self) -> None:
        stored = self._info.config["teacher"]
        if self._use_snapshots:
            seq, blob = self._storage.latest_snapshot(self._info.id)
            change = self._storage.latest_change(self._info.id)
        else:  # the start, then every op (change ops bring their own state)
            seq, blob = self._storage.latest_snapshot(self._info.id, upto=0)
            change = None
        what = f"the teacher snapshot after op {seq}" if seq else "the teacher's starting state"
        if change is not None:  # snapshots after a change are of the changed teacher
            stored = change.config
            if change.seq >= seq:
                seq, blob = change.seq, change.state
                what = f"the teacher state of change op {seq}"
        fresh = BaseTeacher.from_config(upgrade_config(stored), allow=self._allow)
        assert isinstance(fresh, BaseTeacher)
        try:
            fresh.load_state_dict(upgrade_state(stored, _codec.loads(blob)))
        except Exception as exc:  # any bytes can be stored: whatever they make decoding raise
            advice = (
                "rebuild the teacher from the log without snapshots: "
                f"Curriculum.load(url, {self.name!r}, snapshots=False) (writes nothing), or "
                "restore the database from a backup"
                if what.startswith("the teacher snapshot")
                else "restore the database from a backup"
            )
            raise StorageError(
                f"{self._storage.url}: {what} of curriculum {self.name!r} is damaged "
                f"({type(exc).__name__}: {exc}); nothing was changed. To recover, {advice}"
            ) from None
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
            elif isinstance(op, ChangeOp):
                changed = BaseTeacher.from_config(op.config, allow=self._allow)
                assert isinstance(changed, BaseTeacher)
                try:
                    changed.load_state_bytes(op.state)
                except Exception as exc:  # stored bytes: whatever decoding them raises
                    raise self._damaged_op(op.seq, "teacher state", exc) from None
                self._teacher, self._space = changed, changed.space
            else:
                try:
                    batch = op.to_batch(self._space)
                except Exception as exc:  # stored rows: whatever decoding them raises
                    raise self._damaged_op(op.seq, "events", exc) from None
                self._teacher._learn(batch)
            self._applied = op.seq

    def _damaged_op(self, seq: int, what: str, exc: Exception) -> StorageError:
        return StorageError(
            f"{self._storage.url}: op {seq} of curriculum {self.name!r} is damaged (its "
            f"{what}: {type(exc).__name__}: {exc}); nothing was changed. Restore the "
            "database from a backup (the log is the source of truth; teachkit cannot "
            "rebuild it)"
        )

    def close(self) -> None:
        """Close the storage's connections (the log is already durable; nothing is lost)."""
        self._storage.close()

    def __enter__(self) -> Curriculum:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _allowed(allow: Any) -> tuple[str, ...]:
    if isinstance(allow, str) or not all(isinstance(m, str) and m for m in allow):
        raise ValidationError(
            "Curriculum.load",
            [f"allow: expected a list of module names, e.g. ['mypkg.teachers'], got {allow!r}"],
        )
    return tuple(allow)


def config_modules(config: Any) -> tuple[str, ...]:
    """The modules of every class (or task generator) a configuration names: a curriculum
    made from a teacher object may rebuild that teacher's classes (the caller had them
    already), and so may ``check_teacher`` reloading it."""
    found: dict[str, None] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("class", "generator"):
                path = node.get(key)
                if isinstance(path, str) and ":" in path:
                    found[path.partition(":")[0]] = None
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(config)
    return tuple(found)


def curriculum_uid(info: CurriculumInfo) -> str:
    """The curriculum's token: the one stored in its configuration, or, for a curriculum
    created before curricula had one, a token made from its id and creation time (which
    no other curriculum shares)."""
    uid = info.config.get("uid")
    if isinstance(uid, str) and uid:
        return uid
    return f"legacy-{info.id}-{info.created!r}"


def _check_name(name: Any, where: str = "Curriculum") -> None:
    check_name("curriculum name", name, where)


def _check_lease(lease: Any) -> None:
    if lease is not None and (not isinstance(lease, timedelta) or lease <= timedelta(0)):
        raise ValidationError(
            "Curriculum", [f"lease: expected a positive timedelta or None, got {lease!r}"]
        )


_MAX_ID = 2**63 - 1


def _check_flag(where: str, name: str, value: Any) -> None:
    if not isinstance(value, bool | np.bool_):
        raise ValidationError(
            where, [f"{name}: expected True or False, got {_validation.short_repr(value)}"]
        )


def _listed(items: Any, what: str) -> list[Any]:
    """``list(items)`` for tell_many's arguments, or a ValidationError naming them."""
    problem = [
        f"{what}: expected a list (or an AssignmentBatch / OutcomeBatch), got "
        f"{type(items).__name__}"
    ]
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise ValidationError("tell_many", problem)
    try:
        return list(items)
    except TypeError:  # a 0-d array is Iterable but cannot be iterated
        raise ValidationError("tell_many", problem) from None
