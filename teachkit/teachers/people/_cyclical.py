"""Cyclical: a curriculum whose share of the data grows and shrinks in cycles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from teachkit._teacher import BaseTeacher
from teachkit._validation import check_positive_int, is_sequence
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete, Space


class Cyclical(BaseTeacher):
    """Cyclical curriculum learning: the easy-first share of the data rises and falls.

    Tasks are ranked easy to hard (``order``, default the space's prerequisite order).
    At a learner's ``t``-th answer the teacher draws uniformly among the easiest
    ``ceil(f(t) * n)`` tasks, where the fraction ``f`` cycles between ``low`` and 1: it
    grows geometrically from ``low`` to 1 over the first half of each ``period`` and
    shrinks back over the second half (Kesgin & Amasyali's schedule, which multiplies
    the data size by a constant factor each epoch until the whole set is used and then
    divides it back). Unlike a one-way easy-to-hard curriculum, the cycle returns to the
    easy tasks again and again.

    Args:
        space: a Discrete space.
        order: task names, easiest first.
        period: answers per full cycle (grow and shrink).
        low: the smallest fraction of the tasks in use.
        seed: seeds the draws.

    Example:
        >>> import teachkit as tk
        >>> teacher = tk.teachers.Cyclical(tk.spaces.Discrete(10), period=20, low=0.1, seed=0)
        >>> [round(teacher.fraction(t), 2) for t in (0, 5, 10, 15, 20)]
        [0.1, 0.32, 1.0, 0.32, 0.1]

    References:
        Kesgin, H. T., & Amasyali, M. F. (2023). Cyclical curriculum learning. IEEE
        Transactions on Neural Networks and Learning Systems. arXiv:2202.05531.
    """

    spaces: ClassVar[tuple[type[Space], ...]] = (Discrete,)

    def __init__(
        self,
        space: Space,
        *,
        order: Sequence[str] | None = None,
        period: int = 100,
        low: float = 0.25,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.order = order
        self.period = period
        self.low = low
        check_positive_int("period", period, minimum=2)
        if not isinstance(low, int | float) or isinstance(low, bool) or not 0 < low <= 1:
            raise ValidationError("Cyclical", [f"low: expected a number in (0, 1], got {low!r}"])
        assert isinstance(space, Discrete)
        if order is not None and (isinstance(order, str | bytes) or not is_sequence(order)):
            raise ValidationError(
                "Cyclical", [f"order: expected a list of task names, got {type(order).__name__}"]
            )
        names = list(space.task_order()) if order is None else list(order)
        if not names:
            raise ValidationError("Cyclical", ["order: expected at least one task name"])
        self._order = space.encode(names)
        self._count: dict[str, int] = {}

    _derived = ("_order",)

    def fraction(self, t: int) -> float:
        """The share of the ordered tasks in use at a learner's ``t``-th answer."""
        half = self.period / 2.0
        phase = (t % self.period) / half  # 0..2
        up = phase if phase <= 1 else 2.0 - phase  # 0 -> 1 -> 0, a triangle
        return float(self.low ** (1.0 - up))  # geometric: low -> 1 -> low

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        start = self._count.get(learner_id, 0)
        self._count[learner_id] = start + n
        m = len(self._order)
        sizes = np.array([max(1, int(np.ceil(self.fraction(start + k) * m))) for k in range(n)])
        picks = (self._rng.random(n) * sizes).astype(np.int64)
        return self._order[picks]
