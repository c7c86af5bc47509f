"""Columnar batches: many outcomes or events as numpy arrays.

Teachers consume events as an :class:`EventBatch`, whatever the caller sent: one Event, a
list of them, or a columnar :class:`OutcomeBatch` told through ``Curriculum.tell_many``.
Columns make batch teachers vectorizable (``np.bincount`` over task indices instead of a
Python loop), which is what keeps a teacher from slowing an RL or LLM training loop down.
Missing values are NaN in float columns; a score can never legitimately be NaN, so the
sentinel is unambiguous.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from teachkit._records import Event, Outcome
from teachkit._time import from_timestamp
from teachkit._validation import preview, real_array
from teachkit.errors import ValidationError

if TYPE_CHECKING:
    from teachkit.spaces import Space

_NAN = float("nan")


def _opt(x: float | None) -> float:
    return _NAN if x is None else x


def filled(n: int, value: float, dtype: Any = np.float64) -> np.ndarray:
    """``np.full(n, value)``, without its Python-level overhead (it matters at n = 1)."""
    out = np.empty(n, dtype=dtype)
    out.fill(value)
    return out


_NAN_COLUMNS: dict[int, np.ndarray] = {}


def _nan_column(n: int) -> np.ndarray:
    """A read-only all-NaN column, shared between batches of the same small size."""
    if n > 64:
        return filled(n, _NAN)
    col = _NAN_COLUMNS.get(n)
    if col is None:
        col = filled(n, _NAN)
        col.setflags(write=False)
        _NAN_COLUMNS[n] = col
    return col


def _group_advantages(
    rewards: np.ndarray | None, advantages: np.ndarray | None, eps: float
) -> np.ndarray | None:
    if advantages is not None:
        return advantages
    if rewards is None:
        return None
    std = rewards.std()
    return (rewards - rewards.mean()) / (std + eps)


@dataclass(frozen=True, eq=False)
class OutcomeBatch:
    """Outcomes of many assignments as columns (the fast path of ``tell_many``).

    Every column is optional, but each row needs a score, reward, rewards or success.

    Args:
        score: ``(n,)`` scores in [0, 1].
        reward: ``(n,)`` finite rewards.
        success: ``(n,)`` booleans.
        rewards: ``(n, G)`` group rewards (G rollouts per task); sets ``reward`` to the
            row means where ``reward`` is not given.
        advantages: ``(n, G)`` group advantages.
        duration: ``(n,)`` seconds, >= 0.
        time: one timezone-aware datetime for the whole batch (default: when told).

    Example:
        >>> OutcomeBatch(score=[1.0, 0.0, 0.5]).n
        3
    """

    score: np.ndarray | None = None
    reward: np.ndarray | None = None
    success: np.ndarray | None = None
    rewards: np.ndarray | None = None
    advantages: np.ndarray | None = None
    duration: np.ndarray | None = None
    time: datetime | None = None
    n: int = field(init=False, default=0)
    _times: np.ndarray | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        problems: list[str] = []
        n: int | None = None
        set_ = object.__setattr__

        def column(name: str, ndim: int) -> None:
            nonlocal n
            value = getattr(self, name)
            if value is None:
                return
            # the one rule for numbers (teachkit._validation.is_real), as for Outcome
            arr = real_array(problems, name, value, flags=name == "success")
            if arr is None:
                return
            if arr.ndim != ndim or (ndim == 2 and arr.shape[1] == 0):
                shape = "(n,)" if ndim == 1 else "(n, G) with G >= 1"
                problems.append(
                    f"{name}: expected an array of shape {shape}, got shape {arr.shape}"
                )
                return
            if n is None:
                n = arr.shape[0]
            elif arr.shape[0] != n:
                problems.append(
                    f"{name}: expected {n} rows like the other columns, got {arr.shape[0]}"
                )
                return
            bad: np.ndarray = ~np.isfinite(arr)
            if ndim == 2:
                bad = np.asarray(bad.any(axis=1))
            if bad.any():
                rows = np.flatnonzero(bad)
                problems.append(
                    f"{name}: expected finite numbers, got NaN/inf at rows {preview(rows.tolist())}"
                )
            set_(self, name, arr)

        for name in ("score", "reward", "success", "duration"):
            column(name, 1)
        for name in ("rewards", "advantages"):
            column(name, 2)
        if n is None and not problems:  # no column given (a bad column is reported already)
            problems.append("expected at least one of score, reward, rewards or success")
        if not problems:
            self._check_ranges(problems)
        if (
            self.rewards is not None
            and self.advantages is not None
            and not problems
            and self.rewards.shape != self.advantages.shape
        ):
            problems.append(
                f"advantages: expected the shape of rewards {self.rewards.shape}, "
                f"got {self.advantages.shape}"
            )
        if self.time is not None:
            from teachkit._records import _check_time

            t = _check_time(problems, "time", self.time)
            set_(self, "time", t)
        if problems:
            raise ValidationError("OutcomeBatch is invalid", problems)
        if self.reward is None and self.rewards is not None:
            set_(self, "reward", self.rewards.mean(axis=1))
        set_(self, "n", n)
        if self.time is not None:
            set_(self, "_times", np.full(n, self.time.timestamp()))

    def resolve_times(self, now: float) -> np.ndarray:
        """POSIX time per row: the outcome's own time where given, else ``now``."""
        if self._times is None:
            return filled(self.n, now)
        return np.where(np.isnan(self._times), now, self._times)

    def _check_ranges(self, problems: list[str]) -> None:
        def rows(mask: np.ndarray) -> str:
            return preview(np.flatnonzero(mask).tolist())

        if self.score is not None:
            bad = (self.score < 0) | (self.score > 1)
            if bad.any():
                problems.append(
                    f"score: expected numbers in [0, 1], got others at rows {rows(bad)}"
                )
        if self.success is not None:
            bad = (self.success != 0) & (self.success != 1)
            if bad.any():
                problems.append(f"success: expected booleans, got others at rows {rows(bad)}")
        if self.duration is not None:
            bad = self.duration < 0
            if bad.any():
                problems.append(
                    f"duration: expected numbers >= 0, got negatives at rows {rows(bad)}"
                )

    def __len__(self) -> int:
        return self.n

    @classmethod
    def from_outcomes(cls, outcomes: Sequence[Outcome]) -> OutcomeBatch:
        """Stack Outcome objects (group vectors must share one length)."""
        if not outcomes:
            raise ValidationError("OutcomeBatch", ["expected at least one outcome, got none"])
        if len(outcomes) == 1:  # one tell: arrays only for the columns that are there
            o = outcomes[0]

            def one(v: float | None) -> np.ndarray | None:
                return None if v is None else np.array([float(v)])

            return cls._from_columns(
                score=one(o.score),
                reward=one(o.reward),
                success=one(o.success),
                duration=one(o.duration),
                rewards=[o.rewards],
                advantages=[o.advantages],
                times=[o.time],
            )

        # One (n, 4) array and column views of it: far cheaper than four small arrays.
        data = np.array(
            [(_opt(o.score), _opt(o.reward), _opt(o.success), _opt(o.duration)) for o in outcomes],
            dtype=np.float64,
        )

        def col(k: int, name: str) -> np.ndarray | None:
            return data[:, k] if any(getattr(o, name) is not None for o in outcomes) else None

        return cls._from_columns(
            score=col(0, "score"),
            reward=col(1, "reward"),
            success=col(2, "success"),
            duration=col(3, "duration"),
            rewards=[o.rewards for o in outcomes],
            advantages=[o.advantages for o in outcomes],
            times=[o.time for o in outcomes],
        )

    @classmethod
    def _from_columns(cls, **cols: Any) -> OutcomeBatch:
        # Outcome objects are already valid; build without re-validating, keeping NaN gaps.
        batch = object.__new__(cls)
        set_ = object.__setattr__
        for name in ("score", "reward", "success", "duration"):
            set_(batch, name, cols[name])
        set_(batch, "rewards", cols["rewards"])
        set_(batch, "advantages", cols["advantages"])
        set_(batch, "time", None)
        set_(batch, "n", len(cols["rewards"]))
        times = cols["times"]
        set_(
            batch,
            "_times",
            None
            if all(t is None for t in times)
            else np.array([_NAN if t is None else t.timestamp() for t in times]),
        )
        return batch


