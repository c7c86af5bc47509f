"""Simulator: a population of simulated learners whose hidden truth only oracles may read."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch
from teachkit.spaces import Space
from teachkit.teachers import BaseTeacher


class Simulator(ABC):
    """Learners that practice the tasks a teacher picks and report outcomes, nothing more.

    The contract every simulator keeps, and the benchmark harness relies on:

    * Built as ``Sim(n_learners, seed=..., **params)``; everything random comes from a
      generator seeded by ``seed``, so the same seed and the same tasks give the same
      outcomes, bit for bit.
    * ``space`` is the public task space a teacher is built on. ``learner_ids`` are
      ``"s0" .. "s{n-1}"``.
    * ``step(tasks)`` takes ``tasks_per_step`` encoded tasks per learner, as an array of
      shape ``(n_learners, tasks_per_step)`` (Discrete) or
      ``(n_learners, tasks_per_step, dim)`` (Box), lets every learner practice them,
      advances the virtual clock, and returns an :class:`~teachkit.EventBatch` of
      ``n_learners * tasks_per_step`` events, learner-major, ready for ``teacher.tell``.
      That batch is all a teacher ever sees.
    * ``measures()`` evaluates the population without changing it (post-test,
      % mastered, accuracy, ...) and returns named floats, averaged over learners;
      ``primary`` names the headline one and ``higher_is_better`` its direction;
      ``directions`` gives the others' (True: higher is better).
    * The hidden state lives in ``_private`` attributes; ``truth()`` returns it, and only
      oracle teachers (``oracle(seed)``) may call it.
    """

    primary: ClassVar[str]
    higher_is_better: ClassVar[bool] = True
    directions: ClassVar[dict[str, bool]] = {}
    """Other measures' directions (True: higher is better), for summaries and win rates."""
    tasks_per_step: int = 1

    def __init__(self, n_learners: int = 1, *, seed: int | None = None) -> None:
        self.n_learners = int(n_learners)
        self.seed = seed
        self.learner_ids = np.array([f"s{i}" for i in range(self.n_learners)], dtype=object)

    def index_of(self, learner_id: str) -> int | None:
        """Row of ``learner_id`` (``"s{i}"``), or None for an id this population lacks."""
        if isinstance(learner_id, str) and learner_id[:1] == "s" and learner_id[1:].isdigit():
            i = int(learner_id[1:])
            if i < self.n_learners and learner_id == f"s{i}":
                return i
        return None

    @property
    @abstractmethod
    def space(self) -> Space:
        """The task space teachers are built on."""

    @abstractmethod
    def step(self, tasks: np.ndarray) -> EventBatch:
        """Practice ``tasks`` (one row per learner); return the outcomes as events."""

    @abstractmethod
    def measures(self) -> dict[str, float]:
        """Evaluate the population without changing it."""

    @abstractmethod
    def truth(self) -> Any:
        """The hidden state; for oracle teachers only."""

    @abstractmethod
    def oracle(self, seed: int | None = None) -> BaseTeacher:
        """A teacher that reads ``truth()``: the upper bound for this simulator."""
