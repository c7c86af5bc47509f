"""BKT population learning: refits on a doubling schedule, shrinkage, replay determinism."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit._component import Component
from teachkit.errors import ValidationError
from teachkit.learners import BKT
from teachkit.simulators import BKTStudent


def batches(n_steps: int, n_learners: int = 50, seed: int = 0) -> list[tk.EventBatch]:
    sim = BKTStudent(n_learners, seed=seed, n_skills=4, learn=[0.05, 0.1, 0.3, 0.5],
                     guess=0.25, slip=0.1, forget=0.02, decay=0.0)  # fmt: skip
    teacher = tk.teachers.Uniform(sim.space, seed=seed)
    return [
        sim.step(np.stack([teacher.ask_encoded(lid) for lid in sim.learner_ids]))
        for _ in range(n_steps)
    ]


def space() -> tk.spaces.Discrete:
    return BKTStudent(1, n_skills=4).space


def test_refits_on_a_doubling_schedule_and_learns_the_class_parameters() -> None:
    model = BKT(space(), forgets=True, refit=100, engine="numpy", seed=0)
    for b in batches(40):  # 50 answers a step: refits at 100, 200, 400, 800, 1600
        model.update(b)
    assert model.refits == 5
    learn = model.params()["learn"]
    assert learn["k3"] > learn["k2"] > learn["k0"]  # true rates 0.5, 0.3, 0.05
    assert model.params()["guess"]["k0"] == pytest.approx(0.25, abs=0.1)


def test_without_refit_online_answers_never_move_the_parameters() -> None:
    model = BKT(space(), engine="numpy", seed=0)
    for b in batches(10):
        model.update(b)
    assert model.refits == 0
    assert model.params()["learn"] == dict.fromkeys(["k0", "k1", "k2", "k3"], 0.1)


def test_shrinkage_keeps_skills_with_little_data_near_the_defaults() -> None:
    data = batches(20)
    # only skill k3 is practised: its parameters move, the others keep the defaults
    only = [b.take(np.flatnonzero(b.tasks == 3)) for b in data]
    model = BKT(space(), refit=50, shrinkage=50.0, engine="numpy", seed=0)
    for b in only:
        model.update(b)
    learn = model.params()["learn"]
    assert learn["k0"] == learn["k1"] == learn["k2"] == 0.1
    assert learn["k3"] > 0.2
    # a huge shrinkage keeps even the practised skill at the defaults
    stiff = BKT(space(), refit=50, shrinkage=1e12, engine="numpy", seed=0)
    for b in only:
        stiff.update(b)
    assert stiff.params()["learn"]["k3"] == pytest.approx(0.1, abs=1e-6)
    # with shrinkage s, a refitted value is the data-weighted mean of fit and default
    n = sum(len(b) for b in only)
    free = BKT(space(), refit=50, shrinkage=0.0, engine="numpy", seed=0)
    for b in only:
        free.update(b)
    assert free.refits == model.refits
    fit_k3 = free.params()["learn"]["k3"]
    assert learn["k3"] == pytest.approx((n * fit_k3 + 50 * 0.1) / (n + 50), rel=0.05)


def test_states_are_replayed_with_the_refitted_parameters() -> None:
    data = batches(12)
    model = BKT(space(), forgets=True, refit=200, engine="numpy", seed=0)
    for b in data:
        model.update(b)
    assert model.refits >= 1
    # the same parameters, folded in from scratch, give the same states
    fresh = BKT(space(), forgets=True, engine="numpy", seed=0)
    for name in ("prior", "learn", "forget", "guess", "slip"):
        setattr(fresh, f"_{name}", getattr(model, f"_{name}").copy())
    fresh.update(tk.EventBatch.concat(data[:8]))  # the last refit ran at 400 answers
    ids = [f"s{i}" for i in range(50)]
    for b in data[8:]:
        fresh.update(b)
    assert np.allclose(fresh.mastery_matrix(ids), model.mastery_matrix(ids))


def test_replay_from_a_snapshot_is_identical() -> None:
    data = batches(14)
    model = BKT(space(), forgets=True, refit=100, engine="numpy", seed=3)
    for b in data[:5]:
        model.update(b)
    copy = Component.from_config(model.to_config())
    assert isinstance(copy, BKT)
    copy.load_state_dict(model.state_dict())
    for b in data[5:]:
        model.update(b)
        copy.update(b)
    assert copy.refits == model.refits >= 3
    assert copy.params() == model.params()
    ids = [f"s{i}" for i in range(50)]
    assert np.array_equal(copy.mastery_matrix(ids), model.mastery_matrix(ids))


def test_refit_and_shrinkage_are_validated() -> None:
    with pytest.raises(ValidationError, match="refit"):
        BKT(refit=0)
    with pytest.raises(ValidationError, match=r"shrinkage: expected a finite number >= 0"):
        BKT(shrinkage=-1.0)
