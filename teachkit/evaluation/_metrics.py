"""Scores of probabilistic predictions of binary outcomes (numpy and scipy only)."""

from __future__ import annotations

import numpy as np

from teachkit.errors import ValidationError

EPS = 1e-7


def _check(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=np.float64).ravel()
    p = np.asarray(p, dtype=np.float64).ravel()
    problems = []
    if len(y) != len(p):
        problems.append(f"expected as many predictions as outcomes, got {len(p)} and {len(y)}")
    elif not len(y):
        problems.append("expected at least one prediction, got none")
    elif not np.isfinite(p).all() or (p < 0).any() or (p > 1).any():
        problems.append("expected predictions in [0, 1], got NaN or values outside")
    if problems:
        raise ValidationError("metrics", problems)
    return y, p


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve (ties count one half); NaN when only one class occurs."""
    from scipy.stats import rankdata

    y, p = _check(y, p)
    pos = y > 0.5
    n1, n0 = int(pos.sum()), int((~pos).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = rankdata(p)
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def accuracy(y: np.ndarray, p: np.ndarray) -> float:
    """Share of outcomes on the side of 0.5 the prediction is on (0.5 counts as correct)."""
    y, p = _check(y, p)
    return float(((p >= 0.5) == (y > 0.5)).mean())


def rmse(y: np.ndarray, p: np.ndarray) -> float:
    """Root mean squared error of predictions ``p`` against outcomes ``y``."""
    y, p = _check(y, p)
    return float(np.sqrt(((p - y) ** 2).mean()))


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    """Mean negative log-likelihood, predictions clipped to [1e-7, 1 - 1e-7]."""
    y, p = _check(y, p)
    p = np.clip(p, EPS, 1 - EPS)
    return float(-(y * np.log(p) + (1 - y) * np.log1p(-p)).mean())


def calibration(y: np.ndarray, p: np.ndarray, bins: int = 10) -> dict[str, np.ndarray]:
    """Equal-width bins of predicted probability: count, mean prediction, observed rate
    (NaN for empty bins) per bin, and the expected calibration error (``ece``)."""
    y, p = _check(y, p)
    which = np.minimum((p * bins).astype(np.int64), bins - 1)
    count = np.bincount(which, minlength=bins).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.bincount(which, p, bins) / count
        rate = np.bincount(which, y, bins) / count
    ece = float(np.nansum(count * np.abs(mean_p - rate)) / len(y))
    return {"count": count, "predicted": mean_p, "observed": rate, "ece": np.array(ece)}


def scores(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """AUC, accuracy, RMSE and log loss in one dict."""
    return {
        "auc": auc(y, p),
        "accuracy": accuracy(y, p),
        "rmse": rmse(y, p),
        "log_loss": log_loss(y, p),
    }
