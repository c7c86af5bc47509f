"""Helpers the people simulators share: parameter checks, task-array checks, the clock origin."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._validation import check_number, did_you_mean
from teachkit.errors import ValidationError

T0 = 1.7e9  # the virtual clock's origin, POSIX seconds (2023-11-14), so runs are reproducible


class Checker:
    """Collects every problem with a simulator's arguments, then raises once."""

    def __init__(self, subject: str) -> None:
        self.subject = subject
        self.problems: list[str] = []

    def number(
        self, name: str, value: Any, low: float | None = None, high: float | None = None
    ) -> None:
        check_number(self.problems, name, value, low=low, high=high)

    def integer(self, name: str, value: Any, low: int = 1, high: int | None = None) -> None:
        ok = isinstance(value, int | np.integer) and not isinstance(value, bool)
        if not ok or value < low or (high is not None and value > high):
            span = f"in [{low}, {high}]" if high is not None else f">= {low}"
            self.problems.append(f"{name}: expected an integer {span}, got {value!r}")

    def choice(self, name: str, value: Any, choices: tuple[str, ...]) -> None:
        if value not in choices:
            self.problems.append(
                f"{name}: expected one of {', '.join(map(repr, choices))}, got {value!r}"
                f"{did_you_mean(str(value), choices)}"
            )

    def done(self) -> None:
        if self.problems:
            raise ValidationError(self.subject, self.problems)


def check_seed(subject: str, seed: Any) -> None:
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        raise ValidationError(subject, [f"seed: expected an integer or None, got {seed!r}"])


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
