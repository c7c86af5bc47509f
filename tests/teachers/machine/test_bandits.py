"""TSCL, SEC and DUMP: values computed by hand, golden sequences, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from teachkit.checks import check_teacher
from teachkit.errors import ValidationError
from teachkit.spaces import Box, Discrete
from teachkit.teachers import DUMP, SEC, TSCL

from ._helpers import batch, grpo

SPACE = Discrete(["easy", "mid", "hard"])
# Two training steps of GRPO groups (four rollouts per prompt), rewards only.
STREAM = [
    batch([0, 1, 1, 2], rewards=[[1, 1, 1, 1], [1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]]),
    batch([1, 2], rewards=[[1, 0, 1, 0], [0, 0, 0, 1]]),
]


def play(teacher: object, stream: list, n: int = 5) -> list[int]:
    seq: list[int] = []
    for b in stream:
        seq += teacher.ask_encoded("a", n).tolist()  # type: ignore[attr-defined]
        teacher.tell(b)  # type: ignore[attr-defined]
    return seq + teacher.ask_encoded("a", n).tolist()  # type: ignore[attr-defined]


def mean_abs(groups: list[list[float]]) -> float:
    return float(np.mean([np.abs(grpo(g)).mean() for g in groups]))


def test_sec_td0_update_from_rewards_alone() -> None:
    teacher = SEC(SPACE, alpha=0.5, temperature=0.5, seed=7)
    seq = play(teacher, STREAM)
    q_mid = 0.5 * mean_abs([[1, 0, 0, 0], [1, 1, 0, 0]])
    q_mid = 0.5 * mean_abs([[1, 0, 1, 0]]) + 0.5 * q_mid
    q_hard = 0.5 * 0.0
    q_hard = 0.5 * mean_abs([[0, 0, 0, 1]]) + 0.5 * q_hard
    np.testing.assert_allclose(teacher.values(), [0.0, q_mid, q_hard], rtol=1e-12)
    expected = np.exp(teacher.values() / 0.5)
    np.testing.assert_allclose(teacher.probabilities(), expected / expected.sum())
    assert seq == [1, 2, 2, 0, 0, 2, 0, 2, 2, 1, 1, 1, 1, 1, 1]


def test_sec_uses_given_advantages_and_can_decay_unsampled_arms() -> None:
    teacher = SEC(SPACE, alpha=0.5, decay_unsampled=True)
    teacher.tell(batch([0], rewards=[[1, 0]], advantages=[[2.0, -4.0]]))
    np.testing.assert_allclose(teacher.values(), [1.5, 0.0, 0.0])
    teacher.tell(batch([1], rewards=[[1, 0]], advantages=[[1.0, 1.0]]))
    np.testing.assert_allclose(teacher.values(), [0.75, 0.5, 0.0])  # "easy" decays
    plain = SEC(SPACE, alpha=0.5)
    plain.tell(batch([0], rewards=[[1, 0]], advantages=[[2.0, -4.0]]))
    plain.tell(batch([1], rewards=[[1, 0]], advantages=[[1.0, 1.0]]))
    np.testing.assert_allclose(plain.values(), [1.5, 0.5, 0.0])  # the paper's rule


def test_sec_and_dump_need_groups() -> None:
    for teacher in (SEC(SPACE), DUMP(SPACE)):
        with pytest.raises(ValidationError, match="group rewards or advantages"):
            teacher.tell(batch([0], score=[1.0]))
    with pytest.raises(ValidationError, match="alpha"):
        SEC(SPACE, alpha=2.0)
    box = Box([0], [1])
    with pytest.raises(ValidationError, match="Discrete"):
        SEC(box)


def test_dump_ucb_by_hand_and_golden_sequence() -> None:
    teacher = DUMP(SPACE, window=3, temperature=0.1, seed=7)
    seq = play(teacher, STREAM)
    # Responses: easy 4, mid 12, hard 8; N = 24. Windows keep the last 3 |A| values.
    easy = np.abs(grpo([1, 1, 1, 1]))[-3:].mean()
    mid = np.abs(grpo([1, 0, 1, 0]))[-3:].mean()
    hard = np.concatenate([np.abs(grpo([0, 0, 0, 0])), np.abs(grpo([0, 0, 0, 1]))])[-3:].mean()
    bonus = [math.sqrt(2 * math.log(25) / (c + 1)) for c in (4, 12, 8)]
    np.testing.assert_allclose(
        teacher.ucb(), np.array([easy, mid, hard]) + np.array(bonus), rtol=1e-12
    )
    w = np.exp(teacher.ucb() / 0.1)
    np.testing.assert_allclose(teacher.probabilities(), w / w.sum())
    assert seq == [1, 2, 2, 0, 0, 1, 1, 1, 1, 1, 2, 2, 1, 2, 2]


def test_dump_window_is_a_sliding_window() -> None:
    teacher = DUMP(Discrete(2), window=4)
    teacher.tell(batch([0, 0], advantages=[[1.0, 1.0, 1.0], [3.0, 3.0, 3.0]]))
    teacher.tell(batch([0], advantages=[[-5.0, 5.0, 5.0]]))
    # last four of 1 1 1 3 3 3 5 5 5: 3 5 5 5
    mean0 = teacher.ucb()[0] - math.sqrt(2 * math.log(10) / 10)
    assert mean0 == pytest.approx(4.5)


SCORES = ([0.1, 0.5, 0.2], [0.2, 0.9, 0.2], [0.3, 0.8, 0.6])
GOLDEN = {
    ("online", "epsilon_greedy"): [2, 1, 1, 0, 1, 2, 2, 0, 1, 1, 1, 2, 2, 2, 2, 2],
    ("online", "boltzmann"): [0, 0, 2, 1, 0, 1, 1, 0, 2, 0, 1, 1, 1, 1, 2, 2],
    ("naive", "epsilon_greedy"): [2, 1, 1, 0, 1, 2, 2, 0, 1, 1, 1, 2, 1, 1, 1, 1],
    ("window", "epsilon_greedy"): [2, 1, 1, 0, 1, 2, 2, 0, 1, 1, 1, 2, 2, 2, 2, 2],
    ("window", "boltzmann"): [0, 0, 2, 1, 0, 1, 1, 0, 1, 1, 1, 1, 2, 2, 2, 2],
    ("sampling", "thompson"): [2, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1],
    ("sampling", "epsilon_greedy"): [2, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 2],
}
VALUES = {  # by hand, window=2, alpha=0.1
    "online": [0.1 * 0.1 * 0.9 + 0.1 * 0.1, 0.04 * 0.9 - 0.01, 0.9 * 0.0 + 0.04],
    "naive": [0.01, 0.04, 0.0],  # one full window of 2 per task: slope * alpha
    "window": [0.1, -0.1, 0.4],  # slope of the last two scores
    "sampling": [0.1, 0.15, 0.2],  # mean stored score difference
}


@pytest.mark.parametrize(("estimator", "selection"), list(GOLDEN))
def test_tscl_estimators_by_hand_and_golden(estimator: str, selection: str) -> None:
    teacher = TSCL(SPACE, estimator=estimator, selection=selection, window=2, seed=3)
    seq = play(teacher, [batch([0, 1, 2], score=s) for s in SCORES], n=4)
    np.testing.assert_allclose(teacher.values(), VALUES[estimator], atol=1e-12)
    assert seq == GOLDEN[estimator, selection]


def test_tscl_online_batch_equals_event_by_event() -> None:
    rng = np.random.default_rng(0)
    tasks = rng.integers(0, 3, 40)
    scores = rng.random(40)
    whole = TSCL(SPACE, estimator="online", alpha=0.3)
    whole.tell(batch(tasks.tolist(), score=scores.tolist()))
    single = TSCL(SPACE, estimator="online", alpha=0.3)
    q, last = np.zeros(3), [None] * 3
    for t, x in zip(tasks.tolist(), scores.tolist()):
        single.tell(batch([t], score=[x]))
        if last[t] is not None:
            q[t] = 0.3 * (x - last[t]) + 0.7 * q[t]
        last[t] = x
    np.testing.assert_allclose(whole.values(), q, atol=1e-12)
    np.testing.assert_allclose(single.values(), q, atol=1e-12)


def test_tscl_absolute_progress_picks_forgetting() -> None:
    teacher = TSCL(SPACE, estimator="window", window=2, epsilon=0.0, seed=0)
    teacher.tell(batch([0, 0, 1, 1], score=[0.9, 0.3, 0.4, 0.5]))  # easy is forgotten
    assert set(teacher.ask_encoded("a", 8).tolist()) == {0}
    plain = teacher.clone(absolute=False)
    plain.tell(batch([0, 0, 1, 1], score=[0.9, 0.3, 0.4, 0.5]))
    assert set(plain.ask_encoded("a", 8).tolist()) == {1}


def test_tscl_rejects_bad_options() -> None:
    with pytest.raises(ValidationError, match="did you mean 'window'"):
        TSCL(SPACE, estimator="windw")
    with pytest.raises(ValidationError, match="only estimator='sampling'"):
        TSCL(SPACE, selection="thompson")
    with pytest.raises(ValidationError, match="epsilon"):
        TSCL(SPACE, epsilon=-0.1)


@pytest.mark.parametrize(("estimator", "selection"), [*GOLDEN, ("sampling", "boltzmann")])
def test_tscl_every_variant_keeps_the_contract(estimator: str, selection: str) -> None:
    check_teacher(TSCL(Discrete(5), estimator=estimator, selection=selection, window=3, seed=1))


@pytest.mark.parametrize("decay", [False, True])
def test_sec_variants_keep_the_contract(decay: bool) -> None:
    check_teacher(SEC(Discrete(5), decay_unsampled=decay, seed=1))


def test_group_advantages_match_the_event_batch_rule() -> None:
    from teachkit import EventBatch
    from teachkit.teachers.machine._signals import group_advantage_matrix, mean_abs_advantage

    rng = np.random.default_rng(0)
    rewards = (rng.random((6, 4)) < 0.5).astype(float)
    plain = batch([0, 1, 2, 0, 1, 2], rewards=rewards)
    adv, present = group_advantage_matrix(plain)
    expected = np.array(plain.group_advantages())
    np.testing.assert_allclose(adv, expected, atol=1e-12)
    assert present.all()
    # mixed: some events report advantages, one has no group, one has a longer group
    mixed = EventBatch.concat([plain.take([0, 1]), batch([2], advantages=[[0.5, -0.5, 1.0, 0.0]])])
    adv, present = group_advantage_matrix(mixed)
    np.testing.assert_allclose(adv[2], [0.5, -0.5, 1.0, 0.0])
    np.testing.assert_allclose(adv[:2], expected[:2], atol=1e-12)
    ragged = EventBatch.concat(
        [plain.take([0]), batch([1], rewards=[[1, 0]]), batch([2], score=[1.0])]
    )
    adv, present = group_advantage_matrix(ragged)
    assert present.tolist() == [True, True, False]
    np.testing.assert_allclose(adv[1, :2], grpo([1, 0]))
    assert np.isnan(adv[1, 2:]).all() and np.isnan(adv[2]).all()
    mean, has = mean_abs_advantage(ragged)
    assert mean[1] == pytest.approx(np.abs(grpo([1, 0])).mean()) and not has[2]
