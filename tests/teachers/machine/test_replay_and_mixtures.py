"""TargetDifficulty, PLR, RobustPLR, DoReMi, SkillIt, ZeroVarianceFilter."""

from __future__ import annotations

import math

import numpy as np
import pytest

from teachkit.checks import check_teacher
from teachkit.errors import ValidationError
from teachkit.spaces import Box, Discrete
from teachkit.teachers import (
    PLR,
    SEC,
    DoReMi,
    RobustPLR,
    SkillIt,
    TargetDifficulty,
    Uniform,
    ZeroVarianceFilter,
)

from ._helpers import batch

SPACE = Discrete(["a", "b", "c", "d"])
SCORED = [batch([0, 1, 2, 3], score=[1, 0, 1, 0]), batch([0, 0, 3], score=[1, 1, 0])]
FIVE = Discrete(5)
GROUPS = [
    batch([0, 1, 2, 3], rewards=[[1, 0], [1, 1], [0, 1], [0, 0]]),
    batch([1, 2, 4], rewards=[[0, 1], [1, 1], [1, 0]]),
]


def play(teacher: object, stream: list, n: int) -> list[int]:
    seq: list[int] = []
    for b in stream:
        seq += teacher.ask_encoded("x", n).tolist()  # type: ignore[attr-defined]
        teacher.tell(b)  # type: ignore[attr-defined]
    return seq + teacher.ask_encoded("x", n).tolist()  # type: ignore[attr-defined]


# -- target difficulty ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rule", "golden"),
    [
        ("thompson", [0, 0, 2, 3, 1, 3, 1, 2, 0]),
        ("learnability", [3, 3, 2, 1, 0, 1, 1, 0, 0]),
    ],
)
def test_target_difficulty_posteriors_and_golden(rule: str, golden: list[int]) -> None:
    teacher = TargetDifficulty(SPACE, rule=rule, decay=1.0, seed=5)
    assert play(teacher, SCORED, 3) == golden
    # Beta(1, 1) prior: a 3/0 -> 4/5, b 0/1 -> 1/3, c 1/0 -> 2/3, d 0/2 -> 1/4
    np.testing.assert_allclose(teacher.posterior_mean(), [4 / 5, 1 / 3, 2 / 3, 1 / 4])
    if rule == "learnability":
        p = np.array([4 / 5, 1 / 3, 2 / 3, 1 / 4])
        w = np.exp(p * (1 - p) / 0.05)
        np.testing.assert_allclose(teacher.probabilities(), w / w.sum())


def test_target_difficulty_thompson_prefers_tasks_near_target() -> None:
    teacher = TargetDifficulty(Discrete(6), decay=1.0, seed=0)
    tell = [0] * 50 + [1] * 50 + [5] * 50  # always solved, never solved, half the time
    teacher.tell(batch(tell, score=[1] * 50 + [0] * 50 + [1, 0] * 25))
    counts = np.bincount(teacher.ask_encoded("x", 40), minlength=6)
    assert counts.tolist() == [0, 0, 3, 3, 4, 30]  # one posterior draw per decision


def test_target_difficulty_large_asks_take_distinct_tasks_of_one_draw() -> None:
    teacher = TargetDifficulty(Discrete(300), decay=1.0, seed=0)
    solved = list(range(0, 150))
    teacher.tell(batch(solved * 1000, score=[1.0] * 150_000))  # 150 tasks known to be easy
    got = teacher.ask_encoded("x", 256)  # 256 * 300 draws: the batch rule
    assert len(set(got[:150].tolist())) == 150
    assert len(set(got[:150].tolist()) - set(range(150, 300))) == 2  # mostly unknown ones


def test_target_difficulty_decay_discounts_old_outcomes() -> None:
    teacher = TargetDifficulty(SPACE, decay=0.5, seed=5)
    play(teacher, SCORED, 3)
    np.testing.assert_allclose(teacher._wins, [0.25 * 1 + 0.5 + 1, 0, 1, 0])
    np.testing.assert_allclose(teacher._losses, [0, 1, 0, 0.5 + 1])


