"""Uniform: every task equally likely (domain randomization on Box spaces)."""

from __future__ import annotations

import numpy as np

from teachkit._teacher import BaseTeacher
from teachkit.spaces import Box, Discrete, Generated


class Uniform(BaseTeacher):
    """Draw every task uniformly at random; outcomes are ignored.

    The baseline every adaptive teacher must beat. On a :class:`~teachkit.spaces.Box`
    space this is domain randomization (Tobin et al. 2017): task parameters drawn
    uniformly within the bounds; on a :class:`~teachkit.spaces.Generated` space, a fresh
    task from the generator every time.

    Example:
        >>> import teachkit as tk
        >>> teacher = tk.teachers.Uniform(tk.spaces.Discrete(["a", "b", "c"]), seed=0)
        >>> teacher.ask("alice", n=4)
        ['b', 'a', 'a', 'a']

    References:
        Tobin et al. (2017). Domain randomization for transferring deep neural networks
        from simulation to the real world. IROS.
    """

    spaces = (Discrete, Box, Generated)

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        return self.space.sample_encoded(self._rng, n)
