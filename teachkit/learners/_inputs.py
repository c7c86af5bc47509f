"""Turning what callers pass (logs, events, batches, ids, times) into what models use."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._records import Event
from teachkit._validation import check_learner_id, preview
from teachkit.data._log import InteractionLog
from teachkit.errors import ValidationError


def as_log(model: Any, data: Any, *, sort: bool, adopt: bool) -> InteractionLog:
    """Any accepted input as an InteractionLog on the model's space (adopting the log's
    space when the model has none and ``adopt``); validated before anything changes."""
    if isinstance(data, InteractionLog):
        if model._space is None:
            if not adopt:
                raise ValidationError(
                    type(model).__name__,
                    ["this model has no space yet: build it with a space or fit it first"],
                )
            model._adopt(data.space)
        return data.with_space(model.space_)
    space = model.space_
    if isinstance(data, Event):
        data = [data]
    if isinstance(data, EventBatch):
        batch = data
    elif isinstance(data, Sequence) and not isinstance(data, str | bytes):
        batch = EventBatch.from_events(list(data), space)
    else:
        raise ValidationError(
            type(model).__name__,
            [
                "expected an InteractionLog, an Event, a list of Events or an EventBatch, "
                f"got {type(data).__name__}"
            ],
        )
    if batch.tasks.ndim != 1 or batch.tasks.dtype.kind not in "iu":
        raise ValidationError(type(model).__name__, ["expected events on a Discrete space"])
    if len(batch) and (batch.tasks.min() < 0 or batch.tasks.max() >= space.n):
        raise ValidationError(type(model).__name__, ["task index outside the model's space"])
    gap = np.isnan(batch.signal()) & np.isnan(batch.success)
    if gap.any():
        raise ValidationError(
            type(model).__name__,
            [
                f"events at {preview(np.flatnonzero(gap).tolist())} carry no score, success or reward"
            ],
        )
    bad = [i for i, x in enumerate(batch.learner_ids.tolist()) if not isinstance(x, str) or not x]
    if bad:
        raise ValidationError(
            type(model).__name__,
            [f"expected non-empty string learner ids, got others at {preview(bad)}"],
        )
    return (
        InteractionLog.from_events(batch, space)
        if sort
        else InteractionLog.from_batch(batch, space)
    )


def _steps(log: InteractionLog) -> list[np.ndarray]:
    """Row indices grouped by position in each learner's sequence: step k holds every
    learner's k-th answer, so learners within a step are distinct."""
    pos = log.position
    order = np.argsort(pos, kind="stable")
    counts = np.bincount(pos, minlength=1) if len(pos) else np.zeros(0, dtype=np.int64)
    return np.split(order, np.cumsum(counts)[:-1]) if len(pos) else []


def _learner_list(learner_ids: str | Sequence[str], n: int) -> list[str]:
    if isinstance(learner_ids, str):
        check_learner_id(learner_ids)
        return [learner_ids] * n
    ids = list(learner_ids)
    if len(ids) == 1 and n != 1:
        ids = ids * n
    if len(ids) != n:
        raise ValidationError(
            "predict", [f"expected one learner id per task ({n}), got {len(ids)}"]
        )
    for x in ids:
        check_learner_id(x)
    return ids


def _seconds(time: datetime | float) -> float:
    if isinstance(time, datetime):
        if time.tzinfo is None:
            raise ValidationError(
                "time", [f"expected a timezone-aware datetime, got the naive {time.isoformat()}"]
            )
        return time.timestamp()
    return float(time)
