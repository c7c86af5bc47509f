"""Small builders for teacher tests on Box spaces."""

from __future__ import annotations

import numpy as np

from teachkit._batch import EventBatch, OutcomeBatch


def box_batch(
    tasks: np.ndarray,
    reward: np.ndarray | list[float],
    *,
    learner: str = "a",
    success: np.ndarray | list[float] | None = None,
) -> EventBatch:
    tasks = np.asarray(tasks, dtype=np.float64)
    n = len(tasks)
    return EventBatch.build(
        learner_ids=np.array([learner] * n, dtype=object),
        tasks=tasks,
        outcomes=OutcomeBatch(
            reward=np.asarray(reward, dtype=np.float64),
            success=None if success is None else np.asarray(success, dtype=np.float64),
        ),
        times=np.full(n, 1.7e9),
        assignment_ids=np.full(n, -1),
    )


def run(teacher, reward_fn, episodes: int, *, batch: int = 1) -> list[np.ndarray]:
    """Ask/tell ``episodes`` episodes in batches; returns every batch of tasks asked."""
    asked = []
    for _ in range(episodes // batch):
        tasks = teacher.ask_encoded("a", batch)
        asked.append(tasks)
        teacher.tell(box_batch(tasks, reward_fn(tasks)))
    return asked
