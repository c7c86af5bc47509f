"""Sequential: a fixed order that advances once the learner masters the current stage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_number, check_positive_int, is_sequence
from teachkit.errors import ValidationError
from teachkit.spaces import Box, Discrete, Space


class Sequential(BaseTeacher):
    """The usual hand-made curriculum: one stage at a time, in a fixed order.

    Each learner starts on the first stage and is given it until the mean of its last
    ``window`` outcomes on that stage reaches ``threshold`` (after at least
    ``min_attempts``); then it moves to the next stage and stays on the last one. The
    outcome signal is the score, else the reward, else success.

    On a :class:`~teachkit.spaces.Discrete` space a stage is a task; the default order
    puts prerequisites first (``space.task_order()``). On a :class:`~teachkit.spaces.Box`
    space a stage is a point; the default is ``stages`` points evenly spaced on the
    diagonal from ``low`` to ``high``, and ``spread`` adds uniform jitter of that fraction
    of each dimension's range around the point. An event counts toward the current stage
    when its task is that stage (Discrete) or closest to that stage's point (Box).

    Args:
        space: the task space.
        order: stages in order: task names (Discrete) or points (Box).
        threshold: mean signal needed to advance.
        window: how many recent outcomes the mean covers.
        min_attempts: outcomes needed on a stage before it can be passed (default: window).
        stages: number of diagonal stages on a Box space when ``order`` is not given.
        spread: jitter around Box stage points, as a fraction of each range.
        seed: seeds the jitter.

    Example:
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(["add", "sub", "mul"], prerequisites={"sub": ["add"]})
        >>> teacher = tk.teachers.Sequential(space, threshold=0.8, window=2)
        >>> teacher.ask("bob")
        ['add']
    """

    def __init__(
        self,
        space: Space,
        *,
        order: Sequence[Any] | None = None,
        threshold: float = 0.8,
        window: int = 10,
        min_attempts: int | None = None,
        stages: int = 10,
        spread: float = 0.0,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.order = order
        self.threshold = threshold
        self.window = window
        self.min_attempts = min_attempts
        self.stages = stages
        self.spread = spread
        check_positive_int("window", window)
        check_positive_int("stages", stages, maximum=100_000)
        if min_attempts is not None:
            check_positive_int("min_attempts", min_attempts)
        problems: list[str] = []
        check_number(problems, "threshold", threshold)
        if order is not None and (
            isinstance(order, str | bytes)
            or not is_sequence(order)
            or getattr(order, "ndim", 1) == 0
        ):
            problems.append(f"order: expected a list of stages, got {type(order).__name__}")
        if not isinstance(spread, int | float) or not 0 <= spread <= 1:
            problems.append(f"spread: expected a fraction in [0, 1], got {spread!r}")
        if problems:
            raise ValidationError("Sequential", problems)
        self._points = self._stage_points()
        self._position = self._positions()
        self._stage: dict[str, int] = {}
        self._recent: dict[str, list[float]] = {}

    _derived = ("_points", "_position")

    def _positions(self) -> np.ndarray | None:
        """Discrete: each task's position in the order (-1 if absent), for O(1) lookups."""
        if not isinstance(self.space, Discrete):
            return None
        position = np.full(self.space.n, -1, dtype=np.int64)
        for i, task in enumerate(self._points.tolist()):
            position[task] = i  # each task once (checked in _stage_points)
        return position

    def _stage_points(self) -> np.ndarray:
        space = self.space
        if isinstance(space, Discrete):
            names = space.task_order() if self.order is None else list(self.order)
            if not names:
                raise ValidationError("Sequential", ["order: expected at least one task, got none"])
            points = space.encode(names)
            self._check_distinct(points, [repr(n) for n in names])
            return points
        assert isinstance(space, Box)
        if self.order is None:
            frac = np.linspace(0.0, 1.0, self.stages)[:, None]
            return space.low + frac * (space.high - space.low)
        if not len(self.order):
            raise ValidationError("Sequential", ["order: expected at least one point, got none"])
        points = space.encode(
            [tuple(p) if isinstance(p, Sequence | np.ndarray) else p for p in self.order]
        )
        self._check_distinct(points, [repr(tuple(p)) for p in points.tolist()])
        return points

    @staticmethod
    def _check_distinct(points: np.ndarray, shown: list[str]) -> None:
        """A stage listed twice could never be passed: its outcomes count for the other one."""
        _, first, counts = np.unique(points, axis=0, return_index=True, return_counts=True)
        repeated = [shown[i] for i in sorted(first[counts > 1])]
        if repeated:
            raise ValidationError(
                "Sequential",
                [
                    f"order: expected each stage once, got {', '.join(repeated[:5])} more than "
                    "once; a learner would never leave a repeated stage. To practise a task "
                    "again later, use a teacher with review (e.g. SpacedReview) or Rehearsal"
                ],
            )

    def stage_of(self, learner_id: str) -> int:
        """The stage (position in the order) a learner is on."""
        return self._stage.get(learner_id, 0)

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        point = self._points[self._stage.get(learner_id, 0)]
        if isinstance(self.space, Discrete):
            return np.full(n, point, dtype=np.int64)
        assert isinstance(self.space, Box)
        tasks = np.repeat(point[None, :], n, axis=0)
        if self.spread > 0:
            half = self.spread * (self.space.high - self.space.low)
            tasks = self.space.clip(tasks + self._rng.uniform(-half, half, size=tasks.shape))
        return tasks

    def _stage_index(self, tasks: np.ndarray) -> np.ndarray:
        if self._position is not None:
            return self._position[tasks]
        d = ((tasks[:, None, :] - self._points[None, :, :]) ** 2).sum(axis=2)
        return d.argmin(axis=1)

    def _tell(self, batch: EventBatch) -> None:
        signal = batch.signal()
        stage_idx = self._stage_index(batch.tasks)
        need = self.window if self.min_attempts is None else self.min_attempts
        last = len(self._points) - 1
        for i, lid in enumerate(batch.learner_ids.tolist()):
            current = self._stage.get(lid, 0)
            if stage_idx[i] != current:
                continue
            recent = self._recent.setdefault(lid, [])
            recent.append(float(signal[i]))
            if len(recent) > self.window:
                del recent[0]
            if current < last and len(recent) >= need and np.mean(recent) >= self.threshold:
                self._stage[lid] = current + 1
                self._recent[lid] = []
