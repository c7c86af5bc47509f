"""TSCL: Teacher-Student Curriculum Learning, tasks chosen by (absolute) learning progress."""

from __future__ import annotations

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_choice_now, check_params, check_positive_int
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete
from teachkit.teachers.machine._signals import (
    argmax_random,
    draw,
    groups_by_task,
    ring_append,
    ring_in_order,
    slopes,
    softmax,
)

ESTIMATORS = ("online", "naive", "window", "sampling")
SELECTIONS = ("epsilon_greedy", "boltzmann", "thompson")


class TSCL(BaseTeacher):
    """Teacher-Student Curriculum Learning (Matiisen et al. 2017).

    The teacher estimates each task's learning progress, the slope of the learner's score
    on it, and picks tasks where the progress is largest in absolute value (a falling
    score means forgetting, which also deserves practice). The score of an event is its
    signal (score, else reward, else success). Four estimators from the paper:

    * ``"online"``: reward ``r = x_t - x_prev`` (the change since the task's previous
      score); ``Q <- alpha * r + (1 - alpha) * Q``.
    * ``"naive"``: collect ``window`` scores of a task, fit the slope of a line through
      them, ``Q <- alpha * slope + (1 - alpha) * Q``, start a new collection.
    * ``"window"``: ``Q`` is the slope of a line through the task's last ``window`` scores.
    * ``"sampling"``: keep the task's last ``window`` rewards ``r``; each decision draws
      one stored reward per task (Thompson-like) and tasks with no reward yet come first.

    Selection over the values ``v = |Q|`` (or ``Q`` with ``absolute=False``):
    ``"epsilon_greedy"`` (uniform with probability ``epsilon``, else the best),
    ``"boltzmann"`` (``P ∝ exp(v / temperature)``), or ``"thompson"`` (the best of the
    drawn rewards; the Sampling algorithm's own rule, only with ``estimator="sampling"``;
    with that estimator the other two rules apply to the drawn rewards instead).

    Deviation: the paper's time axis is the global training step, with one task trained
    per step. Here many tasks are told per call, so a task's slope is fitted against its
    own attempt count (its 1st, 2nd, ... score); progress is then per attempt, which also
    keeps the Boltzmann temperature independent of how many tasks there are. The online
    rule skips a task's first score (it has no previous score to differ from).

    Args:
        space: the tasks.
        estimator: ``"online"``, ``"naive"``, ``"window"`` or ``"sampling"``.
        selection: ``"epsilon_greedy"``, ``"boltzmann"`` or ``"thompson"``.
        alpha: the smoothing rate of the online and naive estimators.
        window: scores per slope (naive, window) or rewards kept (sampling); 5 (10 before
            issue 13) did better on the tuning part of the LLM-like zoo (3 no better within
            the noise, and noisier on few outcomes).
        epsilon: exploration rate of epsilon-greedy.
        temperature: the Boltzmann temperature.
        absolute: rank tasks by ``|progress|`` (the paper's recommendation) or by progress.
        seed: seeds exploration and draws.

    Example:
        >>> import numpy as np, teachkit as tk
        >>> space = tk.spaces.Discrete(["a", "b"])
        >>> teacher = tk.teachers.TSCL(space, estimator="window", window=3, epsilon=0.0)
        >>> batch = tk.EventBatch.build(learner_ids=["x"] * 4, tasks=np.array([0, 0, 1, 1]),
        ...     outcomes=tk.OutcomeBatch(score=[0.2, 0.6, 0.5, 0.5]), times=np.zeros(4),
        ...     assignment_ids=[-1] * 4)
        >>> teacher.tell(batch)
        >>> teacher.values().round(2).tolist(), teacher.ask("x", 2)
        ([0.4, 0.0], ['a', 'a'])

    References:
        Matiisen, Oliver, Cohen, Schulman (2017). Teacher-Student Curriculum Learning.
        IEEE Transactions on Neural Networks and Learning Systems (arXiv:1707.00183).
    """

    spaces = (Discrete,)

    def __init__(
        self,
        space: Discrete,
        *,
        estimator: str = "window",
        selection: str = "epsilon_greedy",
        alpha: float = 0.1,
        window: int = 5,
        epsilon: float = 0.1,
        temperature: float = 0.1,
        absolute: bool = True,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.estimator = estimator
        self.selection = selection
        self.alpha = alpha
        self.window = window
        self.epsilon = epsilon
        self.temperature = temperature
        self.absolute = absolute
        check_choice_now("TSCL", "estimator", estimator, ESTIMATORS)
        check_choice_now("TSCL", "selection", selection, SELECTIONS)
        if selection == "thompson" and estimator != "sampling":
            raise ValidationError(
                "TSCL",
                [
                    f"selection: 'thompson' draws from stored rewards, which only "
                    f"estimator='sampling' keeps; got estimator={estimator!r}"
                ],
            )
        check_positive_int("window", window, maximum=1_000_000)
        check_params(
            "TSCL",
            [
                ("alpha", alpha, 0.0, 1.0),
                ("epsilon", epsilon, 0.0, 1.0),
                ("temperature", temperature, 1e-12, None),
            ],
        )
        k = space.n
        self._q = np.zeros(k)
        self._last = np.full(k, np.nan)
        self._buffer = np.zeros((k, window))
        self._pointer = np.zeros(k, dtype=np.int64)
        self._filled = np.zeros(k, dtype=np.int64)

    def values(self) -> np.ndarray:
        """Each task's progress estimate ``Q`` (for ``"sampling"``: the mean stored reward)."""
        if self.estimator != "sampling":
            return self._q.copy()
        rows = np.arange(len(self._q))
        series = ring_in_order(self._buffer, self._pointer, self._filled, rows)
        with np.errstate(invalid="ignore"):
            means = np.nanmean(np.where(np.isnan(series), np.nan, series), axis=1)
        return np.where(self._filled > 0, means, 0.0)

    def probabilities(self) -> np.ndarray:
        """The distribution of the next draw (not for ``"sampling"``, whose draws are random)."""
        if self.estimator == "sampling":
            raise NotImplementedError("the sampling estimator has no closed-form distribution")
        v = np.abs(self._q) if self.absolute else self._q
        if self.selection == "boltzmann":
            return softmax(v, self.temperature)
        best = (v == v.max()).astype(np.float64)
        return self.epsilon / len(v) + (1.0 - self.epsilon) * best / best.sum()

    # -- ask ----------------------------------------------------------------------------------
    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        if self.estimator == "sampling":
            return self._ask_sampling(n)
        v = np.abs(self._q) if self.absolute else self._q
        if self.selection == "boltzmann":
            return draw(self._rng, softmax(v, self.temperature), n)
        explore = self._rng.random(n) < self.epsilon
        out = argmax_random(self._rng, v, n)
        m = int(explore.sum())
        if m:
            out[explore] = self.space.sample_encoded(self._rng, m)
        return out

    def _ask_sampling(self, n: int) -> np.ndarray:
        k = len(self._q)
        # One stored reward per (decision, task); tasks never scored come first (+inf).
        pick = (self._rng.random((n, k)) * np.maximum(self._filled, 1)).astype(np.int64)
        start = self._pointer - self._filled
        drawn = self._buffer[np.arange(k)[None, :], (start[None, :] + pick) % self.window]
        if self.absolute:
            drawn = np.abs(drawn)
        drawn[:, self._filled == 0] = np.inf
        if self.selection == "boltzmann":
            out = np.empty(n, dtype=np.int64)
            for i in range(n):
                out[i] = draw(self._rng, _soft_inf(drawn[i], self.temperature), 1)[0]
            return out
        best = drawn.max(axis=1, keepdims=True)
        ties = drawn == best
        noise = self._rng.random((n, k))
        out = np.argmax(np.where(ties, noise + 1.0, noise * 0.0), axis=1).astype(np.int64)
        if self.selection == "epsilon_greedy":
            explore = self._rng.random(n) < self.epsilon
            m = int(explore.sum())
            if m:
                out[explore] = self.space.sample_encoded(self._rng, m)
        return out

    # -- tell ---------------------------------------------------------------------------------
    def _tell(self, batch: EventBatch) -> None:
        score = batch.signal()
        tasks = batch.tasks
        if self.estimator == "window":
            uniq, _ = ring_append(self._buffer, self._pointer, self._filled, tasks, score)
            series = ring_in_order(self._buffer, self._pointer, self._filled, uniq)
            self._q[uniq] = slopes(series)
        elif self.estimator == "naive":
            self._tell_naive(tasks, score)
        else:
            self._tell_differences(tasks, score)

    def _tell_differences(self, tasks: np.ndarray, score: np.ndarray) -> None:
        order, uniq, starts, counts = groups_by_task(tasks)
        if not len(uniq):
            return
        s = score[order]
        group = np.repeat(np.arange(len(uniq)), counts)
        prev = np.empty_like(s)
        prev[1:] = s[:-1]
        prev[starts] = self._last[uniq]
        diff = s - prev
        valid = ~np.isnan(diff)
        self._last[uniq] = s[starts + counts - 1]
        if self.estimator == "sampling":
            ring_append(self._buffer, self._pointer, self._filled, uniq[group[valid]], diff[valid])
            return
        # The online rule applied event by event, in closed form per task:
        # Q <- (1-a)^m Q + sum_i a (1-a)^(m-1-i) r_i over the task's m valid rewards.
        a = self.alpha
        pos = np.arange(len(s)) - starts[group]
        from_end = counts[group] - 1 - pos
        weight = np.where(valid, a * (1.0 - a) ** from_end, 0.0)
        gains = np.bincount(group, weights=weight * np.where(valid, diff, 0.0))
        m = np.bincount(group, weights=valid.astype(np.float64))
        self._q[uniq] = (1.0 - a) ** m * self._q[uniq] + gains

    def _tell_naive(self, tasks: np.ndarray, score: np.ndarray) -> None:
        w, a = self.window, self.alpha
        for t, x in zip(tasks.tolist(), score.tolist()):
            f = int(self._filled[t])
            self._buffer[t, f] = x
            f += 1
            if f == w:
                slope = float(slopes(self._buffer[t][None, :])[0])
                self._q[t] = a * slope + (1.0 - a) * self._q[t]
                f = 0
            self._filled[t] = f


def _soft_inf(v: np.ndarray, temperature: float) -> np.ndarray:
    inf = np.isinf(v)
    if inf.any():
        return inf / inf.sum()
    return softmax(v, temperature)
