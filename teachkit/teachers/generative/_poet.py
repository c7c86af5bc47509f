"""POET-style pairing: environments and learners that evolve together and transfer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._seeding import spawn_seed
from teachkit._teacher import BaseTeacher
from teachkit._validation import Checker
from teachkit.spaces import Generated, GeneratedTask


@dataclass(frozen=True)
class Pair:
    """One environment and the learner that works on it.

    Attributes:
        learner_id: the learner of the pair (your agent slot).
        task: the pair's environment.
        copy_from: the learner whose agent this learner must take over (a copy of its
            weights) before training on, or None; it changes when a transfer test or a new
            environment says so, and ``version`` then grows.
        version: how many times the pair's agent was replaced; apply ``copy_from`` when it
            is higher than the version you last applied.
        score: mean of the pair's recent outcomes on its own environment.
    """

    learner_id: str
    task: GeneratedTask
    copy_from: str | None
    version: int
    score: float


class POET(BaseTeacher):
    """POET-style pairing (Wang, Lehman, Clune, Stanley 2019) over generated tasks.

    Each learner id that asks is one slot of the population: a (task, learner) pair. The
    teacher decides what every learner plays and when agents move between pairs; the
    training loop trains, evaluates and copies agents when told to:

    * **train**: a learner's own task comes back with ``train_mask`` True.
    * **reproduce**: every ``mutate_every`` outcomes on own tasks, pairs whose recent
      score reaches ``repro_threshold`` are eligible parents; ``children`` mutations of
      their tasks are made (``space.mutate``) and handed to the parent's learner for
      evaluation (``train_mask`` False). Children inside the **minimal-criterion band**
      ``[mc_low, mc_high]`` (not too easy, not too hard for the parent) are ranked by
      novelty (mean distance of their ``generator.encode`` vector to the ``k_novelty``
      nearest environments seen; in order of creation without ``encode``) and the best
      ``admit_per_round`` are admitted: each replaces the environment of the oldest pair,
      whose learner must copy the parent's agent (``copy_from``).
    * **transfer**: every ``transfer_every`` outcomes of a pair on its own task, every
      other learner is evaluated on it; if the best of them beats the pair's recent
      score, the pair's learner must copy that learner's agent.

    Read the pairs with :meth:`pairs`; apply each ``copy_from`` whose ``version`` is new.
    Deviations from the paper: agents are slots (the learner ids you run), so a new
    environment takes over the oldest slot instead of growing the population; the
    minimal criterion is checked with the parent's learner alone; environments are
    compared by their task vectors rather than a hand-made characterization.

    Args:
        space: a :class:`~teachkit.spaces.Generated` space whose generator can ``mutate``.
        mc_low, mc_high: the minimal-criterion band on the outcome signal (score, else
            reward, else success).
        repro_threshold: recent score a pair needs to reproduce.
        mutate_every: own-task outcomes (all pairs together) between reproduction rounds.
        transfer_every: own-task outcomes of one pair between its transfer tests.
        children: mutations tried per reproduction round.
        admit_per_round: children admitted per round at most.
        window: recent outcomes that make a pair's score.
        k_novelty: neighbours for the novelty of a child.
        seed: seeds every draw.

    Example:
        >>> import teachkit as tk
        >>> from teachkit.testing.generators import Corridors
        >>> poet = POET(tk.spaces.Generated(Corridors()), seed=0)
        >>> task = poet.ask("agent-0")[0]
        >>> [p.learner_id for p in poet.pairs()]
        ['agent-0']

    References:
        Wang, Lehman, Clune, Stanley (2019). Paired Open-Ended Trailblazer (POET):
        Endlessly Generating Increasingly Complex and Diverse Learning Environments and
        Their Solutions. arXiv:1901.01753.
    """

    spaces = (Generated,)
    space: Generated

    def __init__(
        self,
        space: Generated,
        *,
        mc_low: float = 0.2,
        mc_high: float = 0.8,
        repro_threshold: float = 0.5,
        mutate_every: int = 50,
        transfer_every: int = 25,
        children: int = 4,
        admit_per_round: int = 1,
        window: int = 5,
        k_novelty: int = 5,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.mc_low = mc_low
        self.mc_high = mc_high
        self.repro_threshold = repro_threshold
        self.mutate_every = mutate_every
        self.transfer_every = transfer_every
        self.children = children
        self.admit_per_round = admit_per_round
        self.window = window
        self.k_novelty = k_novelty
        check = Checker(type(self).__name__)
        check.number("mc_low", mc_low)
        check.number("mc_high", mc_high)
        if check.problems == [] and not mc_low <= mc_high:
            check.problem(f"mc_low, mc_high: expected mc_low <= mc_high, got {mc_low} > {mc_high}")
        check.number("repro_threshold", repro_threshold)
        for name in (
            "mutate_every",
            "transfer_every",
            "children",
            "admit_per_round",
            "window",
            "k_novelty",
        ):
            check.integer(name, getattr(self, name))
        check.done()
        self._pairs: dict[str, dict[str, Any]] = {}
        self._jobs: dict[str, list[list[Any]]] = {}  # to hand out: [task, kind, target]
        self._waiting: dict[str, list[list[Any]]] = {}  # handed out, outcome not told yet
        self._round: list[list[Any]] = []  # [child, parent learner, score or None]
        self._transfers: dict[str, dict[str, float | None]] = {}
        self._archive: list[str] = []
        self._own = 0
        self._train: dict[str, np.ndarray] = {}

    # -- reading ------------------------------------------------------------------------------
    def pairs(self) -> list[Pair]:
        """The population, in order of the learners' first ask."""
        return [
            Pair(
                learner_id=lid,
                task=self.space.records([p["task"]])[0],
                copy_from=p["copy_from"],
                version=p["version"],
                score=float(np.mean(p["scores"])) if p["scores"] else float("nan"),
            )
            for lid, p in self._pairs.items()
        ]

    def archive(self) -> list[GeneratedTask]:
        """Every environment the population has held, oldest first."""
        return self.space.records(self._archive)

    def train_mask(self, learner_id: str) -> np.ndarray | None:
        """Own tasks are for training; reproduction and transfer tests are evaluations."""
        return self._train.get(learner_id, np.zeros(0, dtype=bool)).copy()

    # -- ask ----------------------------------------------------------------------------------
    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        pair = self._pairs.get(learner_id)
        if pair is None:
            task = str.__str__(self.space.generate(spawn_seed(self._rng)))
            pair = {
                "task": task,
                "born": self._own,
                "copy_from": None,
                "version": 0,
                "scores": [],
                "own": 0,
            }
            self._pairs[learner_id] = pair
            self._archive.append(task)
        out = np.empty(n, dtype=object)
        train = np.zeros(n, dtype=bool)
        jobs = self._jobs.setdefault(learner_id, [])
        for i in range(n):
            if jobs:
                job = jobs.pop(0)
                self._waiting.setdefault(learner_id, []).append(job)
                out[i] = job[0]
            else:
                out[i] = pair["task"]
                train[i] = True
        self._train[learner_id] = train
        return out

    # -- tell ---------------------------------------------------------------------------------
    def _tell(self, batch: EventBatch) -> None:
        signal = batch.signal()
        texts = self.space.to_text(batch.tasks)
        for lid, task, s in zip(batch.learner_ids.tolist(), texts, signal.tolist()):
            pair = self._pairs.get(lid)
            if pair is None:
                continue  # not a member of the population
            waiting = self._waiting.get(lid, [])
            job = next((j for j in waiting if j[0] == task), None)
            if job is not None:
                waiting.remove(job)
                self._evaluated(lid, job, float(s))
            elif task == pair["task"]:
                self._own_outcome(lid, pair, float(s))

    def _own_outcome(self, lid: str, pair: dict[str, Any], s: float) -> None:
        pair["scores"] = [*pair["scores"], s][-self.window :]
        pair["own"] += 1
        self._own += 1
        if pair["own"] % self.transfer_every == 0 and len(self._pairs) > 1:
            if lid in self._transfers:
                self._resolve_transfer(lid)
            self._transfers[lid] = {m: None for m in self._pairs if m != lid}
            for m in self._transfers[lid]:
                self._jobs.setdefault(m, []).append([pair["task"], "transfer", lid])
        if self._own % self.mutate_every == 0:
            if self._round:
                self._resolve_round()
            self._reproduce()

    def _evaluated(self, lid: str, job: list[Any], s: float) -> None:
        task, kind, target = job
        if kind == "transfer":
            tests = self._transfers.get(target)
            if tests is not None and lid in tests:
                tests[lid] = s
                if all(v is not None for v in tests.values()):
                    self._resolve_transfer(target)
        else:
            for cand in self._round:
                if cand[0] == task and cand[2] is None:
                    cand[2] = s
                    break
            if self._round and all(c[2] is not None for c in self._round):
                self._resolve_round()

    def _reproduce(self) -> None:
        eligible = [
            lid
            for lid, p in self._pairs.items()
            if p["scores"] and np.mean(p["scores"]) >= self.repro_threshold
        ]
        if not eligible:
            return
        for _ in range(self.children):
            parent = eligible[int(self._rng.integers(len(eligible)))]
            child = str.__str__(
                self.space.mutate(self._pairs[parent]["task"], spawn_seed(self._rng))
            )
            self._round.append([child, parent, None])
            self._jobs.setdefault(parent, []).append([child, "mc", parent])

    def _resolve_round(self) -> None:
        passing = [
            c for c in self._round if c[2] is not None and self.mc_low <= c[2] <= self.mc_high
        ]
        self._round = []
        if not passing:
            return
        order = self._by_novelty([c[0] for c in passing])
        for k in order[: self.admit_per_round]:
            child, parent, s = passing[k]
            slot = min(self._pairs, key=lambda lid: self._pairs[lid]["born"])
            pair = self._pairs[slot]
            pair.update(task=child, born=self._own, scores=[s], own=0)
            if parent != slot:
                pair["copy_from"] = parent
                pair["version"] += 1
            self._transfers.pop(slot, None)
            self._archive.append(child)

    def _by_novelty(self, children: list[str]) -> list[int]:
        try:
            seen = self.space.vectors(self._archive)
            new = self.space.vectors(children)
        except NotImplementedError:
            return list(range(len(children)))
        dist = np.linalg.norm(new[:, None, :] - seen[None, :, :], axis=2)
        k = min(self.k_novelty, dist.shape[1])
        novelty = np.sort(dist, axis=1)[:, :k].mean(axis=1)
        return np.argsort(-novelty, kind="stable").tolist()

    def _resolve_transfer(self, target: str) -> None:
        tests = self._transfers.pop(target)
        pair = self._pairs[target]
        done = {m: s for m, s in tests.items() if s is not None}
        if not done:
            return
        best = max(done, key=lambda m: (done[m], -list(self._pairs).index(m)))
        incumbent = float(np.mean(pair["scores"])) if pair["scores"] else -np.inf
        if done[best] > incumbent:
            pair["copy_from"] = best
            pair["version"] += 1
            pair["scores"] = [done[best]]

    @classmethod
    def _example(cls, space: Any, seed: int) -> BaseTeacher | None:
        if not isinstance(space, Generated):
            return None
        return cls(
            space,
            mutate_every=3,
            transfer_every=2,
            repro_threshold=0.0,
            mc_low=0.0,
            mc_high=1.0,
            seed=seed,
        )
