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


def _split_csvs(tmp_path: Path) -> tuple[Path, Path]:
    """A train and a test file with a researcher's column names; the test file has a new
    item and new learners."""
    log, _ = bkt_log(n_learners=60, n_skills=2, items_per_skill=2, steps=12, seed=3)
    frame = log.to_frame().rename(
        columns={"learner": "user_id", "item": "problem_id", "skills": "skill_name",
                 "correct": "answer_ok", "time": "ts"}
    )[["user_id", "problem_id", "skill_name", "answer_ok", "ts"]]  # fmt: skip
    is_test = frame["user_id"].isin([f"u{k}" for k in range(45, 60)])
    train, test = frame[~is_test], frame[is_test].copy()
    test.loc[test.index[:3], ["problem_id", "skill_name"]] = ["q_new", "s0"]
    paths = tmp_path / "train.csv", tmp_path / "test.csv"
    train.to_csv(paths[0], index=False)
    test.to_csv(paths[1], index=False)
    return paths


def test_fit_command_scores_a_given_split_with_several_models(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    train, test = _split_csvs(tmp_path)
    cols = ["--learner-col", "user_id", "--item-col", "problem_id", "--skills-col",
            "skill_name", "--correct-col", "answer_ok", "--time-col", "ts"]  # fmt: skip
    out = tmp_path / "out"
    code = main(
        ["fit", "--data", str(train), "--test", str(test), *cols, "--out", str(out),
         "--model", "bkt:restarts=2,pfa,irt:model=3pl:max_iter=30", "--seed", "4"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    table = captured.out.split("\n\n")[-1]
    header = table.splitlines()[0].split()
    assert header == ["model", "auc", "accuracy", "rmse", "log_loss", "n", "fit_s"]
    rows = {line.split()[0]: line.split() for line in table.splitlines()[1:4]}
    assert set(rows) == {"bkt:restarts=2", "pfa", "irt:model=3pl:max_iter=30"}
    assert {r[5] for r in rows.values()} == {str(15 * 11)}  # test answers after the first
    assert "BKT EM" not in captured.err  # no progress bars when stderr is not a terminal
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["protocol"] == "split" and metrics["seed"] == 4
    assert metrics["data"]["path"] == str(train.resolve()) and len(metrics["data"]["sha256"]) == 64
    assert metrics["test"]["answers"] == 15 * 12
    assert {"python", "teachkit", "numpy"} <= set(metrics["versions"])
    bkt = metrics["models"]["bkt:restarts=2"]
    assert bkt["config"]["params"]["restarts"] == 2 and bkt["config"]["params"]["seed"] == 4
    assert bkt["fit_s"][0] > 0 and 0.5 < bkt["summary"]["auc"]["mean"] < 1
    assert metrics["models"]["irt:model=3pl:max_iter=30"]["config"]["params"]["model"] == "3pl"
    saved = BaseLearnerModel.load(out / "irt_model_3pl_max_iter_30.tkmodel")
    assert "q_new" in saved.space_.names  # the test file's new item joined the space


def test_fit_command_errors_name_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pandas")
    train, _ = _split_csvs(tmp_path)
    assert main(["fit", "--data", str(train), "--model", "bkt", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "missing columns: 'learner' (the learner column)" in err
    assert "--learner-col/--item-col/--skills-col/--correct-col/--time-col" in err
    args = ["fit", "--data", str(_csv(tmp_path)), "--out", str(tmp_path / "o")]
    assert main([*args, "--model", "bkt:restart=2"]) == 2
    assert "bkt has no option 'restart'; it has [" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*args, "--model", "bkt,dkk"])
    assert "unknown model 'dkk' (did you mean 'dkt'?)" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*args, "--model", "irt:3pl"])
    assert "expected key=value" in capsys.readouterr().err


def test_evaluate_split_uses_training_rows_as_history() -> None:
    from teachkit.evaluation import evaluate_split

    log, _ = bkt_log(n_learners=50, n_skills=2, steps=12, seed=5)
    early, late = log.take_rows(log.position < 8), log.take_rows(log.position >= 8)
    ev = evaluate_split(BKT(seed=0, restarts=2), early, late)
    assert ev.folds[0]["n"] == 50 * 4  # every test row has history: all are scored
    fitted = ev.model
    full = fitted.predict_log(log)[log.position >= 8]
    assert np.allclose(ev.p, full)  # same as predicting the whole log, scored on the late part
    new = evaluate_split(BKT(seed=0, restarts=2), log.take_learners(range(40)),
                         log.take_learners(range(40, 50)), score_first=True)  # fmt: skip
    assert new.folds[0]["n"] == 10 * 12


def test_progress_bars_stay_out_of_redirected_output(capsys: pytest.CaptureFixture[str]) -> None:
    from teachkit.evaluation import evaluate_pykt
    from teachkit.learners import IRT, Elo

    log, _ = bkt_log(n_learners=40, n_skills=2, steps=8, seed=0)
    BKT(restarts=1, max_iter=3, engine="numpy").fit(log, progress=True)
    IRT(max_iter=3).fit(log, progress=True)
    Elo().fit(log, progress=True)
    evaluate_pykt(PFA(), log, progress=True)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
