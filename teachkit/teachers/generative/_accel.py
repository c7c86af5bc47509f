"""ACCEL: evolve a curriculum by editing the levels with the highest regret."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._seeding import spawn_seed
from teachkit._teacher import BaseTeacher
from teachkit._validation import Checker
from teachkit.spaces import Generated, GeneratedTask
from teachkit.teachers.generative._buffer import LevelBuffer
from teachkit.teachers.generative._regret import SCORES, require

PRIORITIZATIONS = ("rank", "power")


class ACCEL(BaseTeacher):
    """ACCEL (Parker-Holder et al. 2022): Robust PLR over generated levels, plus edits.

    A bounded buffer of levels with regret-style scores (see :class:`LevelBuffer`). Each
    task asked for is, in this order:

    1. an **edit** waiting to be evaluated, if any: after a replayed level's outcome is
       told, ``space.mutate`` makes one child of it (the generator's ``mutate`` is the
       paper's edit; make it apply several small changes for the paper's ``k`` edits);
    2. else, with probability ``replay_prob`` once the buffer holds ``min_fill`` of its
       size, a **replay**: a buffered level drawn from PLR's ``P_replay`` (rank
       prioritization with ``temperature``, staleness with ``staleness_coef``);
    3. else a **new level** from the generator (``space.generate``).

    Only replays are for training: edits and new levels are handed out with
    ``train_mask`` False (``Assignment.train`` in a curriculum, ``info["train"]`` in the
    Gymnasium wrappers), Robust PLR's rule. Their outcome scores them, and a level whose
    score beats the lowest in a full buffer replaces it. Every seed the generator gets is
    drawn from this teacher's RNG and written in the task's record.

    Deviation from the paper: ACCEL alternates whole batches (replay, then evaluate the
    batch's edits; or evaluate a batch of new levels); here each task is decided on its
    own, which keeps the same proportions for any batch size. The paper's default
    score is positive value loss; ``score="max_mc"`` and ``"learnability"`` use returns
    and successes (see :func:`~teachkit.teachers.generative._regret.episode_score`).

    Args:
        space: a :class:`~teachkit.spaces.Generated` space whose generator can ``mutate``.
        buffer_size: levels kept (the paper's 4,000).
        replay_prob: probability of a replay once the buffer is ``min_fill`` full (0.8).
        min_fill: share of the buffer that must be filled before replays start.
        score: ``"positive_value_loss"``, ``"max_mc"`` or ``"learnability"``.
        prioritization: ``"rank"`` or ``"power"``.
        temperature: ``beta`` of the score prioritization (0.3 in the paper's MiniGrid runs).
        staleness_coef: ``rho`` (0.3 likewise).
        score_alpha: weight of a new score against the stored one (1: replace).
        seed: seeds every draw, and through it every generated level.

    Example:
        >>> import teachkit as tk
        >>> from teachkit.testing.generators import Corridors
        >>> space = tk.spaces.Generated(Corridors())
        >>> teacher = ACCEL(space, buffer_size=8, min_fill=0.0, score="learnability", seed=0)
        >>> tasks = teacher.ask("agent", 2)
        >>> teacher.train_mask("agent").tolist()  # an empty buffer: new levels, evaluated only
        [False, False]

    References:
        Parker-Holder, Jiang, Dennis, Samvelyan, Foerster, Grefenstette, Rocktäschel
        (2022). Evolving Curricula with Regret-Based Environment Design. ICML.
    """

    spaces = (Generated,)
    space: Generated

    def __init__(
        self,
        space: Generated,
        *,
        buffer_size: int = 4000,
        replay_prob: float = 0.8,
        min_fill: float = 0.5,
        score: str = "positive_value_loss",
        prioritization: str = "rank",
        temperature: float = 0.3,
        staleness_coef: float = 0.3,
        score_alpha: float = 1.0,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.buffer_size = buffer_size
        self.replay_prob = replay_prob
        self.min_fill = min_fill
        self.score = score
        self.prioritization = prioritization
        self.temperature = temperature
        self.staleness_coef = staleness_coef
        self.score_alpha = score_alpha
        check = Checker(type(self).__name__)
        check.integer("buffer_size", buffer_size)
        check.number("replay_prob", replay_prob, 0.0, 1.0)
        check.number("min_fill", min_fill, 0.0, 1.0)
        check.choice("score", score, SCORES)
        check.choice("prioritization", prioritization, PRIORITIZATIONS)
        check.positive("temperature", temperature)
        check.number("staleness_coef", staleness_coef, 0.0, 1.0)
        check.number("score_alpha", score_alpha, 1e-12, 1.0)
        check.done()
        self._buffer = LevelBuffer(buffer_size, score, score_alpha)
        self._edits: list[str] = []
        self._count = 0
        self._train: dict[str, np.ndarray] = {}

    # -- reading ------------------------------------------------------------------------------
    def buffer(self) -> tuple[list[GeneratedTask], np.ndarray]:
        """``(levels, scores)`` of the buffered levels (copies)."""
        f = len(self._buffer)
        return self.space.records(self._buffer.tasks), self._buffer.scores[:f].copy()

    def pending_edits(self) -> list[GeneratedTask]:
        """Edits made and not yet handed out for evaluation, oldest first."""
        return self.space.records(self._edits)

    def train_mask(self, learner_id: str) -> np.ndarray | None:
        """Replays are for training; edits and new levels are evaluated only."""
        return self._train.get(learner_id, np.zeros(0, dtype=bool)).copy()

    # -- ask ----------------------------------------------------------------------------------
    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        out = np.empty(n, dtype=object)
        train = np.zeros(n, dtype=bool)
        space = self.space
        buf = self._buffer
        can_replay = len(buf) > 0 and len(buf) >= self.min_fill * self.buffer_size
        for i in range(n):
            self._count += 1
            if self._edits:
                out[i] = self._edits.pop(0)
            elif can_replay and self._rng.random() < self.replay_prob:
                p = buf.distribution(
                    self._count, self.prioritization, self.temperature, self.staleness_coef
                )
                slot = int(self._rng.choice(len(p), p=p))
                buf.last[slot] = self._count
                out[i] = buf.tasks[slot]
                train[i] = True
            else:
                out[i] = space.generate(spawn_seed(self._rng))
        self._train[learner_id] = train
        return out

    # -- tell ---------------------------------------------------------------------------------
    def validate(self, batch: EventBatch) -> None:
        require(batch, self.score, f"{type(self).__name__}.tell")

    def _tell(self, batch: EventBatch) -> None:
        records = self.space.records(batch.tasks)
        scored = self._buffer.update(batch, [t.id for t in records], list(records), self._count)
        for task, _, replayed in scored:
            if replayed and len(self._edits) < self.buffer_size:
                child = self.space.mutate(task, spawn_seed(self._rng))
                self._edits.append(str.__str__(child))

    # -- state --------------------------------------------------------------------------------
    def _get_state(self) -> dict[str, Any]:
        return {
            "buffer": self._buffer.state(),
            "edits": [str.__str__(t) for t in self._edits],
            "count": self._count,
            "train": {k: v.copy() for k, v in self._train.items()},
            "rng": copy.deepcopy(self._rng),
        }

    def _set_state(self, state: dict[str, Any]) -> None:
        self._buffer = LevelBuffer(self.buffer_size, self.score, self.score_alpha)
        self._buffer.load(state["buffer"])
        self._edits = list(state["edits"])
        self._count = int(state["count"])
        self._train = dict(state["train"])
        self._rng = state["rng"]

    @classmethod
    def _example(cls, space: Any, seed: int) -> BaseTeacher | None:
        if not isinstance(space, Generated):
            return None
        return cls(space, buffer_size=6, min_fill=0.5, seed=seed)
