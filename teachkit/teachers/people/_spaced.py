"""SpacedReview: a memory model schedules reviews at a target retention, interleaved with
new material by expected benefit."""

from __future__ import annotations

import numpy as np

from teachkit._batch import EventBatch
from teachkit._validation import check_fraction
from teachkit.errors import ValidationError
from teachkit.learners import BaseLearnerModel, MemoryModel
from teachkit.spaces import Space
from teachkit.teachers.people._base import PeopleTeacher


class SpacedReview(PeopleTeacher):
    """Spaced repetition with new material: review what is being forgotten, else learn.

    Items are *learned* once the learner has answered them correctly at least once;
    items tried but never answered correctly are *in progress*; the rest are *new*, taken
    in prerequisite order (``space.task_order()``). Every ask weighs, at the learner's
    clock:

    * reviewing a learned item whose predicted recall ``R`` (memory model, FSRS-6 by
      default) has fallen below ``retention``: expected benefit ``1 - R``, the chance the
      review rescues a forgotten item (due items, most forgotten first, as a scheduler
      reviewing at the target retention does);
    * continuing an in-progress item: just above a new item (finish what was started;
      a memory model's recall says little about an item never answered correctly);
    * a new item: benefit ``new_benefit`` (how much a first exposure is worth relative to
      rescuing a forgotten item).

    and gives the items of highest benefit. With ``new_benefit = 1 - retention`` new
    material waits until nothing is due (a plain review-first scheduler); lower values
    favour review, higher ones new material.

    Args:
        space: a Discrete space (its prerequisite order orders new items).
        memory_model: a model of forgetting on ``space`` (default
            ``MemoryModel(space)`` with the FSRS-6 default weights; fit it on a review
            log for real use). Any learner model works; one that ignores time never
            makes items due.
        retention: the recall below which a learned item is due.
        new_benefit: the value of a new item against a review.
        seed: seeds tie-breaking.

    Example:
        >>> import teachkit as tk
        >>> teacher = tk.teachers.SpacedReview(tk.spaces.Discrete(["a", "b", "c"]), seed=0)
        >>> teacher.ask("ana")
        ['a']

    References:
        Ebbinghaus, H. (1885). Über das Gedächtnis (the forgetting curve).
        Ye, J., Su, J., & Cao, Y. (2022). A stochastic shortest path algorithm for
        optimizing spaced repetition scheduling. KDD (FSRS).
        Settles, B., & Meeder, B. (2016). A trainable spaced repetition model for
        language learning. ACL (reviews at a target recall).
    """

    def __init__(
        self,
        space: Space,
        *,
        memory_model: BaseLearnerModel | None = None,
        retention: float = 0.9,
        new_benefit: float = 0.2,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.memory_model = memory_model
        self.retention = retention
        self.new_benefit = new_benefit
        problems: list[str] = []
        check_fraction(problems, "retention", retention)
        check_fraction(problems, "new_benefit", new_benefit, closed=True)
        if problems:
            raise ValidationError("SpacedReview", problems)
        self._memory = self._own(
            "memory_model", memory_model, lambda: MemoryModel(self.discrete), None
        )
        order = self.discrete.encode(list(self.discrete.task_order()))
        self._new_rank = np.empty(self.discrete.n, dtype=np.float64)
        self._new_rank[order] = np.arange(self.discrete.n)
        self._seen: dict[str, np.ndarray] = {}  # per item: 0 new, 1 in progress, 2 learned

    _derived = ("_graph", "_new_rank")

    @property
    def model(self) -> BaseLearnerModel:
        """The memory model in use."""
        return self._memory

    def benefits(self, learner_id: str) -> np.ndarray:
        """Expected benefit of giving each item now (see the class docstring)."""
        n = self.discrete.n
        seen = self._seen.get(learner_id, np.zeros(n, dtype=np.int8))
        out = np.full(n, -1.0)
        recall = self._predict(self._memory, learner_id, np.arange(n))
        learned = seen == 2
        due = learned & (recall < self.retention)
        out[due] = 1.0 - recall[due]
        doing = seen == 1
        out[doing] = self.new_benefit + 1e-3  # finish what was started before new items
        new = seen == 0
        # new items in curriculum order: the earliest carries the full benefit
        out[new] = self.new_benefit - 1e-6 * self._new_rank[new]
        return out

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        return self._pick(self.benefits(learner_id), n)

    def _tell(self, batch: EventBatch) -> None:
        batch = self._timed(batch)
        self._memory.update(batch)
        correct = (batch.success > 0) | (
            np.isnan(batch.success) & (np.nan_to_num(batch.signal(), nan=0.0) >= 0.5)
        )
        n = self.discrete.n
        for i, lid in enumerate(batch.learner_ids.tolist()):
            seen = self._seen.get(lid)
            if seen is None:
                seen = self._seen[lid] = np.zeros(n, dtype=np.int8)
            t = int(batch.tasks[i])
            seen[t] = 2 if correct[i] or seen[t] == 2 else 1
