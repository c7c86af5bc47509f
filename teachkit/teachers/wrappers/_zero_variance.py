"""ZeroVarianceFilter: DAPO's dynamic sampling as a wrapper around any teacher."""

from __future__ import annotations

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_params, check_positive_int
from teachkit.spaces import Discrete, Space
from teachkit.teachers.machine._signals import group_matrix, groups_by_task
from teachkit.teachers.wrappers._base import Wrapper


class ZeroVarianceFilter(Wrapper):
    """Keep zero-variance groups away from the trainer and from the inner teacher.

    DAPO's dynamic sampling (Yu et al. 2025) drops prompts whose rollouts all got the same
    reward (all right or all wrong): their group-normalized advantages are all zero, so
    they add nothing to the gradient, and it keeps sampling until the batch is full of
    informative prompts. As a teacher wrapper this does three things:

    * :meth:`keep` returns, for a batch of outcomes, the mask of events whose group
      rewards vary (std > ``eps``): what the trainer should keep in its gradient batch.
    * ``tell`` passes the inner teacher every event (default) or only the informative ones
      (``tell_filtered=True``), and counts, per task, the zero-variance groups in a row.
      Teachers that score tasks by their mean absolute advantage (SEC, DUMP, PLR) need the
      zeros: without them a task that is almost never solved looks as informative as one
      at 50%.
    * ``ask`` over-samples: a proposal whose task produced ``skip_after`` zero-variance
      groups in a row is dropped (kept with probability ``recheck``, so a task that has
      become informative again can show it) and the inner teacher is asked again, up to
      ``max_tries`` times; what is still missing is filled with the last proposals.

    Events without group rewards pass through untouched. On a Box space tasks are
    never skipped (points do not repeat); the filter still applies to outcomes.

    Args:
        space: the task space (the inner teacher's).
        teacher: the teacher to wrap (default: Uniform on ``space``).
        skip_after: zero-variance groups in a row before a task is skipped.
        recheck: probability of keeping a skipped task's proposal anyway.
        max_tries: rounds of re-asking in one ask.
        tell_filtered: tell the inner teacher only informative events.
        eps: the standard deviation below which a group counts as constant.
        seed: seeds the re-check draws.

    Example:
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(["easy", "hard"])
        >>> teacher = tk.teachers.ZeroVarianceFilter(space, teacher=tk.teachers.SEC(space))
        >>> teacher.teacher
        SEC(space=Discrete(['easy', 'hard']))

    References:
        Yu et al. (2025). DAPO: An Open-Source LLM Reinforcement Learning System at Scale.
        arXiv:2503.14476.
    """

    def __init__(
        self,
        space: Space,
        *,
        teacher: BaseTeacher | None = None,
        skip_after: int = 1,
        recheck: float = 0.1,
        max_tries: int = 4,
        tell_filtered: bool = False,
        eps: float = 1e-8,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, teacher=teacher, seed=seed)
        self.skip_after = skip_after
        self.recheck = recheck
        self.max_tries = max_tries
        self.tell_filtered = tell_filtered
        self.eps = eps
        check_positive_int("skip_after", skip_after)
        check_positive_int("max_tries", max_tries)
        check_params(
            "ZeroVarianceFilter", [("recheck", recheck, 0.0, 1.0), ("eps", eps, 0.0, None)]
        )
        k = space.n if isinstance(space, Discrete) else 0
        self._streak = np.zeros(k, dtype=np.int64)
        self._groups = 0
        self._zero = 0

    @classmethod
    def _example(cls, space: Space, seed: int) -> BaseTeacher | None:
        if not isinstance(space, Discrete):
            return cls(space, seed=seed)
        from teachkit.teachers.machine._sec import SEC

        return cls(space, teacher=SEC(space, seed=seed), seed=seed)

    def _default_teacher(self, space: Space, seed: int | None) -> BaseTeacher:
        from teachkit.teachers._uniform import Uniform

        return Uniform(space, seed=seed)

    # -- the filter -----------------------------------------------------------------------------
    def keep(self, batch: EventBatch) -> np.ndarray:
        """Per event: False where its group rewards are all (nearly) the same."""
        stacked = group_matrix(batch.rewards)
        if stacked is not None:
            rewards, present = stacked
            if present.all():
                std = rewards.std(axis=1)
            else:
                with np.errstate(invalid="ignore"):
                    std = np.where(present, np.nanstd(rewards, axis=1), np.inf)
            return np.asarray(~(std <= self.eps))
        return np.array(
            [r is None or float(np.std(r)) > self.eps for r in batch.rewards], dtype=bool
        )

    def zero_variance_fraction(self) -> float:
        """The fraction of groups told so far whose rewards had no variance."""
        return self._zero / self._groups if self._groups else 0.0

    # -- ask and tell -------------------------------------------------------------------------
    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        proposed = self._inner.ask_encoded(learner_id, n)
        if not isinstance(self.space, Discrete) or not self._streak.any():
            return proposed
        out: list[np.ndarray] = []
        need = n
        for _ in range(self.max_tries):
            ok = self._streak[proposed] < self.skip_after
            ok |= self._rng.random(len(proposed)) < self.recheck
            good = proposed[ok][:need]
            out.append(good)
            need -= len(good)
            if need == 0:
                break
            proposed = self._inner.ask_encoded(learner_id, need)
        if need:
            out.append(proposed[:need])
        return np.concatenate(out)

    def _count_streaks(self, tasks: np.ndarray, zero: np.ndarray) -> None:
        """Per task, zero-variance groups in a row (event by event, vectorized)."""
        order, uniq, starts, counts = groups_by_task(tasks)
        pos = np.arange(len(order)) - np.repeat(starts, counts)
        last_informative = np.maximum.reduceat(np.where(zero[order], -1, pos), starts)
        self._streak[uniq] = np.where(
            last_informative >= 0, counts - 1 - last_informative, self._streak[uniq] + counts
        )

    def _tell(self, batch: EventBatch) -> None:
        keep = self.keep(batch)
        grouped = np.fromiter((r is not None for r in batch.rewards), bool, len(batch))
        zero = grouped & ~keep
        self._groups += int(grouped.sum())
        self._zero += int(zero.sum())
        if isinstance(self.space, Discrete) and grouped.any():
            self._count_streaks(batch.tasks[grouped], zero[grouped])
        passed = batch.take(keep) if self.tell_filtered and not keep.all() else batch
        if len(passed):
            self._inner._learn(passed)
