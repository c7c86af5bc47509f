"""PerLearner: one copy of any teacher for each learner."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._seeding import SEED_BOUND, spawn_seed
from teachkit._teacher import BaseTeacher
from teachkit.spaces import Discrete, Space
from teachkit.teachers.wrappers._base import Wrapper


class PerLearner(Wrapper):
    """Give every learner its own copy of a teacher.

    Most teachers keep one state for everything they are told: right for one model in
    training, however many workers report for it (the continuous-space teachers follow
    their papers here too: one teacher, one agent). When one curriculum serves several
    independent learners (agents trained separately, students), wrap the teacher: each
    learner id gets a fresh clone of ``teacher`` the first time it asks or is told, seeded
    from this wrapper's generator (:func:`teachkit._seeding.spawn_seed`), and only its own
    outcomes reach it. A replay rebuilds the same copies.

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
        super().__init__(space, teacher=teacher, seed=seed)
        self._copies: dict[str, BaseTeacher] = {}
        # Copies' seeds are drawn from [0, _seed_bound). Curricula stored by teachkit 0.1.0's
        # PerLearner drew from [0, 2**63 - 1); their translated state carries that bound so
        # they replay exactly (see teachkit._legacy).
        self._seed_bound = SEED_BOUND

    _derived = ("_inner", "_copies")

    @classmethod
    def _example(cls, space: Space, seed: int) -> BaseTeacher | None:
        from teachkit.teachers.machine import TSCL

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
            copy = self._make_copy(spawn_seed(self._rng, self._seed_bound))
            self._copies[learner_id] = copy
        return copy

    def mastery(self, learner_id: str) -> dict[str, float] | None:
        """The belief of the learner's copy (made on first use, so none is made here)."""
        return self._copies.get(learner_id, self.inner).mastery(learner_id)

    def due_reviews(self, learner_id: str) -> list[str]:
        """The reviews the learner's copy would give."""
        return self._copies.get(learner_id, self.inner).due_reviews(learner_id)

    def _make_copy(self, seed: int | None) -> BaseTeacher:
        params = {"seed": seed} if "seed" in self.inner._param_names() else {}
        return self.inner.clone(**params)

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        return self.copy_of(learner_id).ask_encoded(learner_id, n)

    def _tell(self, batch: EventBatch) -> None:
        for learner_id, own in batch.by_learner():
            self.copy_of(learner_id)._learn(own)

    def _get_state(self) -> dict[str, Any]:
        state = super()._get_state()
        state["copies"] = {
            lid: (t.get_params().get("seed"), t.state_dict()) for lid, t in self._copies.items()
        }
        return state

    def _set_state(self, state: dict[str, Any]) -> None:
        state = dict(state)
        copies = state.pop("copies", {})
        super()._set_state(state)
        self._copies = {}
        for lid, (seed, inner) in copies.items():
            copy = self._make_copy(seed)
            copy.load_state_dict(inner)
            self._copies[lid] = copy
