"""Gymnasium wrappers: a curriculum picks every episode's task parameters.

* :class:`CurriculumWrapper` wraps one environment: each ``reset`` asks the curriculum
  for a task and applies it; when the episode ends (terminated or truncated) it tells
  the episode's return and, when the environment reports it in ``info``, its success.
* :class:`VectorCurriculumWrapper` wraps a ``SyncVectorEnv`` or ``AsyncVectorEnv`` whose
  sub-environments are wrapped in :class:`TaskEnv`: one ``ask_many`` for every
  sub-environment that starts an episode and one ``tell_many`` for every step in which
  episodes end.

A task reaches the environment through ``apply_task(env, task)`` when given, else
through the environment's own ``set_task(task)`` method. Box tasks are tuples of floats
(``curriculum.space.as_dict(task)`` names them); Discrete tasks are names.

Example:
    >>> import gymnasium as gym
    >>> import teachkit as tk
    >>> from teachkit.integrations.gymnasium import CurriculumWrapper
    >>> space = tk.spaces.Box([0.0], [1.0], names=["slip"])
    >>> cur = tk.Curriculum(tk.teachers.ALPGMM(space, fit_rate=20, ks=(2,), seed=0))
    >>> env = CurriculumWrapper(gym.make("CartPole-v1"), cur, apply_task=lambda env, task: None)
    >>> obs, info = env.reset(seed=0)
    >>> len(info["task"])
    1
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from teachkit._records import Task
from teachkit.errors import ValidationError
from teachkit.integrations._link import make_link, success_column

try:
    import gymnasium as gym
    from gymnasium.vector import VectorEnv, VectorWrapper
except ImportError:  # pragma: no cover - depends on the environment
    raise ImportError(
        "teachkit.integrations.gymnasium needs gymnasium: pip install 'teachkit[gym]'"
    ) from None

ApplyTask = Callable[[Any, Task], None]


def _applier(env: Any, apply_task: ApplyTask | None, where: str) -> Callable[[Task], None]:
    if apply_task is not None:
        if not callable(apply_task):
            raise ValidationError(
                where, [f"apply_task: expected a function (env, task) -> None, got {apply_task!r}"]
            )
        return lambda task: apply_task(env, task)
    setter = getattr(env.unwrapped, "set_task", None)
    if not callable(setter):
        raise ValidationError(
            where,
            [
                f"the environment {type(env.unwrapped).__name__} has no set_task(task) method; "
                "pass apply_task=lambda env, task: ... to say how a task configures it"
            ],
        )
    return setter


def _flush(link: Any) -> None:
    flush = getattr(link, "flush", None)
    if callable(flush):
        flush(wait=True)


class TaskEnv(gym.Wrapper):
    """Applies ``next_task`` at every reset (the sub-environment side of vector wrappers).

    :class:`VectorCurriculumWrapper` sets ``next_task`` on each sub-environment (through
    ``set_attr``, so this works across processes) before the step that resets it.
    """

    def __init__(self, env: gym.Env, apply_task: ApplyTask | None = None) -> None:
        super().__init__(env)
        self._apply = _applier(env, apply_task, "TaskEnv")
        self.next_task: Task | None = None
        self.task: Task | None = None

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> Any:
        if self.next_task is not None:
            self.task = self.next_task
            self._apply(self.task)
        obs, info = self.env.reset(seed=seed, options=options)
        info["task"] = self.task
        return obs, info


class CurriculumWrapper(gym.Wrapper):
    """Ask a task at every reset, tell the return (and success) at every episode end.

    Args:
        env: the environment.
        curriculum: a :class:`~teachkit.Curriculum`, a bare teacher (in memory, fastest)
            or a :class:`~teachkit.integrations.ray.SharedTeacher`.
        apply_task: ``apply_task(env, task)`` configures the environment (default: the
            environment's ``set_task(task)``). Called before the inner reset.
        learner_id: who learns (one agent is one learner).
        success_key: the ``info`` key holding the episode's success, if any.
        defer_tell: hold each ended episode's outcome until the training loop calls
            :meth:`tell_episode` (to add what only the learner knows, such as the
            episode's advantages that PLR's and ACCEL's positive value loss reads).

    An episode cut short by a ``reset`` before it ended is not told (with a Curriculum,
    its assignment's lease runs out). ``info["task"]`` holds the current task and
    ``info["train"]`` (also ``self.train``) whether the learner may train on this episode:
    False when the teacher handed the task out for evaluation only (Robust PLR, ACCEL,
    POET's transfer tests); play it greedily or as usual, but skip the learning update.
    """

    def __init__(
        self,
        env: gym.Env,
        curriculum: Any,
        apply_task: ApplyTask | None = None,
        *,
        learner_id: str = "agent",
        success_key: str = "is_success",
        defer_tell: bool = False,
    ) -> None:
        super().__init__(env)
        self.curriculum = curriculum
        self.learner_id = learner_id
        self.success_key = success_key
        self.defer_tell = defer_tell
        self.pending: tuple[Any, float, Any] | None = None
        self._link = make_link(curriculum, learner_id, "CurriculumWrapper")
        self._apply = _applier(env, apply_task, "CurriculumWrapper")
        self.task: Task | None = None
        self.train = True
        self._token: Any = None
        self._return = 0.0

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> Any:
        tokens, tasks = self._link.ask(1)
        self._token, self.task = tokens[0], tasks[0]
        mask = getattr(self._link, "train", None)
        self.train = True if mask is None else bool(mask[0])
        self._return = 0.0
        self._apply(self.task)
        obs, info = self.env.reset(seed=seed, options=options)
        info["task"] = self.task
        info["train"] = self.train
        return obs, info

    def step(self, action: Any) -> Any:
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._return += float(reward)
        if (terminated or truncated) and self._token is not None:
            flag = info.get(self.success_key)
            if self.defer_tell:
                self.pending = (self._token, self._return, flag)
            else:
                self._link.tell([self._token], np.array([self._return]), success_column([flag]))
            self._token = None
            info["task"] = self.task
        return obs, reward, terminated, truncated, info

    def tell_episode(self, *, advantages: Any = None, success: bool | None = None) -> None:
        """Tell the outcome of the episode that just ended (with ``defer_tell=True``).

        Args:
            advantages: the episode's per-step advantages (GAE from your critic, say).
            success: overrides the success read from ``info``.
        """
        if self.pending is None:
            raise ValidationError(
                "CurriculumWrapper.tell_episode",
                [
                    "no ended episode is waiting; call it once after each episode ends, with "
                    "defer_tell=True"
                ],
            )
        token, ret, flag = self.pending
        self.pending = None
        flags = success_column([flag if success is None else success])
        if advantages is None:
            self._link.tell([token], np.array([ret]), flags)
        else:
            adv = np.asarray(advantages, dtype=np.float64)[None, :]
            self._link.tell([token], np.array([ret]), flags, adv)

    def close(self) -> None:
        """Send outcomes still buffered (a shared Ray teacher batches them), then close."""
        _flush(self._link)
        super().close()


class VectorCurriculumWrapper(VectorWrapper):
    """One curriculum for all sub-environments of a vector env, in batches.

    The sub-environments must be :class:`TaskEnv`-wrapped (so a task can be set on each,
    in-process or across processes) and the vector env must use Gymnasium's default
    ``next_step`` autoreset: an episode that ends at step ``t`` is told at once, and the
    new task for that sub-environment is set before step ``t + 1`` resets it. ``train``
    holds, per sub-environment, whether the learner may train on the episode it runs next
    (False for evaluation-only tasks; see :class:`CurriculumWrapper`).

    Example:
        >>> import gymnasium as gym
        >>> import teachkit as tk
        >>> from teachkit.integrations.gymnasium import TaskEnv, VectorCurriculumWrapper
        >>> space = tk.spaces.Box([0.0], [1.0], names=["slip"])
        >>> make = lambda: TaskEnv(gym.make("CartPole-v1"), apply_task=lambda env, task: None)
        >>> envs = gym.vector.SyncVectorEnv([make, make])
        >>> envs = VectorCurriculumWrapper(envs, tk.teachers.Uniform(space, seed=0))
        >>> obs, info = envs.reset(seed=0)
        >>> len(envs.tasks)
        2
    """

    def __init__(
        self,
        env: VectorEnv,
        curriculum: Any,
        *,
        learner_id: str = "agent",
        success_key: str = "is_success",
    ) -> None:
        super().__init__(env)
        mode = env.metadata.get("autoreset_mode", gym.vector.AutoresetMode.NEXT_STEP)
        if mode != gym.vector.AutoresetMode.NEXT_STEP:
            raise ValidationError(
                "VectorCurriculumWrapper",
                [
                    f"expected a vector env with autoreset_mode='next_step' (the default), got "
                    f"{mode!r}: with other modes a sub-environment resets before a new task can "
                    "be set"
                ],
            )
        try:
            env.get_attr("next_task")  # type: ignore[attr-defined]
        except AttributeError:
            raise ValidationError(
                "VectorCurriculumWrapper",
                [
                    "expected sub-environments wrapped in teachkit.integrations.gymnasium.TaskEnv "
                    "(make_env = lambda: TaskEnv(gym.make(...), apply_task=...))"
                ],
            ) from None
        self.curriculum = curriculum
        self.learner_id = learner_id
        self.success_key = success_key
        self._link = make_link(curriculum, learner_id, "VectorCurriculumWrapper")
        n = self.num_envs
        self.tasks: list[Task | None] = [None] * n
        self.train = np.ones(n, dtype=bool)  # per sub-environment: may its episode train?
        self._tokens: list[Any] = [None] * n
        self._returns = np.zeros(n)

    def _assign(self, which: np.ndarray) -> None:
        tokens, tasks = self._link.ask(len(which))
        mask = getattr(self._link, "train", None)
        self.train[which] = True if mask is None else np.asarray(mask, dtype=bool)
        for i, tok, task in zip(which.tolist(), tokens, tasks):
            self._tokens[i], self.tasks[i] = tok, task
        self.env.set_attr("next_task", list(self.tasks))  # type: ignore[attr-defined]

    def reset(self, *, seed: Any = None, options: dict[str, Any] | None = None) -> Any:
        self._assign(np.arange(self.num_envs))
        self._returns[:] = 0.0
        return self.env.reset(seed=seed, options=options)

    def step(self, actions: Any) -> Any:
        obs, rewards, terminated, truncated, infos = self.env.step(actions)
        # A sub-environment that ended at the previous step is reset by this one and
        # reports reward 0, so summing every step's reward gives each episode's return.
        self._returns += rewards
        done = np.logical_or(terminated, truncated)
        if done.any():
            ended = np.flatnonzero(done)
            flags = self._success_flags(infos, ended)
            self._link.tell(
                [self._tokens[i] for i in ended.tolist()],
                self._returns[ended].copy(),
                success_column(flags),
            )
            self._returns[ended] = 0.0
            self._assign(ended)  # applied by the reset at the next step
        return obs, rewards, terminated, truncated, infos

    def close(self, **kwargs: Any) -> None:
        """Send outcomes still buffered (a shared Ray teacher batches them), then close."""
        _flush(self._link)
        super().close(**kwargs)

    def _success_flags(self, infos: dict[str, Any], ended: np.ndarray) -> list[Any]:
        key = self.success_key
        if key not in infos:
            return [None] * len(ended)
        values, mask = infos[key], infos.get(f"_{key}")
        return [bool(values[i]) if mask is None or bool(mask[i]) else None for i in ended.tolist()]