def test_target_difficulty_value_model_is_logistic_regression() -> None:
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    teacher = TargetDifficulty(SPACE, features=x, learning_rate=0.5, l2=0.0, seed=5)
    teacher.tell(SCORED[0])
    # one gradient step from w = 0 (p = 0.5 everywhere), features with a bias column
    xb = np.hstack([x, np.ones((4, 1))])
    w = -0.5 * xb.T @ (np.full(4, 0.5) - np.array([1, 0, 1, 0])) / 4
    np.testing.assert_allclose(teacher._w, w)
    p = 1 / (1 + np.exp(-(xb @ w)))
    np.testing.assert_allclose(teacher.predicted(), p)
    wins = np.array([1, 0, 1, 0])
    np.testing.assert_allclose(
        teacher.posterior_mean(), (wins + 2 * p) / (1 + 2), rtol=1e-12
    )  # prior Beta(2p, 2(1-p)) plus one outcome each


def test_target_difficulty_candidates_serve_a_huge_space() -> None:
    space = Discrete(2_000_000)
    x = np.arange(2_000_000, dtype=float)[:, None] / 2e6
    teacher = TargetDifficulty(space, features=x, candidates=64, seed=1)
    got = teacher.ask_encoded("x", 16)
    assert got.shape == (16,) and got.max() < 2_000_000
    assert play(TargetDifficulty(SPACE, features=x[:4], candidates=2, seed=5), SCORED, 2) == [
        3, 3, 0, 1, 2, 2,
    ]  # fmt: skip


def test_target_difficulty_rejects_bad_input() -> None:
    with pytest.raises(ValidationError, match=r"features: expected a finite array of shape \(4"):
        TargetDifficulty(SPACE, features=np.zeros((3, 2)))
    with pytest.raises(ValidationError, match="rule"):
        TargetDifficulty(SPACE, rule="ucb")
    with pytest.raises(ValidationError, match="expected outcomes in"):
        TargetDifficulty(SPACE).tell(batch([0], rewards=[[3.0, 5.0]]))


# -- PLR -----------------------------------------------------------------------------------------
GOLDEN_PLR = {
    (PLR, "positive_value_loss"): [1, 1, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0],
    (PLR, "learnability"): [1, 1, 4, 0, 0, 0, 0, 0, 2, 0, 0, 0],
    (RobustPLR, "abs_advantage"): [1, 1, 4, 0, 2, 0, 0, 0, 1, 1, 0, 0],
    (RobustPLR, "learnability"): [1, 1, 4, 0, 2, 0, 0, 0, 2, 1, 0, 0],
}


@pytest.mark.parametrize(("cls", "score"), list(GOLDEN_PLR))
def test_plr_buffer_by_hand_and_golden(cls: type[PLR], score: str) -> None:
    teacher = cls(FIVE, buffer_size=3, score=score, seed=2)
    assert play(teacher, GROUPS, 4) == GOLDEN_PLR[cls, score]
    levels, scores = teacher.buffer()
    if score == "learnability":
        # step 1: 0 -> p 1/2, 1 -> p 1, 2 -> p 1/2, 3 -> p 0 (not above the lowest: left out)
        # step 2: 1 -> 3/4, 2 -> 3/4 (0.1875 each); 4 (new, 1/2 -> 0.25) takes the place of
        # the first of the two tied lowest levels, as one-by-one eviction does
        assert levels.tolist() == [0, 4, 2]
        np.testing.assert_allclose(scores, [0.25, 0.25, 0.1875])
        np.testing.assert_allclose(teacher._successes, [1, 1, 3])
        np.testing.assert_allclose(teacher._tries, [2, 2, 4])
    else:
        # advantages of [1, 0] are +-1/(0.5 + 1e-6); [1, 1] and [0, 0] give 0
        a = 1 / (0.5 + 1e-6) * 0.5
        assert levels.tolist() == [0, 1, 4]
        np.testing.assert_allclose(scores, [a / 2 if score == "positive_value_loss" else a] * 3)


