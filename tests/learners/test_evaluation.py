"""Metrics and the pyKT protocol: splits, cutting, question-level scoring."""

from __future__ import annotations

import numpy as np
import pytest

from teachkit.data import InteractionLog
from teachkit.data.synthetic import bkt_log
from teachkit.errors import ValidationError
from teachkit.evaluation import (
    accuracy,
    auc,
    calibration,
    cut,
    drop_short,
    evaluate_pykt,
    log_loss,
    pykt_split,
    rmse,
)
from teachkit.learners import BKT, PFA


def test_metrics_golden_values() -> None:
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.4, 0.35, 0.8])
    assert auc(y, p) == pytest.approx(0.75)
    assert auc(y, np.full(4, 0.5)) == pytest.approx(0.5)
    assert np.isnan(auc(np.ones(3), np.full(3, 0.3)))
    assert accuracy(y, p) == pytest.approx(0.75)
    assert rmse(y, p) == pytest.approx(np.sqrt((0.01 + 0.16 + 0.4225 + 0.04) / 4))
    assert log_loss(y, p) == pytest.approx(-np.mean(np.log([0.9, 0.6, 0.35, 0.8])))
    cal = calibration(y, p, bins=2)
    assert cal["count"].tolist() == [3, 1]
    assert cal["observed"].tolist() == pytest.approx([1 / 3, 1.0])
    with pytest.raises(ValidationError, match="expected predictions in \\[0, 1\\]"):
        auc(y, np.array([0.1, 0.2, 1.5, 0.3]))


def test_split_is_80_20_with_five_disjoint_folds_and_a_fixed_seed() -> None:
    log, _ = bkt_log(n_learners=100, n_skills=2, steps=5, seed=0)
    test, folds = pykt_split(log)
    assert len(test) == 20
    assert [len(f) for f in folds] == [16] * 5
    everyone = np.concatenate([test, *folds])
    assert sorted(everyone.tolist()) == list(range(100))
    again, _ = pykt_split(log)
    assert np.array_equal(test, again)
    other, _ = pykt_split(log, seed=7)
    assert not np.array_equal(test, other)


def test_short_learners_are_dropped_and_sequences_cut_at_200() -> None:
    n = [2, 3, 450, 201]
    learners = np.repeat(["a", "b", "c", "d"], n)
    log = InteractionLog.from_arrays(learners, np.zeros(sum(n), dtype=int), np.ones(sum(n)))
    kept = drop_short(log)
    assert kept.learner_ids.tolist() == ["b", "c", "d"]
    pieces = cut(kept)
    assert pieces.learner_ids.tolist() == ["b#0", "c#0", "c#1", "c#2", "d#0"]
    assert pieces.lengths.tolist() == [3, 200, 200, 50, 200]  # d's last piece of 1 is dropped


def test_scoring_is_question_level_one_step_ahead() -> None:
    """A multi-skill item is one scored answer; the first answer of each piece is not scored."""
    rng = np.random.default_rng(0)
    n_l, per = 50, 8
    items = rng.choice(["x", "y", "xy"], n_l * per)
    tags = {"x": "s", "y": "t", "xy": "s;t"}
    log = InteractionLog.from_arrays(
        np.repeat([f"u{k}" for k in range(n_l)], per),
        items,
        rng.integers(0, 2, n_l * per),
        skills=[tags[i] for i in items],
    )
    ev = evaluate_pykt(BKT(restarts=1, max_iter=5, seed=0), log)
    test_learners = pykt_split(log)[0]
    assert all(f["n"] == len(test_learners) * (per - 1) for f in ev.folds)
    assert len(ev.y) == 5 * len(test_learners) * (per - 1)


def test_evaluation_is_deterministic_and_summarized() -> None:
    log, _ = bkt_log(n_learners=60, n_skills=2, steps=12, seed=1)
    a = evaluate_pykt(PFA(), log)
    b = evaluate_pykt(PFA(), log)
    assert a.folds == b.folds
    summary = a.summary()
    assert list(summary) == ["auc", "accuracy", "rmse", "log_loss"]
    mean, std = summary["auc"]
    assert mean == pytest.approx(np.mean([f["auc"] for f in a.folds]))
    assert std == pytest.approx(np.std([f["auc"] for f in a.folds]))
    text = a.table("PFA")
    assert text.splitlines()[0] == "PFA (pykt protocol)"
    assert text.splitlines()[-1].startswith("mean±std")
    assert set(a.to_dict()) == {"protocol", "folds", "fit_s", "summary"}
    assert len(a.fit_s) == 5 and all(t > 0 for t in a.fit_s)


def test_too_few_learners() -> None:
    log = InteractionLog.from_arrays(["a"] * 3 + ["b"] * 3, ["q"] * 6, [1, 0, 1, 0, 1, 0])
    with pytest.raises(
        ValidationError, match="expected enough learners for a test set and 5 folds, got 2"
    ):
        evaluate_pykt(PFA(), log)


def test_compare_runs_pykt_without_a_test_set_and_tabulates() -> None:
    from teachkit.evaluation import compare, comparison_table

    log, _ = bkt_log(n_learners=60, n_skills=2, steps=12, seed=1)
    results = compare({"pfa": PFA(), "bkt": BKT(restarts=1, max_iter=5, seed=0)}, log)
    assert [ev.protocol for ev in results.values()] == ["pykt", "pykt"]
    assert results["pfa"].folds == evaluate_pykt(PFA(), log).folds  # same split for all
    lines = comparison_table(results).splitlines()
    assert [line.split()[0] for line in lines] == ["model", "pfa", "bkt"]
    assert "±" in lines[1]  # five folds: mean ± std
    assert comparison_table({}) == ""
