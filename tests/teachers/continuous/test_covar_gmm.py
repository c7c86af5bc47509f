"""Covar-GMM: time-reward covariance as progress (deterministic, fixed seeds)."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.teachers import CovarGMM
from tests.teachers.continuous._helpers import box_batch

BOX = tk.spaces.Box([0.0, 0.0], [1.0, 1.0])


def improving_left(teacher: CovarGMM, episodes: int, batch: int = 1) -> None:
    """Reward grows over time on the left half, stays flat (0) on the right."""
    for _ in range(episodes // batch):
        tasks = teacher.ask_encoded("a", batch)
        e = teacher._episodes
        r = np.where(tasks[:, 0] < 0.5, (e % teacher.fit_rate) / teacher.fit_rate, 0.0)
        teacher.tell(box_batch(tasks, r))


def test_rows_hold_time_within_the_batch_and_reward() -> None:
    t = CovarGMM(BOX, fit_rate=10, ks=(2,), seed=0)
    t.tell(box_batch([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [1.0, 2.0, 3.0]))
    np.testing.assert_allclose(
        t._batch[:3], [[0.1, 0.2, 0.0, 1.0], [0.3, 0.4, 0.1, 2.0], [0.5, 0.6, 0.2, 3.0]]
    )


def test_progress_is_positive_time_reward_covariance() -> None:
    t = CovarGMM(BOX, fit_rate=100, ks=(2, 3), random_task_ratio=0.0, seed=0)
    improving_left(t, 100)
    mix = t.mixture()
    assert mix is not None
    cov = mix["covariances"][:, -2, -1]
    np.testing.assert_allclose(mix["progress"], np.maximum(cov, 0.0))
    improving_left(t, 300)
    asked = t.ask_encoded("a", 500)
    assert (asked[:, 0] < 0.5).mean() > 0.8  # uniform would give 0.5


def test_absolute_lp_counts_decline_too() -> None:
    t = CovarGMM(BOX, fit_rate=20, ks=(2,), absolute_lp=True, seed=0)
    rng = np.random.default_rng(0)
    tasks = BOX.sample_encoded(rng, 20)
    t.tell(box_batch(tasks, 1.0 - np.arange(20) / 20))
    mix = t.mixture()
    assert mix is not None
    np.testing.assert_allclose(mix["progress"], np.abs(mix["covariances"][:, -2, -1]))


def test_a_batch_tell_equals_one_at_a_time() -> None:
    rng = np.random.default_rng(1)
    tasks, rewards = BOX.sample_encoded(rng, 95), rng.random(95)
    one, many = (
        CovarGMM(BOX, fit_rate=20, ks=(2, 3), seed=2),
        CovarGMM(BOX, fit_rate=20, ks=(2, 3), seed=2),
    )
    for i in range(95):
        one.tell(box_batch(tasks[i : i + 1], rewards[i : i + 1]))
    many.tell(box_batch(tasks[:7], rewards[:7]))
    many.tell(box_batch(tasks[7:], rewards[7:]))
    assert one.state_bytes() == many.state_bytes()
    np.testing.assert_array_equal(one.ask_encoded("a", 5), many.ask_encoded("a", 5))


def test_errors_and_presets() -> None:
    with pytest.raises(ValidationError, match="absolute_lp: expected True or False"):
        CovarGMM(BOX, absolute_lp="yes")  # type: ignore[arg-type]
    assert CovarGMM.preset("teachmyagent", BOX).fit_rate == 150
    with pytest.raises(ValidationError, match="unknown CovarGMM preset"):
        CovarGMM.preset("nope", BOX)
