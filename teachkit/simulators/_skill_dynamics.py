"""The memory and response rules of SkillGraphStudent, as pure functions.

The student applies them to its hidden state; its oracle applies them to a copy of that
state to look one practice ahead. See :class:`~teachkit.simulators.SkillGraphStudent` for
the model they make up.
"""

from __future__ import annotations

import numpy as np

from teachkit.simulators._common import sigmoid

# Fixed constants of the memory model (see SkillGraphStudent's docstring).
THETA_SPAN = 6.0  # theta = THETA_SPAN * (e - 0.5): e in [0, 1] -> theta in [-3, 3]
MASSED_GAIN = 0.05  # stability growth of a review at R = 1 (massed practice)
STABILITY_DECAY = 0.2  # growth shrinks as S^-0.2: stable memories grow more slowly
SPACING_CURVE = 2.0  # growth rises as exp(2 (1 - R)) - 1 with the review's lateness


def retrievability(elapsed: np.ndarray, stability: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """FSRS-4.5 power forgetting curve ``R = (1 + phi t / (9 S))^-1`` (R = 0.9 at t = S/phi)."""
    return 1.0 / (1.0 + phi * np.maximum(elapsed, 0.0) / (9.0 * stability))


def theta(effective: np.ndarray) -> np.ndarray:
    """Ability on a skill (logit scale) from its effective mastery ``e = m R``."""
    return THETA_SPAN * (effective - 0.5)


def p_correct(
    theta_item: np.ndarray, a: np.ndarray, b: np.ndarray, slip: np.ndarray, guess: np.ndarray
) -> np.ndarray:
    """4-parameter IRT: ``g + (1 - s - g) sigmoid(a (theta - b))``."""
    return guess + (1.0 - slip - guess) * sigmoid(a * (theta_item - b))


def grown_stability(stability: np.ndarray, r: np.ndarray, spacing_gain: float) -> np.ndarray:
    """Stability after a review at retrievability ``r`` (FSRS-like spacing effect)."""
    late = np.expm1(SPACING_CURVE * (1.0 - r))
    return stability * (1.0 + MASSED_GAIN + spacing_gain * stability**-STABILITY_DECAY * late)


def readiness(
    pre_effective: np.ndarray, pre_valid: np.ndarray, threshold: float, floor: float
) -> np.ndarray:
    """``floor + (1 - floor) min_j min(1, e_j / threshold)`` over prerequisites (last axis)."""
    ratio = np.where(pre_valid, np.minimum(1.0, pre_effective / threshold), 1.0)
    return floor + (1.0 - floor) * ratio.min(axis=-1)
