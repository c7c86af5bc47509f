"""ClassIncrementalOracle: teach the class a ClassIncrementalStudent truly knows least."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from teachkit._validation import check_choice_now
from teachkit.simulators._base import Oracle, Simulator
from teachkit.spaces import Discrete, Space


class ClassIncrementalOracle(Oracle):
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

    def __init__(
        self,
        space: Space,
        *,
        simulator: Simulator,
        strategy: str = "lowest",
        seed: int | None = None,
    ) -> None:
        super().__init__(space, simulator=simulator, seed=seed)
        self.strategy = strategy
        check_choice_now("ClassIncrementalOracle", "strategy", strategy, ("greedy", "lowest"))

    def _pick(self, values: np.ndarray, best: str) -> int:
        target = values.max() if best == "max" else values.min()
        ties = np.flatnonzero(np.isclose(values, target, rtol=0.0, atol=1e-12))
        return int(ties[self._rng.integers(len(ties))])

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        sim: Any = self.simulator
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
