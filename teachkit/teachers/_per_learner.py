"""One independent copy of a population-level teacher per learner id (``per_learner=True``).

The continuous-space teachers follow their papers: one teacher, one agent, so by default
every learner that asks shares one model (the workers of one agent share a learner id).
When one teacher serves several independent learners, as in the benchmark harness,
``per_learner=True`` gives each learner id its own copy, built on first sight with a seed
drawn from the parent's generator (so replays rebuild the same copies).
"""

from __future__ import annotations

from typing import Any

from teachkit._batch import EventBatch
from teachkit.errors import ValidationError


class PerLearnerMixin:
    """Mixin for teachers with a ``per_learner`` hyperparameter and a ``_children`` dict."""

    per_learner: bool
    _children: dict[str, Any]
    _rng: Any

    def _setup_per_learner(self, per_learner: Any) -> None:
        """Store and check the ``per_learner`` hyperparameter; start with no copies."""
        self.per_learner = per_learner
        if not isinstance(per_learner, bool):
            raise ValidationError(
                type(self).__name__,
                [f"per_learner: expected True or False, got {per_learner!r}"],
            )
        self._children = {}

    def learner(self, learner_id: str) -> Any:
        """The teacher that serves ``learner_id``: its own copy with ``per_learner``, else
        this teacher."""
        return self._child(learner_id) if self.per_learner else self

    def _child(self, learner_id: str) -> Any:
        child = self._children.get(learner_id)
        if child is None:
            seed = int(self._rng.integers(2**31 - 1))
            child = self.clone(per_learner=False, seed=seed)  # type: ignore[attr-defined]
            self._children[learner_id] = child
        return child

    def _ask_children(self, learner_id: str, n: int) -> Any:
        return self._child(learner_id)._ask(learner_id, n)

    def _tell_children(self, batch: EventBatch) -> None:
        for learner_id, events in batch.by_learner():
            self._child(learner_id)._tell(events)

    def _get_state(self) -> dict[str, Any]:
        state: dict[str, Any] = super()._get_state()  # type: ignore[misc]
        state["_children"] = {lid: t.state_dict() for lid, t in self._children.items()}
        return state

    def _set_state(self, state: dict[str, Any]) -> None:
        state = dict(state)
        children = state.pop("_children", {})
        super()._set_state(state)  # type: ignore[misc]
        self._children = {}
        for lid, sub in children.items():
            child = self.clone(per_learner=False, seed=0)  # type: ignore[attr-defined]
            child.load_state_dict(sub)
            self._children[lid] = child
