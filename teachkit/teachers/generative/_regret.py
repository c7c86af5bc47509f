"""Regret-style level scores from what an episode's outcome carries (ACCEL, CLUTR)."""

from __future__ import annotations

import numpy as np

from teachkit._batch import EventBatch
from teachkit.errors import ValidationError

SCORES = ("positive_value_loss", "max_mc", "learnability")


def require(batch: EventBatch, score: str, where: str) -> None:
    """Reject events that lack what ``score`` reads, before anything is stored."""
    if score == "learnability":
        return
    missing = [i for i, a in enumerate(batch.group_advantages()) if a is None]
    if missing and score == "positive_value_loss":
        raise ValidationError(
            where,
            [
                f"score='positive_value_loss' needs the episode's advantages (Outcome("
                f"advantages=[A_0, ..., A_T]), e.g. GAE from a PPO critic) or group rewards; "
                f"events {missing[:5]} carry neither. Report them, or use score='max_mc' "
                "(returns) or score='learnability' (success)"
            ],
        )
    if score == "max_mc" and np.isnan(batch.reward).any() and np.isnan(batch.score).any():
        raise ValidationError(
            where, ["score='max_mc' needs each episode's return (Outcome(reward=...))"]
        )


def episode_score(
    score: str,
    advantages: np.ndarray | None,
    episode_return: float,
    best_return: float,
    wins: float,
    tries: float,
) -> float:
    """One episode's score for its level.

    * ``positive_value_loss``: ``mean_t max(A_t, 0)`` over the episode's advantages (PLR's
      and ACCEL's default with GAE).
    * ``max_mc``: ``(1/T) sum_t (R_max - V(s_t))`` (ACCEL's MaxMC) with ``R_max`` the best
      return seen on the level. The outcome carries no values, so ``V(s_t)`` is recovered
      as ``R - A_t`` from Monte Carlo advantages ``A_t = G_t - V(s_t)`` when the return
      arrives at the end of the episode (``G_t = R``, as in MiniGrid); without advantages
      the estimate is ``R_max - R`` (the return as the Monte Carlo estimate of ``V(s_0)``).
    * ``learnability``: ``p (1 - p)`` with ``p`` the level's success rate so far
      (Rutherford et al. 2024).
    """
    if score == "positive_value_loss":
        assert advantages is not None
        return float(np.mean(np.maximum(advantages, 0.0)))
    if score == "max_mc":
        mean_adv = 0.0 if advantages is None else float(np.mean(advantages))
        return best_return - episode_return + mean_adv
    p = wins / tries if tries > 0 else 0.0
    return p * (1.0 - p)


def returns_of(batch: EventBatch) -> np.ndarray:
    """Each episode's return: the reward, else the score, else success as 0/1."""
    return batch.signal() if np.isnan(batch.reward).any() else batch.reward


def successes_of(batch: EventBatch) -> np.ndarray:
    """Success as 0/1 where reported, else the score or reward clipped to [0, 1]."""
    out = np.where(np.isnan(batch.success), batch.signal(), batch.success)
    return np.clip(np.nan_to_num(out), 0.0, 1.0)
