"""A DataEnvGym-style data-generation teacher: which skill to make training data for next."""

from __future__ import annotations

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_params
from teachkit.spaces import Discrete
from teachkit.teachers.machine._signals import batch_success, draw, group_by_task_mean


class DataEnvTeacher(BaseTeacher):
    """Allocate a data-generation budget over skills from skill-level feedback (DataEnvGym).

    In DataEnvGym (Khan et al. 2024) a *teacher* is a data-generation agent in a loop with
    a *student*: each round the teacher looks at the student's accuracy per skill, decides
    which skills to generate training data for (its *plan*), a generator writes that data,
    the student trains on it and is evaluated again per skill, and that feedback is the
    teacher's next state. This teacher is the policy of that loop over a
    :class:`~teachkit.spaces.Discrete` space of skills: ``ask(n)`` is the plan (``n`` data
    points, each the skill to generate one for), ``tell`` takes per-skill feedback (one
    event per evaluated skill: its accuracy as a score in [0, 1], or a group of graded
    answers as rewards).

    The policy follows the environment's skill-tree reading of the problem: explore each
    skill once, then exploit where data has helped. With ``acc_s`` the latest accuracy on
    skill ``s`` and ``gain_s`` an exponential average (weight ``smoothing``) of the
    accuracy gained between two evaluations per data point generated for ``s`` in between,

        ``priority_s = (1 - acc_s) * (gain_s + exploration / sqrt(1 + rounds_s))``,

    skills never given data come first, skills at or above ``learned`` get priority 0 (no
    more data for what is learned), and the plan draws skills with probability
    proportional to priority (all skills mastered: uniform, to keep checking).

    Args:
        space: the skills.
        learned: the accuracy at which a skill needs no more data.
        exploration: the bonus (in accuracy per data point) of a skill given data in no
            round yet, shrinking as ``1 / sqrt(1 + rounds)``.
        smoothing: weight of the newest gain in ``gain_s``.
        seed: seeds the plan's draws.

    Deviation: DataEnvGym's teachers are LLM agents prompted with the feedback; this is a
    numeric policy with the same inputs and outputs, so that the loop runs without one.

    Example:
        >>> import teachkit as tk
        >>> teacher = tk.teachers.DataEnvTeacher(tk.spaces.Discrete(["add", "mul", "div"]),
        ...                                      seed=0)
        >>> sorted(teacher.ask("student", 3))  # explore: every skill gets data once
        ['add', 'div', 'mul']

    References:
        Khan, Stengel-Eskin, Cho, Bansal (2024). DataEnvGym: Data Generation Agents in
        Teacher Environments with Student Feedback. arXiv:2410.06215.
    """

    spaces = (Discrete,)

    def __init__(
        self,
        space: Discrete,
        *,
        learned: float = 0.95,
        exploration: float = 0.002,
        smoothing: float = 0.5,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.learned = learned
        self.exploration = exploration
        self.smoothing = smoothing
        check_params(
            "DataEnvTeacher",
            [
                ("learned", learned, 0.0, 1.0),
                ("exploration", exploration, 0.0, None),
                ("smoothing", smoothing, 1e-9, 1.0),
            ],
        )
        k = space.n
        self._acc = np.full(k, np.nan)  # latest evaluated accuracy per skill
        self._gain = np.zeros(k)
        self._given = np.zeros(k)  # data points planned since the skill's last evaluation
        self._rounds = np.zeros(k)  # rounds in which the skill got data

    def accuracy(self) -> np.ndarray:
        """The latest accuracy per skill (NaN: not evaluated yet)."""
        return self._acc.copy()

    def priorities(self) -> np.ndarray:
        """Each skill's priority for data (inf: never given data yet)."""
        acc = np.nan_to_num(self._acc, nan=0.0)
        bonus = self.exploration / np.sqrt(1.0 + self._rounds)
        pr = (1.0 - acc) * (self._gain + bonus)
        pr[acc >= self.learned] = 0.0
        pr[self._rounds == 0] = np.inf
        return pr

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        pr = self.priorities()
        fresh = np.flatnonzero(np.isinf(pr))
        out = fresh[self._rng.permutation(len(fresh))][:n]
        rest = n - len(out)
        if rest:
            finite = np.where(np.isinf(pr), 0.0, pr)
            p = finite / finite.sum() if finite.sum() > 0 else np.full(len(pr), 1.0 / len(pr))
            out = np.concatenate([out, draw(self._rng, p, rest)])
        out = out.astype(np.int64)
        counts = np.bincount(out, minlength=len(pr))
        self._given += counts
        self._rounds += counts > 0
        return out

    def validate(self, batch: EventBatch) -> None:
        batch_success(batch, "DataEnvTeacher.tell")

    def _tell(self, batch: EventBatch) -> None:
        skills, acc = group_by_task_mean(batch.tasks, batch_success(batch, "DataEnvTeacher.tell"))
        prev = self._acc[skills]
        given = self._given[skills]
        had = ~np.isnan(prev) & (given > 0)
        gain = np.where(had, np.maximum(acc - np.nan_to_num(prev), 0.0) / np.maximum(given, 1), 0.0)
        s = self.smoothing
        self._gain[skills] = np.where(
            had, (1 - s) * self._gain[skills] + s * gain, self._gain[skills]
        )
        self._acc[skills] = acc
        self._given[skills] = 0.0
