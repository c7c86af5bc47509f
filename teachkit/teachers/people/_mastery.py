"""MasteryLearning: one skill at a time, in prerequisite order, until BKT says it is known."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._validation import check_fraction, check_positive_int
from teachkit.errors import ValidationError
from teachkit.learners import BaseLearnerModel
from teachkit.spaces import Space
from teachkit.teachers.people._base import PeopleTeacher, population_bkt


class MasteryLearning(PeopleTeacher):
    """Cognitive mastery learning, the classic intelligent-tutoring policy.

    Skills are taught in prerequisite order (``space``'s skill graph, ties by the order of
    first appearance). A learner stays on the first skill whose mastery, as the learner
    model estimates it (P(known) for BKT), is below ``threshold`` (0.85 by default,
    chosen on the people zoo; Corbett & Anderson's criterion is 0.95, which a BKT with
    forgetting per practice may never reach); within that skill it is given the item whose other skills are
    best mastered, rotating through the skill's items (least practised first) so that
    practice is not one item over and over. Once every skill is mastered it reviews the
    least mastered skill.

    ``max_attempts`` caps the answers spent on one skill before moving on (a common
    safeguard in deployed tutors against a learner stuck on a skill; 10 by default, chosen
    on the people zoo; None: no cap, as in the original policy).

    Args:
        space: a Discrete space; skill tags and prerequisites define the order.
        learner_model: any learner model on ``space`` (default: a BKT with forgetting
            that refits its parameters from the whole class, see :class:`Tutor`).
        threshold: mastery needed to move on.
        max_attempts: answers on one skill after which the learner moves on anyway.
        seed: seeds tie-breaking.

    Example:
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(
        ...     ["1+1", "2+3", "2x3"], skills={"1+1": "add", "2+3": "add", "2x3": "mul"},
        ...     prerequisites={"mul": ["add"]})
        >>> teacher = tk.teachers.MasteryLearning(space, seed=0)
        >>> teacher.ask("ana"), teacher.current_skill("ana")
        (['1+1'], 'add')

    References:
        Corbett, A. T., & Anderson, J. R. (1994). Knowledge tracing: Modeling the
        acquisition of procedural knowledge. User Modeling and User-Adapted Interaction, 4.
        Bloom, B. S. (1968). Learning for mastery. Evaluation Comment, 1(2).
    """

    def __init__(
        self,
        space: Space,
        *,
        learner_model: BaseLearnerModel | None = None,
        threshold: float = 0.85,
        max_attempts: int | None = 10,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.learner_model = learner_model
        self.threshold = threshold
        self.max_attempts = max_attempts
        problems: list[str] = []
        check_fraction(problems, "threshold", threshold)
        if problems:
            raise ValidationError("MasteryLearning", problems)
        if max_attempts is not None:
            check_positive_int("max_attempts", max_attempts)
        self._model = self._own(
            "learner_model", learner_model, lambda: population_bkt(self.discrete, seed), None
        )
        self._skip: dict[str, list[int]] = {}  # skills left behind by max_attempts
        self._on_skill: dict[str, list[int]] = {}  # [skill, answers on it]
        self._last: dict[str, np.ndarray] = {}  # per item: the learner's step when last given

    @property
    def model(self) -> BaseLearnerModel:
        """The learner model in use."""
        return self._model

    def _current(self, learner_id: str, mastery: np.ndarray) -> int:
        skip = set(self._skip.get(learner_id, ()))
        for s in self._graph.order.tolist():
            if mastery[s] < self.threshold and s not in skip:
                return s
        return -1

    def current_skill(self, learner_id: str) -> str | None:
        """The skill the learner is working on (None once every skill is mastered)."""
        s = self._current(learner_id, self._mastery(self._model, learner_id))
        return None if s < 0 else self.space.skill_names[s]  # type: ignore[attr-defined]

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        g = self._graph
        mastery = self._mastery(self._model, learner_id)
        skill = self._current(learner_id, mastery)
        if skill < 0:
            skill = int(np.argmin(mastery))
        items = g.items_of[skill]
        last = self._last.get(learner_id)
        if last is None:
            last = np.full(g.n_items, -1, dtype=np.int64)
            self._last[learner_id] = last
        # other skills of the item: the better mastered the better (fewer new things at once)
        known = np.where(g.q[items], np.minimum(mastery, 1.0)[None, :], 1.0)
        known[:, skill] = 1.0
        others = known.min(axis=1)
        score = np.round(others, 6) * 1e6 - last[items]  # then least recently given
        chosen = items[self._pick(score, n)]
        step = self._steps.get(learner_id, 0)
        last[chosen] = step
        return chosen

    def _tell(self, batch: EventBatch) -> None:
        batch = self._timed(batch)
        self._model.update(batch)
        if self.max_attempts is None:
            return
        g = self._graph
        groups = list(batch.by_learner())
        masteries = self._masteries(self._model, [lid for lid, _ in groups])
        for (lid, mine), mastery in zip(groups, masteries):
            skill = self._current(lid, mastery)
            on = self._on_skill.get(lid, [-1, 0])
            hits = int(g.q[mine.tasks, skill].sum()) if skill >= 0 else 0
            on = [skill, (on[1] if on[0] == skill else 0) + hits]
            if skill >= 0 and on[1] >= self.max_attempts:
                self._skip.setdefault(lid, []).append(skill)
                on = [-1, 0]
            self._on_skill[lid] = on

    @classmethod
    def _example(cls, space: Space, seed: int) -> Any:
        built = super()._example(space, seed)
        if built is None:
            return None
        return cls(space, max_attempts=5, seed=seed)
