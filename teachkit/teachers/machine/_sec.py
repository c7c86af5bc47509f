"""SEC: Self-Evolving Curriculum, a bandit over categories rewarded by absolute advantage."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_params
from teachkit.spaces import Discrete
from teachkit.teachers.machine._signals import (
    draw,
    group_by_task_mean,
    mean_abs_advantage,
    require_groups,
    softmax,
)


class SEC(BaseTeacher):
    """Self-Evolving Curriculum (Chen et al. 2025): categories as arms of a bandit.

    Each task of the :class:`~teachkit.spaces.Discrete` space is a category (a difficulty
    level, a problem type). One ``tell`` is one training step. The reward of category
    ``c`` at that step is the mean absolute advantage of the rollouts of its problems in
    the batch, ``r(c) = mean |A|``; advantages are the ones reported, else GRPO's
    group-normalized ones computed from the group rewards. The value of each category
    sampled in the step is updated with TD(0),

        ``Q(c) <- alpha * r(c) + (1 - alpha) * Q(c)``,

    and categories are drawn by Boltzmann sampling, ``P(c) ∝ exp(Q(c) / temperature)``.

    Args:
        space: the categories.
        alpha: the TD(0) learning rate (0.5 in the paper).
        temperature: the Boltzmann temperature (lower is greedier). Mean absolute
            advantages lie between 0 and about 1, so 1.0 hardly separates categories;
            0.2 did best on the CategoryStudent suites (see BENCHMARKS.md). On the
            LLM-like zoo (issue 13) ``alpha=0.8, temperature=0.1`` tied these defaults on
            the tuning part and lost to Uniform on one held-out member, so they stay.
        decay_unsampled: also decay the value of categories absent from a step,
            ``Q(c) <- (1 - alpha) * Q(c)`` (as if their reward were 0), which the reference
            behaviour does; the paper's rule updates only sampled categories (default).
        initial_value: ``Q`` of every category before any step.
        seed: seeds the sampling.

    Outcomes need group rewards or advantages (``Outcome(rewards=[...])``).

    Example:
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(["easy", "medium", "hard"])
        >>> from datetime import UTC, datetime
        >>> teacher = tk.teachers.SEC(space, temperature=0.2, seed=0)
        >>> outcome = tk.Outcome(rewards=[1, 0, 1, 0])  # one prompt, four rollouts
        >>> teacher.tell(tk.Event("llm", "medium", outcome, datetime.now(UTC)))
        >>> teacher.values().round(3).tolist()
        [0.0, 0.5, 0.0]

    References:
        Chen, Lu, Kim, Zhang, Tang, Piché, Gontier, Bengio, Kamalloo (2025).
        Self-Evolving Curriculum for LLM Reasoning. arXiv:2505.14970.
    """

    spaces = (Discrete,)

    def __init__(
        self,
        space: Discrete,
        *,
        alpha: float = 0.5,
        temperature: float = 0.2,
        decay_unsampled: bool = False,
        initial_value: float = 0.0,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.alpha = alpha
        self.temperature = temperature
        self.decay_unsampled = decay_unsampled
        self.initial_value = initial_value
        check_params(
            "SEC",
            [
                ("alpha", alpha, 0.0, 1.0),
                ("temperature", temperature, 1e-12, None),
                ("initial_value", initial_value, None, None),
            ],
        )
        self._q = np.full(space.n, float(initial_value))
        self._probs: np.ndarray | None = None

    _derived = ("_probs",)

    def values(self) -> np.ndarray:
        """The current value ``Q`` of every category (a copy)."""
        return self._q.copy()

    def probabilities(self) -> np.ndarray:
        """The Boltzmann sampling distribution over categories."""
        return softmax(self._q, self.temperature)

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        if self._probs is None:
            self._probs = softmax(self._q, self.temperature)
        return draw(self._rng, self._probs, n)

    def validate(self, batch: EventBatch) -> None:
        require_groups(batch, "SEC.tell")

    def _tell(self, batch: EventBatch) -> None:
        reward, present = mean_abs_advantage(batch)
        cats, r = group_by_task_mean(batch.tasks[present], reward[present])
        a = self.alpha
        if self.decay_unsampled:
            self._q *= 1.0 - a
            self._q[cats] += a * r
        else:
            self._q[cats] = a * r + (1.0 - a) * self._q[cats]
        self._probs = None

    def _set_state(self, state: dict[str, Any]) -> None:
        super()._set_state(state)
        self._probs = None
