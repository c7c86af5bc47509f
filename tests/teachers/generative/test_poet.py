"""POET's admission and transfer rules, with tabular Q-learners on corridors."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.spaces import Generated
from teachkit.teachers import POET
from teachkit.testing.generators import Corridors, walk


class TabularAgent:
    """Q-learning over the corridor's 4 observations x 2 actions (step, jump)."""

    def __init__(self, seed: int, eps: float = 0.1) -> None:
        self.q = np.zeros((2, 2, 2))
        self.rng = np.random.default_rng(seed)
        self.eps = eps

    def policy(self, greedy: bool):
        def act(obs: tuple[int, int]) -> int:
            if not greedy and self.rng.random() < self.eps:
                return int(self.rng.integers(2))
            return int(np.argmax(self.q[obs]))

        return act

    def play(self, params: dict, train: bool) -> float:
        score, trace = walk(params, self.policy(greedy=not train))
        if train:
            for obs, a, r, nxt, done in trace:
                target = r if done else r + 0.9 * self.q[nxt].max()
                self.q[obs][a] += 0.5 * (target - self.q[obs][a])
        return score

    def copy(self) -> TabularAgent:
        twin = TabularAgent(0, self.eps)
        twin.q = self.q.copy()
        twin.rng = np.random.default_rng(self.rng.integers(2**31))
        return twin


def run(poet: POET, agents: dict[str, TabularAgent], rounds: int, log: list) -> tk.Curriculum:
    cur = tk.Curriculum(poet)
    applied = dict.fromkeys(agents, 0)
    for _ in range(rounds):
        for lid in agents:
            a = cur.ask(lid)
            score = agents[lid].play(a.task.params, a.train)
            log.append((lid, a.task, a.train, score))
            cur.tell(a, tk.Outcome(score=score))
        for p in poet.pairs():  # the loop applies transfers the teacher decided
            if p.version > applied[p.learner_id]:
                agents[p.learner_id] = agents[p.copy_from].copy()
                applied[p.learner_id] = p.version
    return cur


@pytest.fixture
def space() -> Generated:
    return Generated(Corridors(longest=10, density=0.3))


def test_admitted_environments_pass_the_minimal_criterion(space: Generated) -> None:
    poet = POET(
        space,
        mc_low=0.3,
        mc_high=0.9,
        repro_threshold=0.5,
        mutate_every=6,
        transfer_every=1000,
        children=3,
        seed=2,
    )
    agents = {f"agent-{i}": TabularAgent(i) for i in range(3)}
    log: list = []
    run(poet, agents, 60, log)
    archive = poet.archive()
    assert len(archive) > 3, "some children should have been admitted"
    evaluated = {(str(t), lid): s for lid, t, train, s in log if not train}
    for child in archive[3:]:
        assert child.origin == "mutate"
        scores = [s for (t, _), s in evaluated.items() if t == child]
        assert scores and 0.3 <= scores[0] <= 0.9
    current = {str(p.task) for p in poet.pairs()}
    assert current <= {str(t) for t in archive}


def test_a_better_learner_transfers_to_a_pair(space: Generated) -> None:
    poet = POET(space, mutate_every=10_000, transfer_every=3, seed=8)
    expert = TabularAgent(0)
    expert.q[:, :, :] = 0.0
    expert.q[0, :, 0] = 1.0  # step when the next cell is safe
    expert.q[1, :, 1] = 1.0  # jump over a hole
    expert.eps = 0.0
    novice = TabularAgent(1)
    novice.q[:, :, 0] = 1.0  # always steps: falls into the first hole
    novice.eps = 0.0
    agents = {"expert": expert, "novice": novice}
    log: list = []
    run(poet, agents, 12, log)
    novice_task = poet.archive()[1]
    assert novice_task.params == {"holes": [2, 6], "length": 9}  # the novice falls at once
    tests = [s for lid, t, train, s in log if not train and lid == "expert" and t == novice_task]
    assert tests and tests[0] == 1.0
    novice_pair = next(p for p in poet.pairs() if p.learner_id == "novice")
    assert novice_pair.copy_from == "expert" and novice_pair.version >= 1
    assert novice_pair.score == 1.0  # the copied expert now solves the novice's corridor
    expert_pair = next(p for p in poet.pairs() if p.learner_id == "expert")
    assert expert_pair.copy_from is None  # nobody beats the expert


def test_own_tasks_train_and_tests_do_not(space: Generated) -> None:
    poet = POET(space, transfer_every=1, seed=0)
    cur = tk.Curriculum(poet)
    a0, b0 = cur.ask("a"), cur.ask("b")
    assert a0.train and b0.train
    cur.tell(a0, tk.Outcome(score=0.5))
    test = cur.ask("b")  # b is tested on a's task
    assert test.train is False and test.task == a0.task
    with pytest.raises(ValidationError, match="mc_low <= mc_high"):
        POET(space, mc_low=0.9, mc_high=0.1)
