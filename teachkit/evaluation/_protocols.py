"""Evaluation protocols: pyKT's for knowledge tracing, a time-ordered split for memory.

Both score question-level, one-step-ahead predictions from
:meth:`~teachkit.learners.BaseLearnerModel.predict_log`, so an item with several skills
is scored once, from the answers before it, never as expanded per-skill rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from teachkit.data._log import InteractionLog
from teachkit.errors import ValidationError
from teachkit.evaluation._metrics import calibration, scores
from teachkit.learners._base import BaseLearnerModel

METRICS = ("auc", "accuracy", "rmse", "log_loss")
MEMORY_METRICS = ("log_loss", "auc", "rmse", "ece")


@dataclass
class Evaluation:
    """Per-fold metrics, their mean and standard deviation, and the scored predictions.

    Attributes:
        protocol: ``"pykt"``, ``"memory"`` or ``"split"`` (a given train/test split).
        folds: one dict of metrics per fold (``n`` = answers scored).
        y, p: outcomes and predictions scored, all folds concatenated (for plots).
        model: the fitted model (:func:`evaluate_split`; None for the other protocols).
        fit_s: seconds each fold's fit took (wall clock).
    """

    protocol: str
    metrics: tuple[str, ...]
    folds: list[dict[str, float]] = field(default_factory=list)
    y: np.ndarray = field(default_factory=lambda: np.zeros(0))
    p: np.ndarray = field(default_factory=lambda: np.zeros(0))
    model: Any = None
    fit_s: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, tuple[float, float]]:
        """``{metric: (mean, std)}`` over folds (population std, 0 for one fold)."""
        return {
            m: (
                float(np.mean([f[m] for f in self.folds])),
                float(np.std([f[m] for f in self.folds])),
            )
            for m in self.metrics
        }

    def table(self, name: str = "") -> str:
        """A plain-text table: one row per fold, then mean ± std."""
        head = f"{'fold':<8}" + "".join(f"{m:>18}" for m in self.metrics) + f"{'n':>10}"
        lines = [f"{name} ({self.protocol} protocol)".strip(), head]
        for k, f in enumerate(self.folds):
            lines.append(
                f"{k:<8}" + "".join(f"{f[m]:>18.4f}" for m in self.metrics) + f"{int(f['n']):>10}"
            )
        summ = self.summary()
        lines.append(
            f"{'mean±std':<8}" + "".join(f"{f'{a:.4f} ± {s:.4f}':>18}" for a, s in summ.values())
        )
        return "\n".join(lines)

    def calibration(self, bins: int = 10) -> dict[str, np.ndarray]:
        """Reliability-diagram data over all folds' predictions (see :func:`calibration`)."""
        return calibration(self.y, self.p, bins)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: protocol, folds and each metric's mean and std."""
        return {
            "protocol": self.protocol,
            "folds": self.folds,
            "fit_s": self.fit_s,
            "summary": {m: {"mean": a, "std": s} for m, (a, s) in self.summary().items()},
        }


# -- pyKT ---------------------------------------------------------------------------------------
def drop_short(log: InteractionLog, min_len: int = 3) -> InteractionLog:
    """The learners with at least ``min_len`` answers."""
    return log.take_learners(np.flatnonzero(log.lengths >= min_len))


