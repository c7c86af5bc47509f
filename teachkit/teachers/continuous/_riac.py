"""RIAC: split the task space into regions and sample those with high learning progress."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_fraction, check_positive_int
from teachkit.errors import ValidationError
from teachkit.spaces import Box, Space
from teachkit.teachers.continuous._mixture import UnitScaler, cumulative
from teachkit.teachers.continuous._presets import check_preset


class RIAC(BaseTeacher):
    """Robust Intelligent Adaptive Curiosity: a tree of regions ranked by learning progress.

    The rule (Baranes & Oudeyer 2009, with the changes Portelas et al. 2019 describe):

    * Every region keeps its most recent ``max_region_size + 1`` (task, reward) pairs; an
      episode is added to every region on the path from the root to the leaf that holds
      its task. A region's ALP is ``|mean(first half) - mean(second half)|`` of its last
      ``alp_window`` rewards (default ``max_region_size``); 0 with two rewards or fewer.
    * A leaf holding more than ``max_region_size`` pairs is split: ``nb_split_attempts``
      random cuts (a random dimension, a threshold uniform within the region) are tried,
      and the valid cut maximizing ``card(R1) * card(R2) * |ALP(R1) - ALP(R2)|`` is kept.
      A cut is valid when both halves hold at least ``min_region_size`` pairs (default
      ``max_region_size / 20``) and are at least ``min_dims_range_ratio`` of the full
      range wide on every dimension. When no cut is valid, the oldest
      ``discard_ratio`` of the region's pairs are dropped.
    * To sample: 70% of draws pick a region (any node of the tree) with probability
      proportional to its ALP and draw uniformly in it; 20% draw uniformly in the whole
      space; 10% pick a region by ALP, take its lowest-reward task and perturb it with
      Gaussian noise (standard deviation 0.1 of each range), clipped to the region.

    The reward is the events' signal (score, else reward, else success); one tree serves
    every learner. Deviations: tasks are scaled to the unit cube, so the 0.1 perturbation
    is a tenth of each range (the reference code uses 0.1 in raw units); a cut draw that
    leaves a half under ``min_region_size`` counts as an invalid attempt instead of being
    redrawn until it fits (which can loop for ever on clustered data).

    Args:
        space: a :class:`~teachkit.spaces.Box`.
        max_region_size: pairs a leaf holds before it is split.
        nb_split_attempts: random cuts tried per split.
        alp_window: rewards a region's ALP covers (default ``max_region_size``).
        min_region_size: least pairs in each half of a cut (default ``max_region_size/20``).
        min_dims_range_ratio: least width of a half, as a fraction of each full range.
        discard_ratio: share of pairs dropped when no cut is valid.
        seed: seeds every draw.

    Presets: ``"portelas2019"`` (200 pairs, 50 attempts, ranges >= 1/6) and
    ``"teachmyagent"`` (150 pairs, 75 attempts, ranges >= 0.1).

    Example:
        >>> import teachkit as tk
        >>> teacher = tk.teachers.RIAC(tk.spaces.Box(0, 1, dim=2), seed=0)
        >>> teacher.ask_encoded("agent", 2).shape
        (2, 2)

    References:
        Baranes & Oudeyer (2009). R-IAC: Robust intrinsically motivated exploration and
        active learning. IEEE Transactions on Autonomous Mental Development.
        Portelas, Colas, Hofmann & Oudeyer (2019). Teacher algorithms for curriculum
        learning of Deep RL in continuously parameterized environments. CoRL.
    """

    spaces: ClassVar[tuple[type[Space], ...]] = (Box,)

    PRESETS: ClassVar[dict[str, dict[str, Any]]] = {
        "portelas2019": {
            "max_region_size": 200,
            "nb_split_attempts": 50,
            "min_dims_range_ratio": 1 / 6,
        },
        "teachmyagent": {
            "max_region_size": 150,
            "nb_split_attempts": 75,
            "min_dims_range_ratio": 0.1,
        },
    }

    def __init__(
        self,
        space: Space,
        *,
        max_region_size: int = 200,
        nb_split_attempts: int = 50,
        alp_window: int | None = None,
        min_region_size: int | None = None,
        min_dims_range_ratio: float = 1 / 6,
        discard_ratio: float = 0.25,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.max_region_size = max_region_size
        self.nb_split_attempts = nb_split_attempts
        self.alp_window = alp_window
        self.min_region_size = min_region_size
        self.min_dims_range_ratio = min_dims_range_ratio
        self.discard_ratio = discard_ratio
        check_positive_int("max_region_size", max_region_size, minimum=4, maximum=10_000_000)
        check_positive_int("nb_split_attempts", nb_split_attempts)
        if alp_window is not None:
            check_positive_int("alp_window", alp_window, minimum=2)
        if min_region_size is not None:
            check_positive_int("min_region_size", min_region_size)
        problems: list[str] = []
        check_fraction(problems, "min_dims_range_ratio", min_dims_range_ratio, closed=True)
        check_fraction(problems, "discard_ratio", discard_ratio, closed=True)
        if not problems and int(max_region_size * discard_ratio) < 1:
            problems.append(
                f"discard_ratio: {discard_ratio} of max_region_size={max_region_size} drops "
                "no pair; use a larger ratio"
            )
        if problems:
            raise ValidationError("RIAC", problems)
        assert isinstance(space, Box)
        self._dim = space.dim
        self._scale = UnitScaler(space)
        self._window = max_region_size if alp_window is None else alp_window
        self._minlen = max_region_size / 20 if min_region_size is None else min_region_size
        # The tree, as parallel lists indexed by region (region 0 is the whole space).
        self._low: list[np.ndarray] = [np.zeros(self._dim)]
        self._high: list[np.ndarray] = [np.ones(self._dim)]
        self._cut: list[tuple[int, float, int, int]] = [(-1, 0.0, -1, -1)]  # dim, thr, kids
        self._tasks: list[np.ndarray] = [np.empty((0, self._dim))]
        self._rewards: list[np.ndarray] = [np.empty(0)]
        self._alp = np.zeros(1)
        self._episodes = 0

    _derived = ("_dim", "_scale", "_window", "_minlen")

    @classmethod
    def preset(cls, name: str, space: Space, **overrides: Any) -> RIAC:
        """A teacher with a published setting (``"portelas2019"`` or ``"teachmyagent"``)."""
        return cls(space, **{**check_preset(cls, name), **overrides})

    @classmethod
    def _example(cls, space: Space, seed: int) -> BaseTeacher | None:
        if not isinstance(space, Box):
            return None
        return cls(space, max_region_size=20, nb_split_attempts=10, seed=seed)

    @property
    def n_regions(self) -> int:
        """The number of regions the space is split into (leaves and inner nodes)."""
        return len(self._low)

    def regions(self) -> list[dict[str, Any]]:
        """Every region's bounds (in the box's units), ALP and whether it is a leaf."""
        return [
            {
                "low": self._scale.from_unit(lo),
                "high": self._scale.from_unit(hi),
                "alp": float(a),
                "leaf": cut[0] < 0,
            }
            for lo, hi, a, cut in zip(self._low, self._high, self._alp, self._cut)
        ]

    # -- learning progress ------------------------------------------------------------------
    def _region_alp(self, rewards: np.ndarray) -> float:
        if len(rewards) <= 2:
            return 0.0
        w = min(len(rewards), self._window)
        half = w // 2
        first, second = rewards[-w:-half], rewards[-half:]
        return abs(float(first.sum()) / len(first) - float(second.sum()) / len(second))

    def _tell(self, batch: EventBatch) -> None:
        unit = self._scale.to_unit(batch.tasks)
        reward = batch.signal()
        for x, r in zip(unit, reward.tolist()):
            self._add(x, r)

    def _add(self, x: np.ndarray, r: float) -> None:
        keep = self.max_region_size + 1
        node, path = 0, [0]
        while self._cut[node][0] >= 0:
            dim, thr, left, right = self._cut[node]
            node = left if x[dim] < thr else right
            path.append(node)
        row = x[None, :]
        value = np.array([r])
        for i in path:
            self._tasks[i] = np.concatenate((self._tasks[i][-(keep - 1) :], row))
            self._rewards[i] = np.concatenate((self._rewards[i][-(keep - 1) :], value))
        if len(self._rewards[node]) > self.max_region_size:
            self._split(node)
        for i in path:
            self._alp[i] = self._region_alp(self._rewards[i])
        self._episodes += 1

    def _split(self, node: int) -> None:
        tasks, rewards = self._tasks[node], self._rewards[node]
        lo, hi = self._low[node], self._high[node]
        best: tuple[int, float, np.ndarray] | None = None
        best_score = 0.0
        for _ in range(self.nb_split_attempts):
            dim = int(self._rng.integers(self._dim))
            thr = float(self._rng.uniform(lo[dim], hi[dim]))
            if min(thr - lo[dim], hi[dim] - thr) < self.min_dims_range_ratio:
                continue
            mask = tasks[:, dim] < thr
            n1 = int(mask.sum())
            n2 = len(mask) - n1
            if n1 < self._minlen or n2 < self._minlen:
                continue
            a1 = self._region_alp(rewards[mask])
            a2 = self._region_alp(rewards[~mask])
            score = n1 * n2 * abs(a1 - a2)
            if score >= best_score:
                best, best_score = (dim, thr, mask), score
        if best is None:
            drop = int(self.max_region_size * self.discard_ratio)
            self._tasks[node] = tasks[drop:]
            self._rewards[node] = rewards[drop:]
            return
        dim, thr, mask = best
        kids = []
        for part, (k_lo, k_hi) in zip(
            (mask, ~mask),
            (
                (lo, np.where(np.arange(self._dim) == dim, thr, hi)),
                (np.where(np.arange(self._dim) == dim, thr, lo), hi),
            ),
        ):
            kids.append(len(self._low))
            self._low.append(k_lo.copy())
            self._high.append(k_hi.copy())
            self._cut.append((-1, 0.0, -1, -1))
            self._tasks.append(tasks[part])
            self._rewards.append(rewards[part])
            self._alp = np.append(self._alp, self._region_alp(rewards[part]))
        self._cut[node] = (dim, thr, kids[0], kids[1])

    # -- sampling ---------------------------------------------------------------------------
    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        space = self.space
        assert isinstance(space, Box)
        cum = cumulative(self._alp)
        out = np.empty((n, self._dim))
        modes = self._rng.random(n)
        for k in range(n):
            if 0.1 <= modes[k] < 0.3:  # 20%: anywhere in the space
                out[k] = self._rng.random(self._dim)
                continue
            region = int(cum.searchsorted(self._rng.random(), side="right"))
            lo, hi = self._low[region], self._high[region]
            if modes[k] < 0.1 and len(self._rewards[region]):  # 10%: mutate the worst task
                worst = self._tasks[region][int(np.argmin(self._rewards[region]))]
                noisy = worst + 0.1 * self._rng.standard_normal(self._dim)
                out[k] = np.clip(noisy, lo, hi)
            else:  # 70%: uniformly in a region chosen by ALP
                out[k] = lo + (hi - lo) * self._rng.random(self._dim)  # = rng.uniform(lo, hi)
        return np.clip(self._scale.from_unit(out), space.low, space.high)
