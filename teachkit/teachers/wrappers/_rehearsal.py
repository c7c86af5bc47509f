"""Rehearsal: wrap any teacher so that earlier tasks come back, as a power law (or an
exponential) of the time since they were last practised."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import Checker
from teachkit.spaces import Discrete, Space
from teachkit.teachers._sequential import Sequential
from teachkit.teachers.wrappers._base import Wrapper

_DECAYS = ("power", "exponential")


class Rehearsal(Wrapper):
    """Mix rehearsal of earlier tasks into any teacher's choices.

    Each task handed out is, with probability ``rate``, a rehearsal instead of the inner
    teacher's choice (when the learner has practised anything yet). The task rehearsed
    is one the learner practised before, drawn with probability proportional to

    * ``(1 + Δ) ** -alpha`` (``decay="power"``), or
    * ``exp(-Δ / tau)`` (``decay="exponential"``),

    where ``Δ`` is the number of the learner's answers since that task was last
    practised. The power law is how often things recur in natural environments
    (Anderson & Schooler 1991); rehearsing on that schedule is what the paper below
    found to mitigate catastrophic interference in sequential learning, and the
    exponential is its comparison. Every outcome is passed on to the inner teacher, so
    it also learns from rehearsals.

    Args:
        space: a Discrete space.
        teacher: the teacher to wrap, on the same space (default: ``Sequential(space)``,
            a fixed prerequisite order, the setting where interference is worst).
        rate: the fraction of tasks that are rehearsals.
        decay: ``"power"`` or ``"exponential"``.
        alpha: the power-law exponent.
        tau: the exponential's time constant, in answers.
        seed: seeds the rehearsal draws (the inner teacher has its own seed).

    Example:
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(["a", "b", "c"])
        >>> teacher = tk.teachers.Rehearsal(space, rate=0.3, seed=0)
        >>> teacher.ask("ana")
        ['a']

    References:
        Anderson, J. R., & Schooler, L. J. (1991). Reflections of the environment in
        memory. Psychological Science, 2(6).
        Catastrophic interference is mitigated in naturalistic power-law learning
        environments (2024), arXiv preprint (rehearsal probability falling as a power law
        of the time since a task was last seen, against an exponential).
    """

    spaces: ClassVar[tuple[type[Space], ...]] = (Discrete,)

    def __init__(
        self,
        space: Space,
        *,
        teacher: BaseTeacher | None = None,
        rate: float = 0.2,
        decay: str = "power",
        alpha: float = 1.0,
        tau: float = 20.0,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, teacher=teacher, seed=seed)
        self.rate = rate
        self.decay = decay
        self.alpha = alpha
        self.tau = tau
        check = Checker("Rehearsal")
        check.fraction("rate", rate, closed=True)
        check.choice("decay", decay, _DECAYS)
        check.positive("alpha", alpha)
        check.positive("tau", tau)
        check.done()
        self._last: dict[str, np.ndarray] = {}  # per task: the learner's step when last seen
        self._step: dict[str, int] = {}

    def _default_teacher(self, space: Space, seed: int | None) -> BaseTeacher:
        return Sequential(space)

    def weights(self, learner_id: str) -> np.ndarray:
        """The rehearsal probability of every task (0 for tasks never practised)."""
        last = self._last.get(learner_id)
        if last is None:
            return np.zeros(self.space.n)  # type: ignore[attr-defined]
        seen = last >= 0
        delta = (self._step.get(learner_id, 0) - last).astype(np.float64)
        if self.decay == "power":
            w = (1.0 + delta) ** -float(self.alpha)
        else:
            w = np.exp(-delta / float(self.tau))
        w = np.where(seen, w, 0.0)
        total = w.sum()
        return w / total if total > 0 else w

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        tasks = self._inner.ask_encoded(learner_id, n).copy()
        w = self.weights(learner_id)
        if w.sum() > 0 and self.rate > 0:
            swap = self._rng.random(n) < self.rate
            k = int(swap.sum())
            if k:
                cdf = np.cumsum(w)
                picks = np.searchsorted(cdf, self._rng.random(k) * cdf[-1], side="right")
                tasks[swap] = np.minimum(picks, len(w) - 1)
        return tasks

    def _tell(self, batch: EventBatch) -> None:
        self._inner._learn(batch)
        n = self.space.n  # type: ignore[attr-defined]
        for i, lid in enumerate(batch.learner_ids.tolist()):
            step = self._step.get(lid, 0) + 1
            self._step[lid] = step
            last = self._last.get(lid)
            if last is None:
                last = self._last[lid] = np.full(n, -1, dtype=np.int64)
            last[int(batch.tasks[i])] = step

    @classmethod
    def _example(cls, space: Space, seed: int) -> BaseTeacher | None:
        if not isinstance(space, Discrete):
            return None
        from teachkit.teachers._uniform import Uniform

        return cls(space, teacher=Uniform(space, seed=seed + 1), rate=0.5, seed=seed)
