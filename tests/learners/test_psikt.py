"""PSI-KT: the learned graph as a DAG, traits, times, and the Tutor helper."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError

torch = pytest.importorskip("torch")

from teachkit.learners import BKT, PSIKT  # noqa: E402
from teachkit.simulators import skill_graph_log  # noqa: E402
from teachkit.teachers.people import learned_prerequisites  # noqa: E402


@pytest.fixture(scope="module")
def fitted() -> tuple[PSIKT, tk.data.InteractionLog]:
    log, _ = skill_graph_log(40, steps=15, seed=0)
    return PSIKT(epochs=3, seed=0).fit(log), log


def bare(space: tk.spaces.Discrete) -> tk.spaces.Discrete:
    names = space.names
    return tk.spaces.Discrete(names, skills={t: space.skills_of(t) for t in names})


def set_edges(model: PSIKT, logits: np.ndarray) -> None:
    """Make ``A = sigmoid(logits)`` exactly: u = logits, v = identity, no bias."""
    k = logits.shape[0]
    net = model._net
    with torch.no_grad():
        net["u"].data = torch.as_tensor(logits, dtype=torch.float32)
        net["v"].data = torch.eye(k)
        net["edge_bias"].fill_(0.0)


def test_training_lowers_the_loss_and_is_deterministic(fitted: tuple) -> None:
    model, log = fitted
    assert len(model.loss_history) == 3 and model.loss_history[-1] < model.loss_history[0]
    again = PSIKT(epochs=3, seed=0).fit(log)
    assert np.array_equal(again.prerequisite_matrix(), model.prerequisite_matrix())
    a = model.prerequisite_matrix()
    assert a.shape == (12, 12) and np.all(np.diag(a) == 0) and np.all((a >= 0) & (a <= 1))


def test_prerequisites_break_cycles_strongest_first() -> None:
    space = tk.spaces.Discrete(["x", "y", "z"])
    model = PSIKT(space, seed=0)
    logits = np.full((3, 3), -5.0)
    logits[0, 1] = 3.0  # x -> y, strongest
    logits[1, 2] = 2.0  # y -> z
    logits[2, 0] = 1.0  # z -> x would close the cycle x -> y -> z -> x
    logits[1, 0] = 0.5  # y -> x: a 2-cycle with x -> y
    set_edges(model, logits)
    assert model.prerequisites(0.5) == {"y": ["x"], "z": ["y"]}
    assert model.prerequisites(0.95) == {"y": ["x"]}
    with pytest.raises(ValidationError, match=r"threshold: expected a number in \(0, 1\)"):
        model.prerequisites(1.5)


def test_fitted_learners_keep_their_traits(fitted: tuple) -> None:
    model, log = fitted
    known = model.traits(str(log.learner_ids[0]))
    prior = model.traits("never-seen")
    assert set(known) == {"forgetting", "learning", "level"}
    assert known != prior
    assert all(v > 0 for k, v in prior.items() if k != "level")


def test_forgetting_pulls_predictions_back_over_time(fitted: tuple) -> None:
    model, log = fitted
    lid, t = str(log.learner_ids[0]), float(log.time.max())
    soon = model.predict_encoded(lid, np.arange(log.space.n), time=t)
    late = model.predict_encoded(lid, np.arange(log.space.n), time=t + 1000 * 86400)
    assert not np.allclose(soon, late)
    # After a very long time the belief is the learner's long-term level.
    never = model.predict_encoded(lid, np.arange(log.space.n), time=t + 1e6 * 86400)
    later = model.predict_encoded(lid, np.arange(log.space.n), time=t + 2e6 * 86400)
    assert np.allclose(never, later, atol=1e-5)


def test_a_log_without_times_counts_days_by_answer(fitted: tuple) -> None:
    _, log = fitted
    untimed = tk.data.InteractionLog(
        space=log.space,
        learner_ids=log.learner_ids,
        learners=log.learners,
        items=log.items,
        correct=log.correct,
        score=log.score,
        time=np.full(len(log), np.nan),
    )
    model = PSIKT(epochs=1, seed=0).fit(untimed)
    p = model.predict_log(untimed)
    assert np.all(np.isfinite(p)) and np.all((p > 0) & (p < 1))
    # Untimed answers are a day apart, in training and in prediction alike.
    daily = tk.data.InteractionLog(
        space=log.space,
        learner_ids=log.learner_ids,
        learners=log.learners,
        items=log.items,
        correct=log.correct,
        score=log.score,
        time=1.7e9 + 86400.0 * log.position,
    )
    assert np.allclose(model.predict_log(daily), p, atol=1e-6)
    again = PSIKT(epochs=1, seed=0).fit(daily)
    assert np.allclose(again.prerequisite_matrix(), model.prerequisite_matrix(), atol=1e-6)


def test_bad_hyperparameters() -> None:
    with pytest.raises(ValidationError, match="sparsity: expected a number >= 0, got -1"):
        PSIKT(sparsity=-1)
    with pytest.raises(ValidationError, match="embed"):
        PSIKT(embed=0)


def test_learned_prerequisites_give_the_tutor_a_graph(fitted: tuple) -> None:
    _, log = fitted
    plain = bare(log.space)
    psikt = PSIKT(plain, seed=0)
    k = len(plain.skill_names)
    logits = np.full((k, k), -5.0)
    logits[0, 1] = logits[1, 2] = 4.0  # skill 0 -> skill 1 -> skill 2
    set_edges(psikt, logits)
    space = learned_prerequisites(plain, psikt)
    names = plain.skill_names
    assert space.prerequisites == {names[1]: (names[0],), names[2]: (names[1],)}
    assert list(space.names) == list(plain.names)
    tutor = tk.teachers.Tutor(space, learner_model=psikt, seed=0)
    assert tutor.plan("ana").index(names[0]) < tutor.plan("ana").index(names[2])
    # A space that has prerequisites keeps them.
    assert learned_prerequisites(log.space, psikt) is log.space


def test_learned_prerequisites_errors(fitted: tuple) -> None:
    model, log = fitted
    plain = bare(log.space)
    with pytest.raises(ValidationError, match="expected a learner model that learns prerequisites"):
        learned_prerequisites(plain, BKT(plain))
    other = tk.spaces.Discrete(["a", "b"])
    with pytest.raises(ValidationError, match="differ from the space's"):
        learned_prerequisites(other, model)