def test_plr_replay_distribution_by_hand() -> None:
    teacher = PLR(FIVE, buffer_size=3, staleness_coef=0.25, temperature=0.5, seed=0)
    assert teacher.replay_distribution().tolist() == []
    np.testing.assert_allclose(teacher.probabilities(), [0.2] * 5)  # nothing to replay yet
    teacher._levels[:] = [2, 0, 4]
    teacher._scores[:] = [0.1, 0.9, 0.5]
    teacher._last[:] = [1, 3, 6]
    teacher._filled, teacher._count = 3, 10
    h = np.array([1 / 3, 1, 1 / 2]) ** 2  # inverse ranks ** (1 / temperature)
    stale = np.array([9, 7, 4]) / 20
    np.testing.assert_allclose(teacher.replay_distribution(), 0.75 * h / h.sum() + 0.25 * stale)
    power = teacher.clone(prioritization="power", staleness_coef=0.25, temperature=0.5)
    power.load_state_dict(teacher.state_dict())
    s = np.array([0.1, 0.9, 0.5]) ** 2
    np.testing.assert_allclose(power.replay_distribution(), 0.75 * s / s.sum() + 0.25 * stale)
    assert teacher._replay_probability() == 3 / 3  # proportionate: the buffer is full
    expected = np.zeros(5)
    expected[[2, 0, 4]] = teacher.replay_distribution()
    np.testing.assert_allclose(teacher.probabilities(), expected)
    half = teacher.clone(replay_prob=0.5)
    half.load_state_dict(teacher.state_dict())
    np.testing.assert_allclose(half.probabilities(), 0.5 * expected + 0.5 * np.full(5, 0.2))


def test_plr_prefers_unseen_levels_of_a_small_space_and_bounds_the_buffer() -> None:
    teacher = PLR(FIVE, buffer_size=10, replay_prob=0.0, seed=0)
    first = teacher.ask_encoded("x", 5)
    teacher.tell(batch(first.tolist(), rewards=[[1, 0]] * 5))
    assert sorted(teacher.buffer()[0].tolist()) == sorted(set(first.tolist()))
    big = PLR(Discrete(100_000), buffer_size=4000, replay_prob=0.5, seed=0)
    for _ in range(12):  # about 6,000 new levels for 4,000 places
        tasks = big.ask_encoded("x", 1024)
        big.tell(batch(tasks.tolist(), rewards=np.random.default_rng(0).random((1024, 4))))
    levels, _ = big.buffer()
    assert len(levels) == 4000 and len(set(levels.tolist())) == 4000


def test_robust_plr_reports_replays() -> None:
    teacher = RobustPLR(FIVE, buffer_size=3, seed=2)
    play(teacher, GROUPS, 4)
    assert teacher.replayed("x").tolist() == [True, False, True, False]
    assert teacher.replayed("nobody").tolist() == []
    assert PLR(FIVE).replayed("x").tolist() == []  # plain PLR trains on everything


def test_plr_needs_advantages_unless_learnability() -> None:
    with pytest.raises(ValidationError, match="group rewards or advantages"):
        PLR(FIVE, score="positive_value_loss").tell(batch([0], score=[1.0]))
    PLR(FIVE, score="learnability").tell(batch([0], score=[1.0]))
    auto = PLR(FIVE)
    auto.tell(batch([0], score=[1.0]))  # outcome only: a pass-rate score
    assert auto.score_rule() == "recent_learnability"
    with pytest.raises(ValidationError, match="did you mean 'rank'"):
        PLR(FIVE, prioritization="rnak")


def test_plr_auto_reads_advantages_when_the_outcomes_carry_them() -> None:
    critic = [batch(b.tasks.tolist(), advantages=b.group_advantages()) for b in GROUPS]
    auto, explicit = PLR(FIVE, seed=2), PLR(FIVE, score="positive_value_loss", seed=2)
    assert auto.score_rule() is None
    assert play(auto, critic, 4) == play(explicit, critic, 4)
    assert auto.score_rule() == "positive_value_loss"
    pass_rates = PLR(FIVE, seed=2)
    pass_rates.tell(GROUPS[0])  # group rewards in [0, 1]: pass rates
    assert pass_rates.score_rule() == "recent_learnability"
    unbounded = PLR(FIVE, seed=2)
    unbounded.tell(batch([0], rewards=[[-2.0, 3.0]]))
    assert unbounded.score_rule() == "positive_value_loss"
    # the pick is made once: outcome-only events later are an error, as for the explicit score
    with pytest.raises(ValidationError, match="group rewards or advantages"):
        auto.tell(batch([0], score=[1.0]))
    again = PLR(FIVE, seed=2)
    again.load_state_dict(auto.state_dict())
    assert again.score_rule() == "positive_value_loss"
    assert again.ask_encoded("a", 6).tolist() == auto.ask_encoded("a", 6).tolist()


