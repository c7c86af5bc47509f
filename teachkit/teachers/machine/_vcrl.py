"""VCRL: prompts ranked by the normalized variance of their group rewards, with a replay bank."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_params, check_positive_int
from teachkit.spaces import Discrete
from teachkit.teachers.machine._signals import require_groups


def normalized_variance(rewards: np.ndarray, size: np.ndarray) -> np.ndarray:
    """VCRL's ``p = sigma^2 / sigma^2_max`` per group.

    ``sigma^2`` is the unbiased variance of the group's rewards (``k (G - k) / (G (G - 1))``
    for ``k`` successes out of ``G`` binary rewards) and ``sigma^2_max`` its largest possible
    value for a group of that size, ``G / (4 (G - 1))`` for even ``G`` and ``(G + 1) / (4 G)``
    for odd ``G``. ``rewards`` holds the population variance per group; groups of one
    rollout score 0.
    """
    g = size.astype(np.float64)
    ok = g > 1
    safe = np.where(ok, g, 2.0)
    unbiased = rewards * safe / (safe - 1.0)
    most = np.where(safe % 2 == 0, safe / (4.0 * (safe - 1.0)), (safe + 1.0) / (4.0 * safe))
    return np.where(ok, np.clip(unbiased / most, 0.0, 1.0), 0.0)


class VCRL(BaseTeacher):
    """Variance-based curriculum RL (Jiang et al. 2025): high-variance prompts, replayed.

    For each prompt's group of ``G`` rollouts VCRL computes the normalized group reward
    variance ``p = sigma^2 / sigma^2_max`` (1 when half the rollouts succeed, 0 when all
    agree): prompts too easy or too hard for the current policy score near 0, prompts at
    its frontier near 1. Two mechanisms use it:

    * Variance-based dynamic sampling: a prompt whose ``p`` is below ``threshold`` is not
      trained on; its slot goes to a prompt from the memory bank.
    * Replay learning: prompts with ``p >= threshold`` enter a memory bank of at most
      ``bank_size`` prompts, with a priority that follows their scores by momentum,
      ``priority <- momentum * priority + (1 - momentum) * p``; replays take the
      highest-priority prompts and remove them from the bank (they come back only if
      their new rollouts still vary).

    ``ask(n)`` draws ``n`` prompts uniformly (the paper's data loader) and replaces each
    prompt whose latest ``p`` is known and below ``threshold`` with the best prompts of
    the bank, as far as the bank holds any. ``threshold`` rises from ``initial_threshold``
    to ``threshold`` after ``warmup_steps`` tells (the paper starts low so that the bank
    fills early).

    Args:
        space: the prompts (or any discrete tasks with group rewards).
        threshold: the ``p`` below which a prompt is replaced (0.8 in the paper's main
            runs after warm-up).
        initial_threshold: the threshold during the first ``warmup_steps`` tells (0.3).
        warmup_steps: tells (training steps) before ``threshold`` applies.
        bank_size: the most prompts the memory bank holds.
        momentum: the priority momentum (0.9).
        seed: seeds the uniform draws.

    Outcomes need group rewards (``Outcome(rewards=[...])``).

    Deviation: the paper filters a batch *after* its rollouts, by their variance; a teacher
    decides *before* rollouts, so it filters on each prompt's latest known variance (never
    tried prompts pass). Combine it with the admission gate of the LLM integrations
    (``teachkit.integrations.torch.AdmissionGate``) to also drop groups by their fresh
    variance after rollout, as the paper does.

    Example:
        >>> import teachkit as tk
        >>> from datetime import UTC, datetime
        >>> teacher = tk.teachers.VCRL(tk.spaces.Discrete(4), seed=0)
        >>> now = datetime.now(UTC)
        >>> teacher.tell(tk.Event("llm", "2", tk.Outcome(rewards=[1, 0, 1, 0]), now))
        >>> teacher.scores().round(2).tolist()
        [nan, nan, 1.0, nan]
        >>> teacher.bank()
        {2: 0.1}

    References:
        Jiang, Feng, Quan, Hao, Zhang, Liu, Wang (2025). VCRL: Variance-based Curriculum
        Reinforcement Learning for Large Language Models. arXiv:2509.19803.
    """

    spaces = (Discrete,)

    def __init__(
        self,
        space: Discrete,
        *,
        threshold: float = 0.8,
        initial_threshold: float = 0.3,
        warmup_steps: int = 20,
        bank_size: int = 1000,
        momentum: float = 0.9,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.threshold = threshold
        self.initial_threshold = initial_threshold
        self.warmup_steps = warmup_steps
        self.bank_size = bank_size
        self.momentum = momentum
        check_params(
            "VCRL",
            [
                ("threshold", threshold, 0.0, 1.0),
                ("initial_threshold", initial_threshold, 0.0, 1.0),
                ("momentum", momentum, 0.0, 1.0),
            ],
        )
        check_positive_int("warmup_steps", warmup_steps, minimum=0)
        check_positive_int("bank_size", bank_size)
        self._p = np.full(space.n, np.nan)  # latest normalized variance per prompt
        self._priority = np.zeros(space.n)
        self._in_bank = np.zeros(space.n, dtype=bool)
        self._steps = 0

    def current_threshold(self) -> float:
        """The threshold in force (``initial_threshold`` during warm-up)."""
        return self.initial_threshold if self._steps < self.warmup_steps else self.threshold

    def scores(self) -> np.ndarray:
        """The latest normalized variance ``p`` of every prompt (NaN: never told)."""
        return self._p.copy()

    def bank(self) -> dict[int, float]:
        """The memory bank: prompt index -> priority."""
        idx = np.flatnonzero(self._in_bank)
        return {int(i): round(float(self._priority[i]), 12) for i in idx}

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        tasks = (self._rng.random(n) * len(self._p)).astype(np.int64)
        known = self._p[tasks]
        low = np.flatnonzero(~np.isnan(known) & (known < self.current_threshold()))
        banked = np.flatnonzero(self._in_bank)
        if len(low) and len(banked):
            take = min(len(low), len(banked))
            best = banked[np.argsort(-self._priority[banked], kind="stable")[:take]]
            tasks[low[:take]] = best
            self._in_bank[best] = False
        return tasks

    def validate(self, batch: EventBatch) -> None:
        require_groups(batch, "VCRL.tell")

    def _tell(self, batch: EventBatch) -> None:
        stats = batch.group_stats()
        has = stats.size > 0
        tasks = batch.tasks[has]
        p = normalized_variance(stats.variance[has], stats.size[has])
        self._p[tasks] = p
        m = self.momentum
        self._priority[tasks] = m * self._priority[tasks] + (1.0 - m) * p
        threshold = self.current_threshold()
        self._in_bank[tasks[p >= threshold]] = True
        self._in_bank[tasks[p < threshold]] = False
        over = int(self._in_bank.sum()) - self.bank_size
        if over > 0:  # evict the lowest priorities
            banked = np.flatnonzero(self._in_bank)
            self._in_bank[banked[np.argsort(self._priority[banked], kind="stable")[:over]]] = False
        self._steps += 1

    def _set_state(self, state: dict[str, Any]) -> None:
        super()._set_state(state)
        self._steps = int(self._steps)
