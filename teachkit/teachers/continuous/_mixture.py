"""Helpers shared by the Gaussian-mixture teachers (ALP-GMM, Covar-GMM).

The fitted mixture is kept as plain arrays (weights, means, covariances and the Cholesky
factors of the task-parameter block), so it is part of ``state_dict`` and a reloaded
teacher samples exactly like the running one without refitting. Fits are seeded with a
number drawn from the teacher's own generator, so a refit is a deterministic function of
the teacher's state.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from teachkit._seeding import spawn_seed
from teachkit.errors import ValidationError
from teachkit.spaces import Box


def require_sklearn() -> Any:
    try:
        from sklearn.mixture import GaussianMixture
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the Gaussian-mixture teachers need scikit-learn: pip install 'teachkit[sim]'"
        ) from None
    return GaussianMixture


def check_ks(where: str, ks: Any, fit_rate: int, problems: list[str]) -> None:
    """``ks`` must be a non-empty list of ints >= 1, each below the number of fitted points."""
    if isinstance(ks, str) or not isinstance(ks, Sequence) or not ks:
        problems.append(f"ks: expected a non-empty list of component counts, got {ks!r}")
        return
    bad = [k for k in ks if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1]
    if bad:
        problems.append(f"ks: expected integers >= 1, got {bad!r}")
    elif max(ks) >= fit_rate:
        problems.append(
            f"ks: a mixture of {max(ks)} components cannot be fitted on fit_rate={fit_rate} "
            f"points; use fewer components or a larger fit_rate"
        )


def fit_best(
    data: np.ndarray,
    ks: Sequence[int],
    rng: np.random.Generator,
    *,
    n_init: int = 1,
    criterion: str = "aic",
) -> dict[str, np.ndarray]:
    """Fit one full-covariance mixture per ``k`` in ``ks``; keep the lowest AIC (or BIC).

    Every fit uses the same seed, drawn once from ``rng`` (as the reference code seeds all
    candidate mixtures alike), so the result depends only on the data and the generator.
    """
    mixture_cls = require_sklearn()
    seed = spawn_seed(rng)
    best: Any = None
    best_score = np.inf
    with warnings.catch_warnings(), _one_thread():
        # A mixture that stops before converging is still a usable fit; the reference
        # implementations ignore the warning too.
        warnings.simplefilter("ignore")
        for k in ks:
            gmm = mixture_cls(
                n_components=int(k), covariance_type="full", random_state=seed, n_init=n_init
            )
            gmm.fit(data)
            score = gmm.aic(data) if criterion == "aic" else gmm.bic(data)
            if score < best_score:
                best, best_score = gmm, score
    return {
        "weights": np.asarray(best.weights_, dtype=np.float64).copy(),
        "means": np.asarray(best.means_, dtype=np.float64).copy(),
        "covariances": np.asarray(best.covariances_, dtype=np.float64).copy(),
    }


def _one_thread() -> Any:
    """Fit on one BLAS thread: these matrices are tiny, and a thread pool per fit costs
    far more than it saves (and competes with the training loop for cores)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(1)


def task_cholesky(covariances: np.ndarray, dim: int) -> np.ndarray:
    """Cholesky factors of each component's task-parameter block ``cov[:dim, :dim]``.

    Sampling a component's full vector and dropping the extra dimensions (ALP, time,
    reward) is the same distribution as sampling its marginal over the first ``dim``
    coordinates, which these factors give at the cost of one small matrix product.
    """
    blocks = covariances[:, :dim, :dim]
    out = np.empty_like(blocks)
    for i, block in enumerate(blocks):
        jitter = 0.0
        while True:
            try:
                out[i] = np.linalg.cholesky(block + jitter * np.eye(dim))
                break
            except np.linalg.LinAlgError:
                jitter = 1e-9 if jitter == 0.0 else jitter * 10
    return out


