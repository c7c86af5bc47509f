"""The expected accuracy and learning signal of CategoryStudent's levels, as pure functions
(shared by the student and its oracle)."""

from __future__ import annotations

import numpy as np

from teachkit.simulators._common import sigmoid

GROUP_EPS = 1e-6  # in the group normalization (r - mean) / (std + eps)
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(24)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()  # E over N(0, 1) by Gauss-Hermite quadrature


def expected_accuracy(logits: np.ndarray, spread: float) -> np.ndarray:
    """``E[sigmoid(c + spread z)]``, z ~ N(0, 1): the accuracy on a level's prompts."""
    p = sigmoid(logits[..., None] + spread * _NODES)
    out: np.ndarray = p @ _WEIGHTS
    return out


def expected_signal(logits: np.ndarray, spread: float, group_size: int) -> np.ndarray:
    """Expected learning signal of one prompt: ``E[p (1 - p)] (1 - 1/G)``.

    That is the expected within-group variance of G binary rewards: zero when the level
    is always solved or never, largest at 50%.
    """
    p = sigmoid(logits[..., None] + spread * _NODES)
    out: np.ndarray = (p * (1.0 - p)) @ _WEIGHTS * (1.0 - 1.0 / group_size)
    return out
