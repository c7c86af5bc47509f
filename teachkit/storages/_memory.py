"""InMemoryStorage: the storage contract in plain Python objects, for one process."""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._validation import check_name, did_you_mean
from teachkit.errors import CurriculumExistsError, CurriculumNotFoundError
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
)


@dataclass
class _Curriculum:
    info: CurriculumInfo
    ops: list[Op] = field(default_factory=list)
    a_seq: list[int] = field(default_factory=list)
    a_learner: list[str] = field(default_factory=list)
    a_task: list[str] = field(default_factory=list)
    a_created: list[float] = field(default_factory=list)
    a_expires: list[float | None] = field(default_factory=list)
    a_status: bytearray = field(default_factory=bytearray)
    leases: list[tuple[float, int]] = field(default_factory=list)  # heap of (expires, id)
    snapshots: list[tuple[int, bytes]] = field(default_factory=list)
    requests: dict[str, tuple[StoredRequest, float]] = field(default_factory=dict)
    last_change: ChangeOp | None = None

    @property
    def last_seq(self) -> int:
        return len(self.ops)

    def assignment(self, aid: int) -> StoredAssignment:
        i = aid - 1
        return StoredAssignment(
            id=aid,
            op_seq=self.a_seq[i],
            learner_id=self.a_learner[i],
            task=self.a_task[i],
            created=self.a_created[i],
            expires=self.a_expires[i],
            status=self.a_status[i],
        )


class _MemoryTransaction(Transaction):
    """Holds the storage's lock from ``__enter__`` to ``__exit__``; writes are buffered and
    applied only when the block ends without an exception."""

    def __init__(self, storage: InMemoryStorage, curriculum_id: int) -> None:
        self._storage = storage
        self._cid = curriculum_id

    def __enter__(self) -> _MemoryTransaction:
        self._storage._lock.acquire()
        try:
            cur = self._cur = self._storage._get(self._cid)
        except BaseException:
            self._storage._lock.release()
            raise
        self.last_seq = cur.last_seq
        self._pending: list[Callable[[], None]] = []
        self._next_seq = cur.last_seq
        self._next_id = len(cur.a_seq) + 1
        self._popped: list[tuple[float, int]] = []
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        try:
            if kind is None:
                self.commit()
            else:
                self.rollback()
        finally:
            self._storage._lock.release()

    def read_ops(self, after: int) -> list[Op]:
        return self._cur.ops[after : self.last_seq]

    def lookup(self, ids: np.ndarray) -> AssignmentLookup:
        cur = self._cur
        n = len(cur.a_seq)
        pos = [i - 1 if 1 <= i <= n else -1 for i in ids.tolist()]
        return AssignmentLookup(
            self.statuses(ids),
            [cur.a_learner[i] if i >= 0 else None for i in pos],
            [cur.a_task[i] if i >= 0 else None for i in pos],
        )

    def statuses(self, ids: np.ndarray) -> np.ndarray:
        cur = self._cur
        n = len(cur.a_seq)
        if len(ids) <= 16:  # plain Python beats numpy's per-call overhead on a few ids
            status = cur.a_status
            return np.array(
                [status[i - 1] if 1 <= i <= n else -1 for i in ids.tolist()], dtype=np.int16
            )
        ok = (ids >= 1) & (ids <= n)
        out = np.full(len(ids), -1, dtype=np.int16)
        view = np.frombuffer(cur.a_status, dtype=np.uint8)
        out[ok] = view[ids[ok] - 1]
        del view  # release the buffer so the bytearray can grow again
        return out

    def append_ask(
        self, learner_id: str, tasks: list[str], created: float, expires: float | None
    ) -> tuple[int, int]:
        self._next_seq += 1
        seq, first = self._next_seq, self._next_id
        self._next_id += len(tasks)
        cur = self._cur

        def apply() -> None:
            k = len(tasks)
            cur.ops.append(AskOp(seq, learner_id, tasks, first))
            cur.a_seq.extend([seq] * k)
            cur.a_learner.extend([learner_id] * k)
            cur.a_task.extend(tasks)
            cur.a_created.extend([created] * k)
            cur.a_expires.extend([expires] * k)
            cur.a_status.extend(bytes(k))
            if expires is not None:
                for aid in range(first, first + k):
                    heapq.heappush(cur.leases, (expires, aid))

        self._pending.append(apply)
        return seq, first

    def append_tell(self, batch: EventBatch, tasks: list[str]) -> int:
        self._next_seq += 1
        seq = self._next_seq
        cur = self._cur
        op = TellOp(seq, batch=batch, tasks=tasks)
        ids = batch.assignment_ids

        def apply() -> None:
            cur.ops.append(op)
            if len(ids) <= 16:
                for aid in ids.tolist():
                    if aid > 0:
                        cur.a_status[aid - 1] = TOLD
            else:
                told = ids[ids > 0] - 1
                view = np.frombuffer(cur.a_status, dtype=np.uint8)
                view[told] = TOLD
                del view

        self._pending.append(apply)
        return seq

    def abandon_expired(self, now: float) -> list[StoredAssignment]:
        cur = self._cur
        found: list[int] = []
        while cur.leases and cur.leases[0][0] < now:
            expires, aid = heapq.heappop(cur.leases)
            self._popped.append((expires, aid))
            if cur.a_status[aid - 1] == OPEN:
                found.append(aid)

        def apply() -> None:
            for aid in found:
                cur.a_status[aid - 1] = ABANDONED

        self._pending.append(apply)
        return [
            StoredAssignment(**{**cur.assignment(a).__dict__, "status": ABANDONED}) for a in found
        ]

    def append_change(self, config: dict[str, Any], state: bytes, created: float) -> int:
        self._next_seq += 1
        op = ChangeOp(self._next_seq, config, state)
        cur = self._cur

        def apply() -> None:
            cur.ops.append(op)
            cur.last_change = op

        self._pending.append(apply)
        return op.seq

    def find_request(self, request_id: str) -> StoredRequest | None:
        found = self._cur.requests.get(request_id)
        return None if found is None else found[0]

    def put_request(
        self, request_id: str, seq: int, fingerprint: str, response: str, created: float
    ) -> None:
        entry = (StoredRequest(seq, fingerprint, response), created)

        def apply() -> None:
            self._cur.requests[request_id] = entry

        self._pending.append(apply)

    def prune_requests(self, before: float) -> int:
        old = [k for k, (_, created) in self._cur.requests.items() if created < before]

        def apply() -> None:
            for k in old:
                self._cur.requests.pop(k, None)

        self._pending.append(apply)
        return len(old)

    def commit(self) -> None:
        for apply in self._pending:
            apply()

    def rollback(self) -> None:
        for entry in self._popped:
            heapq.heappush(self._cur.leases, entry)


