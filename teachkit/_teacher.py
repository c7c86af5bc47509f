"""BaseTeacher: the policy interface every teacher implements (part of the core: the
curriculum, storages and spaces know teachers only through it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from teachkit._batch import EventBatch
from teachkit._component import Component
from teachkit._records import Event, Task
from teachkit._validation import check_learner_id, check_positive_int, check_seed
from teachkit.errors import ValidationError
from teachkit.spaces import Box, Discrete, Space


class BaseTeacher(Component):
    """A teaching policy: ``ask`` proposes tasks for a learner, ``tell`` feeds outcomes back.

    Lifecycle. A teacher is built as ``Teacher(space, seed=..., **hyperparameters)``. Its
    public methods are template methods that validate and keep books, then call the hooks
    a subclass implements:

    * ``_ask(learner_id, n) -> np.ndarray``: propose ``n`` tasks for one learner, in the
      space's encoded form (``int64 (n,)`` indices for :class:`~teachkit.spaces.Discrete`,
      ``float64 (n, dim)`` for :class:`~teachkit.spaces.Box`). It may update state (a
      staleness counter, a buffer of generated levels); every random draw must come from
      ``self._rng``.
    * ``_tell(batch: EventBatch)``: learn from outcomes. The batch holds one or more
      events, possibly of several learners, in the order they happened. Batch teachers
      (SEC, DUMP) treat one call as one training step; per-event teachers iterate.
    * ``validate(batch)`` (optional): reject events the teacher cannot use (say, no group
      rewards for a teacher that needs advantages) with a :class:`ValidationError`.
      ``Curriculum`` calls it *before* writing anything, so a rejected tell stores nothing.

    State. Hyperparameters are stored verbatim under their argument names; everything
    learned lives in ``_private`` attributes and is captured by ``state_dict()`` (see
    :class:`~teachkit._component.Component`), including the RNG. A curriculum rebuilds a
    teacher from a snapshot plus a replay of the asks and tells after it, so ``_ask`` and
    ``_tell`` must be deterministic functions of the state and their arguments.

    Class attributes:
        spaces: the space types the teacher supports.
    """

    spaces: ClassVar[tuple[type[Space], ...]] = (Discrete, Box)

    def __init__(self, space: Space, *, seed: int | None = None) -> None:
        if not isinstance(space, Space):
            raise ValidationError(
                f"{type(self).__name__}",
                [
                    f"space: expected a teachkit space (spaces.Discrete or spaces.Box), "
                    f"got {type(space).__name__}"
                ],
            )
        if not isinstance(space, self.spaces):
            supported = " or ".join(s.__name__ for s in self.spaces)
            raise ValidationError(
                f"{type(self).__name__}",
                [f"space: this teacher works on {supported} spaces, got {type(space).__name__}"],
            )
        check_seed(type(self).__name__, seed)
        self.space = space
        self.seed = seed
        self._rng = np.random.default_rng(seed)

    # -- the public template methods ----------------------------------------------------------
    def ask(self, learner_id: str, n: int = 1) -> list[Task]:
        """Propose ``n`` tasks for ``learner_id``, in public form (names or tuples)."""
        return self.space.decode(self.ask_encoded(learner_id, n))

    def ask_encoded(self, learner_id: str, n: int = 1) -> np.ndarray:
        """Propose ``n`` tasks as an encoded array (the fast path curricula use)."""
        check_learner_id(learner_id)
        n = check_positive_int("n", n)
        return self.space.check_encoded(self._ask(learner_id, n), n)

    def tell(self, events: Event | Sequence[Event] | EventBatch) -> None:
        """Learn from one event, a list of events, or an :class:`EventBatch`."""
        batch = self.as_batch(events)
        if len(batch):
            self.validate(batch)
            self._tell(batch)

    def _learn(self, batch: EventBatch) -> None:
        """Learn from a batch that :meth:`validate` has already accepted.

        The path of callers that check outcomes once before acting on them: a curriculum
        validates before it writes the op, then teaches; a wrapper's ``validate`` is its
        inner teacher's, so it passes batches on with this; a replay applies the log as
        written. Outcomes are validated once per tell, not once per layer.
        """
        if len(batch):
            self._tell(batch)

    def as_batch(self, events: Event | Sequence[Event] | EventBatch) -> EventBatch:
        """``events`` as an :class:`EventBatch` on this teacher's space."""
        if isinstance(events, EventBatch):
            return events
        if isinstance(events, Event):
            events = [events]
        if isinstance(events, str | bytes) or not isinstance(events, Sequence):
            raise ValidationError(
                "tell",
                [
                    f"expected an Event, a list of Events or an EventBatch, got {type(events).__name__}"
                ],
            )
        return EventBatch.from_events(events, self.space)

    # -- hooks --------------------------------------------------------------------------------
    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement _ask(learner_id, n)")

    def _tell(self, batch: EventBatch) -> None:
        """Learn from a batch of events (default: nothing to learn)."""

    def validate(self, batch: EventBatch) -> None:
        """Raise ValidationError for events this teacher cannot use (default: accept all)."""

    @classmethod
    def _example(cls, space: Space, seed: int) -> BaseTeacher | None:
        """An instance for the conformance suite, or None if ``space`` is unsupported.

        Teachers whose constructor needs more than a space (wrappers, oracles) override it.
        """
        if not isinstance(space, cls.spaces):
            return None
        return cls(space, seed=seed)
