"""A tiny parameterized environment for integration tests."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np


class ReachEnv(gym.Env):
    """Walk right ``length`` steps (action 1) within ``limit`` steps; the task sets
    ``length``. Reward 1 per step right; success when the end is reached."""

    def __init__(self, limit: int = 10) -> None:
        self.observation_space = gym.spaces.Box(0.0, 1.0, shape=(1,))
        self.action_space = gym.spaces.Discrete(2)
        self.limit = limit
        self.length = 3
        self.tasks_seen: list[Any] = []

    def set_task(self, task: Any) -> None:
        self.tasks_seen.append(task)
        self.length = 1 + round(task[0] * 5)

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> Any:
        super().reset(seed=seed)
        self.pos, self.t = 0, 0
        return np.zeros(1, dtype=np.float32), {}

    def step(self, action: int) -> Any:
        self.t += 1
        reward = 1.0 if action == 1 else 0.0
        self.pos += int(action == 1)
        done = self.pos >= self.length
        info = {"is_success": done} if done or self.t >= self.limit else {}
        return np.zeros(1, dtype=np.float32), reward, done, self.t >= self.limit, info
