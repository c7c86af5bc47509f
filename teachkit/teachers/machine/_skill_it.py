"""Skill-It: skill mixture from a skills graph and recent per-skill losses."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_params, check_positive_int
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete
from teachkit.teachers.machine._signals import check_unit_signal, draw


class SkillIt(BaseTeacher):
    """Skill-It's online data selection (Chen et al. 2023) over a skills graph.

    Each task of the :class:`~teachkit.spaces.Discrete` space is a skill; one ``tell`` is
    one round. ``A[i, j] > 0`` says that training skill ``i`` lowers the loss of skill
    ``j``. After each round the mixture is

        ``p_i ∝ exp(step_size * sum_j A[i, j] * sum_{last window rounds} L_j)``,

    so a skill gets weight when the skills it helps still have high loss. A skill's loss
    ``L_j`` in a round is ``1 - mean signal`` of its events that round; a skill not
    practised in a round keeps its last loss (1 before any outcome), since Skill-It
    evaluates every skill each round and a teacher sees only what was practised.

    The graph: ``graph`` (a k-by-k matrix), or by default the identity plus the space's
    prerequisite edges (task ``i`` helps task ``j`` when ``i`` is a prerequisite of ``j``,
    or, with skill tags, when they share a skill or a skill of ``i`` is a prerequisite of a
    skill of ``j``).

    Args:
        space: the skills.
        graph: optional ``(k, k)`` non-negative influence matrix.
        step_size: ``eta``.
        window: rounds of losses summed (Skill-It's ``w``).
        seed: seeds the sampling.

    Example:
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(["add", "mul"], prerequisites={"mul": ["add"]})
        >>> tk.teachers.SkillIt(space).graph_matrix().tolist()
        [[1.0, 1.0], [0.0, 1.0]]

    References:
        Chen, Roberts, Bhatia, Wang, Zhang, Sala, Ré (2023). Skill-it! A Data-Driven Skills
        Framework for Understanding and Training Language Models. NeurIPS.
    """

    spaces = (Discrete,)

    def __init__(
        self,
        space: Discrete,
        *,
        graph: Any = None,
        step_size: float = 0.5,
        window: int = 3,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.graph = graph
        self.step_size = step_size
        self.window = window
        check_params("SkillIt", [("step_size", step_size, 0.0, None)])
        check_positive_int("window", window, maximum=1_000_000)
        self._a = self._graph(space, graph)
        # Skill graphs are sparse; a dense matrix-vector product over 1,000 skills would
        # cost milliseconds per round.
        from scipy.sparse import csr_array

        self._sparse = csr_array(self._a)
        k = space.n
        self._losses = np.ones(k)
        self._history = np.zeros((window, k))
        self._rounds = 0
        self._p = np.full(k, 1.0 / k)

    _derived = ("_a", "_sparse")

    @staticmethod
    def _graph(space: Discrete, graph: Any) -> np.ndarray:
        k = space.n
        if graph is not None:
            try:
                a = np.asarray(graph, dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                a = np.zeros(0)
            if a.shape != (k, k) or not np.isfinite(a).all() or (a < 0).any():
                raise ValidationError(
                    "SkillIt",
                    [f"graph: expected a ({k}, {k}) matrix of finite numbers >= 0, got {graph!r}"],
                )
            return a
        a = np.eye(k)
        prereq = space.prerequisites
        if space.prerequisite_level == "tasks":
            for node, before in prereq.items():
                for b in before:
                    a[space.index(b), space.index(node)] = 1.0
        elif space.prerequisite_level == "skills" or space.tagged:
            q = space.q_matrix.astype(np.float64)
            skills = {s: i for i, s in enumerate(space.skill_names)}
            p = np.eye(len(skills))
            for node, before in prereq.items():
                for b in before:
                    p[skills[b], skills[node]] = 1.0
            a = np.maximum(a, (q @ p @ q.T > 0).astype(np.float64))
        return a

    def graph_matrix(self) -> np.ndarray:
        """A copy of the skill graph ``A``: entry ``(i, j)`` is how much training on ``j`` helps ``i``."""
        return self._a.copy()

    def probabilities(self) -> np.ndarray:
        """A copy of the current mixture over tasks."""
        return self._p.copy()

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        return draw(self._rng, self._p, n)

    def validate(self, batch: EventBatch) -> None:
        check_unit_signal(batch, "SkillIt.tell")

    def _tell(self, batch: EventBatch) -> None:
        k = len(self._losses)
        counts = np.bincount(batch.tasks, minlength=k)
        seen = counts > 0
        mean = np.bincount(batch.tasks, weights=batch.signal(), minlength=k)
        self._losses[seen] = 1.0 - mean[seen] / counts[seen]
        self._history[self._rounds % self.window] = self._losses
        self._rounds += 1
        z = self.step_size * (self._sparse @ self._history.sum(axis=0))
        z -= z.max()
        e = np.exp(z)
        self._p = e / e.sum()
