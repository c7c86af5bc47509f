"""The people teachers: golden sequences under fixed seeds, their rules, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.learners import BKT, IRT, MemoryModel
from tests.teachers.people._script import T0, arithmetic, play, tell

T = tk.teachers


# -- golden sequences (a change here is a change of behaviour: update deliberately) --------
GOLDEN = {
    "mastery": (
        lambda s: T.MasteryLearning(s, seed=0),
        "count count count count count add1 add2 add1 add2 add1 add2 add1 sub sub sub sub",
    ),
    "target": (
        lambda s: T.TargetSuccess(s, seed=0),
        "count count count count add2 add2 add2 add1 add1 add1 add1 word add1 add1 word add1",
    ),
    "max_info": (
        lambda s: T.TargetSuccess(s, mode="max_info", seed=0),
        "mul2 add1 count add2 div mul2 mul1 add1 sub mul2 word div add1 sub mul1 add2",
    ),
    "pudf": (
        lambda s: T.TargetSuccess(s, mode="pudf", seed=0),
        "mul2 add2 count count div word mul1 mul2 mul1 word div count div count mul2 add1",
    ),
    "path": (
        lambda s: T.PathPlanner(s, goals=["division"], seed=0),
        "count count count count add2 add1 add2 add1 add2 add1 sub sub sub sub mul1 mul2",
    ),
    "spaced": (
        lambda s: T.SpacedReview(s, seed=0),
        "count count count add1 add1 add1 add2 add2 add2 sub sub sub mul1 mul1 mul1 mul2",
    ),
    "rehearsal": (
        lambda s: T.Rehearsal(s, rate=0.5, seed=0),
        "count count count count count count count count count count count count count "
        "add1 add1 count",
    ),
    "tutor": (
        lambda s: T.Tutor(s, seed=0),
        "count count count word word count word word sub sub sub sub div div div div",
    ),
    "tutor_model_only": (  # the default before cold_start and optimism (stored Tutors keep it)
        lambda s: T.Tutor(s, cold_start=0.0, optimism=0.0, seed=0),
        "count count count word word word count word sub sub sub sub div div div div",
    ),
    "cyclical": (
        lambda s: T.Cyclical(s, period=8, seed=0),
        "add1 count count count word mul2 add2 add2 add1 add2 sub count word count add2 count",
    ),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_sequence(name: str) -> None:
    build, expected = GOLDEN[name]
    assert play(build(arithmetic()), 16) == expected.split()


# -- mastery learning --------------------------------------------------------------------
def test_mastery_learning_follows_prerequisites_and_threshold() -> None:
    space = arithmetic()
    teacher = T.MasteryLearning(space, seed=0)
    assert teacher.current_skill("ana") == "number"
    for k in range(6):
        tell(teacher, "ana", space.index("count"), True, T0 + k)
    assert teacher.model.mastery("ana")["number"] >= 0.95
    assert teacher.current_skill("ana") == "addition"
    assert teacher.ask("ana", n=2) == ["add1", "add2"]  # rotates through the skill's items


def test_mastery_learning_max_attempts_moves_on() -> None:
    space = arithmetic()
    teacher = T.MasteryLearning(space, max_attempts=3, seed=0)
    for k in range(3):
        tell(teacher, "ana", space.index("count"), False, T0 + k)
    assert teacher.current_skill("ana") == "addition"


def test_a_given_learner_model_is_used_and_saved_with_the_teacher() -> None:
    space = arithmetic()
    model = BKT(space)
    teacher = T.MasteryLearning(space, learner_model=model)
    tell(teacher, "ana", 0, True, T0)
    assert model.learners() == ["ana"]
    state = teacher.state_dict()
    assert "learner_model" in state["components"]
    fresh = T.MasteryLearning(space, learner_model=BKT(space))
    fresh.load_state_dict(state)
    assert fresh.model.mastery("ana") == model.mastery("ana")
    own = T.MasteryLearning(space)
    tell(own, "bo", 0, True, T0)
    assert own.state_dict()["state"]["_model"]["__owned__"]["class"].endswith(":BKT")


# -- target success ----------------------------------------------------------------------
def test_target_success_stays_in_the_zone() -> None:
    space = arithmetic()
    teacher = T.TargetSuccess(space, seed=0)
    assert set(teacher.space.decode(teacher.candidates("ana"))) == {"count"}
    for k in range(6):
        tell(teacher, "ana", 0, True, T0 + k)
    # number mastered: count leaves the zone, the addition items enter it
    assert set(space.decode(teacher.candidates("ana"))) == {"add1", "add2"}


def test_target_success_picks_the_item_closest_to_the_target() -> None:
    space = tk.spaces.Discrete(["a", "b", "c"])
    model = IRT(space, model="1pl")
    model._b = np.array([-2.0, 0.0, -1.1])  # P at theta=0: 0.88, 0.5, 0.75
    teacher = T.TargetSuccess(space, learner_model=model, target=0.75, mastered=0.99)
    assert teacher.ask("ana") == ["c"]


def test_max_info_picks_the_most_informative_item() -> None:
    space = tk.spaces.Discrete(["a", "b", "c"])
    model = IRT(space)
    model._b = np.array([-2.0, 0.1, 2.0])
    model._a = np.array([1.0, 1.5, 1.0])
    assert T.TargetSuccess(space, learner_model=model, mode="max_info").ask("ana") == ["b"]


def test_pudf_admits_harder_items_when_ability_stalls() -> None:
    space = tk.spaces.Discrete(["a", "b", "c"])
    model = IRT(space)
    model._b = np.array([-1.0, 0.5, 3.0])
    teacher = T.TargetSuccess(space, learner_model=model, mode="pudf", window=2, widen=1.0)
    assert set(teacher.ask("ana", n=20)) == {"a"}  # ability 0: only b <= 0
    for k in range(2):  # failures: ability falls, so the level widens by 1
        tell(teacher, "ana", 0, False, T0 + k)
    first = teacher._level["ana"]
    assert first == pytest.approx(model.ability("ana")) and first < 0
    for k in range(2):  # still no better: the admitted difficulty widens by 1
        tell(teacher, "ana", 0, False, T0 + 10 + k)
    assert teacher._level["ana"] == pytest.approx(first + 1.0)
    for k in range(4):
        tell(teacher, "ana", 0, False, T0 + 20 + k)
    assert "b" in teacher.ask("ana", n=40)


def test_max_info_needs_an_irt_model() -> None:
    space = arithmetic()
    with pytest.raises(ValidationError, match=r"expected a teachkit\.learners\.IRT"):
        T.TargetSuccess(space, mode="max_info", learner_model=BKT(space))


# -- path planner ------------------------------------------------------------------------
def test_path_planner_plans_weak_prerequisites_and_replans() -> None:
    space = arithmetic()
    teacher = T.PathPlanner(space, goals=["multiplication"], seed=0)
    assert teacher.plan("ana") == ["number", "addition", "multiplication"]
    for k in range(6):
        tell(teacher, "ana", 0, True, T0 + k)
    assert teacher.plan("ana") == ["addition", "multiplication"]
    assert teacher.ask("ana")[0] in ("add1", "add2")


def test_path_planner_serves_the_cheapest_goal_first() -> None:
    space = tk.spaces.Discrete(["a", "b", "c", "d"], prerequisites={"b": ["a"], "c": ["b"]})
    teacher = T.PathPlanner(space, goals=["c", "d"])
    assert teacher.plan("ana") == ["d", "a", "b", "c"]


# -- spaced review -----------------------------------------------------------------------
def test_spaced_review_reviews_what_is_forgotten() -> None:
    space = tk.spaces.Discrete(["a", "b", "c"])
    teacher = T.SpacedReview(space, retention=0.9, new_benefit=0.05, seed=0)
    tell(teacher, "ana", 0, True, T0)
    assert teacher.ask("ana") == ["b"]  # nothing forgotten yet: new material
    tell(teacher, "ana", 1, True, T0 + 60 * 86400.0)  # two months later
    assert teacher.ask("ana") == ["a"]  # a is long due now


def test_spaced_review_keeps_practising_items_not_yet_answered() -> None:
    teacher = T.SpacedReview(tk.spaces.Discrete(["a", "b"]), new_benefit=0.1)
    tell(teacher, "ana", 0, False, T0)
    assert teacher.ask("ana") == ["a"]


# -- rehearsal ---------------------------------------------------------------------------
def test_rehearsal_weights_fall_as_a_power_law_or_exponentially() -> None:
    space = tk.spaces.Discrete(["a", "b", "c"])
    for decay, expected in (("power", 3.0), ("exponential", np.exp(2.0))):
        teacher = T.Rehearsal(space, decay=decay, alpha=1.0, tau=1.0, seed=0)
        for k, task in enumerate([0, 1, 2]):
            tell(teacher, "ana", task, True, T0 + k)
        w = teacher.weights("ana")
        assert w.sum() == pytest.approx(1.0)
        assert w[2] / w[0] == pytest.approx(expected)


def test_rehearsal_without_rate_is_the_inner_teacher() -> None:
    space = arithmetic()
    inner = T.Uniform(space, seed=3)
    plain = T.Uniform(space, seed=3)
    teacher = T.Rehearsal(space, teacher=inner, rate=0.0)
    tell(teacher, "ana", 0, True, T0)
    assert teacher.ask("ana", n=5) == plain.ask("ana", n=5)


# -- tutor -------------------------------------------------------------------------------
def test_tutor_reviews_a_learned_skill_after_a_long_gap() -> None:
    space = arithmetic()
    tutor = T.Tutor(space, seed=0)
    for k in range(6):
        tell(tutor, "ana", 0, True, T0 + 60 * k)
    assert tutor.ask("ana") != ["count"]  # number learned: new material
    assert tutor.plan("ana")[0] == "addition"
    assert tutor.gains("ana")[1].max() < 1e-5  # nothing to review yet (recall near 1)
    tell(tutor, "ana", 1, False, T0 + 90 * 86400.0)
    new, review = tutor.gains("ana")
    assert review.argmax() == 0  # three months later: number is worth reviewing
    # in post-test units: the knowledge lost over time, relearned at BKT's rates (the
    # learning rate with the optimism bonus of a skill the class answered 6 times)
    model = tutor.model
    assert isinstance(model, BKT)
    m, recall = tutor.mastery("ana")["number"], tutor._skill_recall("ana")[0]
    sens = 1.0 - model._slip[0] - model._guess[0]
    share = 1 / (9 / 5)  # number has one item of nine skill tags over five skills
    assert tutor._class_answers[0] == 6
    learn = model._learn[0] + 0.3 / np.sqrt(1 + 6)
    expected = m * (1 - recall) * (learn + model._forget[0]) * sens * share
    assert review[0] == pytest.approx(expected)
    assert 0.0 < review[0] < new.max()  # but new material is worth more still


def test_tutor_optimism_favours_a_skill_the_class_has_practised_little() -> None:
    flat = tk.spaces.Discrete(["a", "b"])
    plain, hopeful = T.Tutor(flat, optimism=0.0, seed=0), T.Tutor(flat, optimism=1.0, seed=0)
    for tutor in (plain, hopeful):
        for k in range(30):  # the class practised "a" a lot (answers of other learners)
            tell(tutor, f"l{k}", 0, k % 2 == 0, T0 + k)
    new_plain, _ = plain.gains("zoe")
    new_hopeful, _ = hopeful.gains("zoe")
    # the same model, so the gap is the bonus: 1/sqrt(31) on "a", 1 on the unseen "b"
    assert new_hopeful[1] / new_plain[1] > new_hopeful[0] / new_plain[0] > 1.0


def test_tutor_models_default_to_bkt_and_memory() -> None:
    tutor = T.Tutor(arithmetic())
    assert isinstance(tutor.model, BKT) and isinstance(tutor.memory, MemoryModel)


# -- bad input ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda s: T.MasteryLearning(s, threshold=1.5), "threshold: expected a number in"),
        (lambda s: T.TargetSuccess(s, mode="cat"), "mode: expected one of"),
        (lambda s: T.TargetSuccess(s, widen=0), "widen: expected a number > 0"),
        (lambda s: T.PathPlanner(s, goals=["divison"]), "did you mean 'division'"),
        (lambda s: T.PathPlanner(s, goals="division"), "goals: expected a non-empty list"),
        (lambda s: T.SpacedReview(s, retention=0), "retention: expected a number in"),
        (lambda s: T.Rehearsal(s, decay="linear"), "decay: expected one of 'power', 'exponential'"),
        (lambda s: T.Rehearsal(s, rate=2), "rate: expected a number in"),
        (lambda s: T.Rehearsal(s, teacher="uniform"), "teacher: expected a teachkit teacher"),
        (lambda s: T.Tutor(s, target_weight=2), "target_weight: expected a number in [0, 1]"),
        (lambda s: T.Tutor(s, progress_weight=-1), "progress_weight: expected a finite"),
        (lambda s: T.Tutor(s, optimism=-0.1), "optimism: expected a finite number >= 0"),
        (lambda s: T.Tutor(s, optimism=float("nan")), "optimism: expected a finite number"),
        (lambda s: T.Tutor(s, learner_model=3), "learner_model: expected a teachkit"),
        (
            lambda s: T.Tutor(s, memory_model=MemoryModel(tk.spaces.Discrete(2))),
            "the model's items must be the skills",
        ),
        (
            lambda s: T.Tutor(
                s, memory_level="items", memory_model=MemoryModel(tk.spaces.Discrete(2))
            ),
            "differ from the space's tasks",
        ),
        (lambda s: T.Tutor(s, memory_level="cards"), "memory_level: expected one of 'skills'"),
        (lambda s: T.Cyclical(s, low=0), "low: expected a number in (0, 1]"),
        (lambda s: T.ClassOrder(s, order=[]), "order: expected a non-empty list"),
        (lambda s: T.ClassOrder(s, distances=np.ones((2, 2))), "expected a (8, 8) matrix"),
    ],
)
def test_bad_parameters_are_rejected(build, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        build(arithmetic())
    assert message in str(info.value)


def test_people_teachers_need_a_discrete_space() -> None:
    with pytest.raises(ValidationError, match="works on Discrete spaces"):
        T.Tutor(tk.spaces.Box([0.0], [1.0]))