def test_plr_recent_learnability_decays_the_counts_by_hand() -> None:
    teacher = PLR(FIVE, score="recent_learnability", decay=0.5, buffer_size=5, seed=0)
    teacher.tell(batch([0, 0, 1], score=[1.0, 0.0, 1.0]))
    # level 0: w = 0.5 * 1 + 0 = 0.5, t = 0.5 + 1 = 1.5 -> p = 1/3; level 1: p = 1
    teacher.tell(batch([0], score=[1.0]))
    # level 0: w = 0.25 + 1 = 1.25, t = 0.75 + 1 = 1.75 -> p = 5/7
    levels, scores = teacher.buffer()
    by_level = dict(zip(levels.tolist(), scores.tolist()))
    assert by_level[0] == pytest.approx(5 / 7 * 2 / 7)
    assert by_level[1] == pytest.approx(0.0)
    one_by_one = PLR(FIVE, score="recent_learnability", decay=0.5, buffer_size=5, seed=0)
    for task, score in [(0, 1.0), (0, 0.0), (1, 1.0), (0, 1.0)]:
        one_by_one.tell(batch([task], score=[score]))
    assert dict(zip(*[x.tolist() for x in one_by_one.buffer()]))[0] == pytest.approx(10 / 49)
    with pytest.raises(ValidationError, match="did you mean 'rank'"):
        PLR(FIVE, prioritization="rnak")


# -- DoReMi and Skill-It -------------------------------------------------------------------------
def test_doremi_exponentiated_gradient_by_hand() -> None:
    teacher = DoReMi(SPACE, seed=1)
    assert play(teacher, SCORED, 3) == [2, 3, 0, 3, 1, 1, 3, 3, 3]
    c, k = 1e-3, 4
    a = np.full(4, 0.25)
    steps = []
    for lam in ([0, 1, 0, 1], [0, 0, 0, 1]):
        a = a * np.exp(np.array(lam, dtype=float))
        a = (1 - c) * a / a.sum() + c / k
        steps.append(a)
    np.testing.assert_allclose(teacher.weights(), a)
    np.testing.assert_allclose(teacher.average_weights(), np.mean(steps, axis=0))


def test_doremi_reference_and_negated_loss() -> None:
    teacher = DoReMi(Discrete(2), reference=[2.0, 1.0], loss="negated", smoothing=0.0)
    teacher.tell(batch([0, 1], score=None, rewards=[[-2.5], [-1.5]]))  # reward = -loss
    w = np.array([math.exp(0.5), math.exp(0.5)])
    np.testing.assert_allclose(teacher.weights(), w / w.sum())
    with pytest.raises(ValidationError, match="reference: expected 2 finite losses"):
        DoReMi(Discrete(2), reference=[1.0])


def test_skill_it_by_hand() -> None:
    teacher = SkillIt(SPACE, seed=1)
    assert play(teacher, SCORED, 3) == [2, 3, 0, 3, 1, 1, 3, 1, 2]
    # losses: round 1 [0, 1, 0, 1]; round 2 a -> 0, d -> 1, b and c keep theirs
    z = 0.5 * np.array([0, 2, 0, 2])
    np.testing.assert_allclose(teacher.probabilities(), np.exp(z) / np.exp(z).sum())


def test_skill_it_graph_from_prerequisites_and_skills() -> None:
    tasks = Discrete(["add", "sub", "mul"], prerequisites={"mul": ["add"]})
    assert SkillIt(tasks).graph_matrix().tolist() == [[1, 0, 1], [0, 1, 0], [0, 0, 1]]
    skills = Discrete(
        ["count", "add", "mul"],
        skills={"count": ["n"], "add": ["n", "plus"], "mul": ["times"]},
        prerequisites={"times": ["plus"]},
    )
    assert SkillIt(skills).graph_matrix().tolist() == [[1, 1, 0], [1, 1, 1], [0, 0, 1]]
    window = SkillIt(Discrete(2), graph=[[1, 0], [1, 1]], window=1, step_size=1.0)
    window.tell(batch([0, 1], score=[0.0, 1.0]))
    window.tell(batch([0, 1], score=[1.0, 0.0]))  # only the last round counts
    z = np.array([0.0, 1.0])
    np.testing.assert_allclose(window.probabilities(), np.exp(z) / np.exp(z).sum())
    with pytest.raises(ValidationError, match=r"graph: expected a \(2, 2\) matrix"):
        SkillIt(Discrete(2), graph=[[1, -1], [0, 1]])


