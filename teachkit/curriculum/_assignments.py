"""AssignmentBatch: many assignments of one ask, as columns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import cached_property
from typing import Any, overload

import numpy as np

from teachkit._records import Assignment, Task
from teachkit.spaces import Space


class AssignmentBatch(Sequence[Assignment]):
    """The assignments handed out by one ``ask_many``, as a sequence of :class:`Assignment`.

    Iterating builds Assignment objects; the columns (``ids``, ``tasks``, ``encoded``, and
    ``train``: False for tasks handed out for evaluation only) are there for machine
    learners that want arrays. Tell them all at once with
    ``curriculum.tell_many(batch, tk.OutcomeBatch(score=scores))``.
    """

    def __init__(
        self,
        *,
        curriculum: str,
        learner_id: str,
        ids: np.ndarray,
        encoded: np.ndarray,
        space: Space,
        created: datetime,
        expires: datetime | None,
        texts: list[str] | None = None,
        train: np.ndarray | None = None,
        curriculum_uid: str = "",
    ) -> None:
        self.curriculum = curriculum
        self.curriculum_uid = curriculum_uid
        self.learner_id = learner_id
        self.ids = ids
        self.encoded = encoded
        self.created = created
        self.expires = expires
        self._space = space
        self._texts = texts  # the tasks as stored, when this curriculum made the batch
        self.train = np.ones(len(ids), dtype=bool) if train is None else train

    @cached_property
    def tasks(self) -> list[Task]:
        """The tasks in public form (names or tuples)."""
        return self._space.decode(self.encoded)

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, i: int) -> Assignment: ...
    @overload
    def __getitem__(self, i: slice) -> list[Assignment]: ...
    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return Assignment(
            id=int(self.ids[i]),
            learner_id=self.learner_id,
            task=self.tasks[i],
            created=self.created,
            expires=self.expires,
            curriculum=self.curriculum,
            train=bool(self.train[i]),
            curriculum_uid=self.curriculum_uid,
        )

    def __iter__(self) -> Iterator[Assignment]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        return (
            f"AssignmentBatch({len(self)} assignments for {self.learner_id!r}, "
            f"ids {int(self.ids[0])}..{int(self.ids[-1])})"
        )
