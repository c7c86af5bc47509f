"""One teacher in a Ray actor, shared by many environment workers.

When training outgrows one process, every environment worker still needs the same
curriculum. :class:`SharedTeacher` puts a teacher (or a durable curriculum) in a Ray actor;
workers hold a copy of the handle and reach it through a :class:`RayLink`, which asks for
tasks in batches (``prefetch``) and sends outcomes in batches (``flush_every``) without
waiting for them.

Robustness rules:

* Outcomes may arrive late and in any order: each task carries an id, and the actor
  matches outcomes to ids, not to the order of asks. An outcome told twice counts once.
* A worker that dies never blocks anyone: the actor never waits on a worker, and the
  tasks handed to a dead worker are dropped after ``lease`` seconds (outcomes that still
  arrive later are accepted when ``accept_late``).
* Asks from different workers interleave in arrival order, so a shared teacher's choices
  are not reproducible run to run (each worker's own draws are still valid tasks).

Example (not run here: it starts Ray)::

    import ray, teachkit as tk
    from teachkit.integrations.ray import SharedTeacher
    from teachkit.integrations.gymnasium import CurriculumWrapper

    ray.init(num_cpus=2)
    space = tk.spaces.Box([0, 0], [1, 1], names=["gap", "height"])
    shared = SharedTeacher(tk.teachers.ALPGMM(space, seed=0))

    @ray.remote
    def rollouts(shared):
        env = CurriculumWrapper(make_env(), shared)   # make_env: yours
        ...                                           # the usual loop
        env.close()                                   # sends the last outcomes
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from typing import Any

import numpy as np

from teachkit._batch import EventBatch, OutcomeBatch
from teachkit._records import Task
from teachkit._teacher import BaseTeacher
from teachkit.errors import ValidationError

try:
    import ray
except ImportError:  # pragma: no cover - depends on the environment
    raise ImportError("teachkit.integrations.ray needs ray: pip install 'teachkit[ray]'") from None


class _TeacherHost:
    """The actor's body: a teacher plus the bookkeeping that makes sharing safe."""

    def __init__(
        self,
        config: dict[str, Any],
        state: bytes,
        storage: Any,
        name: str,
        lease: float,
        accept_late: bool,
    ) -> None:
        from teachkit._component import Component

        teacher = Component.from_config(config)
        assert isinstance(teacher, BaseTeacher)
        teacher.load_state_bytes(state)
        self.curriculum: Any = None
        if storage is not None:
            from teachkit.curriculum import Curriculum

            self.curriculum = Curriculum(teacher, storage, name, load_if_exists=True, lease=None)
            teacher = self.curriculum.teacher
        self.teacher = teacher
        self.lease = lease
        self.accept_late = accept_late
        self.next_id = 0
        self.open: dict[int, tuple[str, float]] = {}  # id -> (learner, when asked)
        self.told: set[int] = set()
        self.stats = {"asked": 0, "told": 0, "late": 0, "duplicate": 0, "expired": 0}

    def ask(self, learner_id: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` tasks for a learner: (ids: the curriculum's assignment ids, or running
        numbers without a curriculum; encoded tasks)."""
        now = time.monotonic()
        self._expire(now)
        if self.curriculum is not None:
            batch = self.curriculum.ask_many(learner_id, n)
            ids, encoded = batch.ids, batch.encoded
        else:
            encoded = self.teacher.ask_encoded(learner_id, n)
            ids = np.arange(self.next_id, self.next_id + n, dtype=np.int64)
            self.next_id += n
        for i in ids.tolist():
            self.open[i] = (learner_id, now)
        self.stats["asked"] += n
        return ids, encoded

    def tell(
        self,
        learner_id: str,
        ids: np.ndarray,
        encoded: np.ndarray,
        returns: np.ndarray,
        success: np.ndarray | None,
    ) -> int:
        """Record a batch of outcomes of tasks handed out by :meth:`ask`."""
        keep = []
        for k, i in enumerate(ids.tolist()):
            if i in self.told:
                self.stats["duplicate"] += 1
                continue
            if i not in self.open:
                if not self.accept_late:
                    continue
                self.stats["late"] += 1
            self.open.pop(i, None)
            self.told.add(i)
            keep.append(k)
        if not keep:
            return 0
        idx = np.asarray(keep)
        outcomes = OutcomeBatch(
            reward=returns[idx], success=None if success is None else success[idx]
        )
        if self.curriculum is not None:
            # Assignments of the actor's own curriculum never expire in storage (lease=None),
            # so every id is known; the told set above already dropped duplicates.
            self.curriculum.tell_many(ids[idx].tolist(), outcomes, skip_if_finished=True)
        else:
            n = len(idx)
            self.teacher.tell(
                EventBatch.build(
                    learner_ids=np.array([learner_id] * n, dtype=object),
                    tasks=encoded[idx],
                    outcomes=outcomes,
                    times=np.full(n, time.time()),
                    assignment_ids=ids[idx],
                )
            )
        self.stats["told"] += len(keep)
        return len(keep)

    def _expire(self, now: float) -> None:
        if not self.open:
            return
        cutoff = now - self.lease
        old = [i for i, (_, t) in self.open.items() if t < cutoff]
        for i in old:
            del self.open[i]
        self.stats["expired"] += len(old)

    def info(self) -> dict[str, Any]:
        return {**self.stats, "open": len(self.open)}

    def state(self) -> bytes:
        return self.teacher.state_bytes()


class SharedTeacher:
    """A teacher hosted in a Ray actor; pass this object to any number of workers.

    Args:
        teacher: the teacher to host (its configuration and current state are copied).
        storage: optional storage URL: the actor then keeps a durable
            :class:`~teachkit.Curriculum` named ``name`` (loaded if it exists).
        name: the curriculum's name in ``storage``.
        lease: seconds after which a task never answered (a dead worker's) is dropped.
        accept_late: still learn from outcomes that arrive after their lease.
        actor_options: passed to ``ray.remote`` (e.g. ``{"num_cpus": 0}``).
    """

    def __init__(
        self,
        teacher: BaseTeacher,
        *,
        storage: str | None = None,
        name: str = "default",
        lease: float = 600.0,
        accept_late: bool = True,
        actor_options: dict[str, Any] | None = None,
    ) -> None:
        if not isinstance(teacher, BaseTeacher):
            raise ValidationError(
                "SharedTeacher",
                [f"teacher: expected a teachkit teacher, got {type(teacher).__name__}"],
            )
        if storage is not None and not isinstance(storage, str):
            raise ValidationError(
                "SharedTeacher",
                [
                    f"storage: expected a URL the actor can open (e.g. 'sqlite:///run.db'), got {storage!r}"
                ],
            )
        if not (isinstance(lease, int | float) and lease > 0):
            raise ValidationError("SharedTeacher", [f"lease: expected seconds > 0, got {lease!r}"])
        options = {"num_cpus": 0, **(actor_options or {})}
        actor_cls = ray.remote(**options)(_TeacherHost)
        self.space = teacher.space
        self._config = teacher.to_config()
        self.actor: Any = actor_cls.remote(
            teacher.to_config(), teacher.state_bytes(), storage, name, float(lease), accept_late
        )

    def link(self, learner_id: str, *, prefetch: int = 32, flush_every: int = 32) -> RayLink:
        """A worker-side link (what the Gymnasium wrappers use): ``prefetch`` tasks are
        asked for at a time (the next batch while the current one is used up) and
        outcomes are sent ``flush_every`` at a time."""
        return RayLink(self, learner_id, prefetch=prefetch, flush_every=flush_every)

    def ask_many(self, learner_id: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` tasks: ``(ids, encoded tasks)`` (blocks until the actor answers)."""
        ids, encoded = ray.get(self.actor.ask.remote(learner_id, int(n)))
        return ids, encoded

    def tell_many(
        self,
        learner_id: str,
        ids: Sequence[int] | np.ndarray,
        encoded: np.ndarray,
        returns: Sequence[float] | np.ndarray,
        success: Sequence[float] | np.ndarray | None = None,
        *,
        wait: bool = False,
    ) -> Any:
        """Outcomes of tasks by id, in any order; returns the call's ObjectRef (or, with
        ``wait``, how many outcomes the teacher learned from)."""
        ref = self.actor.tell.remote(
            learner_id,
            np.asarray(ids, dtype=np.int64),
            np.asarray(encoded, dtype=np.float64 if encoded.dtype.kind == "f" else np.int64),
            np.asarray(returns, dtype=np.float64),
            None if success is None else np.asarray(success, dtype=np.float64),
        )
        return ray.get(ref) if wait else ref

    def info(self) -> dict[str, Any]:
        """Counts: asked, told, late, duplicate, expired, open."""
        result: dict[str, Any] = ray.get(self.actor.info.remote())
        return result

    def teacher(self) -> BaseTeacher:
        """A local copy of the hosted teacher with its current state."""
        from teachkit._component import Component

        copy = Component.from_config(self._config)
        assert isinstance(copy, BaseTeacher)
        copy.load_state_bytes(ray.get(self.actor.state.remote()))
        return copy


class RayLink:
    """A worker's end of a :class:`SharedTeacher`: prefetched asks, batched tells."""

    def __init__(
        self, shared: SharedTeacher, learner_id: str, *, prefetch: int, flush_every: int
    ) -> None:
        self.shared = shared
        self.learner_id = learner_id
        self.prefetch = int(prefetch)
        self.flush_every = int(flush_every)
        self._queue: deque[tuple[int, np.ndarray, Task]] = deque()
        self._out_ids: list[int] = []
        self._out_tasks: list[np.ndarray] = []
        self._out_returns: list[float] = []
        self._out_success: list[float | None] = []
        self._last: Any = None
        self._next: Any = None

    def ask(self, n: int) -> tuple[list[Any], list[Task]]:
        """``n`` tasks from the shared teacher: (tokens, tasks)."""
        if len(self._queue) < n and self._next is not None:
            self._receive(ray.get(self._next))
            self._next = None
        if len(self._queue) < n:
            self.flush()  # the teacher learns before it chooses again
            self._receive(
                self.shared.ask_many(self.learner_id, max(n - len(self._queue), self.prefetch))
            )
        got = [self._queue.popleft() for _ in range(n)]
        if len(self._queue) < self.prefetch // 2 and self._next is None:
            # Ask for the next batch now and collect it when needed, so the round trip
            # (and any refit the actor is busy with) overlaps with the worker's episodes.
            self.flush()
            self._next = self.shared.actor.ask.remote(self.learner_id, self.prefetch)
        return [(i, row) for i, row, _ in got], [task for _, _, task in got]

    def _receive(self, answer: tuple[np.ndarray, np.ndarray]) -> None:
        ids, encoded = answer
        for i, row, task in zip(ids.tolist(), encoded, self.shared.space.decode(encoded)):
            self._queue.append((i, row, task))

    def tell(self, tokens: Sequence[Any], returns: np.ndarray, success: np.ndarray | None) -> None:
        """Send the outcomes of these tasks to the shared teacher."""
        for k, (i, row) in enumerate(tokens):
            self._out_ids.append(i)
            self._out_tasks.append(row)
            self._out_returns.append(float(returns[k]))
            self._out_success.append(None if success is None else float(success[k]))
        if len(self._out_ids) >= self.flush_every:
            self.flush()

    def flush(self, wait: bool = False) -> None:
        """Send the outcomes gathered so far (without waiting, unless ``wait``)."""
        if self._out_ids:
            flags = self._out_success
            success = None if any(f is None for f in flags) else np.array(flags, dtype=np.float64)
            self._last = self.shared.tell_many(
                self.learner_id,
                self._out_ids,
                np.stack(self._out_tasks),
                self._out_returns,
                success,
            )
            self._out_ids, self._out_tasks, self._out_returns, self._out_success = [], [], [], []
        if wait and self._last is not None:
            ray.get(self._last)
