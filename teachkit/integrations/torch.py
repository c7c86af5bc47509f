"""A PyTorch sampler whose every batch of prompts is chosen by a teachkit curriculum.

:class:`CurriculumSampler` is a ``torch.utils.data.Sampler`` over a dataset whose rows belong
to tasks of a :class:`~teachkit.spaces.Discrete` space (a category, a source, a difficulty
level, or the prompt itself). Each *decision* asks the curriculum for ``batch_size`` tasks,
turns every task into a row of that task (rotating through the task's rows in a seeded
order) and yields the rows, each repeated ``group_size`` times (one group of rollouts per
prompt) and the whole chunk ``repeat`` times (TRL's layout). Decisions are lazy: the next one
is made only when the data loader asks for its first index, so outcomes told in between
already shape it. Outcomes come back with :meth:`CurriculumSampler.tell` (dataset indices and
group rewards), one or more batches late if need be: every decided prompt waits in a queue
until its group is told.

Several processes (``torch.distributed``): rank 0 decides and broadcasts each decision, so
every rank yields the same indices (data-parallel trainers then shard them); only rank 0
tells the curriculum (the others' :meth:`~CurriculumSampler.tell` only clears their queue),
so give every rank the gathered rewards, as TRL and verl do. One curriculum is read and
written by one process: the teacher never forks.

Example:
    >>> import teachkit as tk
    >>> from teachkit.integrations.torch import CurriculumSampler
    >>> rows = [{"prompt": f"{a}+{a}=", "level": "easy" if a < 5 else "hard"} for a in range(10)]
    >>> space = tk.spaces.Discrete(["easy", "hard"])
    >>> sampler = CurriculumSampler(rows, tk.teachers.SEC(space, seed=0), task_of="level",
    ...                             group_size=2, batch_size=2, seed=0)
    >>> first = [next(iter(sampler)) for _ in range(4)]
    >>> first[0] == first[1] and first[2] == first[3]  # each prompt twice: one group
    True
    >>> sampler.tell([first[0], first[2]], [[1.0, 0.0], [1.0, 1.0]])
    2
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from teachkit._batch import EventBatch, GroupStats, OutcomeBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_learner_id, check_positive_int, preview
from teachkit.curriculum import Curriculum
from teachkit.errors import MissingDependencyError, ValidationError
from teachkit.integrations.gate import AdmissionGate
from teachkit.spaces import Discrete

try:
    import torch
    from torch.utils.data import Sampler
except ImportError:  # pragma: no cover - depends on the environment
    raise MissingDependencyError(
        "teachkit.integrations.torch needs PyTorch: pip install 'teachkit[torch]'"
    ) from None

__all__ = ["AdmissionGate", "CurriculumSampler", "task_column"]

STATE_VERSION = 1


def task_column(dataset: Any, task_of: Any) -> list[Any]:
    """The task of every row of ``dataset``.

    ``task_of`` is a column name (a Hugging Face ``datasets.Dataset`` column, a key of dict
    rows), a function of a row, a sequence with one task per row, or None (the row index is
    the task: one task per prompt).
    """
    n = len(dataset)
    if task_of is None:
        return list(range(n))
    if isinstance(task_of, list | tuple | np.ndarray):
        if len(task_of) != n:
            raise ValidationError(
                "CurriculumSampler",
                [f"task_of: expected one task per row ({n}), got {len(task_of)}"],
            )
        return list(task_of)
    if isinstance(task_of, str):
        column = getattr(dataset, "column_names", None)
        if column is not None:  # a datasets.Dataset: read the column at once
            if task_of not in column:
                raise ValidationError(
                    "CurriculumSampler",
                    [f"task_of: no column {task_of!r} in the dataset (columns: {list(column)})"],
                )
            return list(dataset[task_of])
        try:
            return [dataset[i][task_of] for i in range(n)]
        except (KeyError, TypeError, IndexError) as exc:
            raise ValidationError(
                "CurriculumSampler",
                [
                    f"task_of: could not read {task_of!r} from the rows ({type(exc).__name__}: {exc})"
                ],
            ) from None
    if callable(task_of):
        return [task_of(dataset[i]) for i in range(n)]
    raise ValidationError(
        "CurriculumSampler",
        [f"task_of: expected a column name, a function of a row or None, got {task_of!r}"],
    )


class _Source:
    """Asks and tells one curriculum or bare teacher; tokens are assignment ids or -1."""

    def __init__(self, source: Curriculum | BaseTeacher, learner_id: str) -> None:
        self.curriculum = source if isinstance(source, Curriculum) else None
        self.teacher = source.teacher if isinstance(source, Curriculum) else source
        self.learner_id = learner_id

    def ask(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if self.curriculum is not None:
            got = self.curriculum.ask_many(self.learner_id, n)
            return got.ids.copy(), got.encoded
        return np.full(n, -1, dtype=np.int64), self.teacher.ask_encoded(self.learner_id, n)

    def tell(self, tokens: np.ndarray, tasks: np.ndarray, outcomes: OutcomeBatch) -> None:
        if self.curriculum is not None:
            self.curriculum.tell_many([int(t) for t in tokens], outcomes)
            return
        n = len(tasks)
        self.teacher.tell(
            EventBatch.build(
                learner_ids=np.full(n, self.learner_id, dtype=object),
                tasks=tasks,
                outcomes=outcomes,
                times=outcomes.resolve_times(_now()),
                assignment_ids=tokens,
            )
        )

    def reference(self) -> dict[str, Any]:
        if self.curriculum is not None:
            ref: dict[str, Any] = {
                "kind": "curriculum",
                "storage": self.curriculum.storage.url,
                "name": self.curriculum.name,
                "ops": self.curriculum.ops,
            }
            if ref["storage"].startswith("memory"):  # the log dies with the process
                ref["teacher"] = self.teacher.state_bytes().hex()
            return ref
        return {"kind": "teacher", "teacher": self.teacher.state_bytes().hex()}

    def restore(self, ref: dict[str, Any]) -> None:
        kind = "curriculum" if self.curriculum is not None else "teacher"
        if ref.get("kind") != kind:
            raise ValidationError(
                "CurriculumSampler.load_state_dict",
                [f"the state was saved with a {ref.get('kind')}, this sampler draws from a {kind}"],
            )
        if self.curriculum is not None:
            if ref["name"] != self.curriculum.name:
                raise ValidationError(
                    "CurriculumSampler.load_state_dict",
                    [
                        f"the state was saved with curriculum {ref['name']!r}, this sampler "
                        f"draws from {self.curriculum.name!r}; pass the curriculum loaded with "
                        f"Curriculum.load({ref['storage']!r}, {ref['name']!r})"
                    ],
                )
            if "teacher" not in ref:
                return  # durable: the curriculum's log already holds everything told
        self.teacher.load_state_bytes(bytes.fromhex(ref["teacher"]))


def _now() -> float:
    import time

    return time.time()


def _dist() -> tuple[int, int]:
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    return 0, 1


class CurriculumSampler(Sampler[int]):
    """Dataset indices chosen by a curriculum, in groups, the same on every rank.

    Args:
        dataset: anything with ``len`` and row access (a Hugging Face ``datasets.Dataset``,
            a list of dicts, a torch ``Dataset``).
        curriculum: a :class:`~teachkit.Curriculum` (durable, logged) or a bare teacher
            (fastest) on a :class:`~teachkit.spaces.Discrete` space.
        task_of: the column holding each row's task, a function of a row, a sequence of
            one task per row, or None (each row is its own task: the space has one task per
            row, in order).
        group_size: times each chosen prompt is repeated in a row (rollouts per prompt).
        batch_size: prompts per decision (TRL: the generation batch's unique prompts).
        repeat: times each decided chunk is yielded again (TRL: ``num_iterations *
            steps_per_generation``).
        num_samples: prompts per epoch (default: the dataset's length); the epoch ends after
            ``num_samples // batch_size`` decisions.
        learner_id: the learner the curriculum teaches (the policy being trained).
        pass_threshold: reward at or above which a rollout passes; it sets each group's
            score to its pass rate. None: the mean reward is the score when all rewards of
            the group lie in [0, 1].
        seed: seeds the order in which the rows of a task are used.

    Raises:
        ValidationError: the space is not Discrete, a row's task is not in the space, or a
            task of the space has no rows.
    """

    def __init__(
        self,
        dataset: Any,
        curriculum: Curriculum | BaseTeacher,
        *,
        task_of: str | Callable[[Any], Any] | Sequence[Any] | None = None,
        group_size: int = 1,
        batch_size: int = 1,
        repeat: int = 1,
        num_samples: int | None = None,
        learner_id: str = "policy",
        pass_threshold: float | None = None,
        seed: int = 0,
    ) -> None:
        if not isinstance(curriculum, Curriculum | BaseTeacher):
            raise ValidationError(
                "CurriculumSampler",
                [
                    f"curriculum: expected a teachkit Curriculum or teacher, got "
                    f"{type(curriculum).__name__}"
                ],
            )
        space = curriculum.teacher.space if isinstance(curriculum, Curriculum) else curriculum.space
        if not isinstance(space, Discrete):
            raise ValidationError(
                "CurriculumSampler",
                [f"curriculum: expected a teacher on a Discrete space, got {type(space).__name__}"],
            )
        self.group_size = check_positive_int("group_size", group_size)
        self.batch_size = check_positive_int("batch_size", batch_size)
        self.repeat = check_positive_int("repeat", repeat)
        self.num_samples = check_positive_int(
            "num_samples", len(dataset) if num_samples is None else num_samples
        )
        self.learner_id = check_learner_id(learner_id)
        self.pass_threshold = pass_threshold
        self.seed = int(seed)
        self.dataset = dataset
        self.space = space
        self._source = _Source(curriculum, learner_id)
        tasks = task_column(dataset, task_of)
        try:
            encoded = space.encode(tasks)
        except ValidationError as exc:
            raise ValidationError(
                "CurriculumSampler",
                [f"task_of: the rows' tasks must be tasks of the space; {p}" for p in exc.problems],
            ) from None
        order = np.argsort(encoded, kind="stable")
        counts = np.bincount(encoded, minlength=space.n)
        if (counts == 0).any():
            empty = [space.names[i] for i in np.flatnonzero(counts == 0)[:5].tolist()]
            raise ValidationError(
                "CurriculumSampler",
                [f"every task needs at least one row; none for {preview(empty)}"],
            )
        self._rows = order  # rows grouped by task
        self._starts = np.r_[0, np.cumsum(counts)[:-1]]
        self._counts = counts
        # progress (all saved by state_dict)
        self._cursor = np.zeros(space.n, dtype=np.int64)  # rows of each task used so far
        self._epoch = 0
        self._chunks = 0  # chunks started this epoch
        self._chunk: list[int] = []  # the current decision's rows
        self._offset = 0  # indices of the current chunk already yielded
        self._total = 0  # indices yielded since the start (all epochs)
        self._ahead: deque[list[int]] = deque()  # decided chunks restored, not yet started
        # (total at chunk start, epoch, chunks, rows): to rewind a checkpoint to what was consumed
        self._history: deque[tuple[int, int, int, list[int]]] = deque(maxlen=16)
        self._pending: deque[tuple[int, int, int]] = deque()  # (index, task, token)
        self._asked = np.zeros(space.n, dtype=np.int64)
        self._groups = 0
        self._zero = 0

    # -- the Sampler protocol -------------------------------------------------------------------
    def _chunk_len(self) -> int:
        return self.batch_size * self.group_size * self.repeat

    def __len__(self) -> int:
        return (self.num_samples // self.batch_size) * self._chunk_len()

    def __iter__(self) -> Iterator[int]:
        return self

    def __next__(self) -> int:
        size = self._chunk_len()
        if not self._chunk or self._offset >= size:
            if self._chunks >= self.num_samples // self.batch_size:
                self._epoch += 1
                self._chunks = 0
                self._chunk = []
                self._offset = 0
                raise StopIteration
            self._chunk = self._ahead.popleft() if self._ahead else self._decide(self.batch_size)
            self._history.append((self._total, self._epoch, self._chunks, self._chunk))
            self._chunks += 1
            self._offset = 0
        # layout: the chunk `repeat` times, each prompt `group_size` times in a row
        within = self._offset % (self.batch_size * self.group_size)
        self._offset += 1
        self._total += 1
        return self._chunk[within // self.group_size]

    # -- deciding -------------------------------------------------------------------------------
    def _pick_rows(self, tasks: np.ndarray) -> np.ndarray:
        """One row per task, rotating through each task's rows in a seeded order."""
        out = np.empty(len(tasks), dtype=np.int64)
        for i, t in enumerate(tasks.tolist()):
            count = int(self._counts[t])
            cycle, pos = divmod(int(self._cursor[t]), count)
            if count > 1:
                perm = np.random.default_rng([self.seed, t, cycle]).permutation(count)
                pos = int(perm[pos])
            out[i] = self._rows[self._starts[t] + pos]
            self._cursor[t] += 1
        return out

    def _decide(self, n: int) -> list[int]:
        rank, world = _dist()
        payload: list[Any] = [None]
        if rank == 0:
            tokens, tasks = self._source.ask(n)
            rows = self._pick_rows(tasks)
            payload = [(rows.tolist(), tasks.tolist(), tokens.tolist())]
        if world > 1:
            torch.distributed.broadcast_object_list(payload, src=0)
        rows_l, tasks_l, tokens_l = payload[0]
        if rank != 0:
            for t in tasks_l:
                self._cursor[t] += 1
        for r, t, k in zip(rows_l, tasks_l, tokens_l):
            self._pending.append((int(r), int(t), int(k)))
        np.add.at(self._asked, np.asarray(tasks_l, dtype=np.int64), 1)
        return [int(r) for r in rows_l]

    def draw(self, n: int) -> list[int]:
        """Decide ``n`` more prompts now, outside the epoch's stream (a refill for an
        admission gate); tell their groups like any other. The same on every rank."""
        return self._decide(check_positive_int("n", n))

    # -- telling --------------------------------------------------------------------------------
    def tell(
        self, indices: Sequence[int] | np.ndarray, rewards: Any, advantages: Any = None
    ) -> int:
        """Tell the groups of rollouts of decided prompts; returns how many groups.

        Args:
            indices: the dataset index of each group, or of each rollout (then consecutive
                runs of ``group_size`` rollouts of one index form a group).
            rewards: ``(groups, G)`` rewards, or one per rollout.
            advantages: the trainer's advantages, shaped like ``rewards`` (default: GRPO's
                group normalization of the rewards, computed by the teacher).

        Each group is matched to the oldest decided, untold prompt with that index, so
        feedback may come one or more batches late. On ranks other than 0 nothing is told
        (rank 0 tells the gathered outcomes).
        """
        idx, r, a = self._groups_of(indices, rewards, advantages)
        matched: list[tuple[int, int]] = []
        missing: list[int] = []
        pending = list(self._pending)
        used = [False] * len(pending)
        for i in idx.tolist():
            for j, (row, task, token) in enumerate(pending):
                if not used[j] and row == i:
                    used[j] = True
                    matched.append((task, token))
                    break
            else:
                missing.append(i)
        if missing:
            raise ValidationError(
                "CurriculumSampler.tell",
                [
                    f"no decided, untold prompt with dataset index {preview(missing)}; tell each "
                    "group once, with the indices the sampler yielded"
                ],
            )
        self._pending = deque(p for p, u in zip(pending, used) if not u)
        stats = GroupStats.of(list(r), [None] * len(r), self.pass_threshold)
        self._groups += len(r)
        self._zero += int((stats.variance <= 1e-12).sum())
        if _dist()[0] != 0:
            return len(r)
        score = stats.pass_rate
        outcomes = OutcomeBatch(
            rewards=r,
            advantages=a,
            score=None if np.isnan(score).any() else score,
        )
        tasks = np.array([t for t, _ in matched], dtype=np.int64)
        tokens = np.array([k for _, k in matched], dtype=np.int64)
        self._source.tell(tokens, tasks, outcomes)
        return len(r)

    def _groups_of(
        self, indices: Any, rewards: Any, advantages: Any
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        idx = np.asarray(indices, dtype=np.int64).ravel()
        r = np.asarray(rewards, dtype=np.float64)
        a = None if advantages is None else np.asarray(advantages, dtype=np.float64)
        where = "CurriculumSampler.tell"
        if r.ndim == 1:
            g = self.group_size
            if len(r) != len(idx) or len(r) % g:
                raise ValidationError(
                    where,
                    [
                        f"rewards: one per rollout needs one index per rollout and a multiple of "
                        f"group_size={g} of them, got {len(r)} rewards for {len(idx)} indices"
                    ],
                )
            runs = idx.reshape(-1, g)
            if (runs != runs[:, :1]).any():
                raise ValidationError(
                    where,
                    [f"indices: each run of group_size={g} rollouts must share one index"],
                )
            idx, r = runs[:, 0], r.reshape(-1, g)
            if a is not None:
                a = a.reshape(-1, g)
        if r.ndim != 2 or r.shape[0] != len(idx):
            raise ValidationError(
                where,
                [f"rewards: expected shape ({len(idx)}, G), one row per index, got {r.shape}"],
            )
        if a is not None and a.shape != r.shape:
            raise ValidationError(
                where, [f"advantages: expected the shape of rewards {r.shape}, got {a.shape}"]
            )
        return idx, r, a

    # -- reading ---------------------------------------------------------------------------------
    @property
    def teacher(self) -> BaseTeacher:
        return self._source.teacher

    def pending(self) -> int:
        """Prompts decided but not yet told."""
        return len(self._pending)

    def metrics(self) -> dict[str, float]:
        """What a trainer logs: each task's weight (the teacher's sampling distribution
        where it has one, else the share of prompts decided so far), the share of
        zero-variance groups and the groups told."""
        out: dict[str, float] = {}
        weights = None
        probabilities = getattr(self.teacher, "probabilities", None)
        if callable(probabilities):
            try:
                weights = np.asarray(probabilities(), dtype=np.float64)
            except (NotImplementedError, ValueError):
                weights = None
        if weights is None or weights.shape != (self.space.n,):
            total = self._asked.sum()
            weights = self._asked / total if total else np.full(self.space.n, 1.0 / self.space.n)
        if self.space.n <= 64:
            for name, w in zip(self.space.names, weights.tolist()):
                out[f"teachkit/weight/{name}"] = w
        out["teachkit/zero_variance_fraction"] = self._zero / self._groups if self._groups else 0.0
        out["teachkit/groups_told"] = float(self._groups)
        return out

    # -- checkpoints -----------------------------------------------------------------------------
    def state_dict(self, consumed: int | None = None) -> dict[str, Any]:
        """Position, queue and the curriculum reference, JSON-ready (StatefulDataLoader).

        Args:
            consumed: indices the training loop has really used since the start, when a
                data loader prefetched beyond them (default: all yielded). The state is
                rewound to that point; chunks already decided after it are saved as they
                are, so a resumed run yields exactly what this one would have.
        """
        epoch, chunks, chunk, offset = self._epoch, self._chunks, list(self._chunk), self._offset
        ahead = [list(c) for c in self._ahead]
        if consumed is not None and consumed != self._total:
            epoch, chunks, chunk, offset, later = self._rewind(int(consumed))
            ahead = later + ahead
        return {
            "version": STATE_VERSION,
            "epoch": epoch,
            "chunks": chunks,
            "chunk": chunk,
            "offset": offset,
            "total": self._total if consumed is None else int(consumed),
            "ahead": ahead,
            "cursor": self._cursor.tolist(),
            "pending": [list(p) for p in self._pending],
            "asked": self._asked.tolist(),
            "groups": self._groups,
            "zero": self._zero,
            "source": self._source.reference() if _dist()[0] == 0 else None,
        }

    def _rewind(self, consumed: int) -> tuple[int, int, list[int], int, list[list[int]]]:
        size = self._chunk_len()
        past = list(self._history)
        for k, (start, epoch, chunks, rows) in enumerate(past):
            if start <= consumed < start + size or (
                consumed == start + size and k == len(past) - 1
            ):
                later = [list(r) for _, _, _, r in past[k + 1 :]]
                return epoch, chunks + 1, list(rows), consumed - start, later
        raise ValidationError(
            "CurriculumSampler.state_dict",
            [
                f"consumed={consumed}: expected a position within the last {len(past)} chunks "
                f"(indices {past[0][0] if past else self._total} to {self._total})"
            ],
        )

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue where :meth:`state_dict` was taken: the same next indices.

        A durable curriculum (SQLite, PostgreSQL) keeps its own state in its log; pass the
        curriculum loaded from it. A bare teacher or an in-memory curriculum is restored
        from the teacher state the checkpoint carries.
        """
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            raise ValidationError(
                "CurriculumSampler.load_state_dict",
                [
                    f"expected a state saved by CurriculumSampler.state_dict (version {STATE_VERSION})"
                ],
            )
        cursor = np.asarray(state["cursor"], dtype=np.int64)
        if cursor.shape != self._cursor.shape:
            raise ValidationError(
                "CurriculumSampler.load_state_dict",
                [f"the state has {len(cursor)} tasks, this sampler's space has {self.space.n}"],
            )
        if state.get("source") is not None and _dist()[0] == 0:
            self._source.restore(state["source"])
        self._epoch = int(state["epoch"])
        self._chunks = int(state["chunks"])
        self._chunk = [int(i) for i in state["chunk"]]
        self._offset = int(state["offset"])
        self._total = int(state["total"])
        self._ahead = deque([int(i) for i in c] for c in state["ahead"])
        self._history.clear()
        if self._chunk:
            start = self._total - self._offset
            self._history.append((start, self._epoch, self._chunks - 1, self._chunk))
        self._cursor = cursor
        self._pending = deque((int(a), int(b), int(c)) for a, b, c in state["pending"])
        self._asked = np.asarray(state["asked"], dtype=np.int64)
        self._groups = int(state["groups"])
        self._zero = int(state["zero"])
