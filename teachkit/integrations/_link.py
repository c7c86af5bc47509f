"""One way to ask for tasks and tell episode outcomes, whatever hands the tasks out.

Integrations (Gymnasium wrappers, the TeachMyAgent adapter) talk to a *link*: a
:class:`~teachkit.Curriculum` (durable, assignments with ids), a bare teacher (fastest, in
memory) or a shared teacher in a Ray actor. Each link hands out tasks with a token and
takes outcomes back by token, so the wrappers need not care which one they hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from teachkit._batch import EventBatch, OutcomeBatch
from teachkit._records import Task
from teachkit.errors import ValidationError


class Link(Protocol):
    """Asks for tasks and tells outcomes, by token."""

    def ask(self, n: int) -> tuple[list[Any], list[Task]]:
        """``n`` tasks for the learner: (tokens, tasks in public form)."""
        ...

    def tell(self, tokens: Sequence[Any], returns: np.ndarray, success: np.ndarray | None) -> None:
        """Episode outcomes of the tasks with these tokens."""
        ...


class CurriculumLink:
    """Assignments of a :class:`~teachkit.Curriculum`; tokens are assignment ids."""

    def __init__(self, curriculum: Any, learner_id: str) -> None:
        self.curriculum = curriculum
        self.learner_id = learner_id

    def ask(self, n: int) -> tuple[list[Any], list[Task]]:
        """``n`` assignments of the learner: (assignment ids, tasks)."""
        if n == 1:
            a = self.curriculum.ask(self.learner_id)
            return [a.id], [a.task]
        batch = self.curriculum.ask_many(self.learner_id, n)
        return batch.ids.tolist(), list(batch.tasks)

    def tell(self, tokens: Sequence[Any], returns: np.ndarray, success: np.ndarray | None) -> None:
        """Record the outcomes of the assignments with these ids (one op)."""
        self.curriculum.tell_many(list(tokens), OutcomeBatch(reward=returns, success=success))


class TeacherLink:
    """A bare teacher, in memory; tokens are the encoded tasks."""

    def __init__(self, teacher: Any, learner_id: str) -> None:
        self.teacher = teacher
        self.learner_id = learner_id
        self._space = teacher.space

    def ask(self, n: int) -> tuple[list[Any], list[Task]]:
        """``n`` tasks from the teacher: (encoded tasks, tasks)."""
        encoded = self.teacher.ask_encoded(self.learner_id, n)
        return list(encoded), self._space.decode(encoded)

    def tell(self, tokens: Sequence[Any], returns: np.ndarray, success: np.ndarray | None) -> None:
        """Tell the teacher the outcomes of these encoded tasks."""
        n = len(tokens)
        tasks = np.stack(tokens) if n else np.empty(0)
        self.teacher.tell(
            EventBatch.build(
                learner_ids=np.array([self.learner_id] * n, dtype=object),
                tasks=tasks,
                outcomes=OutcomeBatch(reward=returns, success=success),
                times=np.full(n, _now()),
                assignment_ids=np.full(n, -1),
            )
        )


def _now() -> float:
    import time

    return time.time()


def make_link(source: Any, learner_id: str, where: str) -> Link:
    """The link for a Curriculum, a teacher, or anything with a ``link(learner_id)`` method."""
    from teachkit._teacher import BaseTeacher
    from teachkit.curriculum import Curriculum

    if isinstance(source, Curriculum):
        return CurriculumLink(source, learner_id)
    if isinstance(source, BaseTeacher):
        return TeacherLink(source, learner_id)
    if hasattr(source, "link"):
        link: Link = source.link(learner_id)
        return link
    raise ValidationError(
        where,
        [
            f"curriculum: expected a teachkit Curriculum, a teacher or a shared teacher "
            f"(teachkit.integrations.ray.SharedTeacher), got {type(source).__name__}"
        ],
    )


def success_column(flags: Sequence[Any]) -> np.ndarray | None:
    """Success as 0/1 when every episode reported one, else None (an unknown success is
    not a failure)."""
    if not flags or any(f is None for f in flags):
        return None
    return np.array([1.0 if f else 0.0 for f in flags])
