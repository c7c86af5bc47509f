"""BKT's evidence bookkeeping (answers behind the parameters) and the Tutor's optimism."""

from __future__ import annotations

import numpy as np

import teachkit as tk
from teachkit.data import InteractionLog
from teachkit.learners import BKT
from teachkit.simulators import BKTStudent


def batches(n_steps: int, n_learners: int = 20, seed: int = 0) -> list[tk.EventBatch]:
    sim = BKTStudent(n_learners, seed=seed, n_skills=3)
    teacher = tk.teachers.Uniform(sim.space, seed=seed)
    return [
        sim.step(np.stack([teacher.ask_encoded(lid) for lid in sim.learner_ids]))
        for _ in range(n_steps)
    ]


def space() -> tk.spaces.Discrete:
    return BKTStudent(1, n_skills=3).space


def test_a_new_model_rests_on_no_answers_and_a_fit_on_its_log() -> None:
    assert BKT(space()).prior_evidence().tolist() == [0.0, 0.0, 0.0]
    data = tk.EventBatch.concat(batches(10))
    log = InteractionLog.from_batch(data, space())
    fitted = BKT(space(), restarts=1, engine="numpy", seed=0).fit(log)
    counts = fitted._q[log.items].sum(axis=0)  # answers per skill
    assert fitted.prior_evidence().tolist() == counts.astype(float).tolist()
    assert counts.sum() == 200


def test_a_seeded_model_keeps_its_offline_evidence_through_its_own_refits() -> None:
    past = InteractionLog.from_batch(tk.EventBatch.concat(batches(10, seed=1)), space())
    fitted = BKT(space(), forgets=True, restarts=1, engine="numpy", seed=0).fit(past)
    model = fitted.seeded(refit=100)
    assert model.prior_evidence().tolist() == fitted.prior_evidence().tolist()
    for b in batches(8, seed=2):  # 160 answers: one refit
        model.update(b)
    assert model.refits == 1
    assert model.prior_evidence().tolist() == fitted.prior_evidence().tolist()
    # the refitted parameters rest on the class's answers and the offline fit's
    assert model._answers_behind().sum() == fitted.prior_evidence().sum() + 100


def test_a_state_stored_before_the_bookkeeping_loads_as_no_evidence() -> None:
    model = BKT(space(), refit=50, engine="numpy", seed=0)
    state = model.state_dict()
    del state["state"]["_evidence"], state["state"]["_anchor_evidence"]
    loaded = BKT(space(), refit=50, engine="numpy", seed=0)
    del loaded._evidence, loaded._anchor_evidence
    loaded.load_state_dict(state)
    assert loaded.prior_evidence().tolist() == [0.0, 0.0, 0.0]


def test_the_tutor_is_optimistic_only_where_little_is_known() -> None:
    sim = BKTStudent(1, n_skills=3)
    past = InteractionLog.from_batch(tk.EventBatch.concat(batches(30, seed=1)), sim.space)
    fitted = BKT(sim.space, forgets=True, restarts=1, engine="numpy", seed=0).fit(past)

    def new_gain(model: BKT, optimism: float) -> np.ndarray:
        tutor = tk.teachers.Tutor(sim.space, learner_model=model, optimism=optimism, seed=0)
        return tutor.gains("ana")[0]

    fresh = BKT(sim.space, forgets=True, refit=200, engine="numpy", seed=0)
    fresh_again = BKT(sim.space, forgets=True, refit=200, engine="numpy", seed=0)
    # the defaults rest on nothing: the bonus is the whole optimism
    assert (new_gain(fresh, 0.3) > new_gain(fresh_again, 0.0) * 2).all()
    # a model seeded from 600 answers: a bonus of about 0.3 / sqrt(200) per skill
    seeded, plain = new_gain(fitted.seeded(), 0.3), new_gain(fitted.seeded(), 0.0)
    assert (seeded > plain).all() and (seeded < plain * 1.5).all()
    # a model that never refits: none
    fixed = fitted.seeded(refit=None)
    np.testing.assert_array_equal(new_gain(fixed, 0.3), new_gain(fitted.seeded(refit=None), 0.0))
