"""BaseTeacher: the policy interface every teacher implements (part of the core: the
curriculum, storages and spaces know teachers only through it)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch
from teachkit._component import Component
from teachkit._records import Event, Task
from teachkit._validation import (
    check_batch_size,
    check_learner_id,
    check_seed,
)
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
    * ``train_mask(learner_id)`` (optional): which tasks of the last ask are for training
      (the others are for evaluation only); None means all of them.
    * ``validate(batch)`` (optional): reject events the teacher cannot use (say, no group
      rewards for a teacher that needs advantages) with a :class:`ValidationError`.
      ``Curriculum`` calls it *before* writing anything, so a rejected tell stores nothing.

    State. Hyperparameters are stored verbatim under their argument names; everything
    learned lives in ``_private`` attributes and is captured by ``state_dict()`` (see
    :class:`~teachkit._component.Component`), including the RNG. A curriculum rebuilds a
    teacher from a snapshot plus a replay of the asks and tells after it, so ``_ask`` and
    ``_tell`` must be deterministic functions of the state and their arguments.

    A growing item bank. A curriculum can add tasks to a Discrete space, or retire some,
    as an op of its log; :meth:`grown` moves the teacher onto the new space (the default
    works for every teacher; see there). Retired tasks are never handed out: a teacher
    that picks one is asked again (see :meth:`ask_encoded`).

    Memory. A teacher whose state grows with the space (a value per task) may not fit for
    a very large space; its constructor then raises a :class:`ValidationError` saying so,
    not a ``MemoryError`` (every subclass's ``__init__`` is wrapped to that end).

    Class attributes:
        spaces: the space types the teacher supports.
        grows: whether :meth:`grown` can move the teacher onto a grown space (False for a
            teacher bound to one fixed space, such as an oracle reading a simulator).
    """

    spaces: ClassVar[tuple[type[Space], ...]] = (Discrete, Box)
    grows: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None:
            cls.__init__ = _fits_in_memory(init)  # type: ignore[method-assign]

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
        n = check_batch_size(n)
        out = self.space.check_encoded(self._ask(learner_id, n), n)
        retired = getattr(self.space, "retired_mask", None)
        if retired is not None and retired[out].any():
            out = self._avoid_retired(learner_id, out, retired)
        return out

    def _avoid_retired(self, learner_id: str, out: np.ndarray, retired: np.ndarray) -> np.ndarray:
        """Replace retired picks: ask again for as many tasks (a draw from the teacher's own
        choice restricted to active tasks, for a teacher that samples), a few times, then
        draw the rest uniformly among the active tasks. Deterministic: every draw comes
        from the teacher's state and RNG."""
        out = out.copy()
        for _ in range(4):
            bad = np.flatnonzero(retired[out])
            if not len(bad):
                return out
            out[bad] = self.space.check_encoded(self._ask(learner_id, len(bad)), len(bad))
        bad = np.flatnonzero(retired[out])
        if len(bad):
            out[bad] = self.space.sample_encoded(self._rng, len(bad))
        return out

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

    # -- what the teacher believes -----------------------------------------------------------
    def mastery(self, learner_id: str) -> dict[str, float] | None:
        """How well the teacher believes ``learner_id`` knows each skill (``{skill:
        probability}``), or None for a teacher that keeps no learner model (the default)."""
        return None

    def due_reviews(self, learner_id: str) -> list[str]:
        """Skills the teacher would have ``learner_id`` review now (default: none)."""
        return []

    # -- a growing item bank ------------------------------------------------------------------
    def grown(self, space: Space, history: Iterable[EventBatch]) -> BaseTeacher:
        """This teacher moved onto ``space``, knowing what this one knows.

        ``space`` keeps every task of the current space at its index: a Discrete space with
        tasks added after the existing ones (:meth:`Discrete.with_tasks`) and/or a
        different set of retired tasks (:meth:`Discrete.with_retired`). ``history`` yields
        the batches of outcomes this teacher was told, oldest first, each as it was told,
        encoded on ``space``. The result must be a deterministic function of this
        teacher's state, ``space`` and ``history``: a curriculum stores it in its log.

        The default works for every teacher: a new teacher built from this one's
        configuration with the space replaced (in nested learner models and wrapped
        teachers too), continuing this one's random stream. When no task was added it takes
        this one's state as it is; otherwise it learns from ``history``, batch by batch,
        as this one did (learned state is a fold over the outcomes), and ask-side
        bookkeeping such as recency counters starts afresh, and so do parameters a nested
        learner model was fitted to before it was given (they are state, sized for the
        old space; refit it on the grown space if they matter). Teachers that can extend
        their state in place may override it.

        Raises:
            ValidationError: the space does not extend this one, or the teacher's
                hyperparameters do not fit the new space.
        """
        if not self.grows:
            raise ValidationError(
                f"{type(self).__name__}.grown",
                [
                    "this teacher is bound to its space and cannot move to another; start a "
                    "new curriculum on the new space instead"
                ],
            )
        added = _check_extends(self.space, space)
        config = _with_space(self.to_config(), self.space.to_dict(), space.to_dict())
        new = BaseTeacher.from_config(config)
        if not isinstance(new, BaseTeacher):  # pragma: no cover - from_config of a teacher
            raise ValidationError("grown", [f"rebuilt a {type(new).__name__}"])
        if not added:
            new.load_state_dict(self.state_dict())
            return new
        new._rng.bit_generator.state = self._rng.bit_generator.state
        for batch in history:
            new._learn(batch)
        return new

    # -- hooks --------------------------------------------------------------------------------
    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement _ask(learner_id, n)")

    def _tell(self, batch: EventBatch) -> None:
        """Learn from a batch of events (default: nothing to learn)."""

    def validate(self, batch: EventBatch) -> None:
        """Raise ValidationError for events this teacher cannot use (default: accept all)."""

    def train_mask(self, learner_id: str) -> np.ndarray | None:
        """Which tasks of ``learner_id``'s last ask the learner may train on (None: all).

        Teachers that hand some tasks out for evaluation only (Robust PLR and ACCEL score
        new levels without training on them; POET runs transfer tests) return a boolean
        mask over the tasks of the last ``ask`` of that learner. A curriculum reads it right
        after each ask and sets ``Assignment.train``; the Gymnasium wrappers pass it on as
        ``info["train"]``. It is a function of the teacher's state, so replay rebuilds it.
        """
        return None

    @classmethod
    def _example(cls, space: Space, seed: int) -> BaseTeacher | None:
        """An instance for the conformance suite, or None if ``space`` is unsupported.

        Teachers whose constructor needs more than a space (wrappers, oracles) override it.
        """
        if not isinstance(space, cls.spaces):
            return None
        return cls(space, seed=seed)


