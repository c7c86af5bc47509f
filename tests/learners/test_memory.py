"""The FSRS-6 equations and the memory model: fitting, scheduling, review logs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from teachkit.data import _fsrs, read_review_log
from teachkit.data.synthetic import review_log
from teachkit.errors import ValidationError
from teachkit.evaluation import evaluate_memory, log_loss
from teachkit.learners import MemoryModel, _fsrs_fit

FIXTURE = Path(__file__).parents[1] / "data" / "fixtures" / "review_log_small.csv"
W = _fsrs.DEFAULT_W


def test_retrievability_is_90_percent_after_one_stability() -> None:
    s = np.array([0.5, 3.0, 40.0])
    assert _fsrs.retrievability(W, s, s) == pytest.approx([0.9, 0.9, 0.9])
    assert _fsrs.retrievability(W, np.zeros(3), s) == pytest.approx([1.0, 1.0, 1.0])
    days = _fsrs.interval(W, s, 0.8)
    assert _fsrs.retrievability(W, days, s) == pytest.approx([0.8, 0.8, 0.8])


def test_first_review_and_updates() -> None:
    s, d = _fsrs.initial(W, np.array([1, 2, 3, 4]))
    assert s.tolist() == W[:4].tolist()
    assert np.all(np.diff(d) < 0), "easier first grades mean lower difficulty"
    s0, d0 = np.array([5.0, 5.0]), np.array([5.0, 5.0])
    s1, d1 = _fsrs.update(W, s0, d0, np.array([5.0, 5.0]), np.array([3, 1]))
    assert s1[0] > 5.0 > s1[1], "a recall strengthens memory, a lapse weakens it"
    assert d1[1] > d1[0]
    short, _ = _fsrs.update(W, s0, d0, np.array([0.1, 0.1]), np.array([3, 3]))
    assert short[0] >= 5.0, "a same-day success never lowers stability"


def test_batched_simulation_equals_single_runs() -> None:
    log, _ = review_log(n_cards=20, reviews=5, seed=1)
    model = MemoryModel(log.space, grades="four")
    lay, grades, days, _ = model._cards(log)
    ws = np.vstack([W, W * 1.01])
    both = _fsrs_fit.simulate(ws, grades, days, lay.offsets, lay.n_active)
    one = _fsrs_fit.simulate(ws[1], grades, days, lay.offsets, lay.n_active)
    assert np.allclose(both[1], one, equal_nan=True)


def test_default_weights_reproduce_the_generating_process() -> None:
    log, truth = review_log(n_cards=100, reviews=6, seed=2)
    p = MemoryModel(log.space, grades="four").predict_log(log)
    seen = ~np.isnan(truth["p_recall"])
    assert np.allclose(p[seen], truth["p_recall"][seen])


@pytest.mark.slow
def test_fit_gets_close_to_the_truth() -> None:
    log, truth = review_log(
        n_cards=300, reviews=6, seed=3, weights=np.clip(W * 1.3, _fsrs_fit.LOWER, _fsrs_fit.UPPER)
    )
    seen = ~np.isnan(truth["p_recall"])
    best = log_loss(log.correct[seen], truth["p_recall"][seen])
    default = log_loss(
        log.correct[seen], MemoryModel(log.space, grades="four").predict_log(log)[seen]
    )
    fitted = MemoryModel(grades="four", max_iter=30).fit(log)
    got = log_loss(log.correct[seen], fitted.predict_log(log)[seen])
    assert got <= default
    assert got < best + 0.01


def test_review_log_fixture_fit_and_schedule() -> None:
    log = read_review_log(FIXTURE)
    model = MemoryModel(grades="four", max_iter=10).fit(log)
    assert model.weights.shape == (21,)
    card = log.space.names[int(log.items[-1])]
    last = float(log.time[-1])
    due = model.next_review("0", card, retention=0.9)
    later = model.next_review("0", card, retention=0.8)
    assert due.timestamp() > last
    assert later > due
    at_due = model.predict("0", card, time=due)
    assert at_due == pytest.approx(0.9, abs=1e-6)
    overdue = model.due("0", at=due + timedelta(days=1))
    assert card in overdue
    assert model.due("0", at=last) == [] or card not in model.due("0", at=last)
    assert model.due("nobody") == []
    with pytest.raises(
        ValidationError, match=r"retention: expected a probability in \(0, 1\), got 1.5"
    ):
        model.next_review("0", card, retention=1.5)


def test_memory_protocol_scores_only_later_reviews() -> None:
    log, _ = review_log(n_cards=60, reviews=6, seed=4)
    ev = evaluate_memory(MemoryModel(grades="four", max_iter=5), log)
    assert ev.metrics[0] == "log_loss"
    n = int(ev.folds[0]["n"])
    assert 0 < n <= int(np.ceil(0.2 * len(log)))
    assert set(ev.calibration()) == {"count", "predicted", "observed", "ece"}


def test_grades() -> None:
    model = MemoryModel(grades="four")
    assert model._grade(np.array([0, 1, 1, 1]), np.array([0, 1 / 3, 2 / 3, 1])).tolist() == [
        1,
        2,
        3,
        4,
    ]
    assert MemoryModel()._grade(np.array([0, 1]), np.array([0, 1])).tolist() == [1, 3]
    with pytest.raises(ValidationError, match="grades: expected 'binary' or 'four', got 'five'"):
        MemoryModel(grades="five")


def test_memory_needs_times_and_enough_reviews() -> None:
    from teachkit.data import InteractionLog

    log = InteractionLog.from_arrays(["a", "a"], ["c", "c"], [1, 0])
    with pytest.raises(ValidationError, match="every review needs a time"):
        MemoryModel().fit(log)
    log = InteractionLog.from_arrays(["a", "a"], ["c", "c"], [1, 0], time=[0.0, 86400.0 * 3])
    with pytest.raises(ValidationError, match="the log is too short to fit memory"):
        MemoryModel().fit(log)