@dataclass(frozen=True, eq=False)
class GroupStats:
    """Group-level outcomes, one entry per event (NaN where an event had no group).

    Attributes:
        pass_rate: share of the group's rollouts that passed.
        mean: the mean reward of the group.
        variance: the population variance of the group's rewards.
        abs_advantage: the mean absolute advantage of the group's rollouts.
        size: rollouts in the group (0 without one).
    """

    pass_rate: np.ndarray
    mean: np.ndarray
    variance: np.ndarray
    abs_advantage: np.ndarray
    size: np.ndarray

    @classmethod
    def of(
        cls,
        rewards: Sequence[np.ndarray | None],
        advantages: Sequence[np.ndarray | None],
        threshold: float | None = None,
    ) -> GroupStats:
        """The statistics of per-event groups (rewards and advantages may be ragged)."""
        n = len(rewards)
        width = max((len(r) for r in rewards if r is not None), default=1)
        r = np.full((n, width), _NAN)
        for i, g in enumerate(rewards):
            if g is not None:
                r[i, : len(g)] = g
        ok = ~np.isnan(r)
        size = ok.sum(axis=1)
        has = size > 0
        safe = np.maximum(size, 1)
        total = np.where(ok, r, 0.0)
        mean = np.where(has, total.sum(axis=1) / safe, _NAN)
        dev = np.where(ok, r - np.where(has, mean, 0.0)[:, None], 0.0)
        variance = np.where(has, (dev * dev).sum(axis=1) / safe, _NAN)
        if threshold is not None:
            passed = np.where(ok, r >= threshold, False).sum(axis=1)
            pass_rate = np.where(has, passed / safe, _NAN)
        else:
            unit = np.where(ok, (r >= 0) & (r <= 1), True).all(axis=1)
            pass_rate = np.where(has & unit, mean, _NAN)
        abs_adv = np.full(n, _NAN)
        for i, a in enumerate(advantages):
            if a is not None and len(a):
                abs_adv[i] = float(np.abs(a).mean())
        return cls(pass_rate, mean, variance, abs_adv, size)


