"""teachkit: one teaching engine for people and machines.

It decides what a learner should practice next, learns from every outcome, and keeps its
whole state in a durable log.

    >>> import teachkit as tk
    >>> space = tk.spaces.Discrete(["add", "sub", "mul"], prerequisites={"mul": ["add"]})
    >>> cur = tk.Curriculum(tk.teachers.Uniform(space, seed=0))
    >>> assignment = cur.ask("alice")
    >>> event = cur.tell(assignment, tk.Outcome(score=1.0))
"""

from __future__ import annotations

from teachkit import errors, spaces, storages, teachers
from teachkit._batch import EventBatch, OutcomeBatch
from teachkit._records import Assignment, Event, Outcome, Task
from teachkit._version import __version__
from teachkit.curriculum import AssignmentBatch, Curriculum
from teachkit.errors import TeachkitError, ValidationError

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
    "errors",
    "spaces",
    "storages",
    "teachers",
]
