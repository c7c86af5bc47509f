"""PerLearner: one copy of any teacher for each learner (a wrapper).

The continuous teachers build the same behaviour in with ``per_learner=True`` (the mixin in
``_per_learner.py``); this wrapper gives it to any teacher without such a flag.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit.errors import ValidationError
from teachkit.spaces import Space
from teachkit.teachers._base import BaseTeacher


class PerLearner(BaseTeacher):
    """Give every learner its own copy of a teacher.

    The bandit and replay teachers (TSCL, SEC, DUMP, TargetDifficulty, PLR, DoReMi,
    Skill-It) keep one state for everything they are told: right for one model in
    training, however many workers report for it. When one curriculum serves several
    independent learners (agents trained separately, or students), wrap the teacher:
    each learner id gets a fresh clone of ``teacher`` the first time it asks or is told,
    seeded from this wrapper's generator, and only its own outcomes reach it.

    Args:
        space: the task space (the inner teacher's).
        teacher: the teacher to copy (its learned state is not copied; default Uniform).
        seed: seeds the copies' seeds.

    Example:
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(["easy", "hard"])
        >>> teacher = tk.teachers.PerLearner(space, teacher=tk.teachers.SEC(space), seed=0)
        >>> _ = teacher.ask("agent-0"), teacher.ask("agent-1")
        >>> teacher.learners()
        ['agent-0', 'agent-1']
    """

    def __init__(
        self, space: Space, *, teacher: BaseTeacher | None = None, seed: int | None = None
    ) -> None:
        super().__init__(space, seed=seed)
        self.teacher = teacher
        if teacher is not None and not isinstance(teacher, BaseTeacher):
            raise ValidationError(
                "PerLearner",
                [f"teacher: expected a teachkit teacher, got {type(teacher).__name__}"],
            )
        if teacher is not None and teacher.space != space:
            raise ValidationError(
                "PerLearner",
                [f"teacher: expected a teacher on {space!r}, got one on {teacher.space!r}"],
            )
        if teacher is None:
            from teachkit.teachers._uniform import Uniform

            teacher = Uniform(space)
        self._template: BaseTeacher = teacher
        self._copies: dict[str, BaseTeacher] = {}

    _derived = ("_template", "_copies")

    @classmethod
    def _example(cls, space: Space, seed: int) -> BaseTeacher | None:
        from teachkit.spaces import Discrete
        from teachkit.teachers._tscl import TSCL

        if isinstance(space, Discrete):
            return cls(space, teacher=TSCL(space, seed=seed), seed=seed)
        return cls(space, seed=seed)

    def learners(self) -> list[str]:
        """The learner ids with a copy, in order of first appearance."""
        return list(self._copies)

    def copy_of(self, learner_id: str) -> BaseTeacher:
        """The copy that teaches ``learner_id`` (made on first use)."""
        copy = self._copies.get(learner_id)
        if copy is None:
            seed = int(self._rng.integers(0, 2**63 - 1))
            params = {"seed": seed} if "seed" in self._template._param_names() else {}
            copy = self._template.clone(**params)
            self._copies[learner_id] = copy
        return copy

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        return self.copy_of(learner_id).ask_encoded(learner_id, n)

    def validate(self, batch: EventBatch) -> None:
        self._template.validate(batch)

    def _tell(self, batch: EventBatch) -> None:
        for learner_id, own in batch.by_learner():
            self.copy_of(learner_id).tell(own)

    def _get_state(self) -> dict[str, Any]:
        state = super()._get_state()
        state["copies"] = {
            lid: (t.get_params().get("seed"), t.state_dict()) for lid, t in self._copies.items()
        }
        return state

    def _set_state(self, state: dict[str, Any]) -> None:
        copies = state.pop("copies", {})
        super()._set_state(state)
        self._copies = {}
        for lid, (seed, inner) in copies.items():
            params = {"seed": seed} if "seed" in self._template._param_names() else {}
            copy = self._template.clone(**params)
            copy.load_state_dict(inner)
            self._copies[lid] = copy
