"""PassRateBand: the online difficulty filtering rule, as a teacher."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_params
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete
from teachkit.teachers.machine._signals import batch_success, decayed_beta_update, group_matrix


class PassRateBand(BaseTeacher):
    """Serve the task whose recent pass rate is closest to a target, or any inside a band.

    The baseline a practitioner tries first in RL post-training: keep a running pass rate
    per task and train on the tasks that are neither solved nor hopeless. Each task keeps
    an exponentially decayed Beta posterior over its pass rate, ``Beta(a0 + w, b0 + l)``,
    where every outcome first multiplies the task's ``w`` and ``l`` by ``decay`` and then
    adds its success rate ``s`` to ``w`` and ``1 - s`` to ``l`` (``s`` is the group's pass
    rate for an outcome with group rewards, else its score, reward or success). With
    ``decay < 1`` the posterior mean is a moving average of the last ``1 / (1 - decay)``
    or so outcomes, which follows a learner that improves.

    Each decision of an ask is, with probability ``epsilon``, a uniform draw (exploration,
    so tasks whose estimate is stale are revisited); otherwise:

    * ``band=None``: the task whose posterior mean is closest to ``target`` (ties at
      random), so a whole ask goes to the current frontier;
    * ``band=(low, high)``: a uniform draw among the tasks whose posterior mean lies in
      ``[low, high]``, or the task closest to ``target`` when none does.

    A task never tried has the prior mean ``a0 / (a0 + b0)`` (0.5 by default), so every
    task is tried early. The estimates are pooled over the learners the teacher serves
    (one model in LLM post-training); wrap it in :class:`~teachkit.teachers.PerLearner` for
    one estimate per learner.

    The rule is Bae et al. (2025)'s online difficulty filtering: keep the prompts whose
    pass rate lies in a band around 0.5, where the expected policy-gradient signal
    ``p (1 - p)`` peaks. DAPO's dynamic sampling (Yu et al. 2025) and OpenRLHF's dynamic
    filtering drop the groups that came out all right or all wrong after the rollouts;
    this teacher uses the same signal before the rollouts, from past pass rates, so no
    rollout is wasted on filtering (a choice of ours; the papers filter a generated batch).

    Args:
        space: the tasks.
        target: the pass rate to aim at.
        band: ``(low, high)`` of acceptable pass rates, or None (closest to ``target``).
        decay: the per-outcome forgetting of each task's counts (1: keep every outcome).
        epsilon: probability of a uniform draw per decision.
        prior: ``(a0, b0)`` of the Beta prior.
        seed: seeds the draws.

    Example:
        >>> from datetime import UTC, datetime
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(["easy", "medium", "hard"])
        >>> teacher = tk.teachers.PassRateBand(space, epsilon=0.0, seed=0)
        >>> now = datetime.now(UTC)
        >>> teacher.tell([tk.Event("m", "easy", tk.Outcome(rewards=[1, 1, 1, 1]), now),
        ...               tk.Event("m", "hard", tk.Outcome(rewards=[0, 0, 0, 0]), now),
        ...               tk.Event("m", "medium", tk.Outcome(rewards=[1, 0, 1, 0]), now)])
        >>> teacher.pass_rates().round(2).tolist()
        [0.67, 0.5, 0.33]
        >>> teacher.ask("m", 2)
        ['medium', 'medium']

    References:
        Bae, Hong, Lee, Kim, Cho, Lee (2025). Online Difficulty Filtering for Reasoning
        Oriented Reinforcement Learning. arXiv:2504.03380.
        Yu et al. (2025). DAPO: An Open-Source LLM Reinforcement Learning System at Scale
        (dynamic sampling). arXiv:2503.14476.
    """

    spaces = (Discrete,)

    def __init__(
        self,
        space: Discrete,
        *,
        target: float = 0.5,
        band: tuple[float, float] | None = None,
        decay: float = 0.9,
        epsilon: float = 0.1,
        prior: tuple[float, float] = (1.0, 1.0),
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.target = target
        self.band = band
        self.decay = decay
        self.epsilon = epsilon
        self.prior = prior
        problems = []
        prior_t = tuple(prior) if isinstance(prior, list | tuple) else ()
        if len(prior_t) != 2:
            problems.append(f"prior: expected a pair (a0, b0) of positive numbers, got {prior!r}")
        band_t: tuple[Any, ...] = ()
        if band is not None:
            band_t = tuple(band) if isinstance(band, list | tuple) else ()
            ok = len(band_t) == 2 and all(
                isinstance(x, int | float) and not isinstance(x, bool) for x in band_t
            )
            if not ok or not 0.0 <= band_t[0] <= band_t[1] <= 1.0:
                problems.append(
                    f"band: expected (low, high) with 0 <= low <= high <= 1, or None, got {band!r}"
                )
        if problems:
            raise ValidationError("PassRateBand", problems)
        check_params(
            "PassRateBand",
            [
                ("target", target, 0.0, 1.0),
                ("decay", decay, 1e-9, 1.0),
                ("epsilon", epsilon, 0.0, 1.0),
                ("prior[0]", prior_t[0], 1e-9, None),
                ("prior[1]", prior_t[1], 1e-9, None),
            ],
        )
        self._wins = np.zeros(space.n)
        self._losses = np.zeros(space.n)

    def pass_rates(self) -> np.ndarray:
        """Each task's posterior mean pass rate."""
        a = self._wins + self.prior[0]
        return a / (a + self._losses + self.prior[1])

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        k = len(self._wins)
        rng = self._rng
        explore = rng.random(n) < self.epsilon
        out = (rng.random(n) * k).astype(np.int64)  # the exploring draws
        m = int(n - explore.sum())
        if m:
            p = self.pass_rates()
            pool = np.zeros(0, dtype=np.int64)
            if self.band is not None:
                pool = np.flatnonzero((p >= self.band[0]) & (p <= self.band[1]))
            if not len(pool):
                dist = np.abs(p - self.target)
                pool = np.flatnonzero(dist <= dist.min() + 1e-12)
            if len(pool) == 1:
                out[~explore] = pool[0]
            else:
                out[~explore] = pool[(rng.random(m) * len(pool)).astype(np.int64)]
        return out

    def validate(self, batch: EventBatch) -> None:
        _success(batch)

    def _tell(self, batch: EventBatch) -> None:
        s = _success(batch)
        decayed_beta_update(self._wins, self._losses, batch.tasks, s, self.decay)


def _success(batch: EventBatch) -> np.ndarray:
    """:func:`batch_success` (a group's pass rate, else the signal), vectorized for groups
    of one size: the common LLM case, where the per-event path would dominate a tell."""
    stacked = group_matrix(batch.rewards)
    if stacked is None:  # groups of different sizes
        return batch_success(batch, "PassRateBand.tell")
    rewards, present = stacked
    sig = batch.signal()
    if present.any():
        r = rewards[present]
        unit = ((r >= 0) & (r <= 1)).all(axis=1)  # the pass rate of rewards in [0, 1]
        sig[present] = np.where(unit, r.mean(axis=1), sig[present])
    bad = ~((sig >= 0) & (sig <= 1))
    if bad.any():
        return batch_success(batch, "PassRateBand.tell")  # raises, with the rows named
    return sig