# -- zero-variance filter -------------------------------------------------------------------------
def test_zero_variance_filter_drops_constant_groups() -> None:
    inner = SEC(FIVE, alpha=0.5, temperature=0.2, seed=0)  # the golden values below
    teacher = ZeroVarianceFilter(FIVE, teacher=inner, tell_filtered=True, seed=4)
    assert play(teacher, GROUPS, 4) == [3, 1, 0, 0, 2, 2, 2, 2, 4, 4, 0, 4]
    assert teacher.keep(GROUPS[0]).tolist() == [True, False, True, False]
    assert teacher.zero_variance_fraction() == pytest.approx(3 / 7)
    assert teacher._streak.tolist() == [0, 0, 1, 1, 0]
    # the inner teacher saw only informative groups: levels 1 (step 2), 0, 2 (step 1), 4
    np.testing.assert_allclose(inner.values(), [0.499999, 0.499999, 0.499999, 0, 0.499999])


def test_zero_variance_filter_skips_saturated_tasks() -> None:
    teacher = ZeroVarianceFilter(Discrete(3), recheck=0.0, max_tries=40, seed=0)
    teacher.tell(batch([0, 1], rewards=[[1, 1, 1], [0, 0, 0]]))
    assert set(teacher.ask_encoded("x", 30).tolist()) == {2}
    teacher.tell(batch([0], rewards=[[1, 0, 1]]))  # informative again
    assert set(teacher.ask_encoded("x", 30).tolist()) == {0, 2}
    with pytest.raises(ValidationError, match="expected a teacher on"):
        ZeroVarianceFilter(Discrete(3), teacher=Uniform(Discrete(4)))


def test_zero_variance_filter_state_includes_default_inner_teacher() -> None:
    teacher = ZeroVarianceFilter(Discrete(3), seed=0)
    teacher.ask_encoded("x", 3)
    copy = ZeroVarianceFilter(Discrete(3), seed=0)
    copy.load_state_bytes(teacher.state_bytes())
    assert copy.ask_encoded("x", 5).tolist() == teacher.ask_encoded("x", 5).tolist()


@pytest.mark.parametrize(
    "teacher",
    [
        TargetDifficulty(FIVE, rule="learnability", decay=0.9, seed=0),
        TargetDifficulty(FIVE, features=np.eye(5), candidates=3, seed=0),
        PLR(FIVE, buffer_size=3, score="learnability", prioritization="power", seed=0),
        RobustPLR(Discrete(1000), buffer_size=8, score="abs_advantage", seed=0),
        DoReMi(FIVE, use_average=True, seed=0),
        SkillIt(FIVE, window=2, seed=0),
        ZeroVarianceFilter(FIVE, teacher=PLR(FIVE, seed=0), tell_filtered=True, seed=0),
        ZeroVarianceFilter(Box([0], [1]), seed=0),
    ],
    ids=lambda t: repr(t)[:40],
)
def test_variants_keep_the_contract(teacher: object) -> None:
    check_teacher(teacher)  # type: ignore[arg-type]


def test_zero_variance_filter_tells_everything_by_default() -> None:
    inner = SEC(FIVE, alpha=1.0, initial_value=1.0)
    ZeroVarianceFilter(FIVE, teacher=inner).tell(GROUPS[0])
    # the all-right and all-wrong groups reach SEC as zero advantage (a value of 0)
    np.testing.assert_allclose(inner.values(), [0.999998, 0, 0.999998, 0, 1])
    filtered = SEC(FIVE, alpha=1.0, initial_value=1.0)
    ZeroVarianceFilter(FIVE, teacher=filtered, tell_filtered=True).tell(GROUPS[0])
    np.testing.assert_allclose(filtered.values(), [0.999998, 1, 0.999998, 1, 1])


def test_plr_batch_admission_equals_one_by_one_insertion() -> None:
    rng = np.random.default_rng(3)
    scores = rng.random(40)
    teacher = PLR(Discrete(100), buffer_size=6, score="abs_advantage")
    teacher.tell(batch(list(range(40)), advantages=np.repeat(scores[:, None], 2, axis=1)))
    kept: dict[int, float] = {}
    for level, s in enumerate(scores.tolist()):  # the rule, one level at a time
        if len(kept) < 6:
            kept[level] = s
        elif s > min(kept.values()):
            del kept[min(kept, key=kept.__getitem__)]
            kept[level] = s
    levels, got = teacher.buffer()
    assert dict(zip(levels.tolist(), got.tolist())) == pytest.approx(kept)
