"""BKT refits with partial pooling across skills and a bound on guess + slip."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit._component import Component
from teachkit.errors import ValidationError
from teachkit.learners import BKT
from teachkit.simulators import BKTStudent


def noisy_batches(n_steps: int, n_learners: int = 40, seed: int = 0) -> list[tk.EventBatch]:
    sim = BKTStudent(n_learners, seed=seed, n_skills=4, learn=0.1, guess=0.45, slip=0.3,
                     forget=0.0, decay=0.0)  # fmt: skip
    teacher = tk.teachers.Uniform(sim.space, seed=seed)
    return [
        sim.step(np.stack([teacher.ask_encoded(lid) for lid in sim.learner_ids]))
        for _ in range(n_steps)
    ]


def space() -> tk.spaces.Discrete:
    return BKTStudent(1, n_skills=4).space


def fed(model: BKT, data: list[tk.EventBatch]) -> BKT:
    for b in data:
        model.update(b)
    return model


def test_pool_zero_is_the_anchor_shrinkage() -> None:
    data = noisy_batches(10)
    plain = fed(BKT(space(), refit=100, engine="numpy", seed=0), data)
    zero = fed(BKT(space(), refit=100, pool=0.0, engine="numpy", seed=0), data)
    assert zero.refits == plain.refits >= 1
    assert zero.params() == plain.params()


def test_pooling_moves_a_sparse_skill_toward_the_class_estimate() -> None:
    data = noisy_batches(20)
    # skill k0 is answered only a few times; k1..k3 often: the class is noisy everywhere
    few = [b.take(np.flatnonzero((b.tasks != 0) | (np.arange(len(b)) < 1))) for b in data]
    kw = {"refit": 100, "shrinkage": 50.0, "engine": "numpy", "seed": 0}
    anchored = fed(BKT(space(), **kw), few)
    pooled = fed(BKT(space(), pool=1.0, **kw), few)
    half = fed(BKT(space(), pool=0.5, **kw), few)
    assert pooled.refits == anchored.refits >= 1
    g_a = anchored.params()["guess"]["k0"]
    g_p = pooled.params()["guess"]["k0"]
    g_h = half.params()["guess"]["k0"]
    # the practised skills show a guess far above the default 0.2; a sparse skill follows
    # them with pooling and stays near the default without
    busy = np.mean([pooled.params()["guess"][k] for k in ("k1", "k2", "k3")])
    assert busy > 0.25
    assert abs(g_a - 0.2) < abs(g_p - 0.2)
    assert abs(g_p - busy) < abs(g_a - busy)
    assert min(g_a, g_p) <= g_h <= max(g_a, g_p)


def test_pooled_refits_replay_identically_from_a_snapshot() -> None:
    data = noisy_batches(14)
    model = BKT(space(), forgets=True, refit=100, pool=1.0, engine="numpy", seed=3)
    fed(model, data[:4])
    copy = Component.from_config(model.to_config())
    assert isinstance(copy, BKT) and copy.pool == 1.0
    copy.load_state_dict(model.state_dict())
    for b in data[4:]:
        model.update(b)
        copy.update(b)
    assert copy.refits == model.refits >= 3
    assert copy.params() == model.params()
    ids = [f"s{i}" for i in range(40)]
    assert np.array_equal(copy.mastery_matrix(ids), model.mastery_matrix(ids))


@pytest.mark.parametrize("bad", [-0.1, 1.5, True, "1", float("nan")])
def test_pool_is_validated(bad: object) -> None:
    with pytest.raises(ValidationError, match=r"pool: expected a number in \[0, 1\]"):
        BKT(pool=bad)  # type: ignore[arg-type]


def test_max_guess_slip_bounds_the_refitted_noise() -> None:
    data = noisy_batches(12)  # true guess + slip = 0.75
    free = fed(BKT(space(), refit=100, shrinkage=0.0, engine="numpy", seed=0), data)
    bounded = fed(
        BKT(space(), refit=100, shrinkage=0.0, max_guess_slip=0.5, engine="numpy", seed=0), data
    )
    assert bounded.refits == free.refits >= 1
    g_f, s_f = free.params()["guess"], free.params()["slip"]
    g_b, s_b = bounded.params()["guess"], bounded.params()["slip"]
    assert max(g_f[k] + s_f[k] for k in g_f) > 0.5
    for k in g_b:
        assert g_b[k] + s_b[k] <= 0.5 + 1e-9
        if g_f[k] + s_f[k] > 0.5:  # scaled down to the bound, keeping the ratio
            assert g_b[k] / s_b[k] == pytest.approx(g_f[k] / s_f[k], rel=1e-6)


@pytest.mark.parametrize("bad", [0.0, 1.5, True, "0.9", float("nan")])
def test_max_guess_slip_is_validated(bad: object) -> None:
    with pytest.raises(ValidationError, match=r"max_guess_slip: expected a number in \(0, 1\]"):
        BKT(max_guess_slip=bad)  # type: ignore[arg-type]


def test_a_config_stored_before_the_options_keeps_its_behaviour() -> None:
    model = BKT(space(), refit=100, engine="numpy", seed=0)
    config = model.to_config()
    params = dict(config["params"])
    assert params.pop("pool") == 0.0 and params.pop("max_guess_slip") is None
    old = Component.from_config({**config, "params": params})
    assert isinstance(old, BKT) and old.pool == 0.0 and old.max_guess_slip is None
    data = noisy_batches(6)
    assert fed(old, data).params() == fed(model, data).params()
