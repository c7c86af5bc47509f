"""BKTStudent and BKTOracle: dynamics, determinism, validation, and the parameter oracle."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit._component import Component
from teachkit.errors import ValidationError
from teachkit.simulators import BKTOracle, BKTStudent


def run(sim: BKTStudent, teacher: tk.teachers.BaseTeacher, steps: int) -> None:
    for _ in range(steps):
        tasks = np.stack([teacher.ask_encoded(lid) for lid in sim.learner_ids])
        teacher.tell(sim.step(tasks))


def test_space_has_items_per_skill_and_prerequisites() -> None:
    sim = BKTStudent(2, seed=0, n_skills=3, items_per_skill=2, prerequisites={"k2": ["k0"]})
    assert sim.space.names[:3] == ("k0.i0", "k0.i1", "k1.i0")
    assert sim.space.skills_of("k1.i1") == ("k1",)
    assert sim.space.prerequisites_of("k2") == ("k0",)


def test_same_seed_same_outcomes_and_learners_differ_by_seed() -> None:
    def outcomes(seed: int) -> np.ndarray:
        sim = BKTStudent(30, seed=seed, n_skills=4)
        return np.concatenate([sim.step(np.full(30, s % 4)).score for s in range(10)])

    assert np.array_equal(outcomes(3), outcomes(3))
    assert not np.array_equal(outcomes(3), outcomes(4))


def test_learning_forgetting_and_answers_follow_the_parameters() -> None:
    # learn = 1: one practice teaches; slip = guess = 0: answers reveal the state
    sim = BKTStudent(50, seed=0, n_skills=2, prior=0.0, learn=1.0, guess=0.0, slip=0.0,
                     forget=0.0, decay=0.0, learner_spread=0.0)  # fmt: skip
    first = sim.step(np.zeros(50, dtype=np.int64))
    assert first.score.sum() == 0  # nobody knew k0 yet
    assert sim.truth()["known"][:, 0].all() and not sim.truth()["known"][:, 1].any()
    assert sim.step(np.zeros(50, dtype=np.int64)).score.all()
    # forget = 1: practising a known skill loses it
    sim = BKTStudent(50, seed=0, n_skills=1, prior=1.0, learn=0.0, forget=1.0, decay=0.0,
                     learner_spread=0.0)  # fmt: skip
    sim.step(np.zeros(50, dtype=np.int64))
    assert not sim.truth()["known"].any()


def test_time_away_decays_and_the_posttest_is_delayed() -> None:
    sim = BKTStudent(400, seed=1, n_skills=1, prior=1.0, learn=0.0, forget=0.0, decay=0.5,
                     slip=0.0, guess=0.0, steps_per_session=1, session_gap=48.0,
                     learner_spread=0.0)  # fmt: skip
    m = sim.measures()
    assert m["immediate"] == pytest.approx(1.0)
    assert m["posttest"] == pytest.approx(np.exp(-0.5 * 7), rel=1e-9)  # a week later
    sim.step(np.zeros(400, dtype=np.int64))  # then two days away
    assert sim.measures()["known"] == pytest.approx(np.exp(-0.5 * (2 + 1 / 1440)), abs=0.06)


def test_prerequisites_slow_learning_down() -> None:
    base = dict(n_skills=2, prior=0.0, learn=0.5, forget=0.0, decay=0.0, learner_spread=0.0)
    free = BKTStudent(2000, seed=0, **base)
    gated = BKTStudent(2000, seed=0, prerequisites={"k1": ["k0"]}, prereq_floor=0.1, **base)
    for sim in (free, gated):
        sim.step(np.ones(2000, dtype=np.int64))
    assert free.truth()["known"][:, 1].mean() == pytest.approx(0.5, abs=0.04)
    assert gated.truth()["known"][:, 1].mean() == pytest.approx(0.05, abs=0.02)


def test_learner_heterogeneity_spreads_learning_rates() -> None:
    sim = BKTStudent(200, seed=0, n_skills=3, learner_spread=1.0)
    rates = sim.truth()["learner_learn"]
    assert rates.shape == (200, 3) and rates[:, 0].std() > 0.05
    assert np.allclose(BKTStudent(5, seed=0, learner_spread=0.0).truth()["learner_learn"], 0.15)


def test_validation_collects_every_problem() -> None:
    with pytest.raises(ValidationError) as err:
        BKTStudent(2, n_skills=3, learn=[0.1, 0.2], guess=0.7, prerequisites={"k9": ["k0"]})
    text = str(err.value)
    assert "learn: expected a number or 3 numbers (one per skill), got 2 values" in text
    assert "guess: expected a number in [0, 0.5], got 0.7" in text
    with pytest.raises(ValidationError, match="unknown skill 'k9'"):
        BKTStudent(2, n_skills=3, prerequisites={"k9": ["k0"]})
    with pytest.raises(ValidationError, match="shape"):
        BKTStudent(2, n_skills=3).step(np.zeros(3, dtype=np.int64))


def test_state_round_trip_continues_identically() -> None:
    sim = BKTStudent(10, seed=2, n_skills=4, prerequisites={"k1": ["k0"]})
    sim.step(np.arange(10) % 4)
    copy = Component.from_config(sim.to_config())
    assert isinstance(copy, BKTStudent)
    copy.load_state_dict(sim.state_dict())
    tasks = np.arange(10) % 4
    assert np.array_equal(sim.step(tasks).score, copy.step(tasks).score)


def test_oracle_reads_parameters_not_states_and_filters_beliefs() -> None:
    sim = BKTStudent(4, seed=0, n_skills=3, prior=0.1, learn=[0.05, 0.5, 0.2], guess=0.1,
                     slip=0.1, forget=0.0, decay=0.0)  # fmt: skip
    oracle = sim.oracle(0)
    assert isinstance(oracle, BKTOracle)
    # nothing told yet: the skill with the fastest learning is worth most
    assert oracle.ask("s0") == ["k1.i0"]
    before = oracle.gains(0).copy()
    batch = sim.step(np.full(4, 1))
    oracle.tell(batch)
    after = oracle.gains(0)
    assert after[1] < before[1]  # k1's belief went up, its remaining gain down
    assert np.array_equal(after[[0, 2]], before[[0, 2]])
    # an unknown learner counts as a typical one
    assert oracle.ask("stranger")[0].startswith("k")
