"""The FSRS-6 memory equations, vectorized: the law that generates synthetic review logs
and that :class:`~teachkit.learners.MemoryModel` fits (the fit lives in
``teachkit.learners._fsrs_fit``).

Grades ``G`` are 1 (Again: forgotten), 2 (Hard), 3 (Good), 4 (Easy). A card's memory is
its stability ``S`` (days for R to fall to 90%) and difficulty ``D`` in [1, 10]; its
retrievability after ``t`` days is ``R = (1 + F t / S) ** -w20`` with
``F = 0.9 ** (-1 / w20) - 1``, so that ``R(S) = 0.9``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

DEFAULT_W = np.array(
    [0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
     1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542]
)  # fmt: skip
"""FSRS-6 default weights (the published defaults, fitted on many users' reviews)."""

S_MIN = 0.001
DAY = 86400.0


def _c(w: np.ndarray, k: int) -> Any:
    """Weight ``k``: a number for one weight vector, a column for a batch ``(P, 21)``."""
    return w[..., k : k + 1] if w.ndim == 2 else w[k]


def factor(w: np.ndarray) -> Any:
    return 0.9 ** (-1.0 / _c(w, 20)) - 1.0


def retrievability(w: np.ndarray, days: np.ndarray, s: np.ndarray) -> np.ndarray:
    """P(recall) ``days`` after the last review of a card with stability ``s``."""
    return (1.0 + factor(w) * np.maximum(days, 0.0) / s) ** (-_c(w, 20))


def interval(w: np.ndarray, s: np.ndarray, retention: float) -> np.ndarray:
    """Days after the last review until R falls to ``retention``."""
    return s / factor(w) * (retention ** (-1.0 / _c(w, 20)) - 1.0)


def initial(w: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stability and difficulty after a card's first review with grade ``g``."""
    s = np.maximum(w[..., np.asarray(g, dtype=np.int64) - 1], S_MIN)
    return s, np.clip(_d0(w, g), 1.0, 10.0)


def _d0(w: np.ndarray, g: np.ndarray | float) -> np.ndarray:
    return _c(w, 4) - np.exp(_c(w, 5) * (np.asarray(g, dtype=np.float64) - 1.0)) + 1.0


def update(
    w: np.ndarray, s: np.ndarray, d: np.ndarray, days: np.ndarray, g: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Stability and difficulty after a review ``days`` after the previous one.

    Reviews less than a day apart use FSRS-6's short-term stability rule; others the
    recall or forgetting stability, depending on the grade.
    """
    g = np.asarray(g, dtype=np.float64)
    r = retrievability(w, days, s)
    short = s * np.exp(_c(w, 17) * (g - 3.0 + _c(w, 18))) * s ** (-_c(w, 19))
    short = np.where(g > 1, np.maximum(short, s), short)
    bonus = np.where(g == 2, _c(w, 15), 1.0) * np.where(g == 4, _c(w, 16), 1.0)
    recall = s * (
        1.0
        + np.exp(_c(w, 8)) * (11.0 - d) * s ** (-_c(w, 9)) * np.expm1(_c(w, 10) * (1.0 - r)) * bonus
    )
    forget = np.minimum(
        _c(w, 11)
        * d ** (-_c(w, 12))
        * ((s + 1.0) ** _c(w, 13) - 1.0)
        * np.exp(_c(w, 14) * (1.0 - r)),
        s / np.exp(_c(w, 17) * _c(w, 18)),
    )
    long = np.where(g > 1, recall, forget)
    s_new = np.maximum(np.where(days < 1.0, short, long), S_MIN)
    delta = -_c(w, 6) * (g - 3.0)
    d_damped = d + delta * (10.0 - d) / 9.0
    d_new = _c(w, 7) * _d0(w, 4.0) + (1.0 - _c(w, 7)) * d_damped
    return s_new, np.clip(d_new, 1.0, 10.0)
