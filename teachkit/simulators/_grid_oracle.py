"""GridToyOracle: practice the frontier of GridToyStudent's true competences."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from teachkit.simulators._base import Oracle
from teachkit.spaces import Box, Space


class GridToyOracle(Oracle):
    """Practice the frontier: a uniformly drawn learnable, unlocked, unmastered cell.

    For each task it reads the learner's true cell competences and picks, uniformly at
    random, one of the cells where an episode raises competence (unlocked and learnable)
    and that are not mastered yet (competence <= 75); the task is a uniform point inside
    that cell (irrelevant dimensions uniform too). When ``n > 1`` tasks are asked at once
    it plans them in sequence on a copy of the learner's state with the simulator's exact
    (deterministic) rule, so a batch does not overshoot a cell that gets mastered
    mid-batch. With no such cell left it picks among unlocked cells below the cap, then
    among all cells. Outcomes are ignored: it knows the truth.
    """

    spaces: ClassVar[tuple[type[Space], ...]] = (Box,)

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        sim: Any = self.simulator
        comp, learnable = sim._learner_truth(sim.learner_index(learner_id))
        chosen = np.empty(n, dtype=np.int64)
        candidates, unlocked = self._candidates(sim, comp)
        draws = self._rng.random(n)
        for j in range(n):
            c = int(candidates[int(draws[j] * len(candidates))])
            chosen[j] = c
            if unlocked or (learnable[c] and self._is_unlocked(sim, comp, c)):
                comp[c] = min(int(comp[c]) + 1, sim.MAX_COMPETENCE)
                if comp[c] in (sim.GATE, sim.MASTERED + 1, sim.MAX_COMPETENCE):
                    candidates, unlocked = self._candidates(sim, comp)
        corner = sim.cell_corners(chosen)
        # Strictly inside the cell, so rounding can never move a point to a neighbour.
        inside = 0.001 + 0.998 * self._rng.random(corner.shape)
        relevant = corner + inside / sim.cells
        extra = self._rng.random((n, sim.irrelevant_dims))
        return np.concatenate([relevant, extra], axis=1)

    @staticmethod
    def _is_unlocked(sim: Any, comp: np.ndarray, c: int) -> bool:
        return c == 0 or bool((comp[sim._preds[c]] >= sim.GATE).any())

    @staticmethod
    def _candidates(sim: Any, comp: np.ndarray) -> tuple[np.ndarray, bool]:
        """Cells to draw from, and whether they are all unlocked and learnable."""
        unlocked = sim._unlocked(comp[None, :])[0]
        cells = comp[: sim._n_cells]
        for mask in (unlocked & (cells <= sim.MASTERED), unlocked & (cells < sim.MAX_COMPETENCE)):
            found = np.flatnonzero(mask)
            if len(found):
                return found, True
        return np.arange(sim._n_cells), False
