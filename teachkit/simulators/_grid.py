"""GridToyStudent: the cell-competence toy environment of the ALP-GMM paper."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch
from teachkit._validation import check_positive_int, check_seed, is_real, is_sequence
from teachkit.errors import ValidationError
from teachkit.simulators._base import Simulator
from teachkit.simulators._grid_oracle import GridToyOracle
from teachkit.spaces import Box

_T0 = 1.7e9  # the virtual clock starts here (POSIX seconds); one episode lasts one second
MAX_COMPETENCE = 100
GATE = 75  # a cell with competence >= GATE unlocks the cells just after it
MASTERED = 75  # a cell with competence > MASTERED counts as mastered


class GridToyStudent(Simulator):
    """The toy task space of Portelas et al. (2019): competence that spreads cell by cell.

    The relevant part of the unit hypercube ``[0, 1]^dims`` is cut into ``cells`` equal
    intervals per dimension (``cells**dims`` cells; a value of exactly 1 falls in the last
    one). Every cell holds a competence, an integer in ``[0, 100]``, starting at 0. An
    episode on a task (a point of the cube) lands in one cell and:

    * raises that cell's competence by 1 (capped at 100) if the cell is *unlocked*: it is
      the origin cell ``(0, ..., 0)``, or one of its previous neighbours already has
      competence >= 75. The previous neighbours of cell ``c`` are the cells ``c' != c``
      with ``c'_d`` in ``{c_d, max(c_d - 1, 0)}`` for every dimension ``d``: the cells one
      step before it along any non-empty set of dimensions (diagonals included), as in the
      authors' reference implementation of the toy environment;
    * returns the reward ``competence / 100`` of that cell *after* the increment (the
      reference implementation's order), as both ``score`` and ``reward``.

    The headline measure ``mastered`` is the paper's score: the percentage of all cells
    whose competence is above 75. So a teacher must first find the origin, then push the
    frontier of learnable cells outward; uniform sampling wastes most episodes on locked
    cells and on cells already mastered.

    Variants:

    * ``irrelevant_dims`` adds task parameters that change nothing (the paper's test of
      robustness to useless dimensions): the public space has ``dims + irrelevant_dims``
      dimensions and only the first ``dims`` decide the cell.
    * ``unlearnable`` marks cells whose competence never rises (an infeasible region of
      the task space): a fraction of the cells other than the origin, drawn from ``seed``
      (the same cells for every learner), or an explicit list of cell coordinates. They
      stay at 0, never unlock their neighbours, and still count in the denominator of
      ``mastered`` (so, as in the paper's score, it tops out below 100);
      ``mastered_learnable`` divides by the learnable cells only. This variant is our
      addition (the paper's toy environment has none); it tests teachers that must stop
      sampling where nothing can be learned.

    The dynamics are deterministic: the same tasks give the same outcomes, whatever the
    seed (which only draws the unlearnable cells). Several tasks per learner in one
    ``step`` are played one after another, in order, each seeing the previous one's
    effect (computed in a few vectorized rounds, bit for bit what one-by-one steps
    give); learners are independent and vectorized.

    Args:
        n_learners: independent students (``"s0"`` ...).
        seed: draws the unlearnable cells when ``unlearnable`` is a fraction.
        dims: relevant dimensions.
        cells: cells per relevant dimension.
        irrelevant_dims: extra task parameters with no effect.
        unlearnable: None, a fraction in ``[0, 1)`` of the non-origin cells, or a list of
            cells, each a sequence of ``dims`` integers in ``[0, cells)``.
        tasks_per_step: episodes per learner per ``step`` the benchmark harness uses
            (``step`` accepts any number).

    Example:
        >>> sim = GridToyStudent(n_learners=2, seed=0)
        >>> batch = sim.step(np.zeros((2, 1, 2)))  # both learners practice the origin cell
        >>> batch.reward.tolist()
        [0.01, 0.01]
        >>> sim.measures()["mastered"]
        0.0

    References:
        Portelas, Colas, Hofmann, Oudeyer (2019). Teacher algorithms for curriculum
        learning of Deep RL in continuously parameterized environments. CoRL.
    """

    oracle_type = GridToyOracle
    # The competence rules, read by the oracle from the simulator it is bound to.
    MAX_COMPETENCE: ClassVar[int] = MAX_COMPETENCE
    GATE: ClassVar[int] = GATE
    MASTERED: ClassVar[int] = MASTERED
    primary = "mastered"
    directions: ClassVar[dict[str, bool]] = {"mastered_learnable": True, "mean_competence": True}
    higher_is_better = True

    def __init__(
        self,
        n_learners: int = 1,
        *,
        seed: int | None = None,
        dims: int = 2,
        cells: int = 10,
        irrelevant_dims: int = 0,
        unlearnable: float | Sequence[Sequence[int]] | None = None,
        tasks_per_step: int = 1,
    ) -> None:
        where = "GridToyStudent"
        self.n_learners = check_positive_int("n_learners", n_learners, maximum=1_000_000)
        self.dims = check_positive_int("dims", dims, maximum=32)
        self.cells = check_positive_int("cells", cells)
        self.irrelevant_dims = check_positive_int(
            "irrelevant_dims", irrelevant_dims, minimum=0, maximum=1000
        )
        self.tasks_per_step = check_positive_int("tasks_per_step", tasks_per_step, maximum=100_000)
        check_seed(where, seed)
        links = self.cells**self.dims * (2**self.dims - 1)
        if links > 16_000_000:
            raise ValidationError(
                where,
                [
                    f"dims, cells: expected at most 16,000,000 cell-neighbour links "
                    f"(cells**dims * (2**dims - 1)), got {links:,} for {self.cells} cells in "
                    f"{self.dims} dimensions; use fewer dimensions or cells (irrelevant "
                    "dimensions cost nothing)"
                ],
            )
        super().__init__(self.n_learners, seed=seed)
        self.unlearnable = unlearnable
        self._index = {lid: i for i, lid in enumerate(self.learner_ids.tolist())}
        n_cells = self.cells**self.dims
        self._n_cells = n_cells
        self._shape = (self.cells,) * self.dims
        self._strides = np.array(
            [self.cells ** (self.dims - 1 - d) for d in range(self.dims)], dtype=np.int64
        )
        self._preds = self._previous_neighbours()
        # One extra always-zero, never-learnable column: the "no neighbour" sentinel.
        self._learnable = np.ones(n_cells + 1, dtype=bool)
        self._learnable[n_cells] = False
        self._learnable[self._unlearnable_cells(np.random.default_rng(seed))] = False
        self._learnable.setflags(write=False)
        self._competence = np.zeros((self.n_learners, n_cells + 1), dtype=np.int16)
        self._rows = np.arange(self.n_learners)[:, None]
        self._column_cache: dict[int, dict[str, Any]] = {}
        self._episodes = 0
        names = [f"x{d}" for d in range(self.dims)] + [
            f"irrelevant{d}" for d in range(self.irrelevant_dims)
        ]
        self._space = Box(0.0, 1.0, names=names)

    # -- construction helpers -------------------------------------------------------------------
    def _previous_neighbours(self) -> np.ndarray:
        """``(n_cells, 2**dims - 1)`` flat indices of each cell's previous neighbours
        (the sentinel ``n_cells`` where a shifted index falls on the cell itself)."""
        coords = np.array(np.unravel_index(np.arange(self._n_cells), self._shape)).T
        subsets = [s for s in itertools.product((0, 1), repeat=self.dims) if any(s)]
        preds = np.empty((self._n_cells, len(subsets)), dtype=np.int64)
        for j, shift in enumerate(subsets):
            prev = np.maximum(coords - np.array(shift), 0)
            flat = prev @ self._strides
            preds[:, j] = np.where((prev == coords).all(axis=1), self._n_cells, flat)
        return preds

    def _unlearnable_cells(self, rng: np.random.Generator) -> np.ndarray:
        spec = self.unlearnable
        where = "GridToyStudent"
        if spec is None:
            return np.empty(0, dtype=np.int64)
        if is_real(spec):
            frac = float(spec)  # type: ignore[arg-type]
            if not 0.0 <= frac < 1.0:
                raise ValidationError(
                    where,
                    [
                        f"unlearnable: expected a fraction in [0, 1) or a list of cells, got {spec!r}"
                    ],
                )
            k = round(frac * (self._n_cells - 1))
            return 1 + rng.choice(self._n_cells - 1, size=k, replace=False)
        if isinstance(spec, str) or not is_sequence(spec):
            raise ValidationError(
                where,
                [f"unlearnable: expected a fraction or a list of cells, got {type(spec).__name__}"],
            )
        problems = []
        flat = []
        for i, cell in enumerate(spec):
            ok = (
                is_sequence(cell)
                and not isinstance(cell, str)
                and len(cell) == self.dims
                and all(isinstance(c, int | np.integer) and 0 <= int(c) < self.cells for c in cell)
            )
            if not ok:
                problems.append(
                    f"unlearnable[{i}]: expected {self.dims} integers in [0, {self.cells}), "
                    f"got {cell!r}"
                )
            elif not any(cell):
                problems.append(
                    f"unlearnable[{i}]: the origin cell {tuple(cell)!r} must stay learnable"
                )
            else:
                flat.append(int(np.asarray(cell, dtype=np.int64) @ self._strides))
        if problems:
            raise ValidationError(where, problems)
        return np.asarray(flat, dtype=np.int64)

    # -- the Simulator protocol -----------------------------------------------------------------
    @property
    def space(self) -> Box:
        """``Box`` over the unit hypercube: ``dims`` relevant then ``irrelevant_dims`` inert."""
        return self._space

    def cell_of(self, tasks: np.ndarray) -> np.ndarray:
        """Flat cell index of encoded tasks ``(..., dim)`` (C order over the relevant dims)."""
        x = np.asarray(tasks, dtype=np.float64)[..., : self.dims]
        idx = np.minimum((x * self.cells).astype(np.int64), self.cells - 1)
        return idx @ self._strides

    def _check_tasks(self, tasks: Any) -> np.ndarray:
        where = "GridToyStudent.step"
        dim = self._space.dim
        try:
            arr = np.asarray(tasks, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(
                where,
                [
                    f"tasks: expected a float array (n_learners, k, {dim}), got {type(tasks).__name__}"
                ],
            ) from None
        if (
            arr.ndim != 3
            or arr.shape[0] != self.n_learners
            or arr.shape[2] != dim
            or not arr.shape[1]
        ):
            raise ValidationError(
                where,
                [
                    f"tasks: expected shape ({self.n_learners}, k, {dim}) with k >= 1 "
                    f"(n_learners, tasks per learner, task dimensions), got {arr.shape}"
                ],
            )
        if not (arr.min() >= 0.0 and arr.max() <= 1.0):  # False for NaN too
            raise ValidationError(
                where, ["tasks: expected finite values in [0, 1] (the unit hypercube)"]
            )
        return arr

    def _columns(self, k: int) -> dict[str, Any]:
        """The columns of a step's batch that depend only on its size (shared, read-only)."""
        cols = self._column_cache.get(k)
        if cols is None:
            m = self.n_learners * k
            lids = np.repeat(self.learner_ids, k)
            aids = np.full(m, -1, dtype=np.int64)
            nan = np.full(m, np.nan)
            offsets = np.tile(np.arange(k, dtype=np.float64), self.n_learners)
            for a in (lids, aids, nan, offsets):
                a.setflags(write=False)
            cols = {"lids": lids, "aids": aids, "nan": nan, "offsets": offsets, "none": (None,) * m}
            if len(self._column_cache) < 8:
                self._column_cache[k] = cols
        return cols

    def step(self, tasks: np.ndarray) -> EventBatch:
        """Play ``tasks[i, j]`` as learner i's j-th episode; return the events, learner-major."""
        arr = self._check_tasks(tasks)
        n, k = arr.shape[0], arr.shape[1]
        cells = self.cell_of(arr)  # (n, k)
        reward = self._play_one(cells[:, 0])[:, None] if k == 1 else self._play(cells)
        reward = reward / MAX_COMPETENCE
        cols = self._columns(k)
        flat = reward.reshape(-1)
        # Built directly: every column is valid by construction (rewards in [0, 1]).
        batch = EventBatch(
            learner_ids=cols["lids"],
            tasks=arr.reshape(n * k, -1),
            score=flat,
            reward=flat,
            success=cols["nan"],
            duration=cols["nan"],
            time=cols["offsets"] + (_T0 + self._episodes),
            assignment_ids=cols["aids"],
            rewards=cols["none"],
            advantages=cols["none"],
        )
        self._episodes += k
        return batch

    def _play_one(self, c: np.ndarray) -> np.ndarray:
        """One episode per learner on cells ``c`` ``(n,)``; the competences after it."""
        comp, rows = self._competence, self._rows
        unlocked = (comp[rows, self._preds[c]] >= GATE).any(axis=1) | (c == 0)
        gain = unlocked & self._learnable[c]
        new = np.minimum(comp[rows[:, 0], c] + gain, MAX_COMPETENCE)
        comp[rows[:, 0], c] = new
        return new

    def _play(self, cells: np.ndarray) -> np.ndarray:
        """Episodes ``cells`` ``(n, k)`` in order, exactly as ``k`` calls of
        :meth:`_play_one`, but in a few vectorized rounds: which cells are unlocked can
        only change when some cell reaches the gate (75), so each round plays every
        episode up to and including the first such crossing with the unlock status
        frozen at the round's start; the competence after an episode is then its cell's
        competence at the round's start plus the number of earlier gains on that cell in
        the round, plus its own."""
        comp, n, k = self._competence, cells.shape[0], cells.shape[1]
        out = np.empty((n, k), dtype=np.int16)
        width = self._n_cells + 1
        row_key = self._rows * width
        start = 0
        while start < k:
            seg = cells[:, start:]
            m = seg.shape[1]
            base = comp[self._rows, seg].astype(np.int64)
            preds = comp[self._rows[:, :, None], self._preds[seg]]
            gain = ((preds >= GATE).any(axis=2) | (seg == 0)) & self._learnable[seg]
            # Earlier gains on the same cell within the round, per episode.
            key = (row_key + seg).ravel()
            order = np.argsort(key, kind="stable")  # by learner and cell, then in time
            g = gain.ravel()[order].astype(np.int64)
            before = np.cumsum(g) - g
            sorted_key = key[order]
            first = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
            group = np.repeat(first, np.diff(np.r_[first, len(order)]))
            earlier = np.empty(n * m, dtype=np.int64)
            earlier[order] = before - before[group]
            earlier = earlier.reshape(n, m)
            new = np.where(gain, np.minimum(base + earlier + 1, MAX_COMPETENCE), base)
            crossed = (gain & (base + earlier + 1 == GATE)).any(axis=0)
            stop = int(np.argmax(crossed)) + 1 if crossed.any() else m
            out[:, start : start + stop] = new[:, :stop]
            np.maximum.at(
                comp,
                (np.repeat(self._rows[:, 0], stop), seg[:, :stop].ravel()),
                new[:, :stop].ravel().astype(np.int16),
            )
            start += stop
        return out

    def measures(self) -> dict[str, float]:
        """``mastered`` (% of all cells with competence > 75, the paper's score),
        ``mastered_learnable`` (% of learnable cells) and ``mean_competence`` (of learnable
        cells, in [0, 1]), averaged over learners."""
        comp = self._competence[:, : self._n_cells]
        learnable = self._learnable[: self._n_cells]
        mastered = comp > MASTERED
        n_learnable = max(int(learnable.sum()), 1)
        return {
            "mastered": float(100.0 * mastered.mean()),
            "mastered_learnable": float(
                100.0 * mastered[:, learnable].sum(axis=1).mean() / n_learnable
            ),
            "mean_competence": float(comp[:, learnable].sum(axis=1).mean() / n_learnable / 100.0),
        }

    def truth(self) -> dict[str, np.ndarray]:
        """Copies of the hidden state: ``competence`` ``(n_learners, cells, ... )`` ints,
        ``learnable`` ``(cells, ...)`` bools and ``unlocked`` ``(n_learners, cells, ...)``
        bools (an episode there would raise the competence, cap aside)."""
        comp = self._competence[:, : self._n_cells]
        return {
            "competence": comp.reshape((self.n_learners, *self._shape)).copy(),
            "learnable": self._learnable[: self._n_cells].reshape(self._shape).copy(),
            "unlocked": self._unlocked_all().reshape((self.n_learners, *self._shape)),
        }

    def _unlocked_all(self) -> np.ndarray:
        return self._unlocked(self._competence)

    def _learner_truth(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Learner ``i``'s slice of :meth:`truth`, cheaply, for oracles: a copy of its
        competence row (flat cells plus the sentinel) and the learnable mask."""
        return self._competence[i].copy(), self._learnable

    def _unlocked(self, comp: np.ndarray) -> np.ndarray:
        """Unlocked cells ``(m, n_cells)`` for competence rows ``(m, n_cells + 1)``."""
        out: np.ndarray = np.asarray((comp[:, self._preds] >= GATE).any(axis=2))
        out[:, 0] = True
        return out & self._learnable[None, : self._n_cells]

    def learner_index(self, learner_id: str) -> int:
        """Row of ``learner_id`` (``"s0"`` ...) in the hidden state."""
        try:
            return self._index[learner_id]
        except (KeyError, TypeError):
            raise ValidationError(
                "GridToyStudent",
                [
                    f"learner {learner_id!r}: expected one of this simulator's learners "
                    f"'s0' .. 's{self.n_learners - 1}'"
                ],
            ) from None

    def cell_corners(self, flat: np.ndarray) -> np.ndarray:
        """Lower corner of flat cells, as relevant coordinates ``(m, dims)``."""
        return np.array(np.unravel_index(flat, self._shape)).T / self.cells
