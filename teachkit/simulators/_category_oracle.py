"""CategoryOracle: the greedy expected-gain oracle of CategoryStudent."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit.simulators._base import Oracle, Simulator
from teachkit.simulators._category_dynamics import expected_accuracy, expected_signal
from teachkit.simulators._common import TYPICAL, top_indices
from teachkit.spaces import Space


class CategoryOracle(Oracle):
    """Greedy oracle for :class:`CategoryStudent`: the level whose training helps most now.

    From the true logits it computes, for each trainable level ``k``, the expected change
    of the test accuracy (every level, held-out ones included) after one GRPO step with the
    whole batch on ``k``: the expected group variance ``E[p (1 - p)] (1 - 1/G)`` times the
    gate times the transfer to every level. ``ask(n)`` gives ``n`` prompts of the best
    level. An id the simulator does not know counts as a typical model (the mean gain
    over the first 16).

    Args:
        space: the simulator's space.
        simulator: the :class:`CategoryStudent` whose truth it reads.
        seed: unused (the oracle is deterministic); kept for the common signature.
    """

    def __init__(self, space: Space, *, simulator: Simulator, seed: int | None = None) -> None:
        super().__init__(space, simulator=simulator, seed=seed)

    def gains(self, rows: Any) -> np.ndarray:
        """Expected test-accuracy gain per trainable level, ``(len(rows), K)``."""
        sim = self.simulator
        tr = sim.truth(learners=rows)
        c, k, spread = tr["logits"], tr["n_trainable"], tr["prompt_spread"]
        u = expected_signal(c[:, :k], spread, tr["group_size"]) * sim.gates(c)  # (n, K)
        before = expected_accuracy(c, spread).mean(axis=1)
        # After a step with every prompt on level j: c + lr u_j T[:, j].
        after = c[:, None, :] + tr["learn_rate"] * u[:, :, None] * tr["transfer"].T[None]
        out: np.ndarray = expected_accuracy(after, spread).mean(axis=2) - before[:, None]
        return out

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        sim = self.simulator
        row = sim.index_of(learner_id)
        rows = list(range(min(sim.n_learners, TYPICAL))) if row is None else [row]
        return top_indices(self.gains(rows).mean(axis=0), 1).repeat(n)
