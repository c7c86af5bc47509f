"""Two small, real simulators with oracles, to test the harness against the Simulator protocol.

``ChainStudent`` (Discrete): tasks ``t0 .. t{K-1}`` in a prerequisite chain; practicing a
task raises its competence only once the task before it is half learned. ``PlaneStudent``
(Box): the unit square in 4 x 4 cells, learnable outward from the origin cell.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch, OutcomeBatch
from teachkit.simulators import Simulator
from teachkit.spaces import Box, Discrete
from teachkit.teachers import BaseTeacher

_EPOCH = 1_700_000_000.0


def _events(sim: Simulator, tasks: np.ndarray, score: np.ndarray, clock: float) -> EventBatch:
    n = sim.n_learners * sim.tasks_per_step
    return EventBatch.build(
        learner_ids=np.repeat(sim.learner_ids, sim.tasks_per_step),
        tasks=tasks,
        outcomes=OutcomeBatch(score=score),
        times=np.full(n, _EPOCH + clock),
        assignment_ids=np.full(n, -1),
    )


class ChainStudent(Simulator):
    """Learners with a per-learner learning rate on a chain of ``n_tasks`` tasks."""

    primary: ClassVar[str] = "mastery"
    directions: ClassVar[dict[str, bool]] = {"mastery": True, "solved": True}

    def __init__(
        self,
        n_learners: int = 1,
        *,
        seed: int | None = None,
        n_tasks: int = 5,
        tasks_per_step: int = 1,
    ) -> None:
        super().__init__(n_learners, seed=seed)
        self.n_tasks = n_tasks
        self.tasks_per_step = tasks_per_step
        names = [f"t{k}" for k in range(n_tasks)]
        self._space = Discrete(
            names, prerequisites={names[k]: [names[k - 1]] for k in range(1, n_tasks)}
        )
        self._rng = np.random.default_rng(seed)
        self._rate = self._rng.uniform(0.1, 0.4, size=self.n_learners)
        self._competence = np.zeros((self.n_learners, n_tasks))
        self._clock = 0.0

    @property
    def space(self) -> Discrete:
        return self._space

    def step(self, tasks: np.ndarray) -> EventBatch:
        tasks = np.asarray(tasks, dtype=np.int64).reshape(self.n_learners, self.tasks_per_step)
        rows = np.arange(self.n_learners)
        score = np.empty(tasks.shape)
        c = self._competence
        for j in range(self.tasks_per_step):
            k = tasks[:, j]
            score[:, j] = self._rng.random(self.n_learners) < 0.1 + 0.8 * c[rows, k]
            ready = (k == 0) | (c[rows, np.maximum(k - 1, 0)] >= 0.5)
            c[rows, k] += np.where(ready, self._rate * (1 - c[rows, k]), 0.0)
        self._clock += 60.0
        return _events(self, tasks.reshape(-1), score.reshape(-1), self._clock)

    def measures(self) -> dict[str, float]:
        c = self._competence
        return {"mastery": float(c.mean()), "solved": float((c >= 0.9).mean())}

    def truth(self) -> dict[str, np.ndarray]:
        return {"competence": self._competence.copy(), "rate": self._rate.copy()}

    def oracle(self, seed: int | None = None) -> BaseTeacher:
        return ChainOracle(self.space, sim=self, seed=seed)


class ChainOracle(BaseTeacher):
    """Reads the truth: practice the first task not yet at 0.9 competence."""

    spaces = (Discrete,)

    def __init__(self, space: Any, *, sim: ChainStudent, seed: int | None = None) -> None:
        super().__init__(space, seed=seed)
        self.sim = sim

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        c = self.sim.truth()["competence"][int(learner_id[1:])]
        todo = np.flatnonzero(c < 0.9)
        return np.full(n, todo[0] if len(todo) else len(c) - 1, dtype=np.int64)

    @classmethod
    def _example(cls, space: Any, seed: int) -> BaseTeacher | None:
        return None


class PlaneStudent(Simulator):
    """The unit square in ``cells x cells`` cells, each learnable once a neighbour toward the
    origin is half learned; the score of an episode is the cell's competence."""

    primary: ClassVar[str] = "coverage"
    higher_is_better: ClassVar[bool] = True
    tasks_per_step = 2

    def __init__(self, n_learners: int = 1, *, seed: int | None = None, cells: int = 4) -> None:
        super().__init__(n_learners, seed=seed)
        self.cells = cells
        self._space = Box([0.0, 0.0], [1.0, 1.0], names=["x", "y"])
        self._rng = np.random.default_rng(seed)
        self._competence = np.zeros((self.n_learners, cells, cells))
        self._clock = 0.0

    @property
    def space(self) -> Box:
        return self._space

    def _cells(self, tasks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        idx = np.clip((tasks * self.cells).astype(np.int64), 0, self.cells - 1)
        return idx[..., 0], idx[..., 1]

    def step(self, tasks: np.ndarray) -> EventBatch:
        tasks = np.asarray(tasks, dtype=np.float64).reshape(self.n_learners, self.tasks_per_step, 2)
        cx, cy = self._cells(tasks)
        rows = np.arange(self.n_learners)
        c = self._competence
        score = np.empty(cx.shape)
        for j in range(self.tasks_per_step):
            x, y = cx[:, j], cy[:, j]
            score[:, j] = c[rows, x, y]
            left = np.where(x > 0, c[rows, np.maximum(x - 1, 0), y], 0.0)
            down = np.where(y > 0, c[rows, x, np.maximum(y - 1, 0)], 0.0)
            ready = ((x == 0) & (y == 0)) | (left >= 0.5) | (down >= 0.5)
            gain = np.where(ready, self._rng.uniform(0.1, 0.3, self.n_learners), 0.0)
            c[rows, x, y] = np.minimum(1.0, c[rows, x, y] + gain)
        self._clock += 1.0
        return _events(self, tasks.reshape(-1, 2), score.reshape(-1), self._clock)

    def measures(self) -> dict[str, float]:
        return {"coverage": float((self._competence >= 0.75).mean())}

    def truth(self) -> np.ndarray:
        return self._competence.copy()

    def oracle(self, seed: int | None = None) -> BaseTeacher:
        return PlaneOracle(self.space, sim=self, seed=seed)


class PlaneOracle(BaseTeacher):
    """Reads the truth: a random point in the least learned cell that can be learned now."""

    spaces = (Box,)

    def __init__(self, space: Any, *, sim: PlaneStudent, seed: int | None = None) -> None:
        super().__init__(space, seed=seed)
        self.sim = sim

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        c = self.sim.truth()[int(learner_id[1:])]
        k = self.sim.cells
        left = np.zeros_like(c)
        left[1:, :] = c[:-1, :]
        down = np.zeros_like(c)
        down[:, 1:] = c[:, :-1]
        ready = (left >= 0.5) | (down >= 0.5)
        ready[0, 0] = True
        score = np.where(ready & (c < 0.75), c, np.inf)
        x, y = np.unravel_index(int(np.argmin(score)), c.shape)
        low = np.array([x, y], dtype=np.float64) / k
        return low + self._rng.uniform(0.0, 1.0 / k, size=(n, 2))

    @classmethod
    def _example(cls, space: Any, seed: int) -> BaseTeacher | None:
        return None
