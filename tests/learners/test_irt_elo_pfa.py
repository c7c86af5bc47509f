"""IRT, Elo and PFA: recovery of generating parameters, online updates, errors."""

from __future__ import annotations

import numpy as np
import pytest

from teachkit.data import InteractionLog
from teachkit.data.synthetic import irt_log
from teachkit.errors import ValidationError
from teachkit.learners import IRT, PFA, Elo


def test_irt_1pl_recovers_difficulties() -> None:
    """Tolerance: mean absolute error of b below 0.12 (1500 learners x 20 items)."""
    log, truth = irt_log(n_learners=1500, n_items=20, answers=20, model="1pl", seed=3)
    model = IRT(model="1pl").fit(log)
    assert np.abs(model.difficulty - truth["b"]).mean() < 0.12
    assert np.all(model.discrimination == 1.0)


@pytest.mark.slow
def test_irt_2pl_recovers_difficulties_and_discriminations() -> None:
    """Tolerance: MAE(b) < 0.15, MAE(a) < 0.15, corr(a) > 0.8 (2000 learners x 20 items)."""
    log, truth = irt_log(n_learners=2000, n_items=20, answers=20, model="2pl", seed=4)
    model = IRT(model="2pl").fit(log)
    assert np.abs(model.difficulty - truth["b"]).mean() < 0.15
    assert np.abs(model.discrimination - truth["a"]).mean() < 0.15
    assert np.corrcoef(model.discrimination, truth["a"])[0, 1] > 0.8


def test_irt_abilities_follow_answers_online() -> None:
    log, truth = irt_log(n_learners=300, n_items=10, model="1pl", seed=0)
    model = IRT(model="1pl").fit(log)
    assert model.ability("someone new") == pytest.approx(0.0, abs=1e-9)
    est = np.array([model.ability(str(x)) for x in log.learner_ids])
    assert np.corrcoef(est, truth["theta"])[0, 1] > 0.7
    before = model.predict("fresh", "q0")
    model.update(
        InteractionLog.from_arrays(["fresh"] * 3, ["q1", "q2", "q3"], [1, 1, 1], space=model.space_)
    )
    assert model.predict("fresh", "q0") > before
    assert model.ability("fresh") > 0


def test_irt_rejects_unknown_models() -> None:
    with pytest.raises(
        ValidationError, match="model: expected one of '1pl', '2pl', '3pl', '4pl', got '5pl'"
    ):
        IRT(model="5pl")


def test_elo_tracks_difficulty_and_freezes_items_when_asked() -> None:
    log, truth = irt_log(n_learners=1500, n_items=15, answers=15, model="1pl", seed=2)
    model = Elo().fit(log)
    assert np.corrcoef(model.difficulty, truth["b"])[0, 1] > 0.85
    d = model.difficulty
    events = InteractionLog.from_arrays(["z"] * 4, ["q0"] * 4, [1, 1, 1, 1], space=model.space_)
    model.predict_log(events)
    assert np.array_equal(model.difficulty, d), "predict_log must not move item difficulties"
    frozen = model.clone(update_items=False).fit(log)
    frozen.update(events)
    assert np.array_equal(frozen.difficulty, d)
    model.update(events)
    assert model.difficulty[0] < d[0]


def test_elo_uncertainty_function() -> None:
    model = Elo(alpha=2.0, beta=0.5)
    assert model._k(np.array([0.0, 2.0])).tolist() == [2.0, 1.0]
    with pytest.raises(ValidationError, match="expected alpha > 0 and beta >= 0"):
        Elo(alpha=0)


def test_pfa_counts_successes_and_failures_per_skill() -> None:
    log = InteractionLog.from_arrays(
        ["a"] * 5 + ["b"] * 2,
        ["x", "xy", "y", "x", "xy", "x", "x"],
        [1, 0, 1, 1, 0, 0, 1],
        skills=["s", "s;t", "t", "s", "s;t", "s", "s"],
    )
    model = PFA(log.space)
    rows, skill, s, f = model._counts(log)
    got = sorted(zip(rows.tolist(), skill.tolist(), s.tolist(), f.tolist()))
    # row 4 ("xy", skills s and t) follows s: 1 success (row 0), 1 failure (row 1) plus row 3
    assert (4, 0, 2.0, 1.0) in got
    assert (4, 1, 1.0, 1.0) in got
    assert (6, 0, 0.0, 1.0) in got


def test_pfa_learns_that_practice_helps() -> None:
    from teachkit.data.synthetic import bkt_log

    log, _ = bkt_log(n_learners=400, n_skills=2, steps=30, seed=0)
    params = PFA().fit(log).params()
    assert all(v > 0.1 for v in params["gamma"].values())
    with_items = PFA(item_difficulty=True).fit(log).params()
    assert set(with_items["item"]) == {"q0", "q1"}
    with pytest.raises(ValidationError, match="l2: expected a number >= 0"):
        PFA(l2=-1)


def test_pfa_recovers_its_generating_weights() -> None:
    """Tolerance: max abs error 0.1 on beta, 0.03 on gamma and rho (1500 learners x 30)."""
    from teachkit.data.synthetic import pfa_log

    log, truth = pfa_log(n_learners=1500, n_skills=3, steps=30, seed=8)
    params = PFA(l2=0.0).fit(log).params()
    for name, tol in (("beta", 0.1), ("gamma", 0.03), ("rho", 0.03)):
        got = np.array([params[name][f"s{k}"] for k in range(3)])
        assert np.abs(got - truth[name]).max() < tol, (name, got, truth[name])


