"""teachkit: one teaching engine for people and machines.

It decides what a learner should practice next, learns from every outcome, and keeps its
whole state in a durable log.

    >>> import teachkit as tk
    >>> space = tk.spaces.Discrete(["add", "sub", "mul"], prerequisites={"mul": ["add"]})
    >>> cur = tk.Curriculum(tk.teachers.Uniform(space, seed=0))
    >>> assignment = cur.ask("alice")
    >>> event = cur.tell(assignment, tk.Outcome(score=1.0))

The core (records, spaces, storages, the curriculum) loads with ``import teachkit``; the
packages built on it (teachers, learner models, simulators, the benchmark harness,
integrations) load on first use of ``tk.teachers`` and the like.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from teachkit import errors, spaces, storages
from teachkit._batch import EventBatch, OutcomeBatch
from teachkit._records import Assignment, Event, Outcome, Task
from teachkit._version import __version__
from teachkit.curriculum import AssignmentBatch, Curriculum
from teachkit.errors import TeachkitError, ValidationError

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from teachkit import benchmark, data, evaluation, learners, registry, simulators, teachers

_LAZY = ("benchmark", "data", "evaluation", "learners", "registry", "simulators", "teachers")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return importlib.import_module(f"teachkit.{name}")
    raise AttributeError(f"module 'teachkit' has no attribute {name!r}")


__all__ = [
    "Assignment",
    "AssignmentBatch",
    "Curriculum",
    "Event",
    "EventBatch",
    "Outcome",
    "OutcomeBatch",
    "Task",
    "TeachkitError",
    "ValidationError",
    "__version__",
    "benchmark",
    "data",
    "errors",
    "evaluation",
    "learners",
    "registry",
    "simulators",
    "spaces",
    "storages",
    "teachers",
]
