"""The storage contract: an append-only log of ops, assignments and teacher snapshots.

Every ``ask``, every ``tell`` and every change of the teacher's task space (a growing item
bank) of a curriculum is one *op* with a sequence number,
``1, 2, 3, ...`` without gaps, allocated inside a transaction that holds the curriculum's
write lock. The log of ops is the source of truth: a teacher is rebuilt by loading the
latest snapshot and replaying the ops after it, asks included (asks draw from the
teacher's RNG and may change its state, so they must be replayed too).

A storage implements two small classes:

* :class:`BaseStorage`: curricula (create, find, list, delete), reads of the log
  (``read_ops``, ``read_events``, assignments) and snapshots.
* :class:`Transaction`: what happens under the lock: read the ops another process wrote
  since this one last looked, look up assignments, append an ask, a tell or a change,
  mark expired assignments abandoned, remember request ids (idempotent ops). Leaving the
  ``with`` block commits; an exception rolls back and nothing is written.

``teachkit.testing.storage`` holds the conformance suite every storage must pass.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from teachkit._batch import EventBatch, filled

if TYPE_CHECKING:
    from teachkit.spaces import Space

OPEN, TOLD, ABANDONED = 0, 1, 2
STATUS_NAMES = {OPEN: "open", TOLD: "told", ABANDONED: "abandoned"}


@dataclass(frozen=True)
class CurriculumInfo:
    """A stored curriculum: its id in the storage, name, configuration and creation time."""

    id: int
    name: str
    config: dict[str, Any]
    created: float


@dataclass(frozen=True)
class StoredAssignment:
    """An assignment row as stored (task in text form, times as POSIX seconds)."""

    id: int
    op_seq: int
    learner_id: str
    task: str
    created: float
    expires: float | None
    status: int


@dataclass(frozen=True, eq=False)
class EventRows:
    """Events as stored: one row per event, columns as arrays or lists.

    Float columns use NaN for SQL NULL; ``success`` is 1.0, 0.0 or NaN; group vectors
    (``rewards``, ``advantages``) are JSON text or None; ``assignment_ids`` is -1 where the
    event had no assignment; ``seq`` is the op each row belongs to.
    """

    seq: np.ndarray
    learner_ids: list[str]
    tasks: list[str]
    score: np.ndarray
    reward: np.ndarray
    success: np.ndarray
    duration: np.ndarray
    time: np.ndarray
    rewards: list[str | None]
    advantages: list[str | None]
    assignment_ids: np.ndarray

    def __len__(self) -> int:
        return len(self.tasks)

    @staticmethod
    def from_batch(batch: EventBatch, tasks: list[str], seq: int = 0) -> EventRows:
        """Rows for a batch whose tasks are already in stored text form."""
        return EventRows(
            seq=filled(len(batch), seq, np.int64),
            learner_ids=batch.learner_ids.tolist(),
            tasks=tasks,
            score=batch.score,
            reward=batch.reward,
            success=batch.success,
            duration=batch.duration,
            time=batch.time,
            rewards=_vectors_to_json(batch.rewards),
            advantages=_vectors_to_json(batch.advantages),
            assignment_ids=batch.assignment_ids,
        )

    def to_batch(self, space: Space) -> EventBatch:
        """The EventBatch these rows were made from (what the teacher was told)."""
        return EventBatch(
            learner_ids=np.asarray(self.learner_ids, dtype=object),
            tasks=space.from_text(self.tasks),
            score=self.score,
            reward=self.reward,
            success=self.success,
            duration=self.duration,
            time=self.time,
            assignment_ids=self.assignment_ids,
            rewards=tuple(None if t is None else np.asarray(json.loads(t)) for t in self.rewards),
            advantages=tuple(
                None if t is None else np.asarray(json.loads(t)) for t in self.advantages
            ),
        )

    def slice(self, start: int, stop: int) -> EventRows:
        """Rows ``start:stop``."""
        return EventRows(
            seq=self.seq[start:stop],
            learner_ids=self.learner_ids[start:stop],
            tasks=self.tasks[start:stop],
            score=self.score[start:stop],
            reward=self.reward[start:stop],
            success=self.success[start:stop],
            duration=self.duration[start:stop],
            time=self.time[start:stop],
            rewards=self.rewards[start:stop],
            advantages=self.advantages[start:stop],
            assignment_ids=self.assignment_ids[start:stop],
        )

    @staticmethod
    def concat(parts: Sequence[EventRows]) -> EventRows:
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return EventRows.empty()
        return EventRows(
            seq=np.concatenate([p.seq for p in parts]),
            learner_ids=[x for p in parts for x in p.learner_ids],
            tasks=[x for p in parts for x in p.tasks],
            score=np.concatenate([p.score for p in parts]),
            reward=np.concatenate([p.reward for p in parts]),
            success=np.concatenate([p.success for p in parts]),
            duration=np.concatenate([p.duration for p in parts]),
            time=np.concatenate([p.time for p in parts]),
            rewards=[x for p in parts for x in p.rewards],
            advantages=[x for p in parts for x in p.advantages],
            assignment_ids=np.concatenate([p.assignment_ids for p in parts]),
        )

    @staticmethod
    def empty() -> EventRows:
        f = np.empty(0, dtype=np.float64)
        return EventRows(
            seq=np.empty(0, dtype=np.int64),
            learner_ids=[],
            tasks=[],
            score=f,
            reward=f,
            success=f,
            duration=f,
            time=f,
            rewards=[],
            advantages=[],
            assignment_ids=np.empty(0, dtype=np.int64),
        )


@dataclass(frozen=True, eq=False)
class AssignmentLookup:
    """Columns for a list of assignment ids: ``status`` is -1 where the id is unknown, and
    the learner and task are None there."""

    status: np.ndarray
    learner_ids: list[str | None]
    tasks: list[str | None]


@dataclass(frozen=True)
class AskOp:
    """One recorded ask: ``len(tasks)`` assignments with ids ``first_id, first_id+1, ...``."""

    seq: int
    learner_id: str
    tasks: list[str]
    first_id: int


class TellOp:
    """One recorded tell (a single tell or one ``tell_many`` batch).

    A storage gives either its ``rows`` or, when it kept the EventBatch itself (in memory),
    the ``batch`` and its task texts; the other form is made on demand.
    """

    __slots__ = ("_rows", "_tasks", "batch", "seq")

    def __init__(
        self,
        seq: int,
        rows: EventRows | None = None,
        *,
        batch: EventBatch | None = None,
        tasks: list[str] | None = None,
    ) -> None:
        if rows is None and (batch is None or tasks is None):
            raise ValueError("a TellOp needs rows, or a batch and its task texts")
        self.seq = seq
        self._rows = rows
        self.batch = batch
        self._tasks = tasks

    @property
    def rows(self) -> EventRows:
        if self._rows is None:
            assert self.batch is not None and self._tasks is not None
            self._rows = EventRows.from_batch(self.batch, self._tasks, self.seq)
        return self._rows

    def to_batch(self, space: Space) -> EventBatch:
        """What the teacher was told."""
        return self.batch if self.batch is not None else self.rows.to_batch(space)

    def __repr__(self) -> str:
        return f"TellOp(seq={self.seq}, events={len(self.rows)})"


@dataclass(frozen=True, eq=False)
class ChangeOp:
    """One recorded change of the teacher's task space (tasks added or retired): the
    teacher's configuration and state right after it."""

    seq: int
    config: dict[str, Any]
    state: bytes


