"""BKT: the vectorized EM against a plain forward pass, parameter recovery, variants."""

from __future__ import annotations

import numpy as np
import pytest

from teachkit.data import InteractionLog
from teachkit.data.synthetic import bkt_log
from teachkit.errors import ValidationError
from teachkit.learners import BKT
from teachkit.learners import _bkt_em as em


def naive_loglik(
    seqs: list[np.ndarray], prior: float, learn: float, forget: float, guess: float, slip: float
) -> float:
    """A textbook forward pass, one sequence at a time."""
    total = 0.0
    for obs in seqs:
        pk = prior
        for o in obs:
            e1, e0 = (1 - slip, guess) if o else (slip, 1 - guess)
            c = pk * e1 + (1 - pk) * e0
            total += np.log(c)
            post = pk * e1 / c
            pk = post * (1 - forget) + (1 - post) * learn
    return total


def test_vectorized_forward_matches_a_plain_loop() -> None:
    rng = np.random.default_rng(3)
    seqs = [rng.integers(0, 2, rng.integers(1, 12)).astype(float) for _ in range(40)]
    seq_id = np.concatenate([np.full(len(s), k) for k, s in enumerate(seqs)])
    obs = np.concatenate(seqs)
    zeros = np.zeros(len(obs), dtype=np.int64)
    lay = em.layout(seq_id, obs, zeros, zeros, zeros)
    p = em.Params(
        prior=np.array([[0.3]]), learn=np.array([[0.2]]), forget=np.array([[0.05]]),
        guess=np.array([[0.25]]), slip=np.array([[0.1]]),
    )  # fmt: skip
    _, _, c = em.forward(lay, p)
    assert np.log(c).sum() == pytest.approx(
        naive_loglik(seqs, 0.3, 0.2, 0.05, 0.25, 0.1), rel=1e-12
    )


def test_em_never_decreases_the_likelihood() -> None:
    log, _ = bkt_log(n_learners=100, n_skills=2, steps=15, seed=2)
    rows, skill = np.nonzero(log.space.q_matrix[log.items])
    lay = em.layout(log.learners[rows] * 2 + skill, log.correct[rows], skill, skill, skill)
    rng = np.random.default_rng(0)
    p = em.Params(*(rng.uniform(0.1, 0.4, (3, 2)) for _ in range(5)))
    last = np.full((3, 2), -np.inf)
    for _ in range(15):
        p, ll = em.em_step(lay, p, 2, True)
        assert np.all(ll >= last - 1e-8)
        last = ll


def test_parameter_recovery() -> None:
    """Tolerance: 0.05 on learn, guess and slip, 0.08 on the prior (1500 learners x 40 answers)."""
    log, truth = bkt_log(n_learners=1500, n_skills=3, steps=40, seed=11)
    params = BKT(seed=0).fit(log).params()
    for name, tol in (("learn", 0.05), ("guess", 0.05), ("slip", 0.05), ("prior", 0.08)):
        got = np.array([params[name][f"s{k}"] for k in range(3)])
        assert np.abs(got - truth[name]).max() < tol, (name, got, truth[name])


def test_forgetting_is_recovered_roughly() -> None:
    log, truth = bkt_log(n_learners=1000, n_skills=2, steps=30, forgets=True, seed=5)
    got = np.array(list(BKT(forgets=True, seed=0).fit(log).params()["forget"].values()))
    assert np.abs(got - truth["forget"]).max() < 0.05
    assert list(BKT(seed=0).fit(log).params()["forget"].values()) == [0.0, 0.0]


def test_fit_is_deterministic_under_a_seed() -> None:
    log, _ = bkt_log(n_learners=80, n_skills=2, steps=10, seed=1)
    a, b = BKT(seed=4).fit(log).params(), BKT(seed=4).fit(log).params()
    assert a == b


