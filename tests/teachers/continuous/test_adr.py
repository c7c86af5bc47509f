"""ADR: boundary sampling, performance buffers, widening and narrowing."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.teachers import ADR
from tests.teachers.continuous._helpers import box_batch

BOX = tk.spaces.Box([0.0, 0.0], [1.0, 10.0])


def test_starts_at_the_initial_point() -> None:
    t = ADR(BOX, initial=[0.2, 3.0], seed=0)
    np.testing.assert_array_equal(t.ask_encoded("a", 5), np.tile([0.2, 3.0], (5, 1)))


def test_a_full_buffer_above_threshold_widens_both_boundaries_of_a_point() -> None:
    t = ADR(BOX, initial=[0.2, 3.0], step_size=[0.1, 1.0], buffer_size=3, seed=0)
    for _ in range(2):
        t.tell(box_batch([[0.2, 3.0]], [1.0]))
    np.testing.assert_array_equal(t.bounds[0], [0.2, 3.0])  # buffers not full yet
    t.tell(box_batch([[0.2, 3.0]], [0.9]))
    low, high = t.bounds
    np.testing.assert_allclose(low, [0.1, 2.0])
    np.testing.assert_allclose(high, [0.3, 4.0])
    assert t._buf_low == [[], []] and t._buf_high == [[], []]


def test_low_performance_narrows_and_never_crosses() -> None:
    t = ADR(BOX, initial=[0.5, 5.0], step_size=0.2, buffer_size=2, seed=0)
    t._cur_low[:] = [0.3, 4.0]
    t._cur_high[:] = [0.4, 6.0]
    t.tell(box_batch([[0.4, 5.0], [0.4, 5.5]], [0.0, 0.1]))  # upper boundary of dim 0
    np.testing.assert_allclose(t.bounds[1], [0.3, 6.0])  # 0.4 - 0.2 clipped at low 0.3
    t.tell(box_batch([[0.3, 4.0], [0.3, 4.0]], [1.0, 1.0]))  # lows of both dims succeed
    np.testing.assert_allclose(t.bounds[0], [0.1, 3.8])


def test_widening_stops_at_the_space() -> None:
    t = ADR(BOX, initial=[0.95, 9.9], step_size=[0.1, 1.0], buffer_size=1, seed=0)
    t.tell(box_batch([[0.95, 9.9]], [1.0]))
    np.testing.assert_allclose(t.bounds[1], [1.0, 10.0])


def test_boundary_sampling_rate() -> None:
    t = ADR(BOX, initial=[0.5, 5.0], boundary_prob=0.5, seed=3)
    t._cur_low[:] = [0.0, 0.0]
    t._cur_high[:] = [1.0, 10.0]
    asked = t.ask_encoded("a", 4000)
    on_boundary = (asked == t._cur_low) | (asked == t._cur_high)
    assert on_boundary.any(axis=1).mean() == pytest.approx(0.5, abs=0.03)
    assert (on_boundary.sum(axis=1) <= 1).all()


def test_errors() -> None:
    with pytest.raises(ValidationError) as err:
        ADR(BOX, initial=[2.0, 0.0], step_size=-1, threshold_low=0.9, threshold_high=0.1)
    text = str(err.value)
    assert "initial: expected a point of the space" in text
    assert "step_size: expected a positive number or 2 of them, got -1" in text
    assert ADR.preset("teachmyagent", BOX).boundary_prob == 0.7
