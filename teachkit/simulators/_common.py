"""Helpers the simulators and their oracles share: the task-array check, the sigmoid, the
clock origin, the oracles' top-k."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit.errors import ValidationError

TYPICAL = 16  # an oracle asked about an unknown learner uses the mean of the first 16
T0 = 1.7e9  # the virtual clock's origin, POSIX seconds (2023-11-14), so runs are reproducible


def check_tasks(
    subject: str, tasks: Any, n_learners: int, per_step: int, n_tasks: int
) -> np.ndarray:
    """Validate a step's encoded Discrete tasks: int array ``(n_learners, per_step)`` in range."""
    try:
        arr = np.asarray(tasks)
    except Exception:  # pragma: no cover - numpy accepts nearly anything
        arr = np.array([], dtype=object)
    shape = (n_learners, per_step)
    if arr.ndim == 1 and per_step == 1 and arr.shape[0] == n_learners:
        arr = arr[:, None]
    if arr.shape != shape:
        raise ValidationError(
            subject,
            [
                f"tasks: expected encoded task indices of shape {shape} (learners x "
                f"tasks_per_step), got shape {arr.shape}; encode names with space.encode"
            ],
        )
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise ValidationError(
                subject,
                [
                    f"tasks: expected integer task indices, got dtype {arr.dtype}; "
                    "encode names with space.encode"
                ],
            )
    bad = (arr < 0) | (arr >= n_tasks)
    if bad.any():
        rows = np.unique(np.nonzero(bad)[0])[:5].tolist()
        raise ValidationError(
            subject,
            [
                f"tasks: expected indices in [0, {n_tasks - 1}], got {arr[bad][:5].tolist()} "
                f"(learner rows {rows})"
            ],
        )
    return arr.astype(np.int64, copy=False)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def top_indices(gains: np.ndarray, n: int) -> np.ndarray:
    """The ``n`` largest gains' indices, best first (ties: lower index); cycles when short."""
    order = np.argsort(-gains, kind="stable")
    return np.resize(order, n).astype(np.int64)