def _check_extends(old: Space, new: Space) -> int:
    """How many tasks ``new`` adds to ``old``; a ValidationError unless it extends it."""
    if not isinstance(old, Discrete) or not isinstance(new, Discrete):
        raise ValidationError(
            "grown",
            [f"only Discrete task spaces grow, got {type(old).__name__} -> {type(new).__name__}"],
        )
    if new.n < old.n or list(new.names[: old.n]) != list(old.names):
        raise ValidationError(
            "grown",
            ["the new space must keep every task of the current one, in order, and add after"],
        )
    return new.n - old.n


def _with_space(config: Any, old: Mapping[str, Any], new: Mapping[str, Any]) -> Any:
    """``config`` with every nested ``{"__space__": old}`` replaced by ``new``."""
    if isinstance(config, dict):
        if "__space__" in config and config["__space__"] == old:
            return {**config, "__space__": dict(new)}
        return {k: _with_space(v, old, new) for k, v in config.items()}
    if isinstance(config, list):
        return [_with_space(v, old, new) for v in config]
    return config


_TOO_BIG = ("array is too big", "Maximum allowed dimension exceeded", "Maximum allowed size")


def _fits_in_memory(init: Callable[..., None]) -> Callable[..., None]:
    """``init``, with a MemoryError (state sized by a huge space) as a ValidationError."""

    @functools.wraps(init)
    def wrapped(self: BaseTeacher, *args: Any, **kwargs: Any) -> None:
        try:
            init(self, *args, **kwargs)
        except (MemoryError, ValueError) as exc:
            # numpy says "array is too big" / "Maximum allowed dimension exceeded" for sizes
            # past what it can even request; other ValueErrors are not about memory
            if isinstance(exc, ValidationError) or (
                isinstance(exc, ValueError) and not any(m in str(exc) for m in _TOO_BIG)
            ):
                raise
            space = getattr(self, "space", None)
            size = f"{space.n:_} tasks" if isinstance(space, Discrete) else repr(space)
            raise ValidationError(
                type(self).__name__,
                [
                    f"its state for this space ({size}) does not fit in memory; use a smaller "
                    "space, or a teacher whose state does not grow with the number of tasks"
                ],
            ) from None

    return wrapped
