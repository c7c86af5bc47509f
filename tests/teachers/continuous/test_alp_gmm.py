"""ALP-GMM: the ALP rule, refits, sampling and state (deterministic, fixed seeds)."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.teachers import ALPGMM
from tests.teachers.continuous._helpers import box_batch, run

BOX = tk.spaces.Box([0.0, 0.0], [1.0, 10.0], names=["a", "b"])


def left_progress(tasks: np.ndarray) -> np.ndarray:
    """Rewards that change a lot on the left half and never on the right."""
    rng = np.random.default_rng(int(tasks.sum() * 1e6) % 2**32)
    return np.where(tasks[:, 0] < 0.5, rng.random(len(tasks)), 0.0)


def test_alp_is_distance_to_the_reward_of_the_nearest_previous_task() -> None:
    t = ALPGMM(BOX, fit_rate=10, ks=(2,), seed=0)
    tasks = np.array([[0.0, 0.0], [1.0, 10.0], [0.1, 1.0], [0.9, 9.0], [0.5, 5.0]])
    rewards = [1.0, 5.0, 3.5, 2.0, 2.5]
    t.tell(box_batch(tasks[:2], rewards[:2]))
    for i in range(2, 5):
        t.tell(box_batch(tasks[i : i + 1], rewards[i : i + 1]))
    # nearest (in unit-cube distance) of task 2 is task 0, of task 3 is task 1, task 4 is
    # equidistant from 2 (0.4, 0.4) and 3 (0.4, 0.4): the tie goes to the first found.
    np.testing.assert_allclose(t.alps()[:4], [0.0, 4.0, 2.5, 3.0])
    assert t.alps()[4] in (1.0, 0.5)


def test_a_batch_tell_equals_one_at_a_time() -> None:
    rng = np.random.default_rng(3)
    tasks = BOX.sample_encoded(rng, 120)
    rewards = rng.random(120)
    one = ALPGMM(BOX, fit_rate=40, ks=(2, 3), buffer_size=16, seed=1)
    many = ALPGMM(BOX, fit_rate=40, ks=(2, 3), buffer_size=16, seed=1)
    for i in range(120):
        one.tell(box_batch(tasks[i : i + 1], rewards[i : i + 1]))
    many.tell(box_batch(tasks[:50], rewards[:50]))
    many.tell(box_batch(tasks[50:], rewards[50:]))
    np.testing.assert_allclose(one.alps(), many.alps())
    assert one.state_bytes() == many.state_bytes()


def test_bootstrap_then_fit_every_fit_rate_episodes() -> None:
    t = ALPGMM(BOX, fit_rate=50, ks=(2, 3, 4), seed=0)
    run(t, left_progress, 49)
    assert t.mixture() is None
    run(t, left_progress, 1)
    mix = t.mixture()
    assert mix is not None and len(mix["weights"]) in (2, 3, 4)
    assert mix["means"].shape[1] == 3  # two parameters and the ALP
    assert t._fits == 1
    run(t, left_progress, 50)
    assert t._fits == 2


def test_sampling_follows_learning_progress() -> None:
    t = ALPGMM(BOX, fit_rate=100, ks=(2, 3, 4), random_task_ratio=0.1, seed=0)
    run(t, left_progress, 400, batch=4)
    asked = t.ask_encoded("a", 1000)
    assert ((asked >= BOX.low) & (asked <= BOX.high)).all()
    assert (asked[:, 0] < 0.5).mean() > 0.75  # uniform would give 0.5


def test_state_round_trip_keeps_the_mixture_and_the_choices() -> None:
    t = ALPGMM(BOX, fit_rate=50, ks=(2, 3), buffer_size=30, seed=4)
    run(t, left_progress, 130, batch=2)
    state = t.state_dict()
    assert set(state["state"]["_gmm"]) >= {"weights", "means", "covariances"}
    copy = ALPGMM(BOX, fit_rate=50, ks=(2, 3), buffer_size=30, seed=99)
    copy.load_state_bytes(t.state_bytes())
    np.testing.assert_array_equal(copy.ask_encoded("a", 8), t.ask_encoded("a", 8))
    later = np.array([[0.2, 3.0], [0.7, 1.0]])
    copy.tell(box_batch(later, [0.5, 0.1]))
    t.tell(box_batch(later, [0.5, 0.1]))
    run(copy, left_progress, 20)
    run(t, left_progress, 20)
    assert copy.state_bytes() == t.state_bytes()


def test_presets() -> None:
    paper = ALPGMM.preset("portelas2019", BOX)
    assert (paper.fit_rate, paper.random_task_ratio, tuple(paper.ks)) == (
        250,
        0.2,
        tuple(range(2, 11)),
    )
    tma = ALPGMM.preset("teachmyagent", BOX, seed=3)
    assert (tma.fit_rate, tma.random_task_ratio, tma.seed) == (150, 0.05, 3)
    with pytest.raises(ValidationError, match="did you mean 'teachmyagent'"):
        ALPGMM.preset("teachmyagnet", BOX)


def test_bad_hyperparameters_are_reported_together() -> None:
    with pytest.raises(ValidationError) as err:
        ALPGMM(BOX, fit_rate=5, ks=(2, 8), random_task_ratio=1.5, criterion="aicc")
    text = str(err.value)
    assert "ks: a mixture of 8 components cannot be fitted on fit_rate=5" in text
    assert "random_task_ratio: expected a number in [0, 1], got 1.5" in text
    assert "criterion: expected one of 'aic', 'bic', got 'aicc'" in text
    with pytest.raises(ValidationError, match="works on Box spaces, got Discrete"):
        ALPGMM(tk.spaces.Discrete(3))
