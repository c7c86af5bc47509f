"""Conversions between the stored (text) form of tasks and events and teachers' arrays."""

from __future__ import annotations

import json

import numpy as np

from teachkit._batch import EventBatch
from teachkit.spaces import Discrete, Space
from teachkit.storages._base import EventRows


def tasks_to_text(space: Space, encoded: np.ndarray) -> list[str]:
    """Encoded tasks to their stored form: the name, or a JSON list of floats."""
    if isinstance(space, Discrete):
        return space.decode(encoded)
    return [json.dumps(row) for row in np.asarray(encoded, dtype=np.float64).tolist()]


def text_to_tasks(space: Space, texts: list[str]) -> np.ndarray:
    """Stored task texts back to an encoded array (names repeat a lot: look each up once)."""
    if isinstance(space, Discrete):
        return space.encode(texts)
    if not texts:
        return np.empty((0, getattr(space, "dim", 0)), dtype=np.float64)
    return np.asarray([json.loads(t) for t in texts], dtype=np.float64)


def _vec_to_text(v: np.ndarray | None) -> str | None:
    return None if v is None else json.dumps(v.tolist())


def _vecs_to_text(vectors: tuple[np.ndarray | None, ...]) -> list[str | None]:
    if all(v is None for v in vectors):
        return [None] * len(vectors)
    return [_vec_to_text(v) for v in vectors]


def _text_to_vec(t: str | None) -> np.ndarray | None:
    return None if t is None else np.asarray(json.loads(t), dtype=np.float64)


def batch_to_rows(batch: EventBatch, tasks: list[str]) -> EventRows:
    """An EventBatch (with its tasks already in text form) as storable rows."""
    return EventRows(
        seq=np.zeros(len(batch), dtype=np.int64),
        learner_ids=batch.learner_ids.tolist(),
        tasks=tasks,
        score=batch.score,
        reward=batch.reward,
        success=batch.success,
        duration=batch.duration,
        time=batch.time,
        rewards=_vecs_to_text(batch.rewards),
        advantages=_vecs_to_text(batch.advantages),
        assignment_ids=batch.assignment_ids,
    )


def rows_to_batch(space: Space, rows: EventRows) -> EventBatch:
    """Stored rows back to the EventBatch a teacher was told."""
    return EventBatch(
        learner_ids=np.asarray(rows.learner_ids, dtype=object),
        tasks=text_to_tasks(space, rows.tasks),
        score=rows.score,
        reward=rows.reward,
        success=rows.success,
        duration=rows.duration,
        time=rows.time,
        assignment_ids=rows.assignment_ids,
        rewards=tuple(_text_to_vec(t) for t in rows.rewards),
        advantages=tuple(_text_to_vec(t) for t in rows.advantages),
    )
