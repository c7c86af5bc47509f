"""DUMP: distribution-level curriculum by UCB over windowed absolute advantages."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_params, check_positive_int
from teachkit.spaces import Discrete
from teachkit.teachers.machine._signals import (
    draw,
    group_advantage_matrix,
    require_groups,
    ring_append,
    softmax,
)


class DUMP(BaseTeacher):
    """DUMP (Wang et al. 2025): UCB over the expected absolute advantage of each distribution.

    Each task of the :class:`~teachkit.spaces.Discrete` space is a data distribution. For
    each, the teacher keeps a window of the last ``window`` absolute advantages, one per
    response (rollout), and the number ``n_j`` of responses drawn from it so far; ``N`` is
    the total over all distributions. Its score is the upper confidence bound

        ``UCB_j = mean_j |A| + sqrt(2 ln(N + 1) / (n_j + 1))``

    (the window mean is 0 before any response), and distributions are sampled with
    probabilities ``softmax(UCB / temperature)``. Advantages are the ones reported, else
    GRPO's group-normalized ones computed from the group rewards.

    Args:
        space: the distributions.
        window: responses in each distribution's window (300 in the paper).
        temperature: the softmax temperature (0.1 in the paper; 0.05 did best on the
            tuning part of the LLM-like zoo, see BENCHMARKS.md, issue 13).
        seed: seeds the sampling.

    Example:
        >>> import teachkit as tk
        >>> teacher = tk.teachers.DUMP(tk.spaces.Discrete(["kk-3", "kk-5", "kk-7"]))
        >>> teacher.ucb().round(3).tolist()  # no data yet: the exploration bonus only
        [0.0, 0.0, 0.0]

    References:
        Wang, Cui, Li, Wan, Zhao (2025). DUMP: Automated Distribution-Level Curriculum
        Learning for RL-based LLM Post-training. arXiv:2504.09710.
    """

    spaces = (Discrete,)

    def __init__(
        self,
        space: Discrete,
        *,
        window: int = 300,
        temperature: float = 0.05,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.window = window
        self.temperature = temperature
        check_positive_int("window", window, maximum=1_000_000)
        check_params("DUMP", [("temperature", temperature, 1e-12, None)])
        k = space.n
        self._buffer = np.zeros((k, window))
        self._pointer = np.zeros(k, dtype=np.int64)
        self._filled = np.zeros(k, dtype=np.int64)
        self._sums = np.zeros(k)
        self._responses = np.zeros(k, dtype=np.int64)
        self._probs: np.ndarray | None = None

    _derived = ("_probs",)

    def ucb(self) -> np.ndarray:
        """The upper confidence bound of every distribution."""
        mean = self._sums / np.maximum(self._filled, 1)
        total = float(self._responses.sum())
        return mean + np.sqrt(2.0 * np.log(total + 1.0) / (self._responses + 1.0))

    def probabilities(self) -> np.ndarray:
        """The current sampling distribution over tasks (softmax of the UCB scores)."""
        return softmax(self.ucb(), self.temperature)

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        if self._probs is None:
            self._probs = self.probabilities()
        return draw(self._rng, self._probs, n)

    def validate(self, batch: EventBatch) -> None:
        require_groups(batch, "DUMP.tell")

    def _tell(self, batch: EventBatch) -> None:
        adv, present = group_advantage_matrix(batch)
        tasks = batch.tasks[present]
        # Events sorted by task first, so the per-response sort inside ring_append meets
        # an already sorted array (linear time for a stable sort).
        by_task = np.argsort(tasks, kind="stable")
        adv = adv[present][by_task]
        tasks = np.repeat(tasks[by_task], adv.shape[1])
        values = np.abs(adv).ravel()
        keep = ~np.isnan(values)  # padding of groups of unequal size
        if not keep.all():
            tasks, values = tasks[keep], values[keep]
        uniq, counts = ring_append(
            self._buffer, self._pointer, self._filled, tasks, values, self._sums
        )
        self._responses[uniq] += counts
        self._probs = None

    def _set_state(self, state: dict[str, Any]) -> None:
        super()._set_state(state)
        self._probs = None
