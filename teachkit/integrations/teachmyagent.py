"""TeachMyAgent / teachDeepRL call shapes over teachkit teachers.

TeachMyAgent (Romac et al. 2021) teachers are built as ``Teacher(mins, maxs, seed,
env_reward_lb, env_reward_ub, **params)`` and used through ``sample_task()`` and
``episodic_update(task, reward, is_success)``; teachDeepRL (Portelas et al. 2019) calls
``update(task, reward)``. The classes here keep those shapes and parameter names, so
``from TeachMyAgent.teachers.algos.alp_gmm import ALPGMM`` becomes
``from teachkit.integrations.teachmyagent import ALPGMM`` and the training loop stays.

:class:`TaskTeacher` is the general form: any registered teacher (``"alp_gmm"``,
``"riac"``, ``"covar_gmm"``, ``"adr"``, ``"uniform"``, ...) over named parameter bounds,
optionally backed by a durable :class:`~teachkit.Curriculum` (``storage=...``).

Example:
    >>> from teachkit.integrations.teachmyagent import TaskTeacher
    >>> teacher = TaskTeacher("alp_gmm", {"stump_height": (0, 3), "gap": (0, 6)}, seed=0, fit_rate=50, ks=(2, 3))
    >>> task = teacher.sample_task()
    >>> teacher.episodic_update(task, reward=120.0, is_success=True)
    >>> sorted(teacher.task_dict(task))
    ['gap', 'stump_height']
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from teachkit.errors import ValidationError
from teachkit.integrations._link import CurriculumLink, make_link
from teachkit.registry import teacher_class
from teachkit.spaces import Box


class TaskTeacher:
    """``sample_task()`` / ``episodic_update(task, reward, is_success)`` over a teachkit teacher.

    Args:
        teacher: a registered teacher name or a teacher class.
        param_bounds: ``{name: (low, high)}`` for every task parameter, in order.
        seed: the teacher's seed.
        storage: when given (a URL or storage object), tasks are assignments of a durable
            :class:`~teachkit.Curriculum` named ``name`` (``load_if_exists``), so a
            restarted run resumes its curriculum.
        name: the curriculum's name in ``storage``.
        learner_id: who learns.
        **params: the teacher's hyperparameters.

    Tasks are float64 arrays in the order of ``param_bounds``; ``task_dict`` names them.
    """

    def __init__(
        self,
        teacher: str | type,
        param_bounds: Mapping[str, Sequence[float]],
        *,
        seed: int | None = None,
        storage: Any = None,
        name: str = "default",
        learner_id: str = "agent",
        **params: Any,
    ) -> None:
        if not isinstance(param_bounds, Mapping) or not param_bounds:
            raise ValidationError(
                "TaskTeacher",
                [f"param_bounds: expected {{name: (low, high)}}, got {param_bounds!r}"],
            )
        bad = [k for k, v in param_bounds.items() if isinstance(v, str) or len(v) != 2]
        if bad:
            raise ValidationError(
                "TaskTeacher", [f"param_bounds: expected (low, high) pairs, got {bad!r}"]
            )
        names = list(param_bounds)
        space = Box(
            [param_bounds[n][0] for n in names], [param_bounds[n][1] for n in names], names=names
        )
        cls = teacher_class(teacher) if isinstance(teacher, str) else teacher
        inner = cls(space, seed=seed, **params)
        self.space = space
        self.teacher = inner
        self.learner_id = learner_id
        source: Any = inner
        if storage is not None:
            from teachkit.curriculum import Curriculum

            source = Curriculum(inner, storage, name, load_if_exists=True)
            self.teacher = source.teacher  # the stored state, when the curriculum existed
        self.curriculum = source if storage is not None else None
        self._link = make_link(source, learner_id, "TaskTeacher")
        self._pending: dict[bytes, deque[Any]] = {}

    def sample_task(self) -> np.ndarray:
        """The next task's parameters (float64, in ``param_bounds`` order)."""
        tokens, tasks = self._link.ask(1)
        task = np.asarray(tasks[0], dtype=np.float64)
        self._pending.setdefault(task.tobytes(), deque()).append(tokens[0])
        return task

    def task_dict(self, task: Sequence[float]) -> dict[str, float]:
        """A task as ``{parameter name: value}``."""
        return self.space.as_dict(task)

    def episodic_update(self, task: Any, reward: float, is_success: bool | None = None) -> None:
        """Tell the outcome of an episode on ``task`` (one that ``sample_task`` returned, or
        any point of the space)."""
        arr = np.asarray(task, dtype=np.float64).reshape(-1)
        queue = self._pending.get(arr.tobytes())
        success = None if is_success is None else np.array([1.0 if is_success else 0.0])
        if queue:
            token = queue.popleft()
            if not queue:
                del self._pending[arr.tobytes()]
        elif isinstance(self._link, CurriculumLink):
            import teachkit as tk

            self._link.curriculum.record(
                self.learner_id,
                tuple(arr.tolist()),
                tk.Outcome(
                    reward=float(reward), success=None if is_success is None else bool(is_success)
                ),
            )
            return
        else:
            token = self.space.encode([tuple(arr.tolist())])[0]
        self._link.tell([token], np.array([float(reward)]), success)

    def update(self, task: Any, reward: float) -> None:
        """teachDeepRL's call shape: ``episodic_update`` without success."""
        self.episodic_update(task, reward)


