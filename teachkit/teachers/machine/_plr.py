"""PLR and Robust PLR: replay the levels with the highest learning potential."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch
from teachkit._teacher import BaseTeacher
from teachkit._validation import check_choice_now, check_params, check_positive_int
from teachkit.spaces import Discrete
from teachkit.teachers._replay import replay_distribution
from teachkit.teachers.machine._signals import (
    draw,
    group_advantage_matrix,
    group_matrix,
    groups_by_task,
    require_groups,
)

SCORES = ("auto", "positive_value_loss", "abs_advantage", "learnability", "recent_learnability")
_ADVANTAGE_SCORES = ("positive_value_loss", "abs_advantage")
PRIORITIZATIONS = ("rank", "power")


class PLR(BaseTeacher):
    """Prioritized Level Replay (Jiang, Grefenstette, Rocktäschel 2021).

    A bounded buffer of levels (tasks) with a score and the time each was last sampled.
    Each decision replays a buffered level with the replay probability, else takes a new
    level from the generator (a uniform draw from the space, preferring levels not in the
    buffer when the space is small enough to list them). Replayed levels are drawn from

        ``P_replay = (1 - rho) * P_S + rho * P_C``

    where ``P_S ∝ h(S_i)^(1/temperature)`` with ``h`` the inverse rank of the level's
    score (``"rank"``) or the score itself (``"power"``), and the staleness distribution
    ``P_C ∝ c - C_i`` (``c`` decisions so far, ``C_i`` when level ``i`` was last drawn).

    Level scores, from each episode's advantages (reported, else GRPO's group-normalized
    ones from the group rewards): ``"positive_value_loss"`` mean ``max(A, 0)`` (the
    paper's default with GAE advantages), ``"abs_advantage"`` mean ``|A|`` (its L1 value
    loss), or ``"learnability"`` ``p (1 - p)`` with ``p`` the level's success rate so far
    (signal, or group mean reward), or ``"recent_learnability"``, the same with ``p`` from
    counts decayed by ``decay`` per outcome (so it follows a learner that improves; its
    score is updated once per ``tell``, from the counts after it). ``"auto"`` (the
    default) picks from what the first outcomes told carry: ``"positive_value_loss"``
    when they carry advantages (a critic's, GAE in the paper) or group rewards outside
    [0, 1], else ``"recent_learnability"``: for outcome-only events (a score, reward or
    success per episode, where an advantage score has nothing to read) and for group
    rewards in [0, 1] (pass rates; GRPO's group-normalized advantages carry nothing more,
    and one group's advantages are a noisy estimate of ``sqrt(p(1 - p))``). On the
    LLM-like zoo the pass-rate score needs about 30% fewer steps than the advantage score
    (see BENCHMARKS.md, issue 13). The pick is part of the state (:meth:`score_rule`), so replay
    makes it again. A level's score becomes ``(1 - score_alpha) * old +
    score_alpha * new``. A played level not in the buffer enters it while there is room,
    else replaces the lowest-scoring level if its score is higher (Robust PLR's rule).
    One ``tell`` applies that rule to its new levels at once (a level played several times
    in one tell competes with its score after the last play; ties keep buffered levels).

    With ``replay_prob=None`` the replay probability is the fraction of the levels that
    the buffer can hold which it holds (the PLR paper's proportionate schedule over a
    finite level set); a number fixes it (Robust PLR, ACCEL).

    Batches: one ``ask`` of ``n`` computes ``P_replay`` once and draws ``n`` levels from
    it (the staleness update follows the whole batch), as parallel-environment
    implementations do.

    Args:
        space: the levels (a Discrete space of any size; its draws are the generator).
        buffer_size: levels kept (the papers' 4,000 for open-ended generators).
        score: ``"auto"``, ``"positive_value_loss"``, ``"abs_advantage"``,
            ``"learnability"`` or ``"recent_learnability"``.
        prioritization: ``"rank"`` or ``"power"``.
        temperature: ``beta`` of the score prioritization.
        staleness_coef: ``rho``.
        replay_prob: probability of replaying a buffered level, or None (proportionate).
        score_alpha: weight of a new score against the stored one (1: replace).
        decay: the per-outcome forgetting of ``"recent_learnability"``'s counts (0.9
            did best on the tuning part of the LLM-like zoo).
        seed: seeds every draw.

    Example:
        >>> import teachkit as tk
        >>> teacher = tk.teachers.PLR(tk.spaces.Discrete(100), buffer_size=10, seed=0)
        >>> len(teacher.ask("agent", 4))
        4

    References:
        Jiang, Grefenstette, Rocktäschel (2021). Prioritized Level Replay. ICML.
    """

    spaces = (Discrete,)
    robust: ClassVar[bool] = False

    def __init__(
        self,
        space: Discrete,
        *,
        buffer_size: int = 4000,
        score: str = "auto",
        prioritization: str = "rank",
        temperature: float = 0.1,
        staleness_coef: float = 0.1,
        replay_prob: float | None = None,
        score_alpha: float = 1.0,
        decay: float = 0.9,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.buffer_size = buffer_size
        self.score = score
        self.prioritization = prioritization
        self.temperature = temperature
        self.staleness_coef = staleness_coef
        self.replay_prob = replay_prob
        self.score_alpha = score_alpha
        self.decay = decay
        check_positive_int("buffer_size", buffer_size)
        check_choice_now(type(self).__name__, "score", score, SCORES)
        check_choice_now(type(self).__name__, "prioritization", prioritization, PRIORITIZATIONS)
        checks: list[tuple[str, Any, float | None, float | None]] = [
            ("temperature", temperature, 1e-12, None),
            ("staleness_coef", staleness_coef, 0.0, 1.0),
            ("score_alpha", score_alpha, 1e-12, 1.0),
            ("decay", decay, 1e-9, 1.0),
        ]
        if replay_prob is not None:
            checks.append(("replay_prob", replay_prob, 0.0, 1.0))
        check_params(type(self).__name__, checks)
        self._n_levels = space.n
        b = buffer_size
        self._levels = np.full(b, -1, dtype=np.int64)
        self._scores = np.zeros(b)
        self._last = np.zeros(b, dtype=np.int64)
        self._successes = np.zeros(b)
        self._tries = np.zeros(b)
        self._filled = 0
        self._count = 0
        self._replayed: dict[str, np.ndarray] = {}
        self._rule: str | None = None if score == "auto" else score

    _derived = ("_n_levels",)

    # -- distributions --------------------------------------------------------------------------
    def buffer(self) -> tuple[np.ndarray, np.ndarray]:
        """``(levels, scores)`` of the buffered levels, in buffer order (copies)."""
        f = self._filled
        return self._levels[:f].copy(), self._scores[:f].copy()

    def replay_distribution(self) -> np.ndarray:
        """``P_replay`` over the buffered levels (in :meth:`buffer` order)."""
        f = self._filled
        if not f:
            return np.zeros(0)
        return replay_distribution(
            self._scores[:f],
            self._last[:f],
            self._count,
            prioritization=self.prioritization,
            temperature=self.temperature,
            staleness_coef=self.staleness_coef,
        )

    def probabilities(self) -> np.ndarray:
        """The distribution of the next draw over all levels of the space."""
        k = self._n_levels
        p_replay = self._replay_probability() if self._filled else 0.0
        f = self._filled
        new = np.full(k, 1.0 / k)
        if k <= self.buffer_size and f < k:
            new = np.ones(k)
            new[self._levels[:f]] = 0.0
            new /= new.sum()
        out = (1.0 - p_replay) * new
        if f:
            np.add.at(out, self._levels[:f], p_replay * self.replay_distribution())
        return out

    def _replay_probability(self) -> float:
        if self.replay_prob is not None:
            return float(self.replay_prob)
        capacity = min(self.buffer_size, self._n_levels)
        return self._filled / capacity

    def replayed(self, learner_id: str) -> np.ndarray:
        """Which of the tasks of ``learner_id``'s last ask were replays (bool mask)."""
        return self._replayed.get(learner_id, np.zeros(0, dtype=bool)).copy()

    # -- ask ----------------------------------------------------------------------------------
    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        out = np.empty(n, dtype=np.int64)
        replay = np.zeros(n, dtype=bool)
        if self._filled:
            replay = self._rng.random(n) < self._replay_probability()
        m = int(replay.sum())
        if m:
            slots = draw(self._rng, self.replay_distribution(), m)
            out[replay] = self._levels[slots]
        if m < n:
            out[~replay] = self._new_levels(n - m)
        self._count += n
        if m:
            self._last[slots] = self._count
        if self.robust:
            self._replayed[learner_id] = replay
        return out

    def _new_levels(self, m: int) -> np.ndarray:
        k = self._n_levels
        if k <= self.buffer_size and self._filled < k:
            unseen = np.ones(k, dtype=bool)
            unseen[self._levels[: self._filled]] = False
            pool = np.flatnonzero(unseen)
            return pool[(self._rng.random(m) * len(pool)).astype(np.int64)]
        return (self._rng.random(m) * k).astype(np.int64)

    # -- tell ---------------------------------------------------------------------------------
    def score_rule(self) -> str | None:
        """The score function in use: ``score``, or what ``"auto"`` picked (None until the
        first outcomes are told)."""
        return self._rule

    def _resolve(self, batch: EventBatch) -> str:
        if self._rule is not None:
            return self._rule
        rewards = [r for r in batch.rewards if r is not None]
        if rewards and all(((r >= 0) & (r <= 1)).all() for r in rewards):
            return "recent_learnability"  # pass rates: what GRPO's advantages are made of
        if rewards or any(a is not None for a in batch.advantages):
            return "positive_value_loss"  # a critic's advantages, or unbounded rewards
        return "recent_learnability"  # outcome only

    def validate(self, batch: EventBatch) -> None:
        rule = self._resolve(batch)
        if rule in _ADVANTAGE_SCORES:
            require_groups(batch, f"{type(self).__name__}.tell")

    def _tell(self, batch: EventBatch) -> None:
        if not len(batch):
            return
        rule = self._rule = self._resolve(batch)
        if rule == "recent_learnability":
            self._tell_recent(batch)
            return
        wins, tries = self._success_counts(batch, rule)
        if rule != "learnability":
            adv, present = group_advantage_matrix(batch)
            with np.errstate(invalid="ignore"):
                if rule == "positive_value_loss":
                    per = np.nanmean(np.maximum(adv, 0.0), axis=1)
                else:
                    per = np.nanmean(np.abs(adv), axis=1)
            keep = present & ~np.isnan(per)  # episodes without advantages are skipped
            levels, scores = batch.tasks[keep], per[keep]
        else:
            levels = batch.tasks
        order, uniq, starts, counts = groups_by_task(levels)
        if not len(uniq):
            return
        group = np.repeat(np.arange(len(uniq)), counts)
        slots = self._slots(uniq)
        known = slots >= 0
        if rule == "learnability":
            # p after each event: the level's successes so far over its tries so far
            w, t = wins[order], tries[order]
            base_w = np.where(known, self._successes[np.maximum(slots, 0)], 0.0)
            base_t = np.where(known, self._tries[np.maximum(slots, 0)], 0.0)
            cw = np.cumsum(w) - np.repeat(np.cumsum(w)[starts] - w[starts], counts)
            ct = np.cumsum(t) - np.repeat(np.cumsum(t)[starts] - t[starts], counts)
            p = (base_w[group] + cw) / (base_t[group] + ct)
            s = p * (1.0 - p)
            add_w = np.bincount(group, weights=w, minlength=len(uniq))
            add_t = np.bincount(group, weights=t, minlength=len(uniq))
        else:
            s = scores[order]
        # The score update S <- (1 - a) S + a s, event by event, in closed form per level;
        # a level new to the buffer starts from its first score.
        a = self.score_alpha
        pos = np.arange(len(s)) - starts[group]
        from_end = counts[group] - 1 - pos
        weight = a * (1.0 - a) ** from_end
        first = pos == 0
        weight[first & ~known[group]] = ((1.0 - a) ** from_end)[first & ~known[group]]
        gain = np.bincount(group, weights=weight * s, minlength=len(uniq))
        old = np.where(known, self._scores[np.maximum(slots, 0)], 0.0)
        final = np.where(known, (1.0 - a) ** counts * old + gain, gain)
        k = slots[known]
        self._scores[k] = final[known]
        if rule == "learnability":
            self._successes[k] += add_w[known]
            self._tries[k] += add_t[known]
        learn = rule == "learnability"
        self._admit_fresh(
            ~known, order, starts, uniq, final, add_w if learn else 0.0, add_t if learn else 0.0
        )

    def _tell_recent(self, batch: EventBatch) -> None:
        """``"recent_learnability"``: decayed counts per level, one score update per tell."""
        wins, tries = self._success_counts(batch, "learnability")
        order, uniq, starts, counts = groups_by_task(batch.tasks)
        group = np.repeat(np.arange(len(uniq)), counts)
        g = self.decay
        weight = g ** (counts[group] - 1 - (np.arange(len(order)) - starts[group]))
        add_w = np.bincount(group, weights=weight * wins[order], minlength=len(uniq))
        add_t = np.bincount(group, weights=weight * tries[order], minlength=len(uniq))
        slots = self._slots(uniq)
        known = slots >= 0
        at = np.maximum(slots, 0)
        shrink = g**counts
        w = np.where(known, shrink * self._successes[at], 0.0) + add_w
        t = np.where(known, shrink * self._tries[at], 0.0) + add_t
        p = w / t
        new = p * (1.0 - p)
        a = self.score_alpha
        final = np.where(known, (1.0 - a) * self._scores[at] + a * new, new)
        k = slots[known]
        self._scores[k], self._successes[k], self._tries[k] = final[known], w[known], t[known]
        self._admit_fresh(~known, order, starts, uniq, final, w, t)

    def _admit_fresh(
        self,
        unknown: np.ndarray,
        order: np.ndarray,
        starts: np.ndarray,
        uniq: np.ndarray,
        final: np.ndarray,
        successes: np.ndarray | float,
        tries: np.ndarray | float,
    ) -> None:
        """Admit the levels not in the buffer, first seen first, with their scores and counts
        (arrays over ``uniq``, or one number for all)."""
        fresh = np.flatnonzero(unknown)
        if not len(fresh):
            return
        fresh = fresh[np.argsort(order[starts[fresh]], kind="stable")]  # first seen first
        placed, into = self._admit(final[fresh])
        chosen = fresh[placed]
        self._levels[into] = uniq[chosen]
        self._scores[into] = final[chosen]
        self._last[into] = self._count
        self._successes[into] = (
            successes[chosen] if isinstance(successes, np.ndarray) else successes
        )
        self._tries[into] = tries[chosen] if isinstance(tries, np.ndarray) else tries

    def _slots(self, levels: np.ndarray) -> np.ndarray:
        """The buffer slot of each level, -1 where it is not buffered."""
        f = self._filled
        if not f:
            return np.full(len(levels), -1, dtype=np.int64)
        by_level = np.argsort(self._levels[:f], kind="stable")
        sorted_levels = self._levels[:f][by_level]
        pos = np.minimum(np.searchsorted(sorted_levels, levels), f - 1)
        return np.where(sorted_levels[pos] == levels, by_level[pos], -1)

    def _admit(self, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which candidate levels (in order) enter the buffer, and the slots they take.

        Candidates fill free slots first, in order; the rest compete with the buffered
        levels, and the ``buffer_size`` highest scores stay (ties keep buffered levels, then
        earlier candidates): the result of inserting them one by one, each replacing the
        lowest buffered score when it is higher.
        """
        b, f0 = self.buffer_size, self._filled
        n_free = min(b - f0, len(scores))
        slot_score = self._scores.copy()
        occupant = np.full(b, -1, dtype=np.int64)  # the candidate now in each slot, or -1
        slot_score[f0 : f0 + n_free] = scores[:n_free]
        occupant[f0 : f0 + n_free] = np.arange(n_free)
        self._filled += n_free
        rest = np.arange(n_free, len(scores))
        if len(rest):
            pool = np.concatenate([slot_score, scores[rest]])
            # ties: buffered levels first, the later slot first (as evicting the first
            # lowest slot one at a time does), then candidates in order
            tiebreak = np.concatenate([b - 1 - np.arange(b), b + np.arange(len(rest))])
            kept = np.zeros(len(pool), dtype=bool)
            kept[np.lexsort((tiebreak, -pool))[:b]] = True
            evicted = np.flatnonzero(~kept[:b])
            occupant[evicted] = rest[kept[b:]]
        into = np.flatnonzero(occupant >= 0)
        return occupant[into], into

    def _success_counts(self, batch: EventBatch, rule: str) -> tuple[np.ndarray, np.ndarray]:
        wins = np.clip(batch.signal(), 0.0, 1.0)
        tries = np.ones(len(batch))
        if rule != "learnability":
            return wins, tries
        stacked = group_matrix(batch.rewards)
        if stacked is not None and not np.isnan(stacked[0]).any():
            rewards, present = stacked
            if present.all():
                return np.clip(rewards, 0.0, 1.0).sum(axis=1), np.full(
                    len(batch), rewards.shape[1], float
                )
        for i, r in enumerate(batch.rewards):
            if r is not None:
                wins[i] = float(np.clip(r, 0.0, 1.0).sum())
                tries[i] = len(r)
        return wins, tries


class RobustPLR(PLR):
    """Robust PLR (Jiang et al. 2021, "Replay-Guided Adversarial Environment Design").

    PLR over an open-ended generator, with the rule that makes it robust: the learner
    trains only on replayed levels; new levels are only evaluated, to score them for the
    buffer. The teacher cannot stop a gradient step, so it says which tasks of each ask
    were replays: :meth:`replayed` returns the mask of ``learner_id``'s last ask, and a
    :class:`~teachkit.Curriculum` hands the others out with ``Assignment.train = False``
    (the Gymnasium wrappers pass it on as ``info["train"]``): the training loop skips the
    policy update on them, still reporting their outcomes, which score them. The replay probability defaults to a fixed 0.5.

    Example:
        >>> import teachkit as tk
        >>> teacher = tk.teachers.RobustPLR(tk.spaces.Discrete(10_000), seed=0)
        >>> tasks = teacher.ask("agent", 3)
        >>> teacher.replayed("agent").tolist()  # empty buffer: nothing to replay yet
        [False, False, False]

    References:
        Jiang, Dennis, Parker-Holder, Foerster, Grefenstette, Rocktäschel (2021).
        Replay-Guided Adversarial Environment Design. NeurIPS.
    """

    robust = True

    def __init__(
        self,
        space: Discrete,
        *,
        buffer_size: int = 4000,
        score: str = "auto",
        prioritization: str = "rank",
        temperature: float = 0.1,
        staleness_coef: float = 0.1,
        replay_prob: float | None = 0.5,
        score_alpha: float = 1.0,
        decay: float = 0.9,
        seed: int | None = None,
    ) -> None:
        super().__init__(
            space,
            buffer_size=buffer_size,
            score=score,
            prioritization=prioritization,
            temperature=temperature,
            staleness_coef=staleness_coef,
            replay_prob=replay_prob,
            score_alpha=score_alpha,
            decay=decay,
            seed=seed,
        )

    def train_mask(self, learner_id: str) -> np.ndarray | None:
        """Only replayed levels are for training; new ones are evaluated (scored) only."""
        return self.replayed(learner_id)
