"""The learner-model contract's edges, the registry names and ``teachkit fit``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from teachkit.cli import main
from teachkit.data import InteractionLog
from teachkit.data.synthetic import bkt_log
from teachkit.errors import ValidationError
from teachkit.learners import BKT, PFA, BaseLearnerModel
from teachkit.registry import LEARNER_MODELS, learner_model_class
from teachkit.spaces import Box, Discrete


def test_a_model_without_a_space_adopts_the_logs() -> None:
    model = PFA()
    with pytest.raises(ValidationError, match="this model has no space yet"):
        model.predict("a", "q0")
    log, _ = bkt_log(n_learners=20, n_skills=2, steps=5, seed=0)
    model.fit(log)
    assert model.space_ == log.space
    assert model.space is None
    assert model.fitted
    assert set(model.learners()) == set(log.learner_ids.tolist())


def test_spaces_and_learner_ids_are_checked() -> None:
    with pytest.raises(ValidationError, match=r"space: expected a teachkit\.spaces\.Discrete"):
        BKT(Box([0.0], [1.0]))  # type: ignore[arg-type]
    model = BKT(Discrete(["a", "b"]))
    with pytest.raises(ValidationError, match="expected one learner id per task \\(2\\), got 3"):
        model.predict_many(["x", "y", "z"], ["a", "b"])
    with pytest.raises(ValidationError, match="expected item indices in \\[0, 2\\)"):
        model.predict_encoded("x", [2])
    with pytest.raises(ValidationError, match="learner_id: expected a non-empty string"):
        model.mastery("")
    with pytest.raises(ValidationError, match="expected an InteractionLog, an Event"):
        model.update("not events")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected at least one answer, got an empty log"):
        model.fit(InteractionLog.from_arrays(["x"], ["a"], [1]).take_rows(np.array([False])))


def test_save_and_load(tmp_path: Path) -> None:
    log, _ = bkt_log(n_learners=30, n_skills=2, steps=8, seed=0)
    model = BKT(seed=0, restarts=2).fit(log)
    path = model.save(tmp_path / "sub" / "bkt.tkmodel")
    loaded = BaseLearnerModel.load(path)
    assert isinstance(loaded, BKT)
    assert loaded.params() == model.params()
    assert loaded.mastery("u3") == model.mastery("u3")
    with pytest.raises(ValidationError, match="holds a BKT, expected a PFA"):
        PFA.load(path)
    (tmp_path / "junk").write_bytes(b"not a model")
    with pytest.raises(ValidationError, match="is not a saved teachkit learner model"):
        BaseLearnerModel.load(tmp_path / "junk")
    with pytest.raises(ValidationError, match="no such file"):
        BaseLearnerModel.load(tmp_path / "missing")


def test_registry_names() -> None:
    assert set(LEARNER_MODELS) >= {"bkt", "dkt", "elo", "irt", "memory", "pfa", "sakt"}
    assert set(LEARNER_MODELS) >= {"akt", "simplekt", "psikt"}
    assert learner_model_class("BKT") is BKT
    with pytest.raises(ValidationError, match="'bkk' \\(did you mean 'bkt'\\?\\)"):
        learner_model_class("bkk")


def _csv(tmp_path: Path) -> Path:
    log, _ = bkt_log(n_learners=40, n_skills=2, steps=10, seed=0)
    frame = log.to_frame().drop(columns=["score"]).rename(columns={"time": "timestamp"})
    path = tmp_path / "log.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.slow
def test_fit_command_with_evaluation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    out = tmp_path / "out"
    code = main(
        ["fit", "--data", str(_csv(tmp_path)), "--model", "pfa", "--eval", "--out", str(out)]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "pfa (pykt protocol)" in text
    assert "mean±std" in text
    assert (out / "calibration.png").stat().st_size > 1000
    metrics = json.loads((out / "metrics.json").read_text())
    assert len(metrics["folds"]) == 5
    assert isinstance(BaseLearnerModel.load(out / "pfa.tkmodel"), PFA)


def test_fit_command_in_sample_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    code = main(
        ["fit", "--data", str(_csv(tmp_path)), "--model", "elo", "--out", str(tmp_path / "o")]
    )
    assert code == 0
    assert "elo (in-sample protocol)" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("learner,item,correct\na,q,1\na,q,7\n")
    assert main(["fit", "--data", str(bad), "--model", "bkt", "--out", str(tmp_path / "o")]) == 2
    assert "correct: expected 0 or 1, got 7 at rows 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["fit", "--data", str(bad), "--model", "hmm"])
