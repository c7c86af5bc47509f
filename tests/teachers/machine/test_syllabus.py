"""The Syllabus adapter keeps Syllabus's call shapes (and runs inside Syllabus if installed)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from teachkit.errors import ValidationError
from teachkit.integrations.syllabus import TeachkitCurriculum
from teachkit.spaces import Box, Discrete
from teachkit.teachers import PLR, SEC, TSCL, TargetDifficulty, Uniform

# Syllabus 0.7's documented signatures (syllabus.core.Curriculum), parameter names in order.
SYLLABUS_SIGNATURES = {
    "sample": ["k"],
    "update_task_progress": ["task", "progress", "env_id"],
    "update_on_episode": ["episode_return", "length", "task", "progress", "env_id"],
    "_sample_distribution": [],
    "log_metrics": ["writer", "logs", "step", "log_n_tasks"],
}


@pytest.mark.parametrize("method", list(SYLLABUS_SIGNATURES))
def test_call_shapes_match_syllabus(method: str) -> None:
    params = inspect.signature(getattr(TeachkitCurriculum, method)).parameters
    positional = [
        p.name
        for p in params.values()
        if p.name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY)
    ]
    assert positional == SYLLABUS_SIGNATURES[method]


def test_samples_and_updates_reach_the_teacher() -> None:
    space = Discrete(4)
    teacher = TSCL(space, estimator="online", alpha=0.5, epsilon=0.0, seed=0)
    cur = TeachkitCurriculum(teacher, task_space=None)
    assert cur.num_tasks == 4 and cur.tasks == [0, 1, 2, 3]
    assert not cur.requires_step_updates
    tasks = cur.sample(k=3)
    assert isinstance(tasks, list) and all(isinstance(t, int) for t in tasks)
    cur.update_task_progress(2, 0.2)
    cur.update_task_progress(2, 0.6)
    cur.update_on_episode(5.0, 100, 1, 0.5)  # progress is the score, return the reward
    np.testing.assert_allclose(teacher.values(), [0, 0, 0.2, 0])  # 0.5 * (0.6 - 0.2)
    dist = cur._sample_distribution()
    assert dist == pytest.approx([0, 0, 1, 0])
    assert cur.sample(k=2) == [2, 2]
    logs = cur.log_metrics(None, [], step=1, log_n_tasks=-1)
    assert [name for name, _ in logs] == [f"curriculum/{i}_prob" for i in range(4)]


def test_group_outcomes_and_batching() -> None:
    teacher = SEC(Discrete(3), alpha=1.0, seed=0)
    cur = TeachkitCurriculum(teacher, task_space=None, batch_size=2)
    cur.update_on_episode(1.0, 10, 0, 1.0, rewards=[1, 0])
    assert teacher.values().tolist() == [0, 0, 0]  # pending until the batch is full
    cur.update_on_episode(0.0, 10, 1, 0.0, rewards=[0, 0])
    np.testing.assert_allclose(teacher.values(), [0.999998, 0, 0])
    cur.update_on_episode(1.0, 10, 2, 1.0, advantages=[2.0, -2.0])
    cur.flush()
    np.testing.assert_allclose(teacher.values(), [0.999998, 0, 2.0])


def test_state_round_trip_and_distributions() -> None:
    cur = TeachkitCurriculum(PLR(Discrete(5), score="learnability", seed=1), task_space=None)
    for t in cur.sample(k=4):
        cur.update_task_progress(t, 1.0 if t % 2 else 0.0)
    assert sum(cur._sample_distribution()) == pytest.approx(1.0)
    other = TeachkitCurriculum(PLR(Discrete(5), score="learnability", seed=1), task_space=None)
    other.load_state_dict(cur.state_dict())
    assert other.sample(k=6) == cur.sample(k=6)
    thompson = TeachkitCurriculum(TargetDifficulty(Discrete(3)), task_space=None)
    with pytest.raises(NotImplementedError):
        thompson._sample_distribution()
    assert thompson.log_metrics(None, None) == []


def test_bad_input() -> None:
    cur = TeachkitCurriculum(Uniform(Discrete(3)), task_space=None)
    with pytest.raises(ValidationError, match=r"expected an index in \[0, 3\), got 7"):
        cur.update_task_progress(7, 1.0)
    with pytest.raises(ValidationError, match="expected an encoded task"):
        cur.update_task_progress("a", 1.0)
    with pytest.raises(ValidationError, match="progress: expected a number in"):
        cur.update_on_episode(1.0, 3, 0, 2.0)
    with pytest.raises(ValidationError, match="rewards/advantages"):
        cur.update_on_episode(1.0, 3, 0, 1.0, rewards=[])
    with pytest.raises(NotImplementedError, match="not single steps"):
        cur.update_on_step(0, None, 0.0, False, False, {}, 0.0)
    with pytest.raises(ValidationError, match="Discrete space"):
        TeachkitCurriculum(Uniform(Box([0], [1])))


def test_inside_syllabus_if_installed() -> None:
    core = pytest.importorskip("syllabus.core")
    Curriculum, CurriculumWrapper = core.Curriculum, core.CurriculumWrapper
    from syllabus.task_space import DiscreteTaskSpace

    for method, names in SYLLABUS_SIGNATURES.items():
        theirs = [
            p for p in inspect.signature(getattr(Curriculum, method)).parameters if p != "self"
        ]
        assert theirs == names, method
    cur = TeachkitCurriculum(TSCL(Discrete(4), seed=0))
    assert isinstance(cur.task_space, DiscreteTaskSpace) and cur.task_space.num_tasks == 4
    wrapped = CurriculumWrapper(cur)  # Syllabus's own wrapper forwards every call
    tasks = wrapped.sample(k=2)
    wrapped.update_on_episode(1.0, 5, tasks[0], 1.0)
    wrapped.update_task_progress(tasks[1], 0.0)
    assert len(wrapped._sample_distribution()) == 4
