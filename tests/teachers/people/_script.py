"""A fixed, deterministic interaction for golden tests of the people teachers."""

from __future__ import annotations

import numpy as np

from teachkit._batch import EventBatch, OutcomeBatch
from teachkit.spaces import Discrete
from teachkit.teachers import BaseTeacher

T0 = 1.7e9


def arithmetic() -> Discrete:
    return Discrete(
        ["count", "add1", "add2", "sub", "mul1", "mul2", "div", "word"],
        skills={
            "count": ["number"],
            "add1": ["addition"],
            "add2": ["addition"],
            "sub": ["subtraction"],
            "mul1": ["multiplication"],
            "mul2": ["multiplication"],
            "div": ["division"],
            "word": ["addition", "multiplication"],
        },
        prerequisites={
            "addition": ["number"],
            "subtraction": ["addition"],
            "multiplication": ["addition"],
            "division": ["multiplication", "subtraction"],
        },
    )


def tell(teacher: BaseTeacher, learner: str, task: int, correct: bool, time: float) -> None:
    teacher.tell(
        EventBatch.build(
            learner_ids=[learner],
            tasks=np.array([task], dtype=np.int64),
            outcomes=OutcomeBatch(score=np.array([float(correct)])),
            times=np.array([time]),
            assignment_ids=np.array([-1]),
        )
    )


def play(teacher: BaseTeacher, steps: int, *, gap: float = 60.0) -> list[str]:
    """One learner answering: correct on a task once it was practised twice before."""
    seen: dict[int, int] = {}
    out = []
    for k in range(steps):
        task = int(teacher.ask_encoded("ana", 1)[0])
        out.append(teacher.space.decode(np.array([task]))[0])
        correct = seen.get(task, 0) >= 2
        seen[task] = seen.get(task, 0) + 1
        tell(teacher, "ana", task, correct, T0 + gap * k)
    return out
