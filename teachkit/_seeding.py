"""The one seeding helper: how an object with a generator seeds the objects it makes.

Every random choice comes from a generator owned by the object that makes it
(``np.random.default_rng(seed)``). When that object builds another seeded object (a
per-learner copy of a teacher, a mixture fit, a network's initialisation), the child's seed
is drawn here from the parent's generator, so a replay that rebuilds the parent rebuilds
the same children.
"""

from __future__ import annotations

import numpy as np

SEED_BOUND = 2**31 - 1
"""Child seeds are drawn from ``[0, SEED_BOUND)``: small enough for every library's seed."""


def spawn_seed(rng: np.random.Generator, bound: int = SEED_BOUND) -> int:
    """A seed for a child object, drawn from its parent's generator.

    >>> spawn_seed(np.random.default_rng(0))
    1826701614
    """
    return int(rng.integers(bound))
