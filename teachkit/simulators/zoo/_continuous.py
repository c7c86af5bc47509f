"""The continuous family of the zoo: GridToyStudent spaces of many shapes.

Every member is one student (``n_learners=1``) on the toy space of Portelas et al. (2019)
with its structure drawn from the member's own seed:

* ``plain``: 2 relevant dimensions, 6 to 12 cells per dimension (the spread of the
  competence frontier: few wide cells or many narrow ones);
* ``irrelevant``: the same plus 1 to 3 task parameters that change nothing;
* ``unlearnable``: 10% to 30% of the cells (never the origin) can never be learned, drawn
  once per member as an explicit list (the same for every paired seed);
* ``mixed`` (held out only): irrelevant dimensions and unlearnable cells together.

10 episodes a step, 1,000 steps (10,000 episodes); the measure is the paper's, % of the
cells mastered. Split: ``tune`` holds seeds 0-1 of ``plain``, ``irrelevant`` and
``unlearnable``; ``heldout`` holds seed 100 of those three kinds (fresh structures) and
seeds 100-101 of ``mixed`` (a kind never tuned on).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit.simulators.zoo import ZooMember

KINDS = {"tune": ("plain", "irrelevant", "unlearnable"), "heldout": ("mixed",)}
EPISODES_PER_STEP = 10
STEPS = 1000


def _unlearnable(rng: np.random.Generator, cells: int, fraction: float) -> list[list[int]]:
    """``fraction`` of the non-origin cells of a 2-D grid, as a sorted list of cells."""
    n = cells * cells
    k = round(fraction * (n - 1))
    picked = np.sort(rng.choice(np.arange(1, n), size=k, replace=False))
    return [[int(c // cells), int(c % cells)] for c in picked]


def _draw(kind: str, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng([13, 2, seed, sum(map(ord, kind))])
    cells = int(rng.integers(6, 13))
    params: dict[str, Any] = {
        "dims": 2,
        "cells": cells,
        "irrelevant_dims": 0,
        "tasks_per_step": EPISODES_PER_STEP,
    }
    if kind in ("irrelevant", "mixed"):
        params["irrelevant_dims"] = int(rng.integers(1, 4))
    if kind in ("unlearnable", "mixed"):
        params["unlearnable"] = _unlearnable(rng, cells, float(rng.uniform(0.1, 0.3)))
    return params


def members(split: str) -> list[ZooMember]:
    """The continuous members of ``split`` (``"tune"`` or ``"heldout"``), in a fixed order."""
    if split == "tune":
        plan = [(k, s) for k in KINDS["tune"] for s in range(2)]
    else:
        plan = [(k, 100) for k in KINDS["tune"]] + [("mixed", s) for s in (100, 101)]
    return [
        ZooMember(
            family="continuous",
            kind=kind,
            split=split,
            seed=seed,
            simulator="grid_toy",
            params=_draw(kind, seed),
            n_learners=1,
            steps=STEPS,
            eval_every=STEPS // 10,
            measure="mastered",
        )
        for kind, seed in plan
    ]
