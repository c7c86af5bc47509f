"""Target difficulty: serve tasks whose success probability is near a target."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_choice_now, check_params, check_positive_int
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete
from teachkit.teachers.machine._signals import check_unit_signal, decayed_beta_update, draw, softmax

RULES = ("thompson", "learnability")
_EXACT_DRAWS = 1 << 16  # beyond n * tasks this many Beta draws, an ask draws once per batch


class TargetDifficulty(BaseTeacher):
    """Tasks near a target success rate, from Beta posteriors and an optional value model.

    Each task keeps a Beta posterior over the learner's success probability ``p``: a
    prior ``Beta(a0, b0)`` plus the (optionally decayed) count of successes and failures;
    an outcome's signal in [0, 1] (score, else reward, else success) counts fractionally.
    Two rules pick tasks:

    * ``"thompson"``: for each decision, draw ``p~`` from every candidate's posterior and
      take the task with ``p~`` closest to ``target`` (Thompson sampling for a target
      difficulty). For speed, an ask whose ``n * candidates`` exceeds 65,536 draws once
      and takes the ``n`` closest distinct tasks of that draw.
    * ``"learnability"``: sample ``P ∝ exp(p(1 - p) / temperature)`` with ``p`` the
      posterior mean: the learnability score ``p(1 - p)``, highest at ``p = 0.5``
      (Tzannetos et al. 2023's proximal curriculum with a target success of 1; Rutherford
      et al. 2024). ``target`` is not used by this rule.

    Value model (PCL-style). With ``features`` (one row per task), a logistic regression
    ``p = sigmoid(features @ w + b)`` learns from every outcome (one gradient step per
    ``tell``) and sets each task's prior, ``Beta(k p, k (1 - p))`` with ``k =
    prior_strength``, so tasks never tried inherit what similar tasks taught. With
    ``candidates=m``, each ask scores only ``m`` tasks drawn uniformly, so spaces of
    millions of prompts are served in time independent of their size.

    Args:
        space: the tasks.
        target: the success rate to aim at (Thompson rule).
        rule: ``"thompson"`` or ``"learnability"``.
        prior: ``(a0, b0)`` of the Beta prior without features.
        decay: multiply a task's counts by this before each of its updates: < 1 forgets
            old outcomes, as a learner that improves needs (0.95: a memory of about 20
            outcomes per task); 1 keeps them all (a stationary learner).
        temperature: the learnability softmax temperature.
        features: optional ``(n_tasks, d)`` task features for the value model.
        prior_strength: pseudo-count of the feature-based prior.
        learning_rate, l2: the value model's gradient step and weight decay.
        candidates: tasks scored per ask (None: all).
        seed: seeds the draws.

    Example:
        >>> from datetime import UTC, datetime
        >>> import teachkit as tk
        >>> teacher = tk.teachers.TargetDifficulty(tk.spaces.Discrete(["a", "b"]), decay=1.0)
        >>> won = tk.Event("x", "a", tk.Outcome(success=True), datetime.now(UTC))
        >>> teacher.tell([won] * 9)
        >>> teacher.posterior_mean().round(2).tolist()
        [0.91, 0.5]

    References:
        Tzannetos, Ribeiro, Mandal, Singla (2023). Proximal Curriculum for Reinforcement
        Learning Agents. TMLR. Rutherford et al. (2024). No Regrets: Investigating and
        Improving Regret Approximations for Curriculum Discovery. NeurIPS. Thompson (1933).
    """

    spaces = (Discrete,)

    def __init__(
        self,
        space: Discrete,
        *,
        target: float = 0.5,
        rule: str = "thompson",
        prior: tuple[float, float] = (1.0, 1.0),
        decay: float = 0.95,
        temperature: float = 0.05,
        features: Any = None,
        prior_strength: float = 2.0,
        learning_rate: float = 0.1,
        l2: float = 1e-4,
        candidates: int | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.target = target
        self.rule = rule
        self.prior = prior
        self.decay = decay
        self.temperature = temperature
        self.features = features
        self.prior_strength = prior_strength
        self.learning_rate = learning_rate
        self.l2 = l2
        self.candidates = candidates
        check_choice_now("TargetDifficulty", "rule", rule, RULES)
        prior_t = tuple(prior) if isinstance(prior, list | tuple) else ()
        if len(prior_t) != 2:
            raise ValidationError(
                "TargetDifficulty", [f"prior: expected a pair (a0, b0), got {prior!r}"]
            )
        check_params(
            "TargetDifficulty",
            [
                ("target", target, 0.0, 1.0),
                ("prior[0]", prior_t[0], 1e-9, None),
                ("prior[1]", prior_t[1], 1e-9, None),
                ("decay", decay, 1e-9, 1.0),
                ("temperature", temperature, 1e-12, None),
                ("prior_strength", prior_strength, 1e-9, None),
                ("learning_rate", learning_rate, 0.0, None),
                ("l2", l2, 0.0, None),
            ],
        )
        if candidates is not None:
            check_positive_int("candidates", candidates)
        self._x = self._check_features(features, space.n)
        k = space.n
        self._wins = np.zeros(k)
        self._losses = np.zeros(k)
        self._w = np.zeros(0 if self._x is None else self._x.shape[1])

    _derived = ("_x",)

    @staticmethod
    def _check_features(features: Any, n: int) -> np.ndarray | None:
        if features is None:
            return None
        try:
            x = np.asarray(features, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(
                "TargetDifficulty",
                [f"features: expected numbers, got {type(features).__name__}"],
            ) from None
        if x.ndim != 2 or x.shape[0] != n or not np.isfinite(x).all():
            raise ValidationError(
                "TargetDifficulty",
                [
                    f"features: expected a finite array of shape ({n}, d), one row per task, "
                    f"got shape {x.shape}"
                ],
            )
        return np.hstack([x, np.ones((n, 1))])  # the bias column

    # -- the model ------------------------------------------------------------------------------
    def predicted(self, tasks: np.ndarray | None = None) -> np.ndarray:
        """The value model's success probability (all tasks, or ``tasks``)."""
        if self._x is None:
            raise ValidationError(
                "TargetDifficulty.predicted", ["no value model: build the teacher with features"]
            )
        x = self._x if tasks is None else self._x[tasks]
        return 1.0 / (1.0 + np.exp(-(x @ self._w)))

    def _posterior(self, tasks: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        wins = self._wins if tasks is None else self._wins[tasks]
        losses = self._losses if tasks is None else self._losses[tasks]
        if self._x is None:
            return wins + self.prior[0], losses + self.prior[1]
        p = self.predicted(tasks)
        return wins + self.prior_strength * p, losses + self.prior_strength * (1.0 - p)

    def posterior_mean(self) -> np.ndarray:
        """Each task's posterior mean success probability."""
        a, b = self._posterior(None)
        return a / (a + b)

    def probabilities(self) -> np.ndarray:
        """The learnability rule's distribution over all tasks (Thompson has none)."""
        if self.rule != "learnability":
            raise NotImplementedError("Thompson sampling has no closed-form distribution")
        p = self.posterior_mean()
        return softmax(p * (1.0 - p), self.temperature)

    # -- ask ----------------------------------------------------------------------------------
    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        k = len(self._wins)
        pool: np.ndarray | None = None
        if self.candidates is not None and self.candidates < k:
            pool = np.unique((self._rng.random(self.candidates) * k).astype(np.int64))
        a, b = self._posterior(pool)
        if self.rule == "learnability":
            p = a / (a + b)
            picked = draw(self._rng, softmax(p * (1.0 - p), self.temperature), n)
        else:
            picked = self._thompson(a, b, n)
        return picked if pool is None else pool[picked]

    def _thompson(self, a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
        m = len(a)
        if n * m <= _EXACT_DRAWS:  # one posterior draw per decision: Thompson sampling
            dist = np.abs(self._rng.beta(a, b, size=(n, m)) - self.target)
            return dist.argmin(axis=1).astype(np.int64)
        # Large asks: the n closest distinct tasks of one draw (repeated when n > m).
        out = []
        left = n
        while left > 0:
            dist = np.abs(self._rng.beta(a, b) - self.target)
            take = min(left, m)
            best = np.argpartition(dist, take - 1)[:take] if take < m else np.arange(m)
            out.append(best[np.argsort(dist[best], kind="stable")])
            left -= take
        return np.concatenate(out).astype(np.int64)

    # -- tell ---------------------------------------------------------------------------------
    def validate(self, batch: EventBatch) -> None:
        check_unit_signal(batch, "TargetDifficulty.tell")

    def _tell(self, batch: EventBatch) -> None:
        s = batch.signal()
        decayed_beta_update(self._wins, self._losses, batch.tasks, s, self.decay)
        if self._x is not None:
            x = self._x[batch.tasks]
            p = 1.0 / (1.0 + np.exp(-(x @ self._w)))
            grad = x.T @ (p - s) / len(s) + self.l2 * self._w
            self._w = self._w - self.learning_rate * grad
