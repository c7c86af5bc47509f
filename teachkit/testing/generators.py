"""A small task generator for tests, examples and the conformance suite: corridors with holes.

A corridor has ``length`` cells after the start; some cells are holes. A learner walks
from cell 0 towards cell ``length``, one cell (``step``) or two (``jump``) at a time, and
fails when it lands in a hole. Short corridors with few holes are easy; long ones full of
holes are hard; a hole right after another cannot be jumped. Small enough for a tabular
learner, rich enough to sample, mutate, encode and decode.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit.spaces import TaskGenerator


class Corridors(TaskGenerator):
    """Corridors of 2..``longest`` cells, each cell after the first a hole with ``density``.

    Params: ``{"length": int, "holes": sorted list of cells in 1..length-1}``. The vector
    form is ``[length / longest, hole of cell 1, ..., hole of cell longest - 1]``.

    Example:
        >>> gen = Corridors(longest=6)
        >>> gen.sample(np.random.default_rng(1))
        {'length': 4, 'holes': [2]}
    """

    def __init__(self, longest: int = 10, density: float = 0.25) -> None:
        self.longest = longest
        self.density = density

    def sample(self, rng: np.random.Generator) -> dict[str, Any]:
        length = int(rng.integers(2, self.longest + 1))
        cells = np.arange(1, length)
        holes = cells[rng.random(len(cells)) < self.density]
        return {"length": length, "holes": holes.tolist()}

    def mutate(self, params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
        length, holes = int(params["length"]), set(params["holes"])
        if rng.random() < 0.5:
            length = int(np.clip(length + rng.choice([-1, 1]), 2, self.longest))
        else:
            cell = int(rng.integers(1, length))
            holes ^= {cell}
        return {"length": length, "holes": sorted(h for h in holes if h < length)}

    def encode(self, params: dict[str, Any]) -> np.ndarray:
        v = np.zeros(self.longest)
        v[0] = params["length"] / self.longest
        for h in params["holes"]:
            v[h] = 1.0
        return v

    def decode(self, vector: np.ndarray, rng: np.random.Generator) -> dict[str, Any]:
        length = int(np.clip(round(float(vector[0]) * self.longest), 2, self.longest))
        holes = [i for i in range(1, length) if vector[i] > 0.5]
        return {"length": length, "holes": holes}

    def contains(self, params: Any) -> bool:
        if not isinstance(params, dict) or set(params) != {"length", "holes"}:
            return False
        length, holes = params["length"], params["holes"]
        return (
            isinstance(length, int)
            and 2 <= length <= self.longest
            and isinstance(holes, list)
            and all(isinstance(h, int) and 1 <= h < length for h in holes)
            and holes == sorted(set(holes))
        )


def walk(params: dict[str, Any], policy: Any, limit: int | None = None) -> tuple[float, list[Any]]:
    """Run ``policy(observation) -> 0 (step) or 1 (jump)`` on a corridor.

    The observation is ``(next cell is a hole, the cell after it is a hole)`` (cells past
    the end are not holes). Returns the share of the corridor covered before falling or
    arriving (1.0: the learner reached the end) and the ``(observation, action, reward,
    next observation, done)`` transitions.
    """
    length, holes = params["length"], set(params["holes"])
    pos, steps, trace = 0, 0, []
    limit = limit or 2 * length
    while steps < limit:
        obs = (int(pos + 1 in holes), int(pos + 2 in holes))
        action = int(policy(obs))
        safe, pos = pos, min(pos + 1 + action, length)
        steps += 1
        fell = pos in holes
        done = fell or pos >= length
        nxt = (int(pos + 1 in holes), int(pos + 2 in holes))
        trace.append((obs, action, 1.0 if pos >= length else 0.0, nxt, done))
        if done:
            return (safe / length if fell else 1.0), trace
    return pos / length, trace