def test_multi_skill_items_predict_the_mean_of_their_skills() -> None:
    log = InteractionLog.from_arrays(
        ["a"] * 6 + ["b"] * 6,
        ["x", "y", "xy", "x", "y", "xy"] * 2,
        [1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0],
        skills=["s", "t", "s;t", "s", "t", "s;t"] * 2,
    )
    model = BKT(seed=0, restarts=2, max_iter=10).fit(log)
    m = model.mastery("a")
    guess, slip = model.params()["guess"], model.params()["slip"]
    per_skill = [m[k] * (1 - slip[k]) + (1 - m[k]) * guess[k] for k in ("s", "t")]
    assert model.predict("a", "xy") == pytest.approx(np.mean(per_skill))


def test_per_item_guess_and_slip() -> None:
    log, _ = bkt_log(n_learners=200, n_skills=2, items_per_skill=2, steps=20, seed=0)
    params = BKT(per_item=True, seed=0, restarts=2).fit(log).params()
    assert sorted(params["guess"]) == ["q0/s0", "q1/s0", "q2/s1", "q3/s1"]


def test_group_priors() -> None:
    strong, _ = bkt_log(n_learners=600, n_skills=1, steps=20, seed=1, truth=_truth(prior=0.8))
    weak, _ = bkt_log(n_learners=600, n_skills=1, steps=20, seed=2, truth=_truth(prior=0.1))
    learners = np.concatenate(
        [strong.learner_ids[strong.learners], "w" + weak.learner_ids[weak.learners].astype(object)]
    )
    groups = ["strong"] * len(strong) + ["weak"] * len(weak)
    log = InteractionLog.from_arrays(
        learners,
        np.r_[strong.items, weak.items].astype(str),
        np.r_[strong.correct, weak.correct],
        groups=groups,
    )
    model = BKT(group_priors=True, seed=0).fit(log)
    gp = model.params()["group_prior"]
    assert gp["strong"]["0"] == pytest.approx(0.8, abs=0.08)
    assert gp["weak"]["0"] == pytest.approx(0.1, abs=0.08)
    model.assign_group("newcomer", "weak")
    assert model.mastery("newcomer")["0"] == pytest.approx(gp["weak"]["0"])
    with pytest.raises(ValidationError, match="already has a state"):
        model.assign_group(str(log.learner_ids[0]), "weak")


def _truth(prior: float) -> dict[str, np.ndarray]:
    return {
        k: np.array([v])
        for k, v in dict(prior=prior, learn=0.1, forget=0.0, guess=0.2, slip=0.1).items()
    }


def test_bad_hyperparameters() -> None:
    with pytest.raises(ValidationError, match="restarts: expected an integer >= 1, got 0"):
        BKT(restarts=0)
    with pytest.raises(ValidationError, match="tol: expected a number > 0"):
        BKT(tol=0)


@pytest.mark.parametrize("options", [{}, {"per_item": True, "forgets": True}])
def test_numba_and_numpy_engines_agree(options: dict[str, bool]) -> None:
    pytest.importorskip("numba")
    log, _ = bkt_log(n_learners=150, n_skills=3, items_per_skill=2, steps=20, seed=6)
    a = BKT(engine="numpy", seed=1, max_iter=15, **options).fit(log).params()
    b = BKT(engine="numba", seed=1, max_iter=15, **options).fit(log).params()
    assert a["loglik"] == pytest.approx(b["loglik"], rel=1e-10)
    for name in ("prior", "learn", "forget", "guess", "slip"):
        assert np.allclose(list(a[name].values()), list(b[name].values()), atol=1e-9)


def test_missing_numba_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from teachkit.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "numba", None)
    log, _ = bkt_log(n_learners=20, n_skills=1, steps=5, seed=0)
    with pytest.raises(MissingDependencyError, match=r"pip install 'teachkit\[fast\]'"):
        BKT(engine="numba").fit(log)
    assert BKT(engine="auto", restarts=1, max_iter=3).fit(log).fitted  # falls back to numpy
    with pytest.raises(
        ValidationError, match="engine: expected one of 'auto', 'numpy', 'numba', got 'c'"
    ):
        BKT(engine="c")