class InMemoryStorage(BaseStorage):
    """Keeps everything in this process's memory; lost when the process ends.

    The default storage of ``Curriculum(teacher)``. It follows the same contract as the
    SQL storage (ops, assignments, snapshots), so a curriculum can be reloaded from it
    with ``Curriculum.load(storage, name)`` within the same process.
    """

    url = "memory://"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._by_name: dict[str, _Curriculum] = {}
        self._by_id: dict[int, _Curriculum] = {}

    def create_curriculum(
        self, name: str, config: dict[str, Any], snapshot: bytes
    ) -> CurriculumInfo:
        check_name("curriculum name", name, "create_curriculum")
        with self._lock:
            if name in self._by_name:
                raise CurriculumExistsError(
                    f"a curriculum named {name!r} already exists in this storage; "
                    "load it with Curriculum.load(storage, name) or choose another name"
                )
            info = CurriculumInfo(len(self._by_id) + 1, name, config, time.time())
            cur = _Curriculum(info)
            cur.snapshots.append((0, snapshot))
            self._by_name[name] = cur
            self._by_id[info.id] = cur
            return info

    def get_curriculum(self, name: str) -> CurriculumInfo:
        check_name("curriculum name", name, "get_curriculum")
        with self._lock:
            cur = self._by_name.get(name)
            if cur is None:
                raise CurriculumNotFoundError(
                    f"no curriculum named {name!r} in {self.url}"
                    f"{did_you_mean(name, self._by_name)}; known: {sorted(self._by_name)}"
                )
            return cur.info

    def list_curricula(self) -> list[str]:
        with self._lock:
            return sorted(self._by_name)

    def delete_curriculum(self, name: str) -> None:
        with self._lock:
            info = self.get_curriculum(name)
            del self._by_name[name]
            del self._by_id[info.id]

    def _get(self, curriculum_id: int) -> _Curriculum:
        try:
            return self._by_id[curriculum_id]
        except KeyError:
            raise CurriculumNotFoundError(
                f"curriculum id {curriculum_id} no longer exists in {self.url}"
            ) from None

    def transaction(self, curriculum_id: int) -> _MemoryTransaction:
        return _MemoryTransaction(self, curriculum_id)

    def read_ops(self, curriculum_id: int, after: int = 0) -> Iterator[Op]:
        with self._lock:
            ops = list(self._get(curriculum_id).ops[after:])
        yield from ops

    def read_events(self, curriculum_id: int, learner_id: str | None = None) -> EventRows:
        with self._lock:
            parts = [op.rows for op in self._get(curriculum_id).ops if isinstance(op, TellOp)]
        rows = EventRows.concat(parts)
        if learner_id is None or not len(rows):
            return rows
        keep = [i for i, lid in enumerate(rows.learner_ids) if lid == learner_id]
        return _take(rows, keep)

    def read_event_page(
        self, curriculum_id: int, after: int, limit: int, learner_id: str | None = None
    ) -> EventRows:
        parts: list[EventRows] = []
        count = 0
        with self._lock:
            ops = self._get(curriculum_id).ops[max(after, 0) :]
        for op in ops:
            if count >= limit:
                break
            if isinstance(op, TellOp):
                rows = op.rows
                if learner_id is not None:
                    mine = [i for i, lid in enumerate(rows.learner_ids) if lid == learner_id]
                    rows = _take(rows, mine)
                if len(rows):
                    parts.append(rows)
                    count += len(rows)
        return EventRows.concat(parts)

    def last_seq(self, curriculum_id: int) -> int:
        with self._lock:
            return self._get(curriculum_id).last_seq

    def latest_change(self, curriculum_id: int) -> ChangeOp | None:
        with self._lock:
            return self._get(curriculum_id).last_change

    def open_assignments(
        self, curriculum_id: int, learner_id: str | None = None
    ) -> list[StoredAssignment]:
        with self._lock:
            cur = self._get(curriculum_id)
            return [
                cur.assignment(i + 1)
                for i, status in enumerate(cur.a_status)
                if status == OPEN and (learner_id is None or cur.a_learner[i] == learner_id)
            ]

    def get_assignment(self, curriculum_id: int, assignment_id: int) -> StoredAssignment | None:
        with self._lock:
            cur = self._get(curriculum_id)
            if 1 <= assignment_id <= len(cur.a_seq):
                return cur.assignment(assignment_id)
            return None

    def latest_snapshot(self, curriculum_id: int, upto: int | None = None) -> tuple[int, bytes]:
        with self._lock:
            snaps = self._get(curriculum_id).snapshots
            if upto is None:
                return snaps[-1]
            return next(s for s in reversed(snaps) if s[0] <= upto)

    def put_snapshot(self, curriculum_id: int, seq: int, state: bytes) -> None:
        with self._lock:
            snaps = self._get(curriculum_id).snapshots
            if seq > snaps[-1][0]:
                snaps.append((seq, state))

    def __repr__(self) -> str:
        return f"InMemoryStorage({len(self._by_name)} curricula)"


def _take(rows: EventRows, keep: list[int]) -> EventRows:
    idx = np.asarray(keep, dtype=np.int64)
    return EventRows(
        seq=rows.seq[idx],
        learner_ids=[rows.learner_ids[i] for i in keep],
        tasks=[rows.tasks[i] for i in keep],
        score=rows.score[idx],
        reward=rows.reward[idx],
        success=rows.success[idx],
        duration=rows.duration[idx],
        time=rows.time[idx],
        rewards=[rows.rewards[i] for i in keep],
        advantages=[rows.advantages[i] for i in keep],
        assignment_ids=rows.assignment_ids[idx],
    )
