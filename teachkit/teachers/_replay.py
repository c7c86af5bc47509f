"""Level replay's sampling rule, shared by PLR (machine family) and ACCEL (generative family).

Kept below the families so that neither imports the other (the import-linter contract).
"""

from __future__ import annotations

import numpy as np


def replay_distribution(
    scores: np.ndarray,
    last: np.ndarray,
    count: int,
    *,
    prioritization: str,
    temperature: float,
    staleness_coef: float,
) -> np.ndarray:
    """``P_replay = (1 - rho) P_S + rho P_C`` over buffered levels (Jiang et al. 2021).

    ``P_S ∝ h(S_i)^(1/temperature)`` with ``h`` the inverse rank of the score (``"rank"``)
    or the score itself (``"power"``); ``P_C ∝ count - last_i``, how long ago each level
    was last drawn.

    >>> replay_distribution(np.array([0.5, 0.1]), np.array([0, 0]), 2,
    ...                     prioritization="rank", temperature=1.0, staleness_coef=0.0)
    array([0.66666667, 0.33333333])
    """
    f = len(scores)
    if not f:
        return np.zeros(0)
    if prioritization == "rank":
        order = np.argsort(-scores, kind="stable")
        rank = np.empty(f)
        rank[order] = np.arange(1, f + 1)
        weights = (1.0 / rank) ** (1.0 / temperature)
    else:
        weights = np.maximum(scores, 0.0) ** (1.0 / temperature)
    total = weights.sum()
    p_s = weights / total if total > 0 else np.full(f, 1.0 / f)
    stale = (count - last).astype(np.float64)
    total = stale.sum()
    p_c = stale / total if total > 0 else np.full(f, 1.0 / f)
    return (1.0 - staleness_coef) * p_s + staleness_coef * p_c