@dataclass(frozen=True)
class StoredRequest:
    """What an op with a request id recorded: a repeat of the request gets ``response``."""

    op_seq: int
    fingerprint: str
    response: str


Op = AskOp | TellOp | ChangeOp


class Transaction(ABC):
    """Work done under a curriculum's write lock; see the module docstring.

    Attributes:
        last_seq: the sequence number of the last committed op when the lock was taken.
    """

    last_seq: int

    @abstractmethod
    def read_ops(self, after: int) -> list[Op]:
        """Ops with ``after < seq <= last_seq``, in order."""

    @abstractmethod
    def lookup(self, ids: np.ndarray) -> AssignmentLookup:
        """Status, learner and task of each assignment id, as columns."""

    def statuses(self, ids: np.ndarray) -> np.ndarray:
        """Only the status column of :meth:`lookup` (storages may do this faster)."""
        return self.lookup(ids).status

    @abstractmethod
    def append_ask(
        self, learner_id: str, tasks: list[str], created: float, expires: float | None
    ) -> tuple[int, int]:
        """Record an ask op; returns ``(seq, first_assignment_id)``."""

    @abstractmethod
    def append_tell(self, batch: EventBatch, tasks: list[str]) -> int:
        """Record a tell op and mark its assignments told; returns the op's sequence number.

        ``tasks`` are the batch's tasks in stored text form. The caller has checked that
        every assignment in the batch exists and is not already told.
        """

    @abstractmethod
    def abandon_expired(self, now: float) -> list[StoredAssignment]:
        """Mark open assignments whose lease ended before ``now`` abandoned; return them."""

    @abstractmethod
    def append_change(self, config: dict[str, Any], state: bytes, created: float) -> int:
        """Record a change op (the teacher's new configuration and state); returns its seq."""

    @abstractmethod
    def find_request(self, request_id: str) -> StoredRequest | None:
        """What the op with this request id recorded, or None if there was none."""

    @abstractmethod
    def put_request(
        self, request_id: str, seq: int, fingerprint: str, response: str, created: float
    ) -> None:
        """Remember that op ``seq`` answered request ``request_id`` with ``response``."""

    @abstractmethod
    def prune_requests(self, before: float) -> int:
        """Forget request ids recorded before ``before``; returns how many."""


