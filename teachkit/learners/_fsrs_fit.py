"""Fit the 21 FSRS-6 weights to a review log (what MemoryModel.fit runs)."""

from __future__ import annotations

import numpy as np

from teachkit.data._fsrs import DEFAULT_W, initial, retrievability, update

LOWER = np.array(
    [0.001, 0.001, 0.001, 0.001, 1.0, 0.001, 0.001, 0.001, 0.0, 0.0, 0.001, 0.001, 0.001,
     0.001, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.1]
)  # fmt: skip
UPPER = np.array(
    [100.0, 100.0, 100.0, 100.0, 10.0, 4.0, 4.0, 0.75, 4.5, 0.8, 3.5, 5.0, 0.25, 0.9, 4.0,
     1.0, 6.0, 2.0, 2.0, 0.8, 0.8]
)  # fmt: skip


def simulate(
    w: np.ndarray,
    grades: np.ndarray,
    days: np.ndarray,
    offsets: np.ndarray,
    n_active: np.ndarray,
) -> np.ndarray:
    """P(recall) before every review, for reviews laid out time-major (see ``_bkt_em``).

    ``w`` is one weight vector ``(21,)`` or a batch ``(P, 21)`` (one pass for all of them;
    the output then has a leading axis ``P``). ``days`` is the time since the card's
    previous review (ignored at a first review, where the prediction is NaN).
    """
    out = np.full((*w.shape[:-1], len(grades)), np.nan)
    s = d = np.zeros(0)
    for t in range(len(n_active)):
        a, b = offsets[t], offsets[t] + n_active[t]
        g = grades[a:b]
        if t == 0:
            s, d = initial(w, g)
            d = np.broadcast_to(d, s.shape)
            continue
        s, d = s[..., : b - a], d[..., : b - a]
        out[..., a:b] = retrievability(w, days[a:b], s)
        s, d = update(w, s, d, days[a:b], g)
    return out


def fit_weights(
    grades: np.ndarray,
    days: np.ndarray,
    offsets: np.ndarray,
    n_active: np.ndarray,
    scored: np.ndarray,
    recalled: np.ndarray,
    *,
    start: np.ndarray = DEFAULT_W,
    max_iter: int = 200,
    progress: bool = False,
) -> tuple[np.ndarray, float]:
    """Weights minimizing the mean log loss over ``scored`` reviews, and that loss.

    L-BFGS-B within the FSRS bounds; the gradient is a forward difference computed in one
    batched pass over the base point and its 21 perturbations.
    """
    from scipy.optimize import minimize
    from tqdm.auto import tqdm

    y = recalled[scored]
    h = 1e-6
    eye = np.eye(len(start)) * h

    def losses(ws: np.ndarray) -> np.ndarray:
        p = np.clip(simulate(ws, grades, days, offsets, n_active)[:, scored], 1e-6, 1 - 1e-6)
        return -(y * np.log(p) + (1 - y) * np.log1p(-p)).mean(axis=1)

    def fun(w: np.ndarray) -> tuple[float, np.ndarray]:
        # step inward at the upper bound so every perturbed point stays feasible
        sign = np.where(w + h > UPPER, -1.0, 1.0)
        ls = losses(np.vstack([w[None, :], w[None, :] + eye * sign[:, None]]))
        return float(ls[0]), (ls[1:] - ls[0]) / (h * sign)

    bar = tqdm(total=max_iter, desc="memory fit", disable=None if progress else True, leave=False)
    res = minimize(
        fun,
        np.clip(start, LOWER, UPPER),
        jac=True,
        method="L-BFGS-B",
        bounds=list(zip(LOWER, UPPER)),
        options={"maxiter": max_iter},
        callback=lambda *_: bar.update(1),
    )
    bar.close()
    return np.asarray(res.x), float(res.fun)