def cumulative(values: np.ndarray) -> np.ndarray:
    """Cumulative choice probabilities proportional to ``values`` (uniform if all are 0)."""
    v = np.maximum(values, 0.0)
    total = v.sum()
    if not total > 0:
        v, total = np.ones_like(v), float(len(v))
    cum = np.cumsum(v / total)
    cum[-1] = 1.0
    return cum


def proportional_choice(rng: np.random.Generator, cum: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices drawn with the probabilities whose running sum is ``cum``."""
    return cum.searchsorted(rng.random(n), side="right")


def sample_components(
    rng: np.random.Generator,
    means: np.ndarray,
    chols: np.ndarray,
    comps: np.ndarray,
) -> np.ndarray:
    """One Gaussian draw per entry of ``comps`` (component indices), task coordinates only."""
    dim = chols.shape[1]
    z = rng.standard_normal((len(comps), dim))
    if len(comps) == 1:  # the common one-task ask, without einsum's overhead
        c = int(comps[0])
        return (means[c, :dim] + chols[c] @ z[0])[None, :]
    return means[comps, :dim] + np.einsum("nij,nj->ni", chols[comps], z)


def sample_mixture_tasks(
    rng: np.random.Generator,
    space: Box,
    scale: UnitScaler,
    gmm: dict[str, np.ndarray],
    random_task_ratio: float,
    n: int,
) -> np.ndarray:
    """``n`` tasks as ALP-GMM and Covar-GMM draw them (Portelas et al. 2019): with
    probability ``random_task_ratio`` uniform in the box, else a component chosen with the
    probabilities whose running sum is ``gmm["cum"]``, a Gaussian draw from it in unit
    coordinates, mapped back and clipped to the bounds."""
    dim = space.dim
    if n == 1:  # the one-task ask of an RL loop, with as few numpy calls as possible
        u = rng.random(2)
        if u[0] < random_task_ratio:
            return space.sample_encoded(rng, 1)
        c = int(gmm["cum"].searchsorted(u[1], side="right"))
        z = rng.standard_normal(dim)
        x = scale.low + (gmm["means"][c, :dim] + gmm["chols"][c] @ z) * scale.span
        return np.minimum(np.maximum(x, space.low), space.high)[None, :]
    rand = rng.random(n) < random_task_ratio
    comps = proportional_choice(rng, gmm["cum"], n)
    unit = sample_components(rng, gmm["means"], gmm["chols"], comps)
    out = np.minimum(np.maximum(scale.from_unit(unit), space.low), space.high)
    if rand.any():
        out[rand] = space.sample_encoded(rng, int(rand.sum()))
    return out


class UnitScaler:
    """Maps a Box to the unit cube and back, so distances and mixtures ignore units."""

    def __init__(self, space: Box) -> None:
        self.low = space.low
        span = space.high - space.low
        self.span = np.where(span > 0, span, 1.0)

    def to_unit(self, x: np.ndarray) -> np.ndarray:
        return (x - self.low) / self.span

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        return self.low + u * self.span


def box_only(where: str, space: Any) -> None:
    if not isinstance(space, Box):  # pragma: no cover - BaseTeacher checks first
        raise ValidationError(where, [f"space: expected a Box space, got {type(space).__name__}"])


class Growing:
    """An append-only float array with amortized growth (rows of a fixed width)."""

    def __init__(self, width: int, data: np.ndarray | None = None) -> None:
        self.width = width
        if data is None:
            data = np.empty((0, width), dtype=np.float64)
        self._buf = np.empty((max(64, 2 * len(data)), width), dtype=np.float64)
        self._buf[: len(data)] = data
        self.n = len(data)

    def extend(self, rows: np.ndarray) -> None:
        m = len(rows)
        if self.n + m > len(self._buf):
            grown = np.empty((max(2 * len(self._buf), self.n + m), self.width))
            grown[: self.n] = self._buf[: self.n]
            self._buf = grown
        self._buf[self.n : self.n + m] = rows
        self.n += m

    @property
    def data(self) -> np.ndarray:
        return self._buf[: self.n]