@pytest.mark.parametrize(
    "options", [{}, {"per_item": True, "forgets": True}, {"group_priors": True}]
)
def test_vectorized_predict_log_and_absorb_match_the_step_by_step_forms(
    options: dict[str, bool],
) -> None:
    """BKT's sequence-vectorized predict_log and fold-in give the base class's numbers,
    on multi-skill items (SkillGraphStudent logs) and on a learner seen before."""
    from teachkit.learners._base import BaseLearnerModel
    from teachkit.simulators import skill_graph_log

    log, _ = skill_graph_log(60, steps=25, seed=3)
    if options.get("group_priors"):
        groups = np.array(["a", "b"] * (log.n_learners // 2), dtype=object)
        log = InteractionLog(
            space=log.space, learner_ids=log.learner_ids, learners=log.learners,
            items=log.items, correct=log.correct, score=log.score, time=log.time,
            groups=groups,
        )  # fmt: skip
    assert log.space.q_matrix.sum(axis=1).max() > 1  # some items have several skills
    model = BKT(seed=0, restarts=2, max_iter=10, **options).fit(log)
    fast = model.predict_log(log)
    slow = BaseLearnerModel.predict_log(model, log)
    assert np.allclose(fast, slow, atol=1e-12)
    # fold-in: fit() used the vectorized _absorb; replay it answer by answer
    known = model._state["known"].copy()
    model._reset_learners()
    BaseLearnerModel._absorb(model, log)
    assert np.allclose(model._state["known"], known, atol=1e-12)
    # an update on top of existing states starts from them, not from the prior
    half = log.take_rows(log.position < 10)
    rest = log.take_rows(log.position >= 10)
    a = BKT(seed=0, restarts=2, max_iter=10, **options).fit(log)
    a._reset_learners()
    a.update(half)
    a.update(rest)
    assert np.allclose(a._state["known"], known, atol=1e-12)


def test_engines_agree_on_multi_skill_items_with_group_priors() -> None:
    pytest.importorskip("numba")
    from teachkit.simulators import skill_graph_log

    log, _ = skill_graph_log(80, steps=20, seed=4)
    groups = np.array(["a", "b", "c"] * log.n_learners, dtype=object)[: log.n_learners]
    log = InteractionLog(
        space=log.space, learner_ids=log.learner_ids, learners=log.learners, items=log.items,
        correct=log.correct, score=log.score, time=log.time, groups=groups,
    )  # fmt: skip
    opts = {"group_priors": True, "per_item": True, "seed": 2, "max_iter": 12}
    a = BKT(engine="numpy", **opts).fit(log).params()  # type: ignore[arg-type]
    b = BKT(engine="numba", **opts).fit(log).params()  # type: ignore[arg-type]
    assert a["loglik"] == pytest.approx(b["loglik"], rel=1e-10)
    for name in ("prior", "learn", "guess", "slip"):
        assert np.allclose(list(a[name].values()), list(b[name].values()), atol=1e-9)
    for g in a["group_prior"]:
        assert np.allclose(list(a["group_prior"][g].values()), list(b["group_prior"][g].values()))


def test_real_shaped_log_has_the_stated_shape() -> None:
    from teachkit.data.synthetic import real_shaped_bkt_log

    log, truth = real_shaped_bkt_log(seed=0)
    assert 200_000 < len(log) < 260_000 and log.n_learners == 2900
    skill = log.space.q_matrix[log.items].argmax(axis=1)
    assert len(np.unique(skill)) == 110 == len(truth["learn"])
    _, lengths = np.unique(log.learners * 110 + skill, return_counts=True)
    assert len(lengths) == 27_000
    assert np.median(lengths) == 5 and 0.08 < (lengths == 1).mean() < 0.13
    assert 16 <= np.percentile(lengths, 90) <= 22 and 150 < lengths.max() < 500
    sizes = np.bincount(skill)
    assert sizes.min() < 150 and sizes.max() > 5000
    # each learner-skill sequence is contiguous in the learner's log (skill-builder style)
    change = np.r_[True, (np.diff(skill) != 0) | (np.diff(log.learners) != 0)]
    assert change.sum() == 27_000
    small, _ = real_shaped_bkt_log(200, 10, n_sequences=600, seed=1)
    assert small.n_learners == 200 and len(np.unique(small.learners)) == 200
