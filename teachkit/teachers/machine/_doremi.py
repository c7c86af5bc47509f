"""DoReMi: a domain mixture updated by exponentiated gradient ascent on excess loss."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_choice_now, check_params, real_array
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete
from teachkit.teachers.machine._signals import check_unit_signal, draw

LOSSES = ("error", "negated")


class DoReMi(BaseTeacher):
    """DoReMi (Xie et al. 2023): mixture weights over domains from the excess loss.

    Each task of the :class:`~teachkit.spaces.Discrete` space is a domain; one ``tell`` is
    one training step. The per-domain excess loss is the mean over the step's events of
    that domain of ``max(loss - reference[i], 0)`` (0 for domains absent from the step);
    then the weights take an exponentiated-gradient step and are smoothed toward uniform:

        ``a' = a * exp(step_size * excess)``; ``a = (1 - smoothing) * a' / sum(a') +
        smoothing / k``.

    ``ask`` samples domains from the current weights (online DoReMi) or, with
    ``use_average``, from the average of the weights over all steps, which DoReMi returns
    as its tuned mixture. An event's loss is ``1 - signal`` (``loss="error"``, for scores
    and successes in [0, 1]) or ``-signal`` (``loss="negated"``: report ``reward =
    -log-likelihood`` to use the model's own loss).

    Deviation: DoReMi clips the excess loss per token and uses a separately trained
    reference model; here the clip is per event and the reference losses are given
    (default 0, which makes the rule upweight the domains with the highest loss).

    Args:
        space: the domains.
        step_size: ``eta`` (1 in the paper).
        smoothing: ``c`` (1e-3 in the paper).
        reference: per-domain reference losses (length k), or None for zeros.
        loss: ``"error"`` or ``"negated"``.
        use_average: sample from the running average of the weights.
        seed: seeds the sampling.

    Example:
        >>> import numpy as np, teachkit as tk
        >>> teacher = tk.teachers.DoReMi(tk.spaces.Discrete(["web", "code"]), smoothing=0.0)
        >>> teacher.tell(tk.EventBatch.build(learner_ids=["lm"], tasks=np.array([1]),
        ...     outcomes=tk.OutcomeBatch(score=[0.0]), times=np.zeros(1), assignment_ids=[-1]))
        >>> teacher.weights().round(3).tolist()  # code's loss 1 -> weight e / (1 + e)
        [0.269, 0.731]

    References:
        Xie, Pham, Dong, Du, Liu, Lu, Liang, Le, Ma, Yu (2023). DoReMi: Optimizing Data
        Mixtures Speeds Up Language Model Pretraining. NeurIPS.
    """

    spaces = (Discrete,)

    def __init__(
        self,
        space: Discrete,
        *,
        step_size: float = 1.0,
        smoothing: float = 1e-3,
        reference: Any = None,
        loss: str = "error",
        use_average: bool = False,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.step_size = step_size
        self.smoothing = smoothing
        self.reference = reference
        self.loss = loss
        self.use_average = use_average
        check_params(
            "DoReMi", [("step_size", step_size, 0.0, None), ("smoothing", smoothing, 0.0, 1.0)]
        )
        check_choice_now("DoReMi", "loss", loss, LOSSES)
        k = space.n
        ref = np.zeros(k) if reference is None else real_array([], "reference", reference)
        self._ref = np.full(k, np.nan) if ref is None else ref  # the check below reports it
        if self._ref.shape != (k,) or not np.isfinite(self._ref).all():
            raise ValidationError(
                "DoReMi",
                [f"reference: expected {k} finite losses (one per domain), got {reference!r}"],
            )
        self._alpha = np.full(k, 1.0 / k)
        self._sum = np.zeros(k)
        self._steps = 0

    _derived = ("_ref",)

    def weights(self) -> np.ndarray:
        """The current domain weights."""
        return self._alpha.copy()

    def average_weights(self) -> np.ndarray:
        """The weights averaged over all steps so far (DoReMi's output mixture)."""
        return self._sum / self._steps if self._steps else self._alpha.copy()

    def probabilities(self) -> np.ndarray:
        """The distribution ``ask`` samples from."""
        return self.average_weights() if self.use_average else self.weights()

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        p = self.average_weights() if self.use_average else self._alpha
        return draw(self._rng, p, n)

    def validate(self, batch: EventBatch) -> None:
        if self.loss == "error":
            check_unit_signal(batch, "DoReMi.tell")

    def _tell(self, batch: EventBatch) -> None:
        k = len(self._alpha)
        sig = batch.signal()
        loss = 1.0 - sig if self.loss == "error" else -sig
        excess = np.maximum(loss - self._ref[batch.tasks], 0.0)
        counts = np.bincount(batch.tasks, minlength=k)
        lam = np.bincount(batch.tasks, weights=excess, minlength=k) / np.maximum(counts, 1)
        logits = np.log(self._alpha) + self.step_size * lam
        logits -= logits.max()
        a = np.exp(logits)
        a /= a.sum()
        c = self.smoothing
        self._alpha = (1.0 - c) * a + c / k
        self._sum += self._alpha
        self._steps += 1
