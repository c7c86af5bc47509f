"""RIAC: region ALP, splits, discards and sampling (deterministic, fixed seeds)."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.teachers import RIAC
from tests.teachers.continuous._helpers import box_batch

BOX = tk.spaces.Box([0.0, 0.0], [2.0, 1.0])


def test_region_alp_compares_the_two_halves_of_the_window() -> None:
    t = RIAC(BOX, max_region_size=100, alp_window=6)
    assert t._region_alp(np.array([1.0, 2.0])) == 0.0
    # window of the last 6: [0, 0, 1, 1, 1, 4] -> |mean(0, 0, 1) - mean(1, 1, 4)| = 5/3
    assert t._region_alp(np.array([9.0, 0.0, 0.0, 1.0, 1.0, 1.0, 4.0])) == pytest.approx(5 / 3)


def test_a_full_leaf_splits_where_progress_differs() -> None:
    t = RIAC(BOX, max_region_size=40, nb_split_attempts=50, min_dims_range_ratio=0.1, seed=0)
    rng = np.random.default_rng(0)
    for i in range(41):
        x = np.array([rng.uniform(0, 2), rng.uniform(0, 1)])
        r = i / 40 if x[0] < 1.0 else 0.0  # progress only on the left
        t.tell(box_batch(x[None, :], [r]))
    assert t.n_regions == 3
    root, left, right = t.regions()
    assert not root["leaf"] and left["leaf"] and right["leaf"]
    cut_dim = t._cut[0][0]
    assert cut_dim == 0  # the cut separates progress from no progress along x0
    assert left["alp"] > right["alp"] == 0.0
    assert len(t._rewards[0]) == 41 and len(t._rewards[1]) + len(t._rewards[2]) == 41


def test_no_valid_cut_discards_the_oldest_pairs() -> None:
    t = RIAC(BOX, max_region_size=20, min_dims_range_ratio=0.5, discard_ratio=0.25, seed=0)
    # min_dims_range_ratio=0.5 needs a cut exactly in the middle: never drawn.
    for i in range(21):
        t.tell(box_batch([[1.0, 0.5]], [float(i)]))
    assert t.n_regions == 1
    np.testing.assert_array_equal(t._rewards[0], np.arange(5.0, 21.0))


def test_sampling_prefers_the_progressing_region() -> None:
    t = RIAC(BOX, max_region_size=50, seed=1)
    rng = np.random.default_rng(1)
    for e in range(600):
        x = t.ask_encoded("a", 1)
        r = min(1.0, e / 600 + 0.1 * rng.random()) if x[0, 0] < 1.0 else 0.0
        t.tell(box_batch(x, [r]))
    asked = t.ask_encoded("a", 1000)
    assert ((asked >= BOX.low) & (asked <= BOX.high)).all()
    assert (asked[:, 0] < 1.0).mean() > 0.6  # uniform would give 0.5


def test_state_round_trip_after_splits() -> None:
    t = RIAC(BOX, max_region_size=20, seed=2)
    rng = np.random.default_rng(2)
    for _ in range(100):
        x = t.ask_encoded("a", 1)
        t.tell(box_batch(x, [rng.random()]))
    assert t.n_regions > 1
    copy = RIAC(BOX, max_region_size=20, seed=5)
    copy.load_state_bytes(t.state_bytes())
    np.testing.assert_array_equal(copy.ask_encoded("a", 6), t.ask_encoded("a", 6))
    assert copy.state_bytes() == t.state_bytes()


def test_errors_and_presets() -> None:
    with pytest.raises(ValidationError, match=r"discard_ratio: expected a number in \[0, 1\]"):
        RIAC(BOX, discard_ratio=2)
    r = RIAC.preset("teachmyagent", BOX)
    assert (r.max_region_size, r.nb_split_attempts, r.min_dims_range_ratio) == (150, 75, 0.1)
