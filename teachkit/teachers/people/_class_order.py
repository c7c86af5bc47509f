"""ClassOrder: teach tasks one after another in a given order (class-incremental style)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_positive_int, is_sequence, real_array
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete, Space
from teachkit.teachers.people._designer import CurriculumDesigner


class ClassOrder(BaseTeacher):
    """Follow an order of tasks, ``steps`` answers each, then stay on the last one.

    The class-incremental setting of Curriculum Designer: a learner meets classes one
    at a time in a single pass. The order is given, or ranked by
    :class:`CurriculumDesigner` from an inter-class ``distances`` matrix (its top order),
    or else the space's prerequisite order.

    Args:
        space: a Discrete space.
        order: task names in the order to teach (a subset is allowed).
        distances: ``(n, n)`` distances between the space's tasks, for CD's top order.
        steps: answers per task before moving to the next.
        seed: unused (the teacher is deterministic), kept for a uniform constructor.

    Example:
        >>> import teachkit as tk
        >>> teacher = tk.teachers.ClassOrder(tk.spaces.Discrete(["a", "b"]), order=["b", "a"],
        ...                                  steps=2)
        >>> teacher.ask("ana", n=3)
        ['b', 'b', 'a']

    References:
        Singh, P., et al. (2023). Learning to learn: How to continuously teach humans and
        machines. ICCV.
    """

    spaces: ClassVar[tuple[type[Space], ...]] = (Discrete,)

    def __init__(
        self,
        space: Space,
        *,
        order: Sequence[str] | None = None,
        distances: Any = None,
        steps: int = 50,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.order = order
        self.distances = distances
        self.steps = steps
        check_positive_int("steps", steps)
        assert isinstance(space, Discrete)
        if order is not None and distances is not None:
            raise ValidationError("ClassOrder", ["give order or distances, not both"])
        if order is not None:
            if (
                isinstance(order, str | bytes)
                or not is_sequence(order)
                or getattr(order, "ndim", 1) != 1
                or not len(order)
            ):
                raise ValidationError(
                    "ClassOrder", [f"order: expected a non-empty list of task names, got {order!r}"]
                )
            self._order = space.encode(list(order))
        elif distances is not None:
            problems: list[str] = []
            d = real_array(problems, "distances", distances)
            if d is None:
                raise ValidationError("ClassOrder", problems)
            if d.shape != (space.n, space.n):
                raise ValidationError(
                    "ClassOrder",
                    [f"distances: expected a ({space.n}, {space.n}) matrix, got {d.shape}"],
                )
            self._order = np.array(CurriculumDesigner(d).best(), dtype=np.int64)
        else:
            self._order = space.encode(list(space.task_order()))
        self._given: dict[str, int] = {}

    _derived = ("_order",)

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        start = self._given.get(learner_id, 0)
        self._given[learner_id] = start + n
        pos = np.minimum((start + np.arange(n)) // self.steps, len(self._order) - 1)
        return self._order[pos]

    def _tell(self, batch: EventBatch) -> None:
        """Outcomes do not change a fixed order."""
