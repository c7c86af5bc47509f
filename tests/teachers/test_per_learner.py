"""per_learner=True: one independent copy of a continuous teacher per learner id."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit.checks import check_teacher
from teachkit.errors import ValidationError
from tests.teachers._helpers import box_batch

BOX = tk.spaces.Box([0.0, 0.0], [1.0, 1.0])


@pytest.mark.parametrize(
    "teacher",
    [
        tk.teachers.ALPGMM(BOX, fit_rate=20, ks=(2,), per_learner=True, seed=0),
        tk.teachers.CovarGMM(BOX, fit_rate=20, ks=(2,), per_learner=True, seed=0),
        tk.teachers.RIAC(BOX, max_region_size=20, per_learner=True, seed=0),
        tk.teachers.ADR(BOX, initial=[0, 0], buffer_size=2, per_learner=True, seed=0),
    ],
    ids=lambda t: type(t).__name__,
)
def test_keeps_the_contract(teacher) -> None:
    check_teacher(teacher)


def test_learners_do_not_share_a_model() -> None:
    t = tk.teachers.ADR(BOX, initial=[0, 0], step_size=0.1, buffer_size=2, per_learner=True, seed=0)
    for _ in range(2):
        t.tell(box_batch([[0.0, 0.0]], [1.0], learner="good"))
        t.tell(box_batch([[0.0, 0.0]], [0.0], learner="bad"))
    np.testing.assert_allclose(t.learner("good").bounds[1], [0.1, 0.1])
    np.testing.assert_allclose(t.learner("bad").bounds[1], [0.0, 0.0])
    shared = tk.teachers.ADR(BOX, initial=[0, 0], step_size=0.1, buffer_size=2, seed=0)
    assert shared.learner("anyone") is shared


def test_per_learner_state_round_trip() -> None:
    t = tk.teachers.ALPGMM(BOX, fit_rate=20, ks=(2,), per_learner=True, seed=3)
    rng = np.random.default_rng(0)
    for lid in ["a", "b", "a", "b"] * 8:
        x = t.ask_encoded(lid, 2)
        t.tell(box_batch(x, rng.random(2), learner=lid))
    assert t.learner("a").episodes == 32 and t.learner("a").mixture() is not None
    copy = tk.teachers.ALPGMM(BOX, fit_rate=20, ks=(2,), per_learner=True, seed=3)
    copy.load_state_bytes(t.state_bytes())
    for lid in ("a", "b", "c"):
        np.testing.assert_array_equal(copy.ask_encoded(lid, 3), t.ask_encoded(lid, 3))
    with pytest.raises(ValidationError, match="per_learner: expected True or False"):
        tk.teachers.RIAC(BOX, per_learner=1)  # type: ignore[arg-type]
