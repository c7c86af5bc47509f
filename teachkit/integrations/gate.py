"""The admission gate: which groups of rollouts a GRPO-style trainer keeps.

A group whose rollouts all got the same reward has zero advantages: it costs generation and
teaches nothing. DAPO's *dynamic sampling* drops such groups and keeps sampling until the
batch is full of informative ones; OpenRLHF's dynamic filtering keeps only prompts whose
pass rate lies inside a band. :class:`AdmissionGate` is that rule, with the counts of groups
generated and kept; the trainers (``teachkit.integrations.trl``) and the sampler
(``teachkit.integrations.torch.CurriculumSampler.draw``) refill the batch from the teacher.

Example:
    >>> import numpy as np
    >>> from teachkit.integrations.gate import AdmissionGate
    >>> gate = AdmissionGate()
    >>> gate.admit(np.array([[1, 1, 1, 1], [1, 0, 0, 1], [0, 0, 0, 0]])).tolist()
    [False, True, False]
    >>> gate.generated, gate.kept, round(gate.pass_rate(), 3)
    (3, 1, 0.333)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import GroupStats
from teachkit._validation import check_choice_now, check_params, check_positive_int
from teachkit.errors import ValidationError

RULES = ("zero_variance", "band")


class AdmissionGate:
    """Admit groups of rollouts whose rewards are informative.

    Args:
        rule: ``"zero_variance"`` (DAPO: keep groups whose rewards are not all equal) or
            ``"band"`` (OpenRLHF: keep groups whose pass rate lies strictly between ``low``
            and ``high``).
        low, high: the pass-rate band of ``rule="band"``.
        threshold: the reward at or above which a rollout passes (``"band"``); None: the
            mean reward of the group is its pass rate (rewards in [0, 1]).
        eps: rewards whose standard deviation is at most this count as all equal.
        max_rounds: generation rounds per batch (the first plus refills) before a trainer
            gives up refilling and trains on what it has.
    """

    def __init__(
        self,
        rule: str = "zero_variance",
        *,
        low: float = 0.0,
        high: float = 1.0,
        threshold: float | None = None,
        eps: float = 1e-8,
        max_rounds: int = 4,
    ) -> None:
        check_choice_now("AdmissionGate", "rule", rule, RULES)
        check_params(
            "AdmissionGate",
            [("low", low, 0.0, 1.0), ("high", high, 0.0, 1.0), ("eps", eps, 0.0, None)],
        )
        if low >= high:
            raise ValidationError(
                "AdmissionGate", [f"low, high: expected low < high, got low={low}, high={high}"]
            )
        check_positive_int("max_rounds", max_rounds)
        self.rule = rule
        self.low = low
        self.high = high
        self.threshold = threshold
        self.eps = eps
        self.max_rounds = max_rounds
        self.generated = 0
        self.kept = 0
        self.rounds = 0
        self.batches = 0

    def __repr__(self) -> str:
        band = f", low={self.low}, high={self.high}" if self.rule == "band" else ""
        return f"AdmissionGate(rule={self.rule!r}{band})"

    def decide(self, rewards: Any) -> np.ndarray:
        """Per group (row of ``rewards``, shape ``(n, G)``), whether it is admitted;
        counts nothing (see :meth:`admit`)."""
        r = np.asarray(rewards, dtype=np.float64)
        if r.ndim != 2 or r.shape[1] < 1:
            raise ValidationError(
                "AdmissionGate",
                [f"rewards: expected an array of shape (groups, G), got shape {r.shape}"],
            )
        if self.rule == "zero_variance":
            with np.errstate(invalid="ignore"):
                return np.asarray(np.nanstd(r, axis=1) > self.eps)
        stats = GroupStats.of(list(r), [None] * len(r), self.threshold)
        rate = stats.pass_rate
        if np.isnan(rate).any():
            raise ValidationError(
                "AdmissionGate",
                [
                    "rule='band' needs pass rates: rewards in [0, 1], or a threshold= at or above "
                    "which a rollout passes"
                ],
            )
        return np.asarray((rate > self.low) & (rate < self.high))

    def admit(self, rewards: Any) -> np.ndarray:
        """:meth:`decide`, counting the groups generated and kept."""
        keep = self.decide(rewards)
        self.generated += len(keep)
        self.kept += int(keep.sum())
        return keep

    def pass_rate(self) -> float:
        """The share of generated groups that were kept (1.0 before any)."""
        return self.kept / self.generated if self.generated else 1.0

    def metrics(self) -> dict[str, float]:
        """Counts for a trainer's log."""
        return {
            "gate/generated_groups": float(self.generated),
            "gate/kept_groups": float(self.kept),
            "gate/pass_rate": self.pass_rate(),
            "gate/rounds_per_batch": self.rounds / self.batches if self.batches else 0.0,
        }

    def state_dict(self) -> dict[str, int]:
        return {
            "generated": self.generated,
            "kept": self.kept,
            "rounds": self.rounds,
            "batches": self.batches,
        }

    def load_state_dict(self, state: dict[str, int]) -> None:
        self.generated = int(state["generated"])
        self.kept = int(state["kept"])
        self.rounds = int(state["rounds"])
        self.batches = int(state["batches"])
