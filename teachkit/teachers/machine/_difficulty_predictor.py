"""A rollout-free difficulty predictor: unseen prompts ranked from a few rolled-out ones."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_params, check_positive_int
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete
from teachkit.teachers.machine._signals import batch_success, softmax


class DifficultyPredictor(BaseTeacher):
    """Difficulty-targeted selection with predicted pass rates (in the spirit of DOTS).

    Rolling out every candidate prompt to learn its pass rate costs as much as training on
    it. DOTS (Sun et al. 2025) rolls out only a small *reference set* each step and predicts
    the pass rate of every other prompt by attention over the references in an embedding
    space: with ``z`` the prompts' (normalized) feature vectors and ``q_j`` the latest pass
    rate of reference ``j``,

        ``q^_i = sum_j softmax_j(z_i . z_j / tau) q_j``,

    and it trains on the prompts whose predicted pass rate is nearest ``target`` (0.5:
    where GRPO's advantages are largest), a selection in the PCL spirit
    (Tzannetos et al. 2023) without a single rollout of the candidates.

    ``ask(n)`` first returns the references whose pass rate is older than
    ``refresh_every`` tells (at most ``n``; they need rollouts to stay current), then fills
    the rest by sampling prompts with ``P ∝ exp(-|q^ - target| / temperature)`` among
    ``candidates`` drawn uniformly (all prompts when None). A reference's pass rate is the
    mean of its latest outcome (group pass rate, else score/reward/success) and its
    previous value, ``q <- (1 - smoothing) q + smoothing * new``.

    Args:
        space: the prompts.
        features: ``(n_tasks, d)`` prompt embeddings (any model's, or hand-made features).
        references: how many reference prompts to draw (seeded), or their indices.
        target: the pass rate to aim at.
        tau: the attention temperature over cosine similarities.
        temperature: the selection softmax temperature.
        refresh_every: tells after which a reference is rolled out again.
        smoothing: weight of a reference's newest pass rate.
        candidates: prompts scored per ask (None: all).
        seed: seeds the reference set and the draws.

    Deviation: DOTS also replays recent rollouts; replay is the trainer's business here
    (see VCRL for a replay bank). The attention uses cosine similarity of the given
    features, as DOTS does with its embedding model's outputs.

    Example:
        >>> import numpy as np
        >>> import teachkit as tk
        >>> feats = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
        >>> t = tk.teachers.DifficultyPredictor(tk.spaces.Discrete(4), features=feats,
        ...                                     references=[0, 2], seed=0)
        >>> sorted(t.ask("llm", 2))  # the references come first: they need a pass rate
        ['0', '2']

    References:
        Sun, Shen, Wang, Zhang, Li, Su, Gao, Cui, Chen, Tang, Lin (2025). Improving Data
        Efficiency for LLM Reinforcement Fine-Tuning Through Difficulty-Targeted Online
        Data Selection and Rollout Replay (DOTS). arXiv:2506.05316. Tzannetos, Ribeiro,
        Mandal, Singla (2023). Proximal Curriculum for Reinforcement Learning Agents.
    """

    spaces = (Discrete,)

    def __init__(
        self,
        space: Discrete,
        *,
        features: Any = None,
        references: Any = 16,
        target: float = 0.5,
        tau: float = 0.1,
        temperature: float = 0.05,
        refresh_every: int = 1,
        smoothing: float = 0.5,
        candidates: int | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.features = features
        self.references = references
        self.target = target
        self.tau = tau
        self.temperature = temperature
        self.refresh_every = refresh_every
        self.smoothing = smoothing
        self.candidates = candidates
        check_params(
            "DifficultyPredictor",
            [
                ("target", target, 0.0, 1.0),
                ("tau", tau, 1e-9, None),
                ("temperature", temperature, 1e-12, None),
                ("smoothing", smoothing, 1e-9, 1.0),
            ],
        )
        check_positive_int("refresh_every", refresh_every)
        if candidates is not None:
            check_positive_int("candidates", candidates)
        self._z = self._check_features(features, space.n)
        self._refs = self._check_references(references, space.n, seed)
        r = len(self._refs)
        self._q = np.full(r, np.nan)  # latest pass rate per reference
        self._age = np.full(r, np.iinfo(np.int64).max // 2, dtype=np.int64)
        self._slot = np.full(space.n, -1, dtype=np.int64)
        self._slot[self._refs] = np.arange(r)

    _derived = ("_z", "_refs", "_slot")

    @staticmethod
    def _check_features(features: Any, n: int) -> np.ndarray:
        if features is None:  # no embedding: a task's index on a line (ordered levels)
            x = np.stack(
                [np.cos(np.linspace(0, np.pi / 2, n)), np.sin(np.linspace(0, np.pi / 2, n))], axis=1
            )
            return x
        try:
            x = np.asarray(features, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(
                "DifficultyPredictor",
                [f"features: expected numbers, got {type(features).__name__}"],
            ) from None
        if x.ndim != 2 or x.shape[0] != n or not np.isfinite(x).all():
            raise ValidationError(
                "DifficultyPredictor",
                [f"features: expected a finite array of shape ({n}, d), got shape {x.shape}"],
            )
        norm = np.linalg.norm(x, axis=1, keepdims=True)
        return x / np.where(norm > 0, norm, 1.0)

    @staticmethod
    def _check_references(references: Any, n: int, seed: int | None) -> np.ndarray:
        if isinstance(references, int | np.integer) and not isinstance(references, bool):
            k = check_positive_int("references", int(references))
            rng = np.random.default_rng(seed)
            return np.sort(rng.choice(n, size=min(k, n), replace=False)).astype(np.int64)
        try:
            refs = np.asarray(references)
        except (ValueError, TypeError):  # ragged or otherwise not an array
            refs = np.empty(0, dtype=object)
        if (
            refs.ndim != 1
            or not len(refs)
            or refs.dtype.kind not in "iu"
            or (refs < 0).any()
            or (refs >= n).any()
        ):
            raise ValidationError(
                "DifficultyPredictor",
                [f"references: expected a count or task indices in [0, {n}), got {references!r}"],
            )
        return np.unique(refs).astype(np.int64)

    # -- the predictor --------------------------------------------------------------------------
    def predicted(self, tasks: np.ndarray | None = None) -> np.ndarray:
        """The predicted pass rate of every task (or ``tasks``); ``target`` before any data."""
        z = self._z if tasks is None else self._z[tasks]
        known = ~np.isnan(self._q)
        if not known.any():
            return np.full(len(z), self.target)
        sim = z @ self._z[self._refs[known]].T / self.tau
        sim -= sim.max(axis=1, keepdims=True)
        w = np.exp(sim)
        w /= w.sum(axis=1, keepdims=True)
        return np.asarray(w @ self._q[known])

    def reference_tasks(self) -> np.ndarray:
        """The indices of the reference prompts."""
        return self._refs.copy()

    # -- ask and tell -------------------------------------------------------------------------
    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        due = self._refs[self._age >= self.refresh_every]
        if len(due) > n:
            due = due[np.argsort(-self._age[self._slot[due]], kind="stable")[:n]]
        rest = n - len(due)
        if rest == 0:
            return due.astype(np.int64)
        k = len(self._z)
        pool = None
        if self.candidates is not None and self.candidates < k:
            pool = (self._rng.random(self.candidates) * k).astype(np.int64)
        score = -np.abs(self.predicted(pool) - self.target)
        p = softmax(score, self.temperature)
        picked = np.searchsorted(np.cumsum(p), self._rng.random(rest) * p.sum(), side="right")
        picked = np.minimum(picked, len(p) - 1)
        chosen = picked if pool is None else pool[picked]
        return np.concatenate([due, chosen]).astype(np.int64)

    def validate(self, batch: EventBatch) -> None:
        batch_success(batch, "DifficultyPredictor.tell")

    def _tell(self, batch: EventBatch) -> None:
        rate = batch_success(batch, "DifficultyPredictor.tell")
        self._age += 1
        slots = self._slot[batch.tasks]
        seen = slots >= 0
        for s, q in zip(slots[seen].tolist(), rate[seen].tolist()):
            old = self._q[s]
            self._q[s] = q if np.isnan(old) else (1.0 - self.smoothing) * old + self.smoothing * q
            self._age[s] = 0