def _bounds(mins: Sequence[float], maxs: Sequence[float]) -> dict[str, tuple[float, float]]:
    if len(mins) != len(maxs):
        raise ValidationError(
            "TeachMyAgent teacher",
            [f"mins and maxs: expected the same length, got {len(mins)} and {len(maxs)}"],
        )
    return {f"x{i}": (float(lo), float(hi)) for i, (lo, hi) in enumerate(zip(mins, maxs))}


def _rename(params: dict[str, Any], table: dict[str, str], where: str) -> dict[str, Any]:
    out = {}
    for key, value in params.items():
        if key not in table:
            raise ValidationError(
                where, [f"unknown parameter {key!r}; this adapter understands {sorted(table)}"]
            )
        if table[key]:
            out[table[key]] = value
    return out


class _TMA(TaskTeacher):
    _name = ""
    _table: ClassVar[dict[str, str]] = {}
    _fixed: ClassVar[dict[str, Any]] = {}  # teachkit settings that make TeachMyAgent's rule

    def __init__(
        self,
        mins: Sequence[float],
        maxs: Sequence[float],
        seed: int | None = None,
        env_reward_lb: float | None = None,
        env_reward_ub: float | None = None,
        **params: Any,
    ) -> None:
        kwargs = {**self._fixed, **_rename(params, self._table, type(self).__name__)}
        if "ks" in kwargs:
            kwargs["ks"] = tuple(int(k) for k in kwargs["ks"])
        super().__init__(self._name, _bounds(mins, maxs), seed=seed, **kwargs)


class ALPGMM(_TMA):
    """TeachMyAgent's ``ALPGMM(mins, maxs, seed, env_reward_lb, env_reward_ub, **params)``."""

    _name = "alp_gmm"
    _table: ClassVar[dict[str, str]] = {
        "gmm_fitness_func": "criterion",
        "nb_em_init": "nb_em_init",
        "fit_rate": "fit_rate",
        "potential_ks": "ks",
        "random_task_ratio": "random_task_ratio",
        "nb_bootstrap": "nb_bootstrap",
        "alp_buffer_size": "buffer_size",
        "warm_start": "",  # always a fresh fit: the paper's setting
    }
    _fixed: ClassVar[dict[str, Any]] = {"solved_above": None}  # the paper's rule, no prior


class CovarGMM(_TMA):
    """TeachMyAgent's ``CovarGMM(mins, maxs, seed, env_reward_lb, env_reward_ub, **params)``."""

    _name = "covar_gmm"
    _table: ClassVar[dict[str, str]] = {
        "absolute_lp": "absolute_lp",
        "fit_rate": "fit_rate",
        "potential_ks": "ks",
        "random_task_ratio": "random_task_ratio",
        "nb_bootstrap": "nb_bootstrap",
    }


class RIAC(_TMA):
    """TeachMyAgent's ``RIAC(mins, maxs, seed, env_reward_lb, env_reward_ub, **params)``."""

    _name = "riac"
    _table: ClassVar[dict[str, str]] = {
        "max_region_size": "max_region_size",
        "alp_window_size": "alp_window",
        "nb_split_attempts": "nb_split_attempts",
        "min_region_size": "min_region_size",
        "min_dims_range_ratio": "min_dims_range_ratio",
        "discard_ratio": "discard_ratio",
        "sampling_in_leaves_only": "",  # the paper samples every region
    }


class ADR(_TMA):
    """TeachMyAgent's ``ADR(mins, maxs, seed, env_reward_lb, env_reward_ub, step_size,
    max_reward_thr, min_reward_thr, initial_dist, boundary_sampling_p, queue_len)``;
    ``initial_dist`` is ``{"mean": point, ...}`` (its mean is the starting point)."""

    _name = "adr"
    _table: ClassVar[dict[str, str]] = {
        "step_size": "step_size",
        "max_reward_thr": "threshold_high",
        "min_reward_thr": "threshold_low",
        "initial_dist": "initial",
        "boundary_sampling_p": "boundary_prob",
        "queue_len": "buffer_size",
    }

    def __init__(
        self,
        mins: Sequence[float],
        maxs: Sequence[float],
        seed: int | None = None,
        env_reward_lb: float | None = None,
        env_reward_ub: float | None = None,
        **params: Any,
    ) -> None:
        dist = params.get("initial_dist")
        if isinstance(dist, Mapping):
            params["initial_dist"] = [float(x) for x in np.asarray(dist["mean"]).ravel()]
        super().__init__(mins, maxs, seed, env_reward_lb, env_reward_ub, **params)
