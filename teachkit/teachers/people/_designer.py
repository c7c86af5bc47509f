"""Curriculum Designer: rank class orders from an inter-class distance matrix."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from teachkit._validation import check_positive_int
from teachkit.errors import ValidationError


@dataclass(frozen=True)
class RankedOrder:
    """One class order and its Curriculum Designer score (higher is better)."""

    order: tuple[Any, ...]
    score: float


class CurriculumDesigner:
    """Rank the orders in which classes (tasks) are taught, from how alike they are.

    Curriculum Designer (CD) scores a class order from an inter-class distance matrix
    ``D`` (in the paper, cosine distances between class prototypes of a pretrained
    network): it prefers orders that *start* with centrally placed classes, whose
    distances to the others vary little, and *end* with classes close to the first one,
    which protects the first classes from being forgotten.

    The rule, as implemented (quantities as in the authors' released notebook):

    1. each row of ``D`` is normalized to sum 1: ``N[i, j] = D[i, j] / sum_j D[i, j]``;
    2. each class's spread is the variance of its row, normalized to sum 1 over
       classes: ``v_i = var(N[i, :]) / sum_k var(N[k, :])``;
    3. an order ``c_1 .. c_n`` is scored by adding, position by position, the
       advantage ``A_k = -(1 - w_k) v_{c_k} - w_k N[c_1, c_k]`` with ``w_k = (k-1)/(n-1)``:
       early positions reward low variance, late positions similarity to the first
       class. The score is ``sum_k A_k`` (higher is better).

    Deviation: the paper describes the advantage in words (low variance first,
    similarity to the first class last); the linear weighting ``w_k`` between the two
    terms is this implementation's choice.

    Ranking: with ``n <= exact_max`` classes every order is scored (exact). Beyond that,
    for a fixed first class the score is a sum of ``v_c + w_k (N[c_1, c] - v_c)`` over
    positions, so by the rearrangement inequality the best order for that first class
    sorts the rest by ``N[c_1, c] - v_c``, largest first (exact, ``O(n log n)``); those
    ``n`` orders seed a local search (adjacent swaps, ``rounds`` rounds) whose distinct
    orders are ranked. The top order is then exact; the rest are good orders found by
    search.

    Args:
        distances: ``(n, n)`` non-negative distances between classes.
        names: class names (default ``0 .. n-1``).
        exact_max: enumerate every order up to this many classes.
        rounds: local-search rounds for larger ``n``.

    Example:
        >>> import numpy as np
        >>> d = np.array([[0, 1, 4, 4], [1, 0, 3, 3], [4, 3, 0, 1], [4, 3, 1, 0]], float)
        >>> cd = CurriculumDesigner(d, names=["a", "b", "c", "d"])
        >>> best = cd.rank(top=2)
        >>> [r.order for r in best]
        [('c', 'a', 'b', 'd'), ('d', 'a', 'b', 'c')]

    References:
        Singh, P., Li, Y., Sikarwar, A., Lei, W., Gao, D., Talbot, M. B., Sun, Y.,
        Shou, M. Z., Kreiman, G., & Zhang, M. (2023). Learning to learn: How to
        continuously teach humans and machines. ICCV. arXiv:2211.15470.
    """

    def __init__(
        self,
        distances: Any,
        *,
        names: Sequence[Any] | None = None,
        exact_max: int = 8,
        rounds: int = 3,
    ) -> None:
        d = np.asarray(distances, dtype=np.float64)
        if d.size and np.isfinite(d).all():
            d = np.where((d < 0) & (d > -1e-9), 0.0, d)  # rounding, e.g. 1 - cos(x, x)
        problems = []
        if d.ndim != 2 or d.shape[0] != d.shape[1] or d.shape[0] < 2:
            problems.append(f"distances: expected a square (n, n) matrix, n >= 2, got {d.shape}")
        elif not np.isfinite(d).all() or (d < 0).any():
            problems.append("distances: expected finite, non-negative numbers")
        elif (d.sum(axis=1) <= 0).any():
            problems.append("distances: every class needs a positive distance to some other")
        if names is not None and len(names) != d.shape[0]:
            problems.append(f"names: expected {d.shape[0]} names, got {len(names)}")
        if problems:
            raise ValidationError("CurriculumDesigner", problems)
        self.distances = d
        self.names = tuple(range(d.shape[0])) if names is None else tuple(names)
        self.exact_max = check_positive_int("exact_max", exact_max)
        self.rounds = check_positive_int("rounds", rounds, minimum=0)
        self.n = d.shape[0]
        self.normalized = d / d.sum(axis=1, keepdims=True)
        var = self.normalized.var(axis=1)
        self.variance = var / var.sum() if var.sum() > 0 else np.full(self.n, 1.0 / self.n)
        self._w = np.arange(self.n) / (self.n - 1)

    def scores(self, orders: np.ndarray) -> np.ndarray:
        """Scores of index orders, ``(m, n)`` int array -> ``(m,)``."""
        orders = np.asarray(orders, dtype=np.int64)
        if orders.ndim != 2 or orders.shape[1] != self.n:
            raise ValidationError(
                "CurriculumDesigner.scores",
                [f"expected orders of shape (m, {self.n}), got {orders.shape}"],
            )
        w = self._w[None, :]
        first = self.normalized[orders[:, :1], orders]
        return -((1.0 - w) * self.variance[orders] + w * first).sum(axis=1)

    def score(self, order: Sequence[Any]) -> float:
        """The score of one order, given by class names."""
        idx = [self.names.index(c) for c in order]
        if sorted(idx) != list(range(self.n)):
            raise ValidationError(
                "CurriculumDesigner.score",
                [f"expected an order of all {self.n} classes, each once, got {list(order)!r}"],
            )
        return float(self.scores(np.array([idx]))[0])

    def _candidates(self) -> np.ndarray:
        if self.n <= self.exact_max:
            return np.array(list(itertools.permutations(range(self.n))), dtype=np.int64)
        seeds = []
        for f in range(self.n):
            rest = [c for c in range(self.n) if c != f]
            key = self.normalized[f, rest] - self.variance[rest]
            seeds.append([f] + [rest[i] for i in np.argsort(-key, kind="stable")])
        found = {tuple(o) for o in seeds}
        frontier = list(found)
        for _ in range(self.rounds):
            nxt = []
            for o in frontier:
                for k in range(self.n - 1):
                    swapped = list(o)
                    swapped[k], swapped[k + 1] = swapped[k + 1], swapped[k]
                    t = tuple(swapped)
                    if t not in found:
                        found.add(t)
                        nxt.append(t)
            # keep the search focused: expand only the best orders found in this round
            if nxt:
                sc = self.scores(np.array(nxt))
                frontier = [nxt[i] for i in np.argsort(-sc, kind="stable")[: 4 * self.n]]
            else:
                break
        return np.array(sorted(found), dtype=np.int64)

    def rank(self, top: int | None = 10) -> list[RankedOrder]:
        """The best orders, best first (``top=None``: every candidate order)."""
        if top is not None:
            check_positive_int("top", top)
        cands = self._candidates()
        sc = self.scores(cands)
        best = np.argsort(-sc, kind="stable")[: top if top is not None else len(sc)]
        return [
            RankedOrder(tuple(self.names[i] for i in cands[j].tolist()), float(sc[j]))
            for j in best.tolist()
        ]

    def best(self) -> tuple[Any, ...]:
        """The top-ranked order."""
        return self.rank(top=1)[0].order
