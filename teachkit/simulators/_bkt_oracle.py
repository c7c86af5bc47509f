"""BKTOracle: told the true per-skill parameters of a BKTStudent, never its hidden states."""

from __future__ import annotations

import numpy as np

from teachkit._batch import EventBatch
from teachkit.simulators._base import Oracle, Simulator
from teachkit.simulators._common import T0, TYPICAL
from teachkit.spaces import Space


class BKTOracle(Oracle):
    """The parameter oracle of :class:`BKTStudent`: true parameters, estimated states.

    It reads the simulator's true per-skill parameters (prior, learn, guess, slip, forget
    per practice, decay per day, the prerequisites and their floor) once, but not who knows
    what: it tracks each learner's belief ``b_k = P(skill k known)`` from the outcomes it
    is told, by exact BKT filtering with those parameters (time decay between answers
    included). Unlike the other oracles it therefore learns from ``tell``. It does not
    know the learners' individual abilities (it uses the per-skill rates).

    Each ask it practises the skill with the highest expected gain on the delayed
    post-test: ``((1 - b_k) learn_k rho_k - b_k forget_k) exp(-decay_k delay) (1 - slip_k -
    guess_k)``, where ``rho_k = floor + (1 - floor) prod_j b_j`` over its prerequisites
    and ``delay`` the post-test's delay; among the skill's items, the least recently given.
    This is what a policy can reach when the population's parameters are known exactly:
    the upper bound for teachers that must learn them.

    Args:
        space: the simulator's space.
        simulator: the :class:`BKTStudent`.
        seed: unused (the oracle is deterministic); kept for the common signature.
    """

    def __init__(self, space: Space, *, simulator: Simulator, seed: int | None = None) -> None:
        super().__init__(space, simulator=simulator, seed=seed)
        tr = self.simulator.truth()
        self._truth = {k: tr[k] for k in ("prior", "learn", "guess", "slip", "forget", "decay")}
        self._pre_m: np.ndarray = tr["pre"]
        self._floor = float(tr["prereq_floor"])
        self._delay = float(tr["retention_delay"])
        self._per = int(tr["items_per_skill"])
        n = self.simulator.n_learners
        self._belief = np.repeat(self._truth["prior"][None, :], n, axis=0)
        self._last_t = np.full(n, np.nan)  # hours of each learner's last answer
        self._given = np.zeros(
            (n, self.simulator.space.n), dtype=np.int64
        )  # ask counter when last given
        self._asks = 0

    _derived = ("_truth", "_pre_m", "_floor", "_delay", "_per")

    def gains(self, row: int) -> np.ndarray:
        """Expected delayed post-test gain of practising each skill, for the learner at
        ``row`` (``(K,)``)."""
        p, b = self._truth, self._belief[row]
        ready = np.where(self._pre_m, b[None, :], 1.0).prod(axis=1)
        rho = self._floor + (1.0 - self._floor) * ready
        change = (1.0 - b) * p["learn"] * rho - b * p["forget"]
        out: np.ndarray = (
            change * np.exp(-p["decay"] * self._delay / 24.0) * (1.0 - p["slip"] - p["guess"])
        )
        return out

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        row = self.simulator.index_of(learner_id)
        if row is None:
            rows = range(min(self.simulator.n_learners, TYPICAL))
            gains = np.mean([self.gains(r) for r in rows], axis=0)
            given = np.zeros(self.simulator.space.n, dtype=np.int64)
        else:
            gains = self.gains(row)
            given = self._given[row]
        item_gain = np.repeat(gains, self._per)
        self._asks += 1
        # best skill first, then its least recently given item
        order = np.lexsort((given, -item_gain))
        chosen = np.resize(order, n).astype(np.int64)
        if row is not None:
            given[chosen] = self._asks
        return chosen

    def _tell(self, batch: EventBatch) -> None:
        """Filter the beliefs of the learners in ``batch`` (exact BKT with true parameters)."""
        p = self._truth
        for row, item, ok, t in self._rows(batch):
            b = self._belief[row]
            hours = (t - T0) / 3600.0
            if np.isfinite(self._last_t[row]) and hours > self._last_t[row]:
                b *= np.exp(-p["decay"] * (hours - self._last_t[row]) / 24.0)
            self._last_t[row] = hours
            k = item // self._per
            bk = b[k]
            if ok:
                post = (
                    bk * (1 - p["slip"][k]) / (bk * (1 - p["slip"][k]) + (1 - bk) * p["guess"][k])
                )
            else:
                post = bk * p["slip"][k] / (bk * p["slip"][k] + (1 - bk) * (1 - p["guess"][k]))
            ready = float(np.where(self._pre_m[k], b, 1.0).prod())
            rate = p["learn"][k] * (self._floor + (1.0 - self._floor) * ready)
            b[k] = post * (1.0 - p["forget"][k]) + (1.0 - post) * rate

    def _rows(self, batch: EventBatch) -> list[tuple[int, int, bool, float]]:
        out: list[tuple[int, int, bool, float]] = []
        # correct: success when given, else a score (or reward) of at least 0.5
        ok = np.where(np.isnan(batch.success), batch.signal() >= 0.5, batch.success > 0)
        for lid, item, c, t in zip(
            batch.learner_ids.tolist(), batch.tasks.tolist(), np.asarray(ok).tolist(), batch.time
        ):
            row = self.simulator.index_of(lid)
            if row is not None:
                out.append((row, int(item), bool(c), float(t)))
        return out
