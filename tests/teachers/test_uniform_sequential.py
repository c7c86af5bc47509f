"""Uniform and Sequential: golden sequences, behaviour, validation; check_teacher itself."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from teachkit import Event, Outcome
from teachkit.checks import check_teacher
from teachkit.checks._teacher import TeacherCheckError
from teachkit.errors import ValidationError
from teachkit.spaces import Box, Discrete
from teachkit.teachers import BaseTeacher, Sequential, Uniform

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_uniform_golden_sequences() -> None:
    tasks = Uniform(Discrete(["a", "b", "c"]), seed=0).ask("alice", n=6)
    assert tasks == ["b", "a", "a", "a", "c", "c"]
    box = Uniform(Box([0, 0], [1, 10]), seed=0).ask("bot", n=2)
    np.testing.assert_allclose(
        box, [(0.6369616873, 2.6978671376), (0.0409735239, 0.1652763553)], rtol=1e-9
    )


def test_uniform_covers_every_task() -> None:
    counts = np.bincount(Uniform(Discrete(5), seed=1).ask_encoded("x", 5000), minlength=5)
    assert counts.min() > 900


def _tell(teacher: BaseTeacher, learner: str, task: object, scores: list[float]) -> None:
    teacher.tell([Event(learner, task, Outcome(score=s), T0) for s in scores])  # type: ignore[arg-type]


def test_sequential_follows_prerequisites_and_advances_per_learner() -> None:
    space = Discrete(["mul", "add", "count"], prerequisites={"mul": ["add"], "add": ["count"]})
    teacher = Sequential(space, threshold=0.75, window=4)
    assert teacher.ask("ann", 2) == ["count", "count"]
    _tell(teacher, "ann", "count", [1, 1, 1])
    assert teacher.ask("ann") == ["count"]  # 3 outcomes; the window needs 4
    _tell(teacher, "ann", "count", [0])
    assert teacher.ask("ann") == ["add"]  # mean of 1, 1, 1, 0 is 0.75: passed
    assert teacher.ask("bob") == ["count"]  # bob has his own position


def test_sequential_uses_a_sliding_window() -> None:
    teacher = Sequential(Discrete(["a", "b", "c"]), threshold=0.8, window=3)
    _tell(teacher, "ann", "a", [1, 1, 0])
    assert teacher.stage_of("ann") == 0  # 1, 1, 0: 0.67
    _tell(teacher, "ann", "a", [1])
    assert teacher.stage_of("ann") == 0  # 1, 0, 1: 0.67
    _tell(teacher, "ann", "a", [1])
    assert teacher.stage_of("ann") == 0  # 0, 1, 1: 0.67
    _tell(teacher, "ann", "a", [1])
    assert teacher.stage_of("ann") == 1  # 1, 1, 1
    _tell(teacher, "ann", "c", [1, 1, 1])  # outcomes on another stage do not count
    assert teacher.stage_of("ann") == 1
    _tell(teacher, "ann", "b", [1, 1, 1])
    _tell(teacher, "ann", "c", [1, 1, 1])
    assert teacher.ask("ann") == ["c"]  # stays on the last stage
    assert teacher.stage_of("ann") == 2


def test_sequential_min_attempts() -> None:
    teacher = Sequential(Discrete(["a", "b"]), threshold=0.5, window=5, min_attempts=2)
    _tell(teacher, "ann", "a", [1])
    assert teacher.stage_of("ann") == 0
    _tell(teacher, "ann", "a", [1])
    assert teacher.stage_of("ann") == 1


def test_sequential_on_a_box_walks_the_diagonal() -> None:
    space = Box([0, 0], [1, 10])
    teacher = Sequential(space, stages=3, window=1, threshold=0.5)
    assert teacher.ask("r") == [(0.0, 0.0)]
    teacher.tell([Event("r", (0.0, 0.0), Outcome(reward=1.0), T0)])
    assert teacher.ask("r") == [(0.5, 5.0)]
    jitter = Sequential(space, stages=3, spread=0.1, seed=0)
    for task in jitter.ask("r", 20):
        assert abs(task[0]) <= 0.1 and abs(task[1]) <= 1.0
    custom = Sequential(space, order=[(1, 10), (0, 0)])
    assert custom.ask("r") == [(1.0, 10.0)]


SEQUENTIAL_ERRORS = [
    (dict(window=0), "window: expected an integer >= 1, got 0"),
    (dict(threshold=float("nan")), "threshold: expected a finite number, got nan"),
    (dict(spread=2.0), "spread: expected a fraction in [0, 1], got 2.0"),
    (dict(order=["a", "zz"]), "unknown task 'zz'"),
    (dict(order=[]), "order: expected at least one task, got none"),
]


@pytest.mark.parametrize(("kwargs", "message"), SEQUENTIAL_ERRORS)
def test_sequential_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        Sequential(Discrete(["a", "b"]), **kwargs)
    assert message in str(info.value)


def test_teacher_constructor_errors() -> None:
    with pytest.raises(ValidationError, match="space: expected a teachkit space"):
        Uniform(["a", "b"])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"seed: expected an integer >= 0 or None, got 1\.5"):
        Uniform(Discrete(2), seed=1.5)  # type: ignore[arg-type]

    class _BoxOnly(Uniform):
        spaces = (Box,)

    with pytest.raises(ValidationError, match="this teacher works on Box spaces, got Discrete"):
        _BoxOnly(Discrete(2))


class _Forgetful(BaseTeacher):
    """Keeps what it learned in a public attribute, which state_dict() does not capture."""

    def __init__(self, space: Discrete, *, seed: int | None = None) -> None:
        super().__init__(space, seed=seed)
        self.total = 0.0

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        return np.full(n, int(self.total) % self.space.n, dtype=np.int64)

    def _tell(self, batch: object) -> None:
        self.total += 10 * float(batch.score.sum())  # type: ignore[attr-defined]


class _Unseeded(Uniform):
    """Draws from the global numpy RNG instead of its own."""

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        return np.random.randint(0, self.space.n, size=n).astype(np.int64)  # noqa: NPY002


class _Outside(Uniform):
    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        return np.full(n, self.space.n, dtype=np.int64)


@pytest.mark.parametrize(
    ("teacher", "expected"),
    [
        (_Forgetful(Discrete(4)), "state round trip"),
        (_Unseeded(Discrete(4), seed=0), "determinism"),
        (_Outside(Discrete(4)), "expected task indices in [0, 4), got values from 4 to 4"),
    ],
)
def test_check_teacher_catches_broken_teachers(teacher: BaseTeacher, expected: str) -> None:
    with pytest.raises(TeacherCheckError) as info:
        check_teacher(teacher)
    assert expected in str(info.value)


def test_check_teacher_passes_the_baselines() -> None:
    check_teacher(Sequential(Box([0], [1]), stages=4, window=2, spread=0.2, seed=1))