def cut(log: InteractionLog, max_len: int = 200, min_len: int = 3) -> InteractionLog:
    """Every sequence cut into consecutive pieces of ``max_len`` answers, each piece a
    learner of its own (``id#k``); pieces shorter than ``min_len`` are dropped (pyKT)."""
    piece = log.position // max_len
    lengths = log.lengths
    last_len = lengths - (lengths - 1) // max_len * max_len
    short_last = (piece == (lengths[log.learners] - 1) // max_len) & (
        last_len[log.learners] < min_len
    )
    keep = ~short_last
    key = log.learners * (int(log.lengths.max(initial=1)) // max_len + 1) + piece
    names = np.array(
        [f"{log.learner_ids[k]}#{j}" for k, j in zip(log.learners, piece)], dtype=object
    )
    return InteractionLog(
        space=log.space,
        learner_ids=np.array(list(dict.fromkeys(names[keep].tolist())), dtype=object),
        learners=np.unique(key[keep], return_inverse=True)[1].astype(np.int64),
        items=log.items[keep],
        correct=log.correct[keep],
        score=log.score[keep],
        time=log.time[keep],
        notes=log.notes,
    )


def pykt_split(
    log: InteractionLog, *, seed: int = 1024, test_fraction: float = 0.2, folds: int = 5
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Learner indices of the test set and of each of ``folds`` folds of the rest."""
    if not 0 < test_fraction < 1 or folds < 2:
        raise ValidationError("pykt_split", ["expected 0 < test_fraction < 1 and folds >= 2"])
    order = np.random.default_rng(seed).permutation(log.n_learners)
    n_test = round(test_fraction * log.n_learners)
    if log.n_learners - n_test < folds or n_test < 1:
        raise ValidationError(
            "pykt_split",
            [f"expected enough learners for a test set and {folds} folds, got {log.n_learners}"],
        )
    return order[:n_test], np.array_split(order[n_test:], folds)


def evaluate_pykt(
    model: BaseLearnerModel,
    log: InteractionLog,
    *,
    seed: int = 1024,
    folds: int = 5,
    test_fraction: float = 0.2,
    max_len: int = 200,
    min_len: int = 3,
    progress: bool = False,
) -> Evaluation:
    """The pyKT protocol.

    1. Drop learners with fewer than ``min_len`` answers.
    2. Split learners 80/20 (seeded permutation, ``seed``) into train-valid and test.
    3. Cut every sequence into pieces of ``max_len`` (pieces under ``min_len`` dropped).
    4. For each of 5 folds of the train-valid learners: fit a fresh clone of ``model`` on
       the other 4 folds and score it on the test set.
    5. Scores: one-step-ahead, question-level predictions of every answer except the first
       of each piece (which has no history); AUC, accuracy, RMSE, log loss; mean ± std over
       folds.

    Example:
        >>> from teachkit.data.synthetic import bkt_log
        >>> from teachkit.learners import PFA
        >>> log, _ = bkt_log(n_learners=60, n_skills=2, steps=10, seed=0)
        >>> ev = evaluate_pykt(PFA(), log)
        >>> len(ev.folds), 0.5 < ev.summary()["auc"][0] < 1
        (5, True)

    References:
        Liu, Z., Liu, Q., Chen, J., Huang, S., Tang, J., & Luo, W. (2022). pyKT: A Python
        library to benchmark deep learning based knowledge tracing models. NeurIPS
        Datasets and Benchmarks.
    """
    import time

    from tqdm.auto import tqdm

    log = drop_short(log, min_len)
    test_idx, fold_idx = pykt_split(log, seed=seed, test_fraction=test_fraction, folds=folds)
    test = cut(log.take_learners(np.sort(test_idx)), max_len, min_len)
    scored = test.position > 0
    ev = Evaluation("pykt", METRICS)
    ys, ps = [], []
    for k in tqdm(range(folds), desc="pyKT folds", disable=None if progress else True, leave=False):
        train_idx = np.sort(np.concatenate([f for j, f in enumerate(fold_idx) if j != k]))
        train = cut(log.take_learners(train_idx), max_len, min_len)
        fitted = model.clone(space=log.space) if "space" in model.get_params() else model.clone()
        t0 = time.perf_counter()
        fitted.fit(train, progress=progress)
        fit_s = time.perf_counter() - t0
        p = fitted.predict_log(test)[scored]
        y = test.correct[scored]
        ev.folds.append(scores(y, p) | {"n": float(len(y))})
        ev.fit_s.append(fit_s)
        ys.append(y)
        ps.append(p)
    ev.y, ev.p = np.concatenate(ys), np.concatenate(ps)
    return ev


# -- memory -------------------------------------------------------------------------------------
def review_gaps(log: InteractionLog) -> np.ndarray:
    """Days since the previous review of the same (learner, item) card; inf at a first review."""
    card = log.learners * log.space.n + log.items
    order = np.lexsort((log.time, card))
    gap = np.full(len(log), np.inf)
    same = card[order][1:] == card[order][:-1]
    gap[order[1:][same]] = np.diff(log.time[order])[same] / 86400.0
    return gap


def evaluate_memory(
    model: BaseLearnerModel,
    log: InteractionLog,
    *,
    test_fraction: float = 0.2,
    min_interval_days: float | None = None,
    progress: bool = False,
) -> Evaluation:
    """A time-ordered split per learner for models of memory.

    Each learner's last ``test_fraction`` of reviews (by time) are the test set. A fresh
    clone of ``model`` is fitted on the earlier reviews, then predicts every review of the
    whole log one step ahead (a test review's prediction uses all reviews before it,
    earlier test reviews included, as in deployment). Scored: test reviews of cards seen
    before and at least ``min_interval_days`` (default: the model's, else 1) after the
    card's previous review. Metrics: log loss first, AUC, RMSE and the calibration error
    (``ece``, 10 bins); :meth:`Evaluation.calibration` gives the bins.
    """
    if np.isnan(log.time).any():
        raise ValidationError("evaluate_memory", ["every review needs a time"])
    if min_interval_days is None:
        min_interval_days = float(model.get_params().get("min_interval_days", 1.0))
    frac = (log.position + 1) / log.lengths[log.learners]
    test = frac > 1 - test_fraction
    fitted = model.clone(space=log.space) if "space" in model.get_params() else model.clone()
    import time

    t0 = time.perf_counter()
    fitted.fit(log.take_rows(~test), progress=progress)
    fit_s = time.perf_counter() - t0
    p = fitted.predict_log(log)
    gap = review_gaps(log)
    scored = test & np.isfinite(gap) & (gap >= min_interval_days)
    y = log.correct[scored]
    ev = Evaluation("memory", MEMORY_METRICS)
    row = scores(y, p[scored])
    row["ece"] = float(calibration(y, p[scored])["ece"])
    ev.folds.append(row | {"n": float(scored.sum())})
    ev.fit_s.append(fit_s)
    ev.y, ev.p = y, p[scored]
    return ev


# -- a given split ------------------------------------------------------------------------------
def merge_spaces(*logs: InteractionLog) -> tuple[InteractionLog, ...]:
    """The logs re-encoded in one space holding every item of each (in first-seen order).

    Two files read separately (a train and a test file) get a space each; a model fitted
    on one must predict items of the other. Skill tags of an item present in several
    logs come from the first; prerequisites are kept only when every log has the same
    space.
    """
    if all(log.space == logs[0].space for log in logs):
        return logs
    names: dict[str, list[str]] = {}
    for log in logs:
        for name in log.space.names:
            if name not in names:
                names[name] = list(log.space.skills_of(name))
    from teachkit.spaces import Discrete

    space = Discrete(list(names), skills=names)
    return tuple(log.with_space(space) for log in logs)


def _with_history(train: InteractionLog, test: InteractionLog) -> tuple[InteractionLog, np.ndarray]:
    """The test log preceded, per learner, by that learner's training rows (if any), and a
    mask of the rows that came from ``test``."""
    known = {str(x): k for k, x in enumerate(train.learner_ids.tolist())}
    idx = [known.get(str(x), -1) for x in test.learner_ids.tolist()]
    seen = np.array([k for k in idx if k >= 0], dtype=np.int64)
    if len(seen) == 0:
        return test, np.ones(len(test), dtype=bool)
    hist = train.take_learners(seen)
    code = {str(x): k for k, x in enumerate(test.learner_ids.tolist())}
    h_learner = np.array([code[str(x)] for x in hist.learner_ids.tolist()], dtype=np.int64)
    learners = np.r_[h_learner[hist.learners], test.learners]
    order = np.argsort(learners, kind="stable")  # per learner: history, then test rows
    from_test = np.r_[np.zeros(len(hist), dtype=bool), np.ones(len(test), dtype=bool)][order]
    both = InteractionLog(
        space=test.space,
        learner_ids=test.learner_ids,
        learners=learners[order],
        items=np.r_[hist.items, test.items][order],
        correct=np.r_[hist.correct, test.correct][order],
        score=np.r_[hist.score, test.score][order],
        time=np.r_[hist.time, test.time][order],
        groups=test.groups,
        notes=test.notes,
    )
    return both, from_test


def evaluate_split(
    model: BaseLearnerModel,
    train: InteractionLog,
    test: InteractionLog,
    *,
    score_first: bool = False,
    progress: bool = False,
) -> Evaluation:
    """Fit a fresh clone of ``model`` on ``train`` and score it on ``test`` (a given split).

    Predictions are one step ahead and question-level (:meth:`predict_log`). A test
    learner who also has rows in ``train`` (a split in time) is predicted with those rows
    as history, and only the test rows are scored; a new learner (a split by learner)
    starts from the prior. The first answer of each learner in the whole history is not
    scored unless ``score_first`` (pyKT's convention: it has nothing to predict from).
    Items of ``test`` missing from ``train`` are added to the model's space (their
    parameters are the model's defaults). The fitted clone is ``Evaluation.model``.

    Example:
        >>> from teachkit.data.synthetic import bkt_log
        >>> from teachkit.learners import BKT
        >>> log, _ = bkt_log(n_learners=100, n_skills=2, steps=10, seed=0)
        >>> train, test = log.take_learners(range(80)), log.take_learners(range(80, 100))
        >>> ev = evaluate_split(BKT(seed=0, restarts=1), train, test)
        >>> ev.folds[0]["n"], 0.5 < ev.summary()["auc"][0] < 1
        (180.0, True)
    """
    import time

    train, test = merge_spaces(train, test)
    fitted = model.clone(space=train.space) if "space" in model.get_params() else model.clone()
    t0 = time.perf_counter()
    fitted.fit(train, progress=progress)
    fit_s = time.perf_counter() - t0
    both, from_test = _with_history(train, test)
    p = fitted.predict_log(both)
    scored = from_test & (score_first | (both.position > 0))
    y = both.correct[scored]
    ev = Evaluation("split", METRICS)
    ev.folds.append(scores(y, p[scored]) | {"n": float(scored.sum())})
    ev.fit_s.append(fit_s)
    ev.y, ev.p = y, p[scored]
    ev.model = fitted
    return ev


def compare(
    models: dict[str, BaseLearnerModel],
    train: InteractionLog,
    test: InteractionLog | None = None,
    *,
    folds: int = 5,
    score_first: bool = False,
    progress: bool = False,
) -> dict[str, Evaluation]:
    """Evaluate several models on the same data; :func:`comparison_table` prints them.

    With ``test``, each model is scored by :func:`evaluate_split`; without, ``train`` is
    the whole log and each goes through pyKT's protocol (:func:`evaluate_pykt`, same
    seeded split for all).

    Example:
        >>> from teachkit.data.synthetic import bkt_log
        >>> from teachkit.learners import BKT, PFA
        >>> log, _ = bkt_log(n_learners=100, n_skills=2, steps=10, seed=0)
        >>> train, test = log.take_learners(range(80)), log.take_learners(range(80, 100))
        >>> results = compare({"bkt": BKT(seed=0, restarts=1), "pfa": PFA()}, train, test)
        >>> print(comparison_table(results).splitlines()[0].split())
        ['model', 'auc', 'accuracy', 'rmse', 'log_loss', 'n', 'fit_s']
    """
    out: dict[str, Evaluation] = {}
    for name, model in models.items():
        if test is not None:
            out[name] = evaluate_split(
                model, train, test, score_first=score_first, progress=progress
            )
        else:
            out[name] = evaluate_pykt(model, train, folds=folds, progress=progress)
    return out


def comparison_table(results: dict[str, Evaluation]) -> str:
    """One row per model: each metric's mean (± std over folds when there are several),
    answers scored and fit seconds (mean over folds)."""
    if not results:
        return ""
    metrics = next(iter(results.values())).metrics
    width = max(len("model"), *(len(n) for n in results)) + 2
    head = f"{'model':<{width}}" + "".join(f"{m:>18}" for m in metrics)
    lines = [head + f"{'n':>10}{'fit_s':>10}"]
    for name, ev in results.items():
        summ = ev.summary()
        cells = []
        for m in metrics:
            mean, std = summ[m]
            cells.append(f"{mean:.4f} ± {std:.4f}" if len(ev.folds) > 1 else f"{mean:.4f}")
        n = int(np.mean([f["n"] for f in ev.folds]))
        fit_s = f"{np.mean(ev.fit_s):.2f}" if ev.fit_s else "-"
        lines.append(
            f"{name:<{width}}" + "".join(f"{c:>18}" for c in cells) + f"{n:>10}{fit_s:>10}"
        )
    return "\n".join(lines)