@pytest.mark.parametrize("model", ["3pl", "4pl"])
def test_irt_asymptotes_are_recovered(model: str) -> None:
    """Tolerances: r >= 0.9 for b, >= 0.6 for a, guessing mean error <= 0.08 (small log)."""
    log, truth = irt_log(n_learners=1500, n_items=12, answers=12, model=model, seed=7)
    fitted = IRT(model=model).fit(log)
    assert np.corrcoef(fitted.difficulty, truth["b"])[0, 1] >= 0.9
    assert np.corrcoef(fitted.discrimination, truth["a"])[0, 1] >= 0.6
    assert np.abs(fitted.guessing - truth["c"]).mean() <= 0.08
    assert np.all((fitted.guessing > 0) & (fitted.guessing < 1))
    if model == "4pl":
        assert np.abs(fitted.slipping - (1 - truth["d"])).mean() <= 0.08
    else:
        assert np.all(fitted.slipping == 0)
    # the asymptotes bound every prediction
    p = fitted.predict_many("nobody", list(log.space.names))
    assert np.all(p >= fitted.guessing - 1e-12) and np.all(p <= 1 - fitted.slipping + 1e-12)
    # a 3PL/4PL fits its own data better than a 2PL (held-in log-likelihood)
    two = IRT(model="2pl").fit(log)
    y = log.correct

    def ll(m: IRT) -> float:
        p = np.clip(m.predict_log(log), 1e-9, 1 - 1e-9)
        return float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))

    assert ll(fitted) > ll(two)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"slope_prior": 0.0}, "slope_prior: expected a positive standard deviation"),
        ({"slope_prior": "wide"}, "slope_prior: expected a positive standard deviation"),
        ({"guess_prior": (5.0,)}, r"guess_prior: expected two Beta parameters"),
        ({"guess_prior": (0.5, 17)}, r"guess_prior: expected two Beta parameters"),
        ({"slip_prior": "ab"}, r"slip_prior: expected two Beta parameters"),
        ({"slip_prior": (2, float("nan"))}, r"slip_prior: expected two Beta parameters"),
    ],
)
def test_irt_rejects_bad_priors(kwargs: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        IRT(model="4pl", **kwargs)


def test_irt_priors_shrink_and_switch_off() -> None:
    """A stronger prior pulls the estimates toward its mode; None removes it (item
    parameters then move away from the prior's pull)."""
    log, _ = irt_log(n_learners=400, n_items=8, answers=8, model="4pl", seed=11)
    kw = {"model": "4pl", "max_iter": 300}
    weak = IRT(**kw).fit(log)
    strong = IRT(**kw, slope_prior=0.05, guess_prior=(41, 161), slip_prior=(11, 191)).fit(log)
    assert np.abs(np.log(strong.discrimination)).max() < np.abs(np.log(weak.discrimination)).max()
    assert np.abs(strong.guessing - 0.2).max() < np.abs(weak.guessing - 0.2).max()
    assert np.abs(strong.slipping - 0.05).max() < np.abs(weak.slipping - 0.05).max()
    free = IRT(**kw, slope_prior=None, guess_prior=None, slip_prior=None).fit(log)
    assert not np.allclose(free.discrimination, weak.discrimination, atol=1e-3)
    # list-valued priors (as a JSON config stores them) behave like tuples
    listed = IRT(**kw, guess_prior=[5, 17], slip_prior=[2, 12]).fit(log)
    assert listed.guess_prior == (5.0, 17.0)
    assert np.allclose(listed.discrimination, weak.discrimination)
    # the 2PL's EM honours the slope prior too; the default is the previous fixed prior
    two = IRT(model="2pl", slope_prior=0.05).fit(log)
    assert np.abs(np.log(two.discrimination)).max() < 0.15


def test_irt_priors_survive_a_save_and_load(tmp_path) -> None:
    from teachkit.learners import BaseLearnerModel

    log, _ = irt_log(n_learners=200, n_items=6, answers=6, model="4pl", seed=12)
    model = IRT(model="4pl", slope_prior=None, guess_prior=(3, 9), slip_prior=(1, 30)).fit(log)
    config = model.to_config()
    assert config["params"]["slope_prior"] is None
    loaded = BaseLearnerModel.load(model.save(tmp_path / "irt.tkmodel"))
    assert isinstance(loaded, IRT)
    assert (loaded.slope_prior, loaded.guess_prior, loaded.slip_prior) == (
        None,
        (3.0, 9.0),
        (1.0, 30.0),
    )
    assert np.allclose(loaded.discrimination, model.discrimination)
    # a config stored before the priors existed loads with the priors it was fitted with
    old = {**config, "params": {k: v for k, v in config["params"].items() if "prior" not in k}}
    rebuilt = IRT.from_config(old)
    assert (rebuilt.slope_prior, rebuilt.guess_prior, rebuilt.slip_prior) == (
        0.5,
        (5.0, 17.0),
        (2.0, 12.0),
    )
