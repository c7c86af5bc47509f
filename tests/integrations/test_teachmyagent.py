"""TeachMyAgent / teachDeepRL call shapes."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.integrations import teachmyagent as tma
from tests.teachers.continuous._helpers import box_batch


def test_task_teacher_round_trip_with_named_bounds() -> None:
    t = tma.TaskTeacher("alp_gmm", {"height": (0, 3), "gap": (0, 6)}, seed=0, fit_rate=20, ks=(2,))
    for _ in range(25):
        task = t.sample_task()
        assert task.dtype == np.float64 and (task >= [0, 0]).all() and (task <= [3, 6]).all()
        t.episodic_update(task, reward=float(task[0]), is_success=task[0] > 1)
    assert t.teacher.episodes == 25 and t.teacher.mixture() is not None
    assert t.task_dict([1.0, 2.0]) == {"height": 1.0, "gap": 2.0}


def test_same_seed_same_tasks_as_the_teacher_itself() -> None:
    t = tma.ALPGMM([0, 0], [1, 1], seed=3, fit_rate=30, potential_ks=np.arange(2, 4))
    direct = tk.teachers.ALPGMM(
        tk.spaces.Box([0, 0], [1, 1]), fit_rate=30, ks=(2, 3), seed=3, solved_above=None
    )
    for i in range(40):
        a = t.sample_task()
        b = direct.ask_encoded("agent", 1)[0]
        np.testing.assert_array_equal(a, b)
        t.update(a, float(i % 3))
        direct.tell(box_batch(b[None, :], [float(i % 3)], learner="agent"))


def test_adr_boundaries_move_through_the_adapter() -> None:
    adr = tma.ADR(
        [0, 0],
        [1, 1],
        seed=0,
        step_size=0.1,
        max_reward_thr=1.0,
        min_reward_thr=0.0,
        initial_dist={"mean": np.array([0.5, 0.5]), "variance": None},
        boundary_sampling_p=1.0,
        queue_len=2,
    )
    for _ in range(4):
        task = adr.sample_task()
        adr.episodic_update(task, reward=1.0, is_success=True)
    low, high = adr.teacher.bounds
    assert (low < 0.5).any() or (high > 0.5).any()


def test_durable_storage_and_foreign_tasks(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    t = tma.TaskTeacher("riac", {"a": (0, 1)}, seed=0, storage=url, name="tma")
    task = t.sample_task()
    t.episodic_update(task, 1.0, True)
    t.episodic_update(np.array([0.25]), 0.0, False)  # never sampled: recorded as is
    events = t.curriculum.events()
    assert [e.task for e in events] == [tuple(task), (0.25,)]
    assert events[0].assignment_id is not None and events[1].assignment_id is None
    # a restarted run resumes the stored curriculum, teacher state included
    again = tma.TaskTeacher("riac", {"a": (0, 1)}, seed=0, storage=url, name="tma")
    assert again.teacher.state_bytes() == t.teacher.state_bytes()
    expected = t.teacher.clone()
    expected.load_state_bytes(t.teacher.state_bytes())
    np.testing.assert_array_equal(again.sample_task(), expected.ask_encoded("agent", 1)[0])


def test_errors() -> None:
    with pytest.raises(ValidationError, match="unknown parameter 'fitrate'"):
        tma.ALPGMM([0], [1], fitrate=3)
    with pytest.raises(ValidationError, match="same length"):
        tma.RIAC([0, 0], [1])
    with pytest.raises(ValidationError, match="param_bounds"):
        tma.TaskTeacher("uniform", {})
