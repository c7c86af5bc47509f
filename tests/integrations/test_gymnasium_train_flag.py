"""The Gymnasium wrappers pass on evaluation-only tasks and can defer a tell."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("gymnasium")

import gymnasium as gym

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.integrations.gymnasium import (
    CurriculumWrapper,
    TaskEnv,
    VectorCurriculumWrapper,
)
from teachkit.testing.generators import Corridors
from tests.integrations._envs import ReachEnv


def corridor(env: ReachEnv, task: tk.spaces.GeneratedTask) -> None:
    env.set_task((task.params["length"] / 10,))


def play(env: CurriculumWrapper) -> None:
    done = False
    while not done:
        _, _, term, trunc, _ = env.step(1)
        done = term or trunc


@pytest.mark.parametrize("bare", [False, True])
def test_info_train_follows_the_teacher(bare: bool) -> None:
    space = tk.spaces.Generated(Corridors())
    teacher = tk.teachers.ACCEL(
        space, buffer_size=1, min_fill=1.0, replay_prob=1.0, score="learnability", seed=0
    )
    source = teacher if bare else tk.Curriculum(teacher)
    env = CurriculumWrapper(ReachEnv(), source, corridor)
    flags = []
    for _ in range(3):
        _, info = env.reset()
        flags.append(info["train"])
        assert env.train is info["train"]
        play(env)
    # a new level (scored only), a replay of it (trained on), then its edit (scored only)
    assert flags == [False, True, False]


def test_deferred_tells_carry_advantages() -> None:
    space = tk.spaces.Generated(Corridors())
    cur = tk.Curriculum(tk.teachers.ACCEL(space, buffer_size=4, seed=0))
    env = CurriculumWrapper(ReachEnv(), cur, corridor, defer_tell=True)
    env.reset()
    play(env)
    assert cur.events() == [] and env.pending is not None
    env.tell_episode(advantages=[0.5, -0.5, 1.0])
    (event,) = cur.events()
    assert event.outcome.advantages == (0.5, -0.5, 1.0) and event.outcome.success is True
    with pytest.raises(ValidationError, match="no ended episode is waiting"):
        env.tell_episode()


def test_vector_wrapper_keeps_a_flag_per_environment() -> None:
    teacher = tk.teachers.RobustPLR(tk.spaces.Discrete(20), score="learnability", seed=0)

    def make() -> TaskEnv:
        return TaskEnv(ReachEnv(), apply_task=lambda env, task: env.set_task((int(task) / 20,)))

    envs = VectorCurriculumWrapper(gym.vector.SyncVectorEnv([make, make]), tk.Curriculum(teacher))
    envs.reset(seed=0)
    assert envs.train.tolist() == [False, False]  # nothing to replay yet
    for _ in range(12):
        envs.step(np.ones(2, dtype=np.int64))
    assert envs.train.dtype == bool and len(envs.train) == 2


def test_per_learner_passes_its_copies_flags_on() -> None:
    space = tk.spaces.Discrete(30)
    inner = tk.teachers.RobustPLR(space, score="learnability", replay_prob=1.0, seed=0)
    cur = tk.Curriculum(tk.teachers.PerLearner(space, teacher=inner, seed=0))
    first = cur.ask("a")
    assert first.train is False  # a's copy has nothing to replay yet
    cur.tell(first, tk.Outcome(success=True))
    assert cur.ask("a").train is True  # a's copy replays its one level
    assert cur.ask("b").train is False  # b has a copy of its own
