"""SkillGraphOracle: the greedy expected-gain oracle of SkillGraphStudent."""

from __future__ import annotations

import numpy as np

from teachkit._validation import check_number
from teachkit.errors import ValidationError
from teachkit.simulators._base import Oracle, Simulator
from teachkit.simulators._common import TYPICAL, top_indices
from teachkit.simulators._skill_dynamics import (
    grown_stability,
    p_correct,
    readiness,
    retrievability,
    theta,
)
from teachkit.spaces import Space


class SkillGraphOracle(Oracle):
    """Greedy oracle for :class:`SkillGraphStudent`: the item with the largest expected gain.

    For the learner asked about it computes, from the true state, the expected change of
    the post-test score ``horizon`` hours from now (0: immediately) if the learner
    practiced item ``i`` now: the expected mastery gain of each of the item's skills
    (success-weighted, gated by the prerequisites' effective mastery), the retrievability
    reset to 1 and the grown stability, propagated to every item exercising those skills.
    Items exercising two changed skills are counted per skill (a first-order
    approximation). ``ask(n)`` returns the ``n`` best items. An id the simulator does
    not know counts as a typical learner: the mean gain over the first 16 learners.

    Args:
        space: the simulator's space.
        simulator: the :class:`SkillGraphStudent` whose truth it reads.
        horizon: hours ahead at which the post-test gain is judged.
        seed: unused (the oracle is deterministic); kept for the common signature.
    """

    def __init__(
        self,
        space: Space,
        *,
        simulator: Simulator,
        horizon: float = 0.0,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, simulator=simulator, seed=seed)
        problems: list[str] = []
        check_number(problems, "horizon", horizon, low=0.0)
        if problems:
            raise ValidationError("SkillGraphOracle", problems)
        self.horizon = horizon
        self._links = self._skill_links()
        self._block = int(np.clip(400_000 // len(self._links[0]), 1, 256))
        self._cache: dict[tuple[int, int], np.ndarray] = {}

    _derived = ("_links", "_block", "_cache")

    def _skill_links(self) -> tuple[np.ndarray, ...]:
        """The effects of practicing each item, flattened: entry ``e`` says that practicing
        item ``cand_item[e]`` changes its skill in slot ``cand_slot[e]``, which item
        ``aff_item[e]`` exercises in slot ``aff_slot[e]``. Entries are grouped by candidate
        item; ``starts`` gives each group's first entry."""
        isk = self.simulator.graph.item_skills
        k = len(self.simulator.graph.skills)
        uses: list[list[tuple[int, int]]] = [[] for _ in range(k)]
        for i, row in enumerate(isk.tolist()):
            for slot, sk in enumerate(row):
                if sk >= 0:
                    uses[sk].append((i, slot))
        cols: list[list[int]] = [[], [], [], []]
        starts = []
        for i, row in enumerate(isk.tolist()):
            starts.append(len(cols[0]))
            for slot, sk in enumerate(row):
                for j, js in uses[sk] if sk >= 0 else ():
                    for col, v in zip(cols, (i, slot, j, js)):
                        col.append(v)
        cand_item, cand_slot, aff_item, aff_slot = (np.array(c, dtype=np.int64) for c in cols)
        return cand_item, cand_slot, aff_item, aff_slot, np.array(starts, dtype=np.int64)

    def gains(self, row: int) -> np.ndarray:
        """Expected post-test gain of each item for the learner at ``row``, ``(I,)``.

        Learners are evaluated in fixed blocks of rows, cached until the simulator
        changes: the harness asks every learner once per step, so each block is computed
        once, vectorized, and a learner's gains never depend on who asked first.
        """
        block = row // self._block
        key = (self.simulator._version, block)
        hit = self._cache.get(key)
        if hit is None:
            self._cache = {k: v for k, v in self._cache.items() if k[0] == key[0]}
            lo = block * self._block
            hit = self._block_gains(np.arange(lo, min(lo + self._block, self.simulator.n_learners)))
            self._cache[key] = hit
        out: np.ndarray = hit[row - block * self._block].copy()
        return out

    def _block_gains(self, rows: np.ndarray) -> np.ndarray:
        tr = self.simulator.truth(learners=rows)
        m, s, last = tr["mastery"], tr["stability"], tr["last_practice"]  # (R, K)
        phi, eta = tr["forget_rate"][:, None], tr["learn_rate"][:, None]  # (R, 1)
        slip, guess = tr["slip"][:, None], tr["guess"][:, None]
        t, h = tr["time"], float(self.horizon)
        isk, a, b = tr["item_skills"], tr["discrimination"], tr["difficulty"]
        valid = isk >= 0
        iskc = np.where(valid, isk, 0)
        n_items, width = isk.shape

        r_now = retrievability(t - last, s, phi)
        e_now = m * r_now
        th_now = np.where(valid, theta(e_now)[:, iskc], np.inf).min(axis=2)  # (R, I)
        p_now = p_correct(th_now, a, b, slip, guess)
        pre = tr["prerequisites"]
        rho = readiness(
            np.where(pre >= 0, e_now[:, np.maximum(pre, 0)], 0.0),
            pre >= 0,
            tr["mastery_threshold"],
            tr["prereq_floor"],
        )  # (R, K)
        # Baseline at the horizon: every item's ability and P.
        th_h = theta(m * retrievability(t + h - last, s, phi))
        th_items = np.where(valid, th_h[:, iskc], np.inf)  # (R, I, M)
        p_h = p_correct(th_items.min(axis=2), a, b, slip, guess)  # (R, I)
        srt = np.sort(th_items, axis=2)
        first = srt[:, :, :1]
        second = srt[:, :, 1:2] if width > 1 else np.full_like(first, np.inf)
        is_min = np.arange(width) == th_items.argmin(axis=2)[:, :, None]
        other_min = np.where(is_min, second, first)  # (R, I, M)

        # The new ability of skill (i, slot) after practicing item i now.
        factor = p_now + (1.0 - p_now) * tr["error_gain"]  # (R, I)
        mk, sk_, rk = m[:, iskc], s[:, iskc], r_now[:, iskc]  # (R, I, M)
        new_m = mk + eta[:, :, None] * rho[:, iskc] * (1.0 - mk) * factor[:, :, None]
        new_s = grown_stability(sk_, rk, tr["spacing_gain"])
        new_th = theta(new_m * retrievability(np.full_like(new_s, h), new_s, phi[:, :, None]))

        cand_item, cand_slot, aff_item, aff_slot, starts = self._links
        th_new = np.minimum(new_th[:, cand_item, cand_slot], other_min[:, aff_item, aff_slot])
        p_new = p_correct(th_new, a[aff_item], b[aff_item], slip, guess)  # (R, E)
        delta = p_new - p_h[:, aff_item]
        out: np.ndarray = np.add.reduceat(delta, starts, axis=1) / n_items
        return out

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        sim = self.simulator
        row = sim.index_of(learner_id)
        if row is None:
            rows = range(min(sim.n_learners, TYPICAL))
            gains = np.mean([self.gains(r) for r in rows], axis=0)
        else:
            gains = self.gains(row)
        return top_indices(gains, n)
