"""Gymnasium wrappers: ask at reset, tell at episode end, single and vector envs."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.integrations.gymnasium import CurriculumWrapper, TaskEnv, VectorCurriculumWrapper
from tests.integrations._envs import ReachEnv

SPACE = tk.spaces.Box([0.0], [1.0], names=["length"])


def play(env: gym.Env, episodes: int, policy: int = 1) -> list[float]:
    returns = []
    for _ in range(episodes):
        env.reset()
        total, done = 0.0, False
        while not done:
            _, r, term, trunc, _ = env.step(policy)
            total += r
            done = term or trunc
        returns.append(total)
    return returns


def test_each_episode_is_one_assignment_with_its_return_and_success() -> None:
    cur = tk.Curriculum(tk.teachers.Uniform(SPACE, seed=0))
    inner = ReachEnv()
    env = CurriculumWrapper(inner, cur, learner_id="agent-7")
    returns = play(env, 5)
    events = cur.events()
    assert len(events) == 5 and {e.learner_id for e in events} == {"agent-7"}
    assert [e.outcome.reward for e in events] == returns
    assert all(e.outcome.success is True for e in events)
    assert [e.task for e in events] == inner.tasks_seen
    _, info = env.reset()
    assert info["task"] == inner.tasks_seen[-1]


def test_failure_is_told_and_a_bare_teacher_works() -> None:
    teacher = tk.teachers.ALPGMM(SPACE, fit_rate=10, ks=(2,), seed=0)
    env = CurriculumWrapper(ReachEnv(), teacher)
    play(env, 12, policy=0)  # never moves: truncated after 10 steps, no success
    assert teacher.episodes == 12
    assert teacher.mixture() is not None


def test_apply_task_function_and_missing_set_task() -> None:
    seen = []
    env = CurriculumWrapper(
        gym.make("CartPole-v1"),
        tk.teachers.Uniform(SPACE, seed=0),
        apply_task=lambda e, task: seen.append(task),
    )
    env.reset(seed=0)
    assert len(seen) == 1
    with pytest.raises(ValidationError, match="has no set_task"):
        CurriculumWrapper(gym.make("CartPole-v1"), tk.teachers.Uniform(SPACE))
    with pytest.raises(ValidationError, match="expected a teachkit Curriculum, a teacher"):
        CurriculumWrapper(ReachEnv(), "uniform")


def test_sync_vector_env_asks_and_tells_in_batches() -> None:
    inner = [ReachEnv(), ReachEnv(), ReachEnv()]
    envs = gym.vector.SyncVectorEnv([lambda e=e: TaskEnv(e) for e in inner])
    cur = tk.Curriculum(tk.teachers.Uniform(SPACE, seed=1))
    venv = VectorCurriculumWrapper(envs, cur)
    venv.reset(seed=0)
    ends = last = 0
    for _ in range(60):
        _, _, term, trunc, _ = venv.step(np.ones(3, dtype=np.int64))
        last = int(np.logical_or(term, trunc).sum())
        ends += last
    events = cur.events()
    assert len(events) == ends
    for e in events:  # walking right always: return = length = 1 + round(5 * task)
        assert e.outcome.reward == 1 + round(e.task[0] * 5)
        assert e.outcome.success is True
    played = sum(len(e.tasks_seen) for e in inner)
    # every ended episode was followed by a new task, reset at the next step
    assert played == ends + 3 - last


def test_vector_env_needs_task_env_and_next_step_autoreset() -> None:
    envs = gym.vector.SyncVectorEnv([ReachEnv])
    with pytest.raises(ValidationError, match="TaskEnv"):
        VectorCurriculumWrapper(envs, tk.teachers.Uniform(SPACE))
    same = gym.vector.SyncVectorEnv(
        [lambda: TaskEnv(ReachEnv())], autoreset_mode=gym.vector.AutoresetMode.SAME_STEP
    )
    with pytest.raises(ValidationError, match="next_step"):
        VectorCurriculumWrapper(same, tk.teachers.Uniform(SPACE))


@pytest.mark.slow
def test_async_vector_env() -> None:
    envs = gym.vector.AsyncVectorEnv([lambda: TaskEnv(ReachEnv())] * 2)
    cur = tk.Curriculum(tk.teachers.Uniform(SPACE, seed=2))
    venv = VectorCurriculumWrapper(envs, cur)
    venv.reset(seed=0)
    ends = 0
    for _ in range(30):
        _, _, term, trunc, _ = venv.step(np.ones(2, dtype=np.int64))
        ends += int(np.logical_or(term, trunc).sum())
    venv.close()
    events = cur.events()
    assert len(events) == ends > 0
    assert all(e.outcome.reward == 1 + round(e.task[0] * 5) for e in events)
