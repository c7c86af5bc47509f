"""Covar-GMM: progress as the covariance of time and reward within mixture components."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch
from teachkit._seeding import spawn_seed
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_fraction, check_positive_int
from teachkit.errors import ValidationError
from teachkit.spaces import Box, Space
from teachkit.teachers.continuous._mixture import (
    UnitScaler,
    check_ks,
    cumulative,
    fit_best,
    sample_mixture_tasks,
    task_cholesky,
)
from teachkit.teachers.continuous._presets import check_preset


class CovarGMM(BaseTeacher):
    """Sample where reward grows with time, as measured inside Gaussian mixture components.

    The rule (Moulin-Frier, Nguyen & Oudeyer 2014, as adapted by Portelas et al. 2019):
    every episode adds a point ``(p, t, r)``: the task parameters, the episode's relative
    time within the current batch of ``fit_rate`` episodes (``i / fit_rate``) and its
    reward. Every ``fit_rate`` episodes (after ``nb_bootstrap``), mixtures with ``k`` in
    ``ks`` components are fitted on the batch and the lowest AIC is kept. A component's
    learning progress is the covariance of time and reward in it, ``max(0, cov(t, r))``
    (or ``|cov(t, r)|`` with ``absolute_lp=True``): a component where reward rises over
    time is where the learner progresses. To sample, with probability
    ``random_task_ratio`` (and always before the first fit) draw uniformly; otherwise
    pick a component in proportion to its progress, draw from it, drop the time and reward
    coordinates and clip to the bounds.

    The reward is the events' signal (score, else reward, else success); one mixture serves
    every learner. Deviations (as in :class:`ALPGMM`): parameters are scaled to the unit
    cube, fits are seeded from the teacher's generator, and components are sampled through
    the Cholesky factor of their task block.

    Args:
        space: a :class:`~teachkit.spaces.Box`.
        fit_rate: episodes per batch (between two fits).
        ks: the component counts tried at each fit.
        random_task_ratio: share of uniform draws once a mixture exists.
        absolute_lp: use ``|cov(t, r)|`` instead of its positive part.
        nb_bootstrap: uniform episodes before the first fit (default ``fit_rate``).
        seed: seeds every draw and every fit.

    Presets: ``"portelas2019"`` (fit_rate 250, 20% random, k in 2..10) and
    ``"teachmyagent"`` (fit_rate 150, 5% random, k in 2..9).

    Example:
        >>> import teachkit as tk
        >>> teacher = tk.teachers.CovarGMM(tk.spaces.Box(0, 1, dim=2), fit_rate=40, ks=(2,), seed=0)
        >>> teacher.ask_encoded("agent", 2).shape
        (2, 2)

    References:
        Moulin-Frier, Nguyen & Oudeyer (2014). Self-organization of early vocal development
        in infants and machines: the role of intrinsic motivation. Frontiers in Psychology.
        Portelas, Colas, Hofmann & Oudeyer (2019). Teacher algorithms for curriculum
        learning of Deep RL in continuously parameterized environments. CoRL.
    """

    spaces: ClassVar[tuple[type[Space], ...]] = (Box,)

    PRESETS: ClassVar[dict[str, dict[str, Any]]] = {
        "portelas2019": {"fit_rate": 250, "random_task_ratio": 0.2, "ks": tuple(range(2, 11))},
        "teachmyagent": {"fit_rate": 150, "random_task_ratio": 0.05, "ks": tuple(range(2, 10))},
    }

    def __init__(
        self,
        space: Space,
        *,
        fit_rate: int = 250,
        ks: Sequence[int] = tuple(range(2, 11)),
        random_task_ratio: float = 0.2,
        absolute_lp: bool = False,
        nb_bootstrap: int | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.fit_rate = fit_rate
        self.ks = ks
        self.random_task_ratio = random_task_ratio
        self.absolute_lp = absolute_lp
        self.nb_bootstrap = nb_bootstrap
        check_positive_int("fit_rate", fit_rate, minimum=2)
        if nb_bootstrap is not None:
            check_positive_int("nb_bootstrap", nb_bootstrap)
        problems: list[str] = []
        check_ks("CovarGMM", ks, fit_rate, problems)
        check_fraction(problems, "random_task_ratio", random_task_ratio, closed=True)
        if not isinstance(absolute_lp, bool):
            problems.append(f"absolute_lp: expected True or False, got {absolute_lp!r}")
        if nb_bootstrap is not None and nb_bootstrap < fit_rate:
            problems.append(
                f"nb_bootstrap: expected at least fit_rate={fit_rate}, got {nb_bootstrap}"
            )
        if problems:
            raise ValidationError("CovarGMM", problems)
        assert isinstance(space, Box)
        self._dim = space.dim
        self._scale = UnitScaler(space)
        self._bootstrap = fit_rate if nb_bootstrap is None else nb_bootstrap
        # The current batch of (unit task..., time, reward) rows; row i is episode i of it.
        self._batch = np.zeros((fit_rate, self._dim + 2))
        self._episodes = 0
        self._fits = 0
        self._gmm: dict[str, np.ndarray] | None = None

    _derived = ("_dim", "_scale", "_bootstrap")

    @classmethod
    def preset(cls, name: str, space: Space, **overrides: Any) -> CovarGMM:
        """A teacher with a published setting (``"portelas2019"`` or ``"teachmyagent"``)."""
        return cls(space, **{**check_preset(cls, name), **overrides})

    @classmethod
    def _example(cls, space: Space, seed: int) -> BaseTeacher | None:
        if not isinstance(space, Box):
            return None
        return cls(space, fit_rate=30, ks=(2, 3), seed=seed)

    def mixture(self) -> dict[str, np.ndarray] | None:
        """The current mixture over (unit-scaled parameters, time, reward), or None."""
        return None if self._gmm is None else {k: v.copy() for k, v in self._gmm.items()}

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        space = self.space
        assert isinstance(space, Box)
        gmm = self._gmm
        if gmm is None or self._episodes < self._bootstrap:
            return space.sample_encoded(self._rng, n)
        return sample_mixture_tasks(self._rng, space, self._scale, gmm, self.random_task_ratio, n)

    def _tell(self, batch: EventBatch) -> None:
        unit = self._scale.to_unit(batch.tasks)
        reward = batch.signal()
        fr, d = self.fit_rate, self._dim
        start = 0
        while start < len(unit):
            pos = self._episodes % fr
            stop = min(len(unit), start + fr - pos)
            m = stop - start
            rows = self._batch[pos : pos + m]
            rows[:, :d] = unit[start:stop]
            rows[:, d] = np.arange(pos, pos + m) / fr
            rows[:, d + 1] = reward[start:stop]
            self._episodes += m
            start = stop
            if self._episodes % fr == 0 and self._episodes >= self._bootstrap:
                if len(unit) - start >= fr:
                    # A later fit in this same batch supersedes this one; draw its seed so
                    # the generator ends where one-at-a-time telling leaves it.
                    spawn_seed(self._rng)
                else:
                    self._fit()
                self._fits += 1

    def _fit(self) -> None:
        gmm = fit_best(self._batch, self.ks, self._rng)
        cov_tr = gmm["covariances"][:, -2, -1]
        progress = np.abs(cov_tr) if self.absolute_lp else np.maximum(cov_tr, 0.0)
        gmm["chols"] = task_cholesky(gmm["covariances"], self._dim)
        gmm["progress"] = progress
        gmm["cum"] = cumulative(progress)
        self._gmm = gmm
