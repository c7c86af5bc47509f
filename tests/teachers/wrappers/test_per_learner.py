"""PerLearner: one independent copy of any teacher per learner id, and the wrapper base."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit._seeding import spawn_seed
from teachkit.checks import check_teacher
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete
from teachkit.teachers import SEC, PerLearner
from tests.teachers.continuous._helpers import box_batch
from tests.teachers.machine._helpers import batch

BOX = tk.spaces.Box([0.0, 0.0], [1.0, 1.0])
FIVE = Discrete(["a", "b", "c", "d", "e"])


@pytest.mark.parametrize(
    "inner",
    [
        tk.teachers.ALPGMM(BOX, fit_rate=20, ks=(2,), seed=0),
        tk.teachers.CovarGMM(BOX, fit_rate=20, ks=(2,), seed=0),
        tk.teachers.RIAC(BOX, max_region_size=20, seed=0),
        tk.teachers.ADR(BOX, initial=[0, 0], buffer_size=2, seed=0),
    ],
    ids=lambda t: type(t).__name__,
)
def test_keeps_the_contract_around_every_continuous_teacher(inner) -> None:
    check_teacher(PerLearner(BOX, teacher=inner, seed=0))


def test_learners_do_not_share_a_model() -> None:
    adr = tk.teachers.ADR(BOX, initial=[0, 0], step_size=0.1, buffer_size=2, seed=0)
    t = PerLearner(BOX, teacher=adr, seed=0)
    for _ in range(2):
        t.tell(box_batch([[0.0, 0.0]], [1.0], learner="good"))
        t.tell(box_batch([[0.0, 0.0]], [0.0], learner="bad"))
    np.testing.assert_allclose(t.copy_of("good").bounds[1], [0.1, 0.1])  # type: ignore[attr-defined]
    np.testing.assert_allclose(t.copy_of("bad").bounds[1], [0.0, 0.0])  # type: ignore[attr-defined]
    assert adr.bounds[1].tolist() == [0.0, 0.0]  # the template itself is never taught


def test_copies_are_seeded_by_the_one_seeding_helper() -> None:
    t = PerLearner(BOX, teacher=tk.teachers.ALPGMM(BOX, fit_rate=20, ks=(2,)), seed=5)
    rng = np.random.default_rng(5)
    t.ask_encoded("x", 1)
    t.ask_encoded("y", 1)
    assert [t.copy_of(lid).seed for lid in ("x", "y")] == [spawn_seed(rng), spawn_seed(rng)]


def test_state_round_trip() -> None:
    t = PerLearner(BOX, teacher=tk.teachers.ALPGMM(BOX, fit_rate=20, ks=(2,)), seed=3)
    rng = np.random.default_rng(0)
    for lid in ["a", "b", "a", "b"] * 8:
        x = t.ask_encoded(lid, 2)
        t.tell(box_batch(x, rng.random(2), learner=lid))
    a = t.copy_of("a")
    assert a.episodes == 32 and a.mixture() is not None  # type: ignore[attr-defined]
    copy = PerLearner(BOX, teacher=tk.teachers.ALPGMM(BOX, fit_rate=20, ks=(2,)), seed=3)
    copy.load_state_bytes(t.state_bytes())
    for lid in ("a", "b", "c"):
        np.testing.assert_array_equal(copy.ask_encoded(lid, 3), t.ask_encoded(lid, 3))


def test_keeps_learners_apart_on_a_bandit() -> None:
    teacher = PerLearner(FIVE, teacher=SEC(FIVE, alpha=1.0), seed=0)
    teacher.tell(batch([0], rewards=[[1, 0]], learner="a"))
    teacher.tell(batch([3], rewards=[[0, 1]], learner="b"))
    a, b = teacher.copy_of("a"), teacher.copy_of("b")
    assert isinstance(a, SEC) and isinstance(b, SEC)
    np.testing.assert_allclose(a.values(), [0.999998, 0, 0, 0, 0])
    np.testing.assert_allclose(b.values(), [0, 0, 0, 0.999998, 0])
    assert teacher.learners() == ["a", "b"]
    copy = PerLearner(FIVE, teacher=SEC(FIVE, alpha=1.0), seed=0)
    copy.load_state_bytes(teacher.state_bytes())
    assert copy.ask_encoded("b", 8).tolist() == teacher.ask_encoded("b", 8).tolist()
    with pytest.raises(ValidationError, match="group rewards"):
        teacher.tell(batch([0], score=[1.0], learner="c"))  # the inner teacher's checks


@pytest.mark.parametrize("wrapper", [tk.teachers.PerLearner, tk.teachers.ZeroVarianceFilter])
def test_every_wrapper_checks_what_it_wraps(wrapper: type) -> None:
    with pytest.raises(
        ValidationError, match="teacher: expected a teachkit teacher or None, got str"
    ):
        wrapper(FIVE, teacher="sec")
    with pytest.raises(ValidationError, match="teacher: expected a teacher on Discrete"):
        wrapper(FIVE, teacher=tk.teachers.Uniform(Discrete(["x", "y"])))


def test_a_default_inner_teacher_is_saved_with_the_wrapper() -> None:
    t = tk.teachers.Rehearsal(FIVE, rate=0.5, seed=1)
    assert isinstance(t.inner, tk.teachers.Sequential)
    for _ in range(3):
        t.tell(batch([int(t.ask_encoded("ana", 1)[0])], score=[1.0], learner="ana"))
    again = tk.teachers.Rehearsal(FIVE, rate=0.5, seed=1)
    again.load_state_bytes(t.state_bytes())
    assert again.ask_encoded("ana", 6).tolist() == t.ask_encoded("ana", 6).tolist()
