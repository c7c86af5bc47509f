"""E2H: easy-to-hard tiers of tasks on a cosine or Gaussian schedule over training steps."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_choice_now, check_params, check_positive_int, short_repr
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete
from teachkit.teachers.machine._signals import draw

SCHEDULES = ("gaussian", "cosine")


class E2H(BaseTeacher):
    """E2H Reasoner's scheduled curriculum (Parashar et al. 2025): tiers from easy to hard.

    Tasks are grouped into ``K`` tiers ordered from easiest (tier 0: trivial) to hardest
    (tier ``K - 1``). The probability of drawing from each tier moves with the training
    step ``t`` (one ``tell`` is one step) over a horizon of ``total_steps``:

    * ``"gaussian"`` (E2H-G): tier ``k`` sits at ``mu_k = k / (K - 1)``; the schedule's
      position ``x_t = t / total_steps`` slides from the easiest tier to the hardest and
      ``P(k) ∝ exp(-(x_t - mu_k)^2 / (2 sigma^2))``, so easier tiers fade out gradually
      instead of being switched off.
    * ``"cosine"`` (E2H-C): with ``a_t = (1 + cos(pi t / total_steps)) / 2`` (1 at the start,
      0 at the end), ``P(k) ∝ a_t (1 - mu_k) + (1 - a_t) mu_k``: the mixture interpolates
      between the easiest and the hardest tier.

    Within a tier tasks are drawn uniformly. Past ``total_steps`` the schedule stays at its
    end. The schedule is set by steps, not by the learner's outcomes: E2H's point is that a
    fixed fade-out of easy tasks already prevents overfitting to them; pair it with a
    responsive teacher if the horizon is unknown.

    Args:
        space: the tasks.
        tiers: the tier of every task (integers from 0, easiest first; default: every task
            is its own tier, in the space's order).
        total_steps: the schedule's horizon in training steps (tells).
        schedule: ``"gaussian"`` or ``"cosine"``.
        sigma: the Gaussian schedule's width (0.5 spreads over neighbouring tiers).
        seed: seeds the draws.

    Deviation: the paper's Gaussian scheduler also has a speed parameter that shifts the
    mean ahead of ``t / total_steps``; here that is ``total_steps`` itself (a shorter horizon
    moves faster).

    Example:
        >>> import teachkit as tk
        >>> e2h = tk.teachers.E2H(tk.spaces.Discrete(["trivial", "easy", "medium", "hard"]),
        ...                       total_steps=100, schedule="cosine", seed=0)
        >>> e2h.probabilities().round(3).tolist()
        [0.5, 0.333, 0.167, 0.0]

    References:
        Parashar, Gui, Li, Ling, Vemuri, Olson, Li, Zhang, Caverlee, Kalathil, Ji (2025).
        Curriculum Reinforcement Learning from Easy to Hard Tasks Improves LLM Reasoning.
        arXiv:2506.06632.
    """

    spaces = (Discrete,)

    def __init__(
        self,
        space: Discrete,
        *,
        tiers: Any = None,
        total_steps: int = 100,
        schedule: str = "gaussian",
        sigma: float = 0.5,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.tiers = tiers
        self.total_steps = total_steps
        self.schedule = schedule
        self.sigma = sigma
        check_positive_int("total_steps", total_steps)
        check_choice_now("E2H", "schedule", schedule, SCHEDULES)
        check_params("E2H", [("sigma", sigma, 1e-9, None)])
        self._tier = self._check_tiers(tiers, space.n)
        self._step = 0

    _derived = ("_tier",)

    @staticmethod
    def _check_tiers(tiers: Any, n: int) -> np.ndarray:
        if tiers is None:
            return np.arange(n, dtype=np.int64)
        try:
            t = np.asarray(tiers)
        except (ValueError, TypeError):  # ragged or otherwise not an array
            t = np.empty(0, dtype=object)
        if t.shape != (n,) or t.dtype.kind not in "iu" or (t < 0).any():
            raise ValidationError(
                "E2H",
                [
                    f"tiers: expected {n} integers >= 0, one tier per task (0 = easiest), "
                    f"got {short_repr(tiers)}"
                ],
            )
        used = np.unique(t)
        return np.searchsorted(used, t).astype(np.int64)  # tiers renumbered 0..K-1

    @property
    def step(self) -> int:
        """Training steps (tells) so far."""
        return self._step

    def tier_probabilities(self) -> np.ndarray:
        """The probability of each tier at the current step, easiest first."""
        k = int(self._tier.max()) + 1
        mu = np.arange(k) / max(k - 1, 1)
        frac = min(self._step / self.total_steps, 1.0)
        if self.schedule == "gaussian":
            w = np.exp(-((frac - mu) ** 2) / (2.0 * self.sigma**2))
        else:
            a = 0.5 * (1.0 + np.cos(np.pi * frac))
            w = a * (1.0 - mu) + (1.0 - a) * mu
            if k == 1:
                w = np.ones(1)
        return w / w.sum()

    def probabilities(self) -> np.ndarray:
        """The probability of each task (its tier's, shared by the tier's tasks)."""
        sizes = np.bincount(self._tier)
        return self.tier_probabilities()[self._tier] / sizes[self._tier]

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        return draw(self._rng, self.probabilities(), n)

    def _tell(self, batch: EventBatch) -> None:
        self._step += 1

    def _set_state(self, state: dict[str, Any]) -> None:
        super()._set_state(state)
        self._step = int(self._step)
