"""Oracle teachers for the machine simulators: they read the hidden truth.

An oracle is bound to one live simulator (``sim.oracle(seed)``) and reads its state on
every ``ask``; it is the upper bound adaptive teachers are compared with. Because it holds
a live simulator, it cannot be rebuilt from a stored configuration: ``to_config`` and
therefore a durable :class:`~teachkit.Curriculum` reload are not supported (a clear
error says so). ``clone()`` keeps the binding; ``state_dict()`` captures the RNG.
Oracles are not user-facing teachers and are not listed in ``teachkit.teachers``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np

from teachkit._batch import EventBatch
from teachkit.errors import ValidationError
from teachkit.simulators._grid import GATE, MASTERED, MAX_COMPETENCE, GridToyStudent
from teachkit.spaces import Box, Discrete, Space
from teachkit.teachers import BaseTeacher

if TYPE_CHECKING:
    from teachkit.simulators._class_incremental import ClassIncrementalStudent


class _BoundOracle(BaseTeacher):
    """An oracle bound to a simulator held in ``_sim`` (left out of the state)."""

    _derived = ("_sim",)
    _sim: Any

    def __init__(self, space: Space, *, seed: int | None = None) -> None:
        super().__init__(space, seed=seed)
        self._sim = None

    @classmethod
    def bind(cls, sim: Any, *, seed: int | None = None) -> Self:
        """An oracle reading ``sim``'s truth (what ``sim.oracle(seed)`` returns)."""
        oracle = cls(sim.space, seed=seed)
        oracle._sim = sim
        return oracle

    def clone(self, **overrides: Any) -> Self:
        new = super().clone(**overrides)
        new._sim = self._sim
        return new

    def to_config(self) -> dict[str, Any]:
        raise ValidationError(
            type(self).__name__,
            [
                "an oracle reads a live simulator's hidden state and cannot be rebuilt from a "
                "stored configuration; drive it directly (ask_encoded/tell), not through a "
                "durable Curriculum"
            ],
        )

    def _bound(self) -> Any:
        if self._sim is None:
            raise ValidationError(
                type(self).__name__,
                [
                    "expected an oracle bound to a simulator, got an unbound one; "
                    "build it with sim.oracle(seed)"
                ],
            )
        return self._sim

    @classmethod
    def _example(cls, space: Space, seed: int) -> BaseTeacher | None:
        return None  # needs a simulator, not just a space


class GridToyOracle(_BoundOracle):
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
        sim: GridToyStudent = self._bound()
        comp, learnable = sim._learner_truth(sim.learner_index(learner_id))
        chosen = np.empty(n, dtype=np.int64)
        candidates, unlocked = self._candidates(sim, comp)
        draws = self._rng.random(n)
        for j in range(n):
            c = int(candidates[int(draws[j] * len(candidates))])
            chosen[j] = c
            if unlocked or (learnable[c] and self._is_unlocked(sim, comp, c)):
                comp[c] = min(int(comp[c]) + 1, MAX_COMPETENCE)
                if comp[c] in (GATE, MASTERED + 1, MAX_COMPETENCE):
                    candidates, unlocked = self._candidates(sim, comp)
        corner = sim.cell_corners(chosen)
        # Strictly inside the cell, so rounding can never move a point to a neighbour.
        inside = 0.001 + 0.998 * self._rng.random(corner.shape)
        relevant = corner + inside / sim.cells
        extra = self._rng.random((n, sim.irrelevant_dims))
        return np.concatenate([relevant, extra], axis=1)

    @staticmethod
    def _is_unlocked(sim: GridToyStudent, comp: np.ndarray, c: int) -> bool:
        return c == 0 or bool((comp[sim._preds[c]] >= GATE).any())

    @staticmethod
    def _candidates(sim: GridToyStudent, comp: np.ndarray) -> tuple[np.ndarray, bool]:
        """Cells to draw from, and whether they are all unlocked and learnable."""
        unlocked = sim._unlocked(comp[None, :])[0]
        cells = comp[: sim._n_cells]
        for mask in (unlocked & (cells <= MASTERED), unlocked & (cells < MAX_COMPETENCE)):
            found = np.flatnonzero(mask)
            if len(found):
                return found, True
        return np.arange(sim._n_cells), False

    def _tell(self, batch: EventBatch) -> None:
        """Nothing to learn: the oracle reads the truth."""


class ClassIncrementalOracle(_BoundOracle):
    """Teach the class the learner truly knows least, or the one that helps most now.

    ``strategy="lowest"`` (default): the class whose true held-out accuracy is lowest
    right now (ties drawn at random): rehearse what is weakest, forgotten or never
    taught. ``strategy="greedy"``: for each task, practice every class on an exact copy
    of the learner (model, replay buffer and RNG) and pick the class after which the
    mean held-out accuracy over all classes is highest (one-step lookahead; ties drawn
    at random; about ten passes of work per task). ``n > 1`` tasks are planned in
    sequence on a copy of the learner (``greedy``) or are the ``n`` currently weakest
    classes, weakest first (``lowest``). Outcomes are ignored.

    On digits with replay, ``lowest`` does as well as or better than the myopic
    ``greedy`` rule (which can keep polishing taught classes instead of adding a new
    one whose first pass briefly hurts the others) at a tenth of the cost, hence the
    default; see ``BENCHMARKS.md``.
    """

    spaces: ClassVar[tuple[type[Space], ...]] = (Discrete,)

    def __init__(self, space: Space, *, strategy: str = "lowest", seed: int | None = None) -> None:
        super().__init__(space, seed=seed)
        self.strategy = strategy
        if strategy not in ("greedy", "lowest"):
            raise ValidationError(
                "ClassIncrementalOracle",
                [f"strategy: expected 'greedy' or 'lowest', got {strategy!r}"],
            )

    @classmethod
    def bind(cls, sim: Any, *, seed: int | None = None, strategy: str = "lowest") -> Self:
        oracle = cls(sim.space, strategy=strategy, seed=seed)
        oracle._sim = sim
        return oracle

    def _pick(self, values: np.ndarray, best: str) -> int:
        target = values.max() if best == "max" else values.min()
        ties = np.flatnonzero(np.isclose(values, target, rtol=0.0, atol=1e-12))
        return int(ties[self._rng.integers(len(ties))])

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        sim: ClassIncrementalStudent = self._bound()
        i = sim.learner_index(learner_id)
        out = np.empty(n, dtype=np.int64)
        if self.strategy == "lowest":
            acc = sim.truth()["accuracy"][i]
            order = np.lexsort((self._rng.random(len(acc)), acc))  # weakest first, ties random
            return order[np.arange(n) % len(order)].astype(np.int64)
        twin = sim._twin(i)
        classes = list(range(len(sim.classes)))
        for j in range(n):
            ahead = sim._lookahead(twin, classes).mean(axis=1)
            out[j] = self._pick(ahead, "max")
            if j + 1 < n:
                sim._practice(twin, int(out[j]))
        return out

    def _tell(self, batch: EventBatch) -> None:
        """Nothing to learn: the oracle reads the truth."""
