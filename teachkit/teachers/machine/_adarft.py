"""AdaRFT: a target difficulty that follows the learner's reward, and the items nearest it."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_params, check_positive_int
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete
from teachkit.teachers.machine._signals import batch_success


def task_difficulties(where: str, difficulty: Any, n: int) -> np.ndarray:
    """``difficulty`` as a finite ``(n,)`` array; None: the task index (ordered levels)."""
    if difficulty is None:
        return np.arange(n, dtype=np.float64)
    try:
        d = np.asarray(difficulty, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(
            where, [f"difficulty: expected numbers, got {type(difficulty).__name__}"]
        ) from None
    if d.shape != (n,) or not np.isfinite(d).all():
        raise ValidationError(
            where,
            [
                f"difficulty: expected {n} finite numbers, one per task, got an array of shape "
                f"{d.shape}; pass one difficulty score per task in the space's order"
            ],
        )
    return d


class AdaRFT(BaseTeacher):
    """Adaptive curriculum reinforcement finetuning (Shi et al. 2025).

    Every task has a difficulty score ``d`` (a pass rate of a reference model turned into
    a 0-100 scale in the paper, or simply the level of a task). The teacher keeps a target
    difficulty ``T`` and serves the tasks whose difficulty is nearest it. One ``tell`` is
    one training step: with ``R`` the step's average reward (here the mean success of its
    events: the pass rate of each group of rollouts, else its score or reward),

        ``T <- clip(T + eta * tanh(alpha * (R - beta)), d_min, d_max)``,

    so the target rises while the learner does better than ``beta`` and falls while it does
    worse. ``ask(n)`` returns the ``n`` items nearest ``T``: a task stands for ``capacity``
    items (the prompts of a difficulty level: unlimited by default, so the whole batch comes
    from the nearest task; 1 when every task is one prompt, so the batch is the ``n``
    nearest distinct prompts). Ties are broken at random.

    Args:
        space: the tasks.
        difficulty: one difficulty score per task (default: the task index, for levels
            listed easiest first).
        initial_target: ``T`` before any step (default: the smallest difficulty).
        step_size: ``eta``, the largest move of ``T`` per step, in difficulty units (the
            paper's 50 on its 0-100 scale; default: a tenth of the difficulty range).
        sensitivity: ``alpha`` (2 in the paper).
        target_reward: ``beta``, the reward the curriculum aims at (0.5 in the paper).
        capacity: items per task (None: unlimited).
        seed: seeds the tie-breaking.

    Deviation: none in the rule; the paper's tasks are problems (``capacity=1``), and a
    level-valued space (``capacity=None``) stands for a pool whose problems share their
    level's difficulty. Ties between equally near tasks are broken at random so that
    prompts of one difficulty rotate.

    Example:
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(["1-digit", "2-digit", "3-digit", "4-digit"])
        >>> teacher = tk.teachers.AdaRFT(space, step_size=1.0, seed=0)
        >>> teacher.ask("llm", 2)
        ['1-digit', '1-digit']
        >>> tk.teachers.AdaRFT(space, capacity=1, seed=0).ask("llm", 2)  # one prompt per task
        ['1-digit', '2-digit']
        >>> teacher.target
        0.0

    References:
        Shi, Wu, Zhang, Zheng, Chen, Lu, Xu, Yan, Ramesh, Keutzer, Weng, Liu (2025).
        Efficient Reinforcement Finetuning via Adaptive Curriculum Learning.
        arXiv:2504.05520.
    """

    spaces = (Discrete,)

    def __init__(
        self,
        space: Discrete,
        *,
        difficulty: Any = None,
        initial_target: float | None = None,
        step_size: float | None = None,
        sensitivity: float = 2.0,
        target_reward: float = 0.5,
        capacity: int | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.difficulty = difficulty
        self.initial_target = initial_target
        self.step_size = step_size
        self.sensitivity = sensitivity
        self.target_reward = target_reward
        self.capacity = capacity
        if capacity is not None:
            check_positive_int("capacity", capacity)
        self._d = task_difficulties("AdaRFT", difficulty, space.n)
        check_params(
            "AdaRFT",
            [
                *(
                    []
                    if initial_target is None
                    else [("initial_target", initial_target, None, None)]
                ),
                *([] if step_size is None else [("step_size", step_size, 0.0, None)]),
                ("sensitivity", sensitivity, 0.0, None),
                ("target_reward", target_reward, 0.0, 1.0),
            ],
        )
        low, high = float(self._d.min()), float(self._d.max())
        start = low if initial_target is None else float(initial_target)
        self._target = float(np.clip(start, low, high))

    _derived = ("_d",)

    @property
    def target(self) -> float:
        """The current target difficulty ``T``."""
        return self._target

    def _eta(self) -> float:
        if self.step_size is not None:
            return float(self.step_size)
        span = float(self._d.max() - self._d.min())
        return span / 10.0 if span > 0 else 0.0

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        dist = np.abs(self._d - self._target)
        jitter = self._rng.random(len(dist))  # random tie-breaking among equally near tasks
        order = np.lexsort((jitter, dist))
        if self.capacity is None:
            return np.full(n, order[0], dtype=np.int64)
        items = np.repeat(order, self.capacity)
        reps = -(-n // len(items))
        return np.tile(items, reps)[:n].astype(np.int64)

    def validate(self, batch: EventBatch) -> None:
        batch_success(batch, "AdaRFT.tell")

    def _tell(self, batch: EventBatch) -> None:
        reward = float(batch_success(batch, "AdaRFT.tell").mean())
        move = self._eta() * np.tanh(self.sensitivity * (reward - self.target_reward))
        self._target = float(np.clip(self._target + move, self._d.min(), self._d.max()))

    def _set_state(self, state: dict[str, Any]) -> None:
        super()._set_state(state)
        self._target = float(self._target)