@dataclass(eq=False, slots=True)
class EventBatch:
    """Events as columns, the form every teacher's ``_tell`` receives.

    Attributes:
        learner_ids: ``(n,)`` object array of learner ids.
        tasks: encoded tasks (``int64 (n,)`` for Discrete, ``float64 (n, dim)`` for Box).
        score, reward, success, duration: ``float64 (n,)``, NaN where not given.
        time: ``float64 (n,)`` POSIX seconds (UTC).
        assignment_ids: ``int64 (n,)``, -1 where the event had no assignment.
        rewards, advantages: per event, an array of group values or None.

    A batch is read-only by contract: its columns may be views or arrays shared between
    batches, so read them and never modify them in place (copy first).
    """

    learner_ids: np.ndarray
    tasks: np.ndarray
    score: np.ndarray
    reward: np.ndarray
    success: np.ndarray
    duration: np.ndarray
    time: np.ndarray
    assignment_ids: np.ndarray
    rewards: tuple[np.ndarray | None, ...]
    advantages: tuple[np.ndarray | None, ...]

    def __len__(self) -> int:
        return len(self.time)

    @property
    def n(self) -> int:
        """The number of events (``len(batch)``)."""
        return len(self.time)

    def signal(self) -> np.ndarray:
        """One number per event: the score, else the reward, else success as 0/1."""
        out = self.score.copy()
        gap = np.isnan(out)
        if gap.any():
            out[gap] = self.reward[gap]
            gap = np.isnan(out)
            if gap.any():
                out[gap] = self.success[gap]
        return out

    def group_advantages(self, eps: float = 1e-6) -> list[np.ndarray | None]:
        """Per event, the advantages given, else ``(r - mean(r)) / (std(r) + eps)`` over its
        group rewards (GRPO's group normalization), else None."""
        return [_group_advantages(r, a, eps) for r, a in zip(self.rewards, self.advantages)]

    def group_stats(self, threshold: float | None = None, eps: float = 1e-6) -> GroupStats:
        """Per event, what its group of rollouts says (NaN for events without a group).

        From the group rewards ``r[G]`` (and the advantages, given or GRPO-normalized):
        the pass rate (share of rollouts with ``r >= threshold``; without a threshold, the
        mean reward when every reward lies in [0, 1], else NaN), the mean reward, the
        reward variance (population, as GRPO's normalization uses) and the mean absolute
        advantage. Teachers read these instead of asking the user to compute them.
        """
        return GroupStats.of(self.rewards, self.group_advantages(eps), threshold)

    def take(self, index: Any) -> EventBatch:
        """The events at ``index`` (an integer array or a boolean mask)."""
        idx = np.flatnonzero(index) if np.asarray(index).dtype == bool else np.asarray(index)
        pick = idx.tolist()
        return EventBatch(
            learner_ids=self.learner_ids[idx],
            tasks=self.tasks[idx],
            score=self.score[idx],
            reward=self.reward[idx],
            success=self.success[idx],
            duration=self.duration[idx],
            time=self.time[idx],
            assignment_ids=self.assignment_ids[idx],
            rewards=tuple(self.rewards[i] for i in pick),
            advantages=tuple(self.advantages[i] for i in pick),
        )

    def by_learner(self) -> Iterator[tuple[str, EventBatch]]:
        """``(learner_id, events of that learner)`` in order of first appearance."""
        if len(self) and (self.learner_ids == self.learner_ids[0]).all():
            yield str(self.learner_ids[0]), self
            return
        order: dict[str, list[int]] = {}
        for i, lid in enumerate(self.learner_ids.tolist()):
            order.setdefault(lid, []).append(i)
        for lid, rows in order.items():
            yield lid, self.take(np.asarray(rows, dtype=np.int64))

    def outcome(self, i: int) -> Outcome:
        """Event ``i``'s outcome as an :class:`~teachkit.Outcome`."""

        def opt(col: np.ndarray) -> float | None:
            v = float(col[i])
            return None if v != v else v

        success = opt(self.success)
        r, a = self.rewards[i], self.advantages[i]
        return Outcome(
            score=opt(self.score),
            reward=opt(self.reward),
            success=None if success is None else bool(success),
            rewards=None if r is None else tuple(r.tolist()),
            advantages=None if a is None else tuple(a.tolist()),
            duration=opt(self.duration),
            time=from_timestamp(float(self.time[i])),
        )

    def events(self, space: Space) -> list[Event]:
        """The batch as Event objects (public task form)."""
        tasks = space.decode(self.tasks)
        return [
            Event(
                learner_id=str(self.learner_ids[i]),
                task=tasks[i],
                outcome=self.outcome(i),
                time=from_timestamp(float(self.time[i])),
                assignment_id=None if self.assignment_ids[i] < 0 else int(self.assignment_ids[i]),
            )
            for i in range(len(self))
        ]

    @classmethod
    def one(
        cls,
        *,
        learner_id: str,
        task: np.ndarray,
        outcome: Outcome,
        time: float,
        assignment_id: int = -1,
    ) -> EventBatch:
        """A batch of one event, built with as few arrays as possible (the single-tell path).

        ``task`` is the encoded task as a batch of one; ``time`` the event's POSIX time.
        """
        floats = np.array(
            [
                [
                    _opt(outcome.score),
                    _opt(outcome.reward),
                    _opt(outcome.success),
                    _opt(outcome.duration),
                    time,
                ]
            ]
        )
        learners = np.empty(1, dtype=object)
        learners[0] = learner_id
        rewards, advantages = outcome.rewards, outcome.advantages
        return cls(
            learner_ids=learners,
            tasks=task,
            score=floats[:, 0],
            reward=floats[:, 1],
            success=floats[:, 2],
            duration=floats[:, 3],
            time=floats[:, 4],
            assignment_ids=np.array([assignment_id]),
            rewards=(None if rewards is None else np.array(rewards),),
            advantages=(None if advantages is None else np.array(advantages),),
        )

    @classmethod
    def from_events(cls, events: Sequence[Event], space: Space) -> EventBatch:
        """Columns from Event objects; raises ValidationError for tasks outside ``space``."""
        bad = [i for i, e in enumerate(events) if not isinstance(e, Event)]
        if bad:
            raise ValidationError(
                "tell",
                [
                    f"expected Event objects, got {type(events[bad[0]]).__name__} at positions {preview(bad)}"
                ],
            )
        return cls.build(
            learner_ids=[e.learner_id for e in events],
            tasks=space.encode([e.task for e in events]),
            outcomes=OutcomeBatch.from_outcomes([e.outcome for e in events]),
            times=np.array([e.time.timestamp() for e in events], dtype=np.float64),
            assignment_ids=[-1 if e.assignment_id is None else e.assignment_id for e in events],
        )

    @classmethod
    def build(
        cls,
        *,
        learner_ids: Sequence[str] | np.ndarray,
        tasks: np.ndarray,
        outcomes: OutcomeBatch,
        times: np.ndarray,
        assignment_ids: Sequence[int] | np.ndarray,
    ) -> EventBatch:
        """Assemble a batch from validated parts (``times`` already resolved per row)."""
        n = len(times)

        def vec(col: np.ndarray | None) -> np.ndarray:
            return _nan_column(n) if col is None else col

        def groups(col: Any) -> tuple[np.ndarray | None, ...]:
            if col is None:
                return (None,) * n
            if isinstance(col, np.ndarray):
                return tuple(col)
            return tuple(None if v is None else np.asarray(v, dtype=np.float64) for v in col)

        lids = (
            learner_ids
            if isinstance(learner_ids, np.ndarray)
            else np.array(learner_ids, dtype=object)
        )
        return cls(
            learner_ids=lids,
            tasks=tasks,
            score=vec(outcomes.score),
            reward=vec(outcomes.reward),
            success=vec(outcomes.success),
            duration=vec(outcomes.duration),
            time=times,
            assignment_ids=np.asarray(assignment_ids, dtype=np.int64),
            rewards=groups(outcomes.rewards),
            advantages=groups(outcomes.advantages),
        )

    @classmethod
    def concat(cls, batches: Sequence[EventBatch]) -> EventBatch:
        """One batch of the events of ``batches``, in order."""
        if len(batches) == 1:
            return batches[0]
        return cls(
            learner_ids=np.concatenate([b.learner_ids for b in batches]),
            tasks=np.concatenate([b.tasks for b in batches]),
            score=np.concatenate([b.score for b in batches]),
            reward=np.concatenate([b.reward for b in batches]),
            success=np.concatenate([b.success for b in batches]),
            duration=np.concatenate([b.duration for b in batches]),
            time=np.concatenate([b.time for b in batches]),
            assignment_ids=np.concatenate([b.assignment_ids for b in batches]),
            rewards=tuple(r for b in batches for r in b.rewards),
            advantages=tuple(a for b in batches for a in b.advantages),
        )
