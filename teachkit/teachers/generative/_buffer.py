"""The bounded, scored buffer of generated levels that ACCEL and CLUTR keep."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit.spaces import GeneratedTask
from teachkit.teachers._replay import replay_distribution
from teachkit.teachers.generative._regret import episode_score, returns_of, successes_of


class LevelBuffer:
    """Levels (generated tasks) with a score, when each was last drawn, and play statistics.

    A played level in the buffer gets ``S <- (1 - alpha) S + alpha s`` for each episode's
    score ``s``. A played level not in the buffer enters while there is room, else replaces
    the lowest-scoring level if its score is higher (Robust PLR's rule); ties keep the
    buffered level. Levels are keyed by their task id (the hash of their params).
    """

    def __init__(self, size: int, score: str, alpha: float) -> None:
        self.size, self.score, self.alpha = size, score, alpha
        self.tasks: list[str] = []
        self.ids: dict[str, int] = {}
        self.scores = np.zeros(size)
        self.last = np.zeros(size, dtype=np.int64)
        self.wins = np.zeros(size)
        self.tries = np.zeros(size)
        self.best = np.full(size, -np.inf)
        self.extra: list[Any] = []  # per slot: what the teacher keeps with a level

    def __len__(self) -> int:
        return len(self.tasks)

    def distribution(
        self, count: int, prioritization: str, temperature: float, rho: float
    ) -> np.ndarray:
        """PLR's ``P_replay`` over the buffered levels after ``count`` decisions."""
        f = len(self.tasks)
        return replay_distribution(
            self.scores[:f],
            self.last[:f],
            count,
            prioritization=prioritization,
            temperature=temperature,
            staleness_coef=rho,
        )

    def update(
        self,
        batch: EventBatch,
        ids: list[str],
        tasks: list[str],
        count: int,
        extra: list[Any] | None = None,
    ) -> list[tuple[str, float, bool]]:
        """Score every event's level, in order; returns ``(task, score, was buffered)``."""
        advs = batch.group_advantages() if self.score != "learnability" else [None] * len(batch)
        rets, wins = returns_of(batch), successes_of(batch)
        out = []
        for i, (key, task) in enumerate(zip(ids, tasks)):
            slot = self.ids.get(key)
            r = float(rets[i])
            if slot is not None:
                self.wins[slot] += wins[i]
                self.tries[slot] += 1
                self.best[slot] = max(self.best[slot], r)
                s = episode_score(
                    self.score, advs[i], r, self.best[slot], self.wins[slot], self.tries[slot]
                )
                self.scores[slot] = (1.0 - self.alpha) * self.scores[slot] + self.alpha * s
                out.append((task, s, True))
                continue
            s = episode_score(self.score, advs[i], r, r, float(wins[i]), 1.0)
            self._admit(key, task, s, float(wins[i]), r, count, None if extra is None else extra[i])
            out.append((task, s, False))
        return out

    def _admit(
        self, key: str, task: str, s: float, win: float, r: float, count: int, extra: Any
    ) -> None:
        f = len(self.tasks)
        if f < self.size:
            slot = f
            self.tasks.append(task)
            self.extra.append(extra)
        else:
            slot = int(np.argmin(self.scores))
            if not s > self.scores[slot]:
                return
            del self.ids[_key(self.tasks[slot])]
            self.tasks[slot] = task
            self.extra[slot] = extra
        self.ids[key] = slot
        self.scores[slot], self.last[slot] = s, count
        self.wins[slot], self.tries[slot], self.best[slot] = win, 1.0, r

    # -- state ------------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """The buffer as plain data (copies), for a teacher's state."""
        return {
            "tasks": list(self.tasks),
            "scores": self.scores.copy(),
            "last": self.last.copy(),
            "wins": self.wins.copy(),
            "tries": self.tries.copy(),
            "best": self.best.copy(),
            "extra": list(self.extra),
        }

    def load(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state` returned."""
        self.tasks = list(state["tasks"])
        self.ids = {_key(t): i for i, t in enumerate(self.tasks)}
        for name in ("scores", "last", "wins", "tries", "best"):
            setattr(self, name, np.array(state[name]))
        self.extra = list(state["extra"])


def _key(task: str) -> str:
    return GeneratedTask(task).id
