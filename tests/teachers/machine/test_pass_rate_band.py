"""PassRateBand: decayed pass rates computed by hand, the band and target rules, errors."""

from __future__ import annotations

import numpy as np
import pytest

from teachkit import EventBatch, OutcomeBatch
from teachkit.checks import check_teacher
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete
from teachkit.teachers import PassRateBand

from ._helpers import batch

SPACE = Discrete(["easy", "mid", "hard", "wall"])


def test_pass_rates_are_decayed_beta_means_computed_by_hand() -> None:
    t = PassRateBand(SPACE, decay=0.5, seed=0)
    # "easy": groups with pass rates 1.0 then 0.5; "hard": one score of 0.0
    t.tell(batch([0, 2, 0], rewards=[[1, 1, 1, 1], [0, 0, 0, 0], [1, 0, 1, 0]]))
    w, l_ = 0.5 * 1.0 + 0.5, 0.5 * 0.0 + 0.5
    expected_easy = (w + 1.0) / (w + l_ + 2.0)
    assert t.pass_rates().tolist() == pytest.approx([expected_easy, 0.5, 1.0 / 3.0, 0.5])


def test_the_same_pass_rates_whether_told_in_one_batch_or_event_by_event() -> None:
    tasks = [0, 1, 0, 0, 2, 1]
    scores = [1.0, 0.0, 0.5, 1.0, 0.25, 1.0]
    one, many = PassRateBand(SPACE, seed=0), PassRateBand(SPACE, seed=0)
    one.tell(batch(tasks, score=scores))
    for task, score in zip(tasks, scores):
        many.tell(batch([task], score=[score]))
    np.testing.assert_allclose(one.pass_rates(), many.pass_rates())


def test_without_exploration_it_asks_for_the_task_closest_to_the_target() -> None:
    t = PassRateBand(SPACE, epsilon=0.0, target=0.74, decay=1.0, seed=0)
    t.tell(batch([0, 1, 2, 3], score=[1.0, 1.0, 0.0, 0.0]))  # 0.67, 0.67, 0.33, 0.33
    t.tell(batch([0], score=[1.0]))  # easy: 0.75
    assert t.ask("a", 5) == ["easy"] * 5


def test_a_band_draws_among_the_tasks_inside_it_else_the_closest() -> None:
    t = PassRateBand(SPACE, epsilon=0.0, band=(0.3, 0.7), decay=1.0, seed=1)
    t.tell(batch([0, 0, 0, 3, 3, 3], score=[1, 1, 1, 0, 0, 0]))  # easy 0.8, wall 0.2
    assert set(t.ask("a", 200)) == {"mid", "hard"}  # both at the prior 0.5
    narrow = PassRateBand(SPACE, epsilon=0.0, band=(0.9, 1.0), decay=1.0, seed=1)
    narrow.tell(batch([0, 0, 0, 3, 3, 3], score=[1, 1, 1, 0, 0, 0]))
    assert set(narrow.ask("a", 20)) == {"mid", "hard"}  # none inside: closest to 0.5


def test_epsilon_explores_uniformly() -> None:
    t = PassRateBand(SPACE, epsilon=1.0, seed=2)
    counts = np.bincount(t.ask_encoded("a", 4000), minlength=4)
    assert counts.min() > 900


def test_same_seed_same_choices() -> None:
    def seq(seed: int) -> list[int]:
        t = PassRateBand(SPACE, seed=seed)
        out = []
        for step in range(5):
            tasks = t.ask_encoded("a", 8)
            out += tasks.tolist()
            t.tell(batch(tasks.tolist(), score=[(step + i) % 2 for i in range(8)]))
        return out

    assert seq(3) == seq(3)
    assert seq(3) != seq(4)


def test_conformance() -> None:
    check_teacher(PassRateBand(SPACE, seed=0))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"band": (0.8, 0.2)}, "band: expected (low, high) with 0 <= low <= high <= 1"),
        ({"band": 0.5}, "band: expected (low, high)"),
        ({"prior": (1.0,)}, "prior: expected a pair (a0, b0)"),
        ({"decay": 0.0}, "decay"),
        ({"epsilon": 1.5}, "epsilon"),
        ({"target": -0.1}, "target"),
    ],
)
def test_bad_hyperparameters_are_named(params: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        PassRateBand(SPACE, **params)


def test_an_outcome_outside_zero_one_is_rejected_before_anything_is_learned() -> None:
    t = PassRateBand(SPACE, seed=0)
    with pytest.raises(ValidationError, match=r"expected success rates in \[0, 1\]"):
        t.tell(
            EventBatch.build(
                learner_ids=["a", "a"],
                tasks=np.array([0, 1]),
                outcomes=OutcomeBatch(reward=np.array([0.5, 3.0])),
                times=np.full(2, 1.7e9),
                assignment_ids=np.full(2, -1),
            )
        )
    assert t.pass_rates().tolist() == [0.5] * 4


def test_the_fast_group_path_reads_what_group_stats_reads() -> None:
    from teachkit.teachers.machine._pass_rate_band import _success
    from teachkit.teachers.machine._signals import batch_success

    rewards = np.array([[1, 0, 1, 1], [0, 0, 0, 0], [2.0, -1.0, 0.5, 0.5]])  # last: not [0, 1]
    b = EventBatch.build(
        learner_ids=["a"] * 3,
        tasks=np.array([0, 1, 2]),
        outcomes=OutcomeBatch(rewards=rewards, score=np.array([0.1, 0.2, 0.3])),
        times=np.full(3, 1.7e9),
        assignment_ids=np.full(3, -1),
    )
    np.testing.assert_allclose(_success(b), batch_success(b, "x"))
    np.testing.assert_allclose(_success(b), [0.75, 0.0, 0.3])
