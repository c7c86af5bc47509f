"""A Syllabus-compatible curriculum over any teachkit teacher.

Syllabus (Sullivan et al. 2023) curricula are driven by ``sample(k)`` for the next tasks
and ``update_on_episode`` / ``update_task_progress`` for outcomes, with tasks in their
encoded form (an integer index for a discrete task space). :class:`TeachkitCurriculum`
keeps those call shapes, so code written against a Syllabus curriculum runs a teachkit
teacher by swapping the object it builds. The class does not import Syllabus; when
Syllabus is installed it can build a Syllabus ``DiscreteTaskSpace`` for the ``task_space``
attribute its wrappers read.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._time import utcnow
from teachkit._validation import check_learner_id, check_positive_int
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete


class TeachkitCurriculum:
    """Syllabus's curriculum interface over a teachkit teacher on a Discrete space.

    Args:
        teacher: any teachkit teacher on a :class:`~teachkit.spaces.Discrete` space.
        task_space: the Syllabus task space to expose as ``task_space`` (default: a
            Syllabus ``DiscreteTaskSpace`` of the teacher's tasks when Syllabus is
            installed, else None).
        learner_id: the learner the outcomes belong to (one agent is one learner).
        batch_size: outcomes collected before they are told to the teacher in one batch
            (batch teachers such as SEC treat one tell as one training step);
            :meth:`flush` tells what is pending.

    An episode's outcome is its ``progress`` as the score (when given; Syllabus
    progress is a success rate or completion in [0, 1]) and its ``episode_return`` as
    the reward. ``update_on_episode`` also takes ``rewards=`` / ``advantages=`` (a group of
    rollouts of the task) for teachers that score tasks by advantages (SEC, DUMP, PLR).

    Example:
        >>> import teachkit as tk
        >>> from teachkit.integrations.syllabus import TeachkitCurriculum
        >>> space = tk.spaces.Discrete(8)
        >>> curriculum = TeachkitCurriculum(tk.teachers.TSCL(space, seed=0), task_space=None)
        >>> tasks = curriculum.sample(k=2)
        >>> curriculum.update_on_episode(1.0, 120, tasks[0], progress=1.0)
        >>> curriculum.update_task_progress(tasks[1], 0.0)
        >>> len(curriculum._sample_distribution())
        8

    References:
        Sullivan, Pégoraro, Paduraru, et al. (2023). Syllabus: Portable Curricula for
        Reinforcement Learning Agents. arXiv:2411.11318.
    """

    def __init__(
        self,
        teacher: BaseTeacher,
        *,
        task_space: Any = "auto",
        learner_id: str = "agent",
        batch_size: int = 1,
    ) -> None:
        if not isinstance(teacher, BaseTeacher) or not isinstance(teacher.space, Discrete):
            raise ValidationError(
                "TeachkitCurriculum",
                [
                    f"teacher: expected a teachkit teacher on a Discrete space, got "
                    f"{type(teacher).__name__}"
                    + (
                        f" on {type(teacher.space).__name__}"
                        if isinstance(teacher, BaseTeacher)
                        else ""
                    )
                ],
            )
        self.teacher = teacher
        self.learner_id = check_learner_id(learner_id)
        self.batch_size = check_positive_int("batch_size", batch_size)
        auto = isinstance(task_space, str) and task_space == "auto"
        self.task_space = _syllabus_space(teacher.space) if auto else task_space
        self.completed_tasks = 0
        self.completed_episodes = 0
        self._pending: list[tuple[int, float, float, Any, Any]] = []

    # -- what Syllabus reads ----------------------------------------------------------------------
    @property
    def requires_step_updates(self) -> bool:
        """False: teachkit teachers learn from episodes and task progress."""
        return False

    @property
    def num_tasks(self) -> int:
        """The number of tasks (Syllabus's task indices are ``0 .. n - 1``)."""
        return self._space.n

    @property
    def tasks(self) -> list[int]:
        """The task indices Syllabus samples from."""
        return list(range(self._space.n))

    @property
    def _space(self) -> Discrete:
        space = self.teacher.space
        assert isinstance(space, Discrete)
        return space

    # -- sampling ---------------------------------------------------------------------------------
    def sample(self, k: int = 1) -> list[int]:
        """The next ``k`` tasks, encoded (task indices), as Syllabus curricula return them."""
        self.flush()
        return self.teacher.ask_encoded(self.learner_id, check_positive_int("k", k)).tolist()

    def _sample_distribution(self) -> list[float]:
        """The teacher's current sampling distribution over tasks.

        Raises NotImplementedError (as Syllabus's base class does) for teachers without a
        closed-form distribution (Thompson-sampling rules).
        """
        self.flush()
        probabilities = getattr(self.teacher, "probabilities", None)
        if probabilities is None:
            raise NotImplementedError(
                f"{type(self.teacher).__name__} has no closed-form sampling distribution"
            )
        return np.asarray(probabilities(), dtype=np.float64).tolist()

    # -- updates ------------------------------------------------------------------------------
    def update_task_progress(
        self, task: Any, progress: float | bool, env_id: int | None = None
    ) -> None:
        """Record progress (a success rate or completion in [0, 1]) on ``task``."""
        self.completed_tasks += 1
        self._add(task, float(progress), float("nan"), None, None)

    def update_on_episode(
        self,
        episode_return: float,
        length: int,
        task: Any,
        progress: float | bool | None = None,
        env_id: int | None = None,
        *,
        rewards: Any = None,
        advantages: Any = None,
    ) -> None:
        """Record a finished episode of ``task``."""
        self.completed_episodes += 1
        score = float("nan") if progress is None else float(progress)
        self._add(task, score, float(episode_return), rewards, advantages)

    def update_on_step(self, *args: Any, **kwargs: Any) -> None:
        """Refused: step-level updates are not a teachkit signal (leave them off in the wrapper)."""
        raise NotImplementedError(
            "teachkit curricula learn from episodes and task progress, not single steps; "
            "leave step updates off in the Syllabus environment wrapper"
        )

    def update_on_step_batch(self, step_results: Any, env_id: int | None = None) -> None:
        """Refused, as :meth:`update_on_step`."""
        self.update_on_step()

    def _add(self, task: Any, score: float, reward: float, rewards: Any, advantages: Any) -> None:
        if isinstance(task, bool) or not isinstance(task, int | np.integer):
            raise ValidationError(
                "TeachkitCurriculum",
                [f"task: expected an encoded task (an int index), got {task!r}"],
            )
        if not 0 <= int(task) < self._space.n:
            raise ValidationError(
                "TeachkitCurriculum",
                [f"task: expected an index in [0, {self._space.n}), got {int(task)}"],
            )
        if score == score and not 0.0 <= score <= 1.0:
            raise ValidationError(
                "TeachkitCurriculum", [f"progress: expected a number in [0, 1], got {score!r}"]
            )
        self._pending.append((int(task), score, reward, _group(rewards), _group(advantages)))
        if len(self._pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Tell the teacher every pending outcome, in one batch."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        tasks = np.array([p[0] for p in pending], dtype=np.int64)
        score = np.array([p[1] for p in pending])
        reward = np.array([p[2] for p in pending])
        n = len(pending)
        nan = np.full(n, np.nan)
        batch = EventBatch(
            learner_ids=np.array([self.learner_id] * n, dtype=object),
            tasks=tasks,
            score=score,
            reward=reward,
            success=nan,
            duration=nan,
            time=np.full(n, utcnow().timestamp()),
            assignment_ids=np.full(n, -1, dtype=np.int64),
            rewards=tuple(p[3] for p in pending),
            advantages=tuple(p[4] for p in pending),
        )
        self.teacher.tell(batch)

    # -- state and logging ----------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The teacher's state after telling what is pending (Syllabus checkpoints)."""
        self.flush()
        return self.teacher.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output; pending outcomes are dropped."""
        self._pending = []
        self.teacher.load_state_dict(state)

    def log_metrics(
        self, writer: Any, logs: list[Any] | None, step: int | None = None, log_n_tasks: int = 1
    ) -> list[Any]:
        """Append ``(name, value)`` pairs of the sampling distribution and write them."""
        logs = [] if logs is None else logs
        try:
            dist = self._sample_distribution()
        except NotImplementedError:
            dist = []
        shown = dist if log_n_tasks == -1 else dist[:log_n_tasks]
        logs += [(f"curriculum/{i}_prob", p) for i, p in enumerate(shown)]
        if writer is not None:
            for name, value in logs:
                writer.add_scalar(name, value, step)
        return logs


def _group(values: Any) -> np.ndarray | None:
    if values is None:
        return None
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or not len(arr) or not np.isfinite(arr).all():
        raise ValidationError(
            "TeachkitCurriculum",
            [f"rewards/advantages: expected a non-empty list of finite numbers, got {values!r}"],
        )
    return arr


def _syllabus_space(space: Discrete) -> Any:
    try:
        from syllabus.task_space import DiscreteTaskSpace
    except ImportError:
        return None
    return DiscreteTaskSpace(space.n)