class BaseStorage(ABC):
    """Where curricula live; see the module docstring for the contract."""

    url: str = ""

    @abstractmethod
    def create_curriculum(
        self, name: str, config: dict[str, Any], snapshot: bytes
    ) -> CurriculumInfo:
        """Create a curriculum with its initial teacher snapshot (seq 0).

        Raises CurriculumExistsError if the name is taken.
        """

    @abstractmethod
    def get_curriculum(self, name: str) -> CurriculumInfo:
        """Raises CurriculumNotFoundError (suggesting near names) if there is none."""

    @abstractmethod
    def list_curricula(self) -> list[str]:
        """The names of the curricula stored here, in creation order."""

    @abstractmethod
    def delete_curriculum(self, name: str) -> None:
        """Delete a curriculum and everything it logged."""

    @abstractmethod
    def transaction(self, curriculum_id: int) -> AbstractContextManager[Transaction]:
        """Take the curriculum's write lock for one unit of work."""

    @abstractmethod
    def read_ops(self, curriculum_id: int, after: int = 0) -> Iterator[Op]:
        """Every op with ``seq > after``, in order, without taking the lock."""

    @abstractmethod
    def read_events(self, curriculum_id: int, learner_id: str | None = None) -> EventRows:
        """All events (of one learner, if given), in order."""

    @abstractmethod
    def read_event_page(
        self, curriculum_id: int, after: int, limit: int, learner_id: str | None = None
    ) -> EventRows:
        """Events of the ops with ``seq > after``, in order: at least ``limit`` rows when
        there are that many, and always whole ops (a page ends with the last event of an op,
        so the next page starts ``after`` its seq)."""

    @abstractmethod
    def last_seq(self, curriculum_id: int) -> int:
        """The sequence number of the newest committed op (cheap: one row)."""

    @abstractmethod
    def latest_change(self, curriculum_id: int) -> ChangeOp | None:
        """The newest change op, or None when the task space never changed."""

    @abstractmethod
    def open_assignments(
        self, curriculum_id: int, learner_id: str | None = None
    ) -> list[StoredAssignment]:
        """The assignments of a curriculum (of one learner, if given) not yet told or abandoned."""

    @abstractmethod
    def get_assignment(self, curriculum_id: int, assignment_id: int) -> StoredAssignment | None:
        """One assignment of a curriculum with its status, or None if it was never handed out."""

    @abstractmethod
    def latest_snapshot(self, curriculum_id: int, upto: int | None = None) -> tuple[int, bytes]:
        """``(seq, state)`` of the newest teacher snapshot (with ``seq <= upto``, if given;
        there is always seq 0)."""

    @abstractmethod
    def put_snapshot(self, curriculum_id: int, seq: int, state: bytes) -> None:
        """Store a snapshot of the teacher after op ``seq`` (idempotent)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def __enter__(self) -> BaseStorage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _vectors_to_json(vectors: tuple[np.ndarray | None, ...]) -> list[str | None]:
    if all(v is None for v in vectors):
        return [None] * len(vectors)
    return [None if v is None else json.dumps(v.tolist()) for v in vectors]
