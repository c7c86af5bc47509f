"""Event batches for the machine-teacher tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from teachkit import EventBatch, OutcomeBatch


def batch(
    tasks: Sequence[int],
    *,
    score: Sequence[float] | None = None,
    rewards: Any = None,
    advantages: Any = None,
    learner: str = "agent",
) -> EventBatch:
    """An EventBatch of one learner over encoded ``tasks``."""
    n = len(tasks)
    return EventBatch.build(
        learner_ids=[learner] * n,
        tasks=np.asarray(tasks, dtype=np.int64),
        outcomes=OutcomeBatch(
            score=None if score is None else np.asarray(score, dtype=float),
            rewards=None if rewards is None else np.asarray(rewards, dtype=float),
            advantages=None if advantages is None else np.asarray(advantages, dtype=float),
        ),
        times=np.full(n, 1.7e9),
        assignment_ids=np.full(n, -1),
    )


def grpo(rewards: Sequence[float], eps: float = 1e-6) -> np.ndarray:
    """Group-normalized advantages, computed independently of teachkit."""
    r = np.asarray(rewards, dtype=float)
    mean = sum(r) / len(r)
    std = (sum((x - mean) ** 2 for x in r) / len(r)) ** 0.5
    return (r - mean) / (std + eps)
