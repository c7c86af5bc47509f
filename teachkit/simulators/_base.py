"""Simulator and Oracle: simulated learners whose hidden truth only their oracle may read."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Self

import numpy as np

from teachkit._batch import EventBatch
from teachkit._component import Component
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_positive_int, check_seed
from teachkit.errors import ValidationError
from teachkit.spaces import Space

MAX_LEARNERS = 1_000_000
"""The most simulated learners one simulator holds (its state is per learner)."""


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
      the simulator's oracle (``oracle(seed)``, an :class:`Oracle` of type
      ``oracle_type``) may call it.
    """

    oracle_type: ClassVar[type[Oracle]]
    """The simulator's :class:`Oracle` class; ``oracle(seed)`` builds one on this simulator."""
    primary: ClassVar[str]
    higher_is_better: ClassVar[bool] = True
    directions: ClassVar[dict[str, bool]] = {}
    """Other measures' directions (True: higher is better), for summaries and win rates."""
    tasks_per_step: int = 1

    def __init__(self, n_learners: int = 1, *, seed: int | None = None) -> None:
        self.n_learners = check_positive_int("n_learners", n_learners, maximum=MAX_LEARNERS)
        check_seed(type(self).__name__, seed)
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

    def oracle(self, seed: int | None = None, **params: Any) -> Oracle:
        """A teacher that reads ``truth()``: the upper bound for this simulator.

        Keyword arguments are the oracle's own hyperparameters (see ``oracle_type``).
        """
        return self.oracle_type(self.space, simulator=self, seed=seed, **params)


class Oracle(BaseTeacher):
    """A teacher that reads a live simulator's hidden truth: the upper bound teachers are
    compared with, never a teacher for real learners.

    The one oracle pattern: the simulator is a hyperparameter (``simulator=``), and every
    simulator builds its own with ``sim.oracle(seed)``, which is
    ``sim.oracle_type(sim.space, simulator=sim, seed=seed)``. An oracle reads the truth on
    every ``ask`` and learns nothing from ``tell``. ``clone()`` keeps the same simulator.
    An oracle can be stored (and drive a durable :class:`~teachkit.Curriculum`) only when
    its simulator is itself a :class:`~teachkit._component.Component`, whose config and
    state then travel with it (the people simulators); otherwise ``to_config`` says it
    cannot be rebuilt. Oracles are not registered teachers.

    Args:
        space: the simulator's space.
        simulator: the simulator whose truth it reads; its ``oracle_type`` must be this
            oracle's class.
        seed: seeds the oracle's own draws (ties, points inside a cell), if it has any.
    """

    grows = False  # its space is the simulator's, which does not change

    def __init__(self, space: Space, *, simulator: Simulator, seed: int | None = None) -> None:
        super().__init__(space, seed=seed)
        name = type(self).__name__
        if not isinstance(simulator, Simulator) or not isinstance(self, simulator.oracle_type):
            raise ValidationError(
                name,
                [
                    f"simulator: expected a simulator whose oracle is a {name}, got "
                    f"{type(simulator).__name__}; build the oracle with sim.oracle(seed)"
                ],
            )
        if simulator.space != space:
            raise ValidationError(
                name, ["space: expected the simulator's own space (sim.space), got another space"]
            )
        # Any: each oracle reads its own simulator's truth, beyond the Simulator interface
        self.simulator: Any = simulator

    def clone(self, **overrides: Any) -> Self:
        """A fresh oracle with the same hyperparameters, on the same live simulator."""
        params = {**self.get_params(), **overrides}
        return type(self)(**params)

    def to_config(self) -> dict[str, Any]:
        """The oracle's config, simulator included, when the simulator can be stored."""
        if isinstance(self.simulator, Component):
            return super().to_config()
        raise ValidationError(
            type(self).__name__,
            [
                "an oracle reads a live simulator's hidden state and cannot be rebuilt from a "
                "stored configuration; drive it directly (ask_encoded/tell), not through a "
                "durable Curriculum"
            ],
        )

    @classmethod
    def _example(cls, space: Space, seed: int) -> BaseTeacher | None:
        return None  # needs a simulator, not just a space

    def _tell(self, batch: EventBatch) -> None:
        """Nothing to learn: the oracle reads the truth."""
