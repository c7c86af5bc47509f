"""ALP-GMM's success-band prior (``solved_above``): draws near solved tasks are redrawn."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.teachers import ALPGMM
from tests.teachers.continuous._helpers import box_batch

LINE = tk.spaces.Box([0.0], [1.0])


def trained(solved_above: float | None) -> ALPGMM:
    """The same learning progress everywhere; the left half is solved (rewards 0.8 to 1),
    the right half is not (0 to 0.2)."""
    teacher = ALPGMM(LINE, fit_rate=60, ks=(2,), random_task_ratio=0.0, seed=0,
                     solved_above=solved_above)  # fmt: skip
    rng = np.random.default_rng(0)
    for _ in range(4):
        x = rng.random((60, 1))
        noise = rng.random(60) * 0.2
        reward = np.where(x[:, 0] < 0.5, 0.8 + noise, noise)
        teacher.tell(box_batch(x, reward))
    return teacher


def test_draws_whose_nearest_episode_scored_near_the_top_are_redrawn() -> None:
    plain, banded = trained(None), trained(0.75)
    assert plain.mixture() is not None
    left_plain = (plain.ask_encoded("a", 2000)[:, 0] < 0.5).mean()
    left_banded = (banded.ask_encoded("a", 2000)[:, 0] < 0.5).mean()
    assert left_plain > 0.3 and left_banded < 0.02
    low, high = banded._reward_range  # the bar is relative to the rewards told
    assert low < 0.01 and high > 0.99


def test_the_prior_costs_no_extra_draws_without_rewards_spread() -> None:
    a = ALPGMM(LINE, fit_rate=30, ks=(2,), seed=3)
    b = ALPGMM(LINE, fit_rate=30, ks=(2,), seed=3, solved_above=None)
    x = np.linspace(0, 1, 60)[:, None]
    for t in (a, b):
        t.tell(box_batch(x, np.full(60, 0.5)))  # every reward equal: nothing counts as solved
    np.testing.assert_array_equal(a.ask_encoded("s", 5), b.ask_encoded("s", 5))


def test_state_round_trip_and_checks() -> None:
    t = trained(0.75)
    copy = ALPGMM(LINE, fit_rate=60, ks=(2,), random_task_ratio=0.0, seed=0)
    copy.load_state_dict(t.state_dict())
    np.testing.assert_array_equal(t.ask_encoded("a", 7), copy.ask_encoded("a", 7))
    with pytest.raises(ValidationError, match="solved_above"):
        ALPGMM(LINE, solved_above=1.5)
    with pytest.raises(ValidationError, match="pool_size"):
        ALPGMM(LINE, pool_size=0)
    assert ALPGMM.preset("portelas2019", LINE).solved_above is None  # the paper's rule
