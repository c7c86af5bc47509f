"""ADR: automatic domain randomization, widening the sampled box where the learner copes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_fraction, check_number, check_positive_int, short_repr
from teachkit.errors import ValidationError
from teachkit.spaces import Box, Space
from teachkit.teachers.continuous._presets import check_preset


class ADR(BaseTeacher):
    """Automatic Domain Randomization (OpenAI et al. 2019, Algorithm 1).

    Tasks are drawn uniformly in a current box ``[cur_low, cur_high]`` that starts at the
    point ``initial``. With probability ``boundary_prob`` one dimension ``i`` (uniformly
    chosen) of the draw is set to its current lower or upper boundary (each with
    probability 1/2): a boundary evaluation. The outcome of an episode whose task sits on a
    boundary goes into that boundary's performance buffer; when a buffer holds
    ``buffer_size`` outcomes, their mean decides: at least ``threshold_high`` widens the
    box at that boundary by ``step_size`` (never beyond the space), at most
    ``threshold_low`` narrows it by ``step_size`` (never past the opposite boundary);
    then the buffer is emptied.

    The performance is the events' signal (score, else reward, else success); the default
    thresholds suit a success rate or score in [0, 1]. One box serves every learner. An
    episode counts for a boundary when its task's coordinate equals the boundary exactly
    (as in the TeachMyAgent implementation), so an episode told after the boundary moved
    no longer counts for it.

    Args:
        space: a :class:`~teachkit.spaces.Box`.
        initial: the starting point (default: the centre of the space): a task the
            learner can already do.
        step_size: the change of a boundary, in the space's units; a number or one per
            dimension (default: 1/20 of each range).
        boundary_prob: probability that a draw is a boundary evaluation.
        buffer_size: outcomes per decision at one boundary.
        threshold_low, threshold_high: mean performance to narrow / to widen.
        seed: seeds every draw.

    Preset ``"teachmyagent"``: ``boundary_prob=0.7``, ``buffer_size=10``, ``step_size=0.1``
    (Romac et al. 2021; there the thresholds are episode returns of each environment,
    so give yours).

    Example:
        >>> import teachkit as tk
        >>> teacher = tk.teachers.ADR(tk.spaces.Box(0, 1, dim=2), initial=[0, 0], seed=0)
        >>> teacher.ask("agent")
        [(0.0, 0.0)]

    References:
        OpenAI, Akkaya et al. (2019). Solving Rubik's Cube with a robot hand. arXiv:1910.07113.
        Romac, Portelas, Hofmann & Oudeyer (2021). TeachMyAgent: a benchmark for automatic
        curriculum learning in Deep RL. ICML.
    """

    spaces: ClassVar[tuple[type[Space], ...]] = (Box,)

    PRESETS: ClassVar[dict[str, dict[str, Any]]] = {
        "teachmyagent": {"boundary_prob": 0.7, "buffer_size": 10, "step_size": 0.1},
    }

    def __init__(
        self,
        space: Space,
        *,
        initial: Sequence[float] | None = None,
        step_size: float | Sequence[float] | None = None,
        boundary_prob: float = 0.5,
        buffer_size: int = 10,
        threshold_low: float = 0.2,
        threshold_high: float = 0.8,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.initial = initial
        self.step_size = step_size
        self.boundary_prob = boundary_prob
        self.buffer_size = buffer_size
        self.threshold_low = threshold_low
        self.threshold_high = threshold_high
        check_positive_int("buffer_size", buffer_size)
        assert isinstance(space, Box)
        problems: list[str] = []
        check_fraction(problems, "boundary_prob", boundary_prob, closed=True)
        start = (space.low + space.high) / 2 if initial is None else None
        if initial is not None:
            try:
                start = np.asarray(initial, dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                start = None
            if start is None or not space.contains(start):
                problems.append(
                    f"initial: expected a point of the space ({space!r}), got {initial!r}"
                )
        span = space.high - space.low
        step = span / 20 if step_size is None else None
        if step_size is not None:
            try:
                step = np.broadcast_to(np.asarray(step_size, dtype=np.float64), (space.dim,))
            except (TypeError, ValueError, OverflowError):
                step = None
            if step is None or not (np.isfinite(step).all() and (step > 0).all()):
                problems.append(
                    f"step_size: expected a positive number or {space.dim} of them, got {step_size!r}"
                )
        for name, value in (("threshold_low", threshold_low), ("threshold_high", threshold_high)):
            if check_number([], name, value) is None:
                problems.append(f"{name}: expected a finite number, got {short_repr(value)}")
        if not problems and threshold_low >= threshold_high:
            problems.append(
                f"thresholds: expected threshold_low < threshold_high, got {threshold_low} >= {threshold_high}"
            )
        if problems:
            raise ValidationError("ADR", problems)
        assert start is not None and step is not None
        self._step = np.array(step, dtype=np.float64)
        self._cur_low = start.copy()
        self._cur_high = start.copy()
        self._buf_low: list[list[float]] = [[] for _ in range(space.dim)]
        self._buf_high: list[list[float]] = [[] for _ in range(space.dim)]

    _derived = ("_step",)

    @classmethod
    def preset(cls, name: str, space: Space, **overrides: Any) -> ADR:
        """A teacher with a published setting (``"teachmyagent"``)."""
        return cls(space, **{**check_preset(cls, name), **overrides})

    @property
    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """The current sampling box ``(low, high)``."""
        return self._cur_low.copy(), self._cur_high.copy()

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        dim = len(self._cur_low)
        # rng.uniform's numbers (low + range * a uniform double) without its overhead
        out = self._cur_low + (self._cur_high - self._cur_low) * self._rng.random((n, dim))
        boundary = self._rng.random(n) < self.boundary_prob
        if boundary.any():
            rows = np.flatnonzero(boundary)
            dims = self._rng.integers(dim, size=len(rows))
            upper = self._rng.random(len(rows)) < 0.5
            out[rows, dims] = np.where(upper, self._cur_high[dims], self._cur_low[dims])
        return out

    def _tell(self, batch: EventBatch) -> None:
        space = self.space
        assert isinstance(space, Box)
        perf = batch.signal().tolist()
        m = self.buffer_size
        for task, p in zip(batch.tasks, perf):
            on_low = task == self._cur_low
            on_high = task == self._cur_high
            for i in np.flatnonzero(on_low | on_high).tolist():
                if on_low[i]:
                    buf = self._buf_low[i]
                    buf.append(p)
                    if len(buf) >= m:
                        mean = sum(buf) / len(buf)
                        if mean >= self.threshold_high:
                            self._cur_low[i] = max(self._cur_low[i] - self._step[i], space.low[i])
                        elif mean <= self.threshold_low:
                            self._cur_low[i] = min(
                                self._cur_low[i] + self._step[i], self._cur_high[i]
                            )
                        buf.clear()
                if on_high[i]:
                    buf = self._buf_high[i]
                    buf.append(p)
                    if len(buf) >= m:
                        mean = sum(buf) / len(buf)
                        if mean >= self.threshold_high:
                            self._cur_high[i] = min(
                                self._cur_high[i] + self._step[i], space.high[i]
                            )
                        elif mean <= self.threshold_low:
                            self._cur_high[i] = max(
                                self._cur_high[i] - self._step[i], self._cur_low[i]
                            )
                        buf.clear()
