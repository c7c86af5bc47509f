"""The input rules of issue 12, defect 7: each once, the same everywhere it applies.

One coercion rule for numbers (Outcome and OutcomeBatch agree value for value), one seed
check, one maximum batch, assignment ids in the range storage holds, prerequisites as a
mapping, and a Sequential order that names each stage once.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

import teachkit as tk
from teachkit import Outcome, OutcomeBatch
from teachkit._validation import MAX_BATCH
from teachkit.errors import ValidationError

# (value, accepted as a score?) under the one rule
SCORES: list[tuple[Any, bool]] = [
    (0.5, True),
    (1, True),
    (0, True),
    (np.float32(0.25), True),
    (np.int64(1), True),
    (Fraction(1, 2), True),
    (np.array(0.5), True),
    ("0.5", False),
    (b"1", False),
    (True, False),
    (False, False),
    (np.True_, False),
    (None, False),
    (1 + 0j, False),
    (float("nan"), False),
    (float("inf"), False),
    (1.5, False),
    (-0.1, False),
    (2**70, False),
    (10**400, False),
    ([0.5], False),
]


def accepted(make: Any) -> bool:
    try:
        make()
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(("value", "ok"), SCORES, ids=[repr(v)[:20] for v, _ in SCORES])
def test_outcome_and_outcome_batch_share_one_rule_for_scores(value: Any, ok: bool) -> None:
    if value is None:  # Outcome(score=None) means "no score"; in a column it is a bad value
        assert not accepted(lambda: OutcomeBatch(score=[value]))
        return
    assert accepted(lambda: Outcome(score=value)) is ok
    assert accepted(lambda: OutcomeBatch(score=[value])) is ok
    assert accepted(lambda: OutcomeBatch(score=[0.5, value])) is ok  # mixed with numbers
    assert accepted(lambda: OutcomeBatch(score=np.array([value], dtype=object))) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [(True, True), (False, True), (np.True_, True), (1, True), (0.0, True), (0.5, False),
     ("1", False), ("True", False), (2, False)],
)  # fmt: skip
def test_success_follows_the_same_rule(value: Any, ok: bool) -> None:
    assert accepted(lambda: Outcome(success=value)) is ok
    assert accepted(lambda: OutcomeBatch(success=[value])) is ok


def test_batch_errors_say_what_to_do() -> None:
    with pytest.raises(ValidationError) as info:
        OutcomeBatch(score=["0.5", "1"])
    assert info.value.problems == [
        "score: expected numbers, got text at rows 0, 1; convert text with float() where it is read"
    ]
    with pytest.raises(ValidationError) as info:
        OutcomeBatch(score=[True, False])
    assert info.value.problems == [
        "score: expected numbers, got booleans at rows 0, 1; pass booleans as success="
    ]
    with pytest.raises(ValidationError, match=r"rewards: expected numbers, got booleans at rows 1"):
        OutcomeBatch(rewards=[[0.5, 1.0], [0.5, True]])
    with pytest.raises(ValidationError) as info:
        OutcomeBatch(score=["x"])  # the bad column, not also "no column given"
    assert len(info.value.problems) == 1
    with pytest.raises(
        ValidationError, match=r"reward: expected a number, got 1000.*\(401 characters\)"
    ):
        Outcome(reward=10**400)


@pytest.mark.parametrize("seed", [-1, -(2**70), 1.5, "0", True, np.float64(3)])
def test_one_seed_check(seed: Any) -> None:
    space = tk.spaces.Discrete(3)
    message = "seed: expected an integer >= 0 or None"
    for make in (
        lambda: tk.teachers.Uniform(space, seed=seed),
        lambda: tk.teachers.Sequential(space, seed=seed),
        lambda: tk.learners.Elo(seed=seed),
        lambda: tk.simulators.SkillGraphStudent(2, seed=seed),
        lambda: tk.simulators.GridToyStudent(2, seed=seed),
    ):
        with pytest.raises(ValidationError, match=message):
            make()
    tk.teachers.Uniform(space, seed=np.int64(7))
    tk.teachers.Uniform(space, seed=2**70)  # numpy seeds any integer >= 0


def test_maximum_batch() -> None:
    cur = tk.Curriculum(tk.teachers.Uniform(tk.spaces.Discrete(3), seed=0))
    assert tk.Curriculum.MAX_BATCH == MAX_BATCH == 100_000
    for call in (
        lambda: cur.ask_many("a", 10**9),
        lambda: cur.peek("a", MAX_BATCH + 1),
        lambda: tk.teachers.Uniform(tk.spaces.Discrete(3)).ask("a", 10**9),
    ):
        with pytest.raises(ValidationError, match=r"n: expected an integer in \[1, 100_000\]"):
            call()
    assert cur.ops == 0
    assert len(cur.ask_many("a", MAX_BATCH)) == MAX_BATCH


@pytest.mark.parametrize("bad", [2**70, 2**63, -1, -(2**70), np.uint64(2**64 - 1)])
def test_assignment_ids_out_of_range(bad: Any) -> None:
    cur = tk.Curriculum(tk.teachers.Uniform(tk.spaces.Discrete(3), seed=0))
    cur.ask("a")
    with pytest.raises(ValidationError, match=r"expected an assignment id in \[0, 2\*\*63 - 1\]"):
        cur.tell(bad, Outcome(score=1.0))
    with pytest.raises(ValidationError, match=r"expected an assignment id in \[0, 2\*\*63 - 1\]"):
        cur.tell_many([bad], [Outcome(score=1.0)])
    assert cur.ops == 1


def test_prerequisites_must_be_a_mapping() -> None:
    with pytest.raises(ValidationError) as info:
        tk.spaces.Discrete(["a", "b"], prerequisites=[("a", "b")])  # type: ignore[arg-type]
    assert info.value.problems == [
        "prerequisites: expected a mapping {task: [task, ...]} (each task to the tasks that "
        "come before it), got list; for pairs, write {'b': ['a']} if 'a' comes before 'b'"
    ]
    for bad in ({"b": 5}, {1: ["a"]}, {"b": [None]}, "ab"):
        with pytest.raises(ValidationError, match="prerequisites: expected"):
            tk.spaces.Discrete(["a", "b"], prerequisites=bad)  # type: ignore[arg-type]
    assert tk.spaces.Discrete(["a", "b"], prerequisites={"b": "a"}).prerequisites == {"b": ("a",)}


def test_sequential_order_names_each_stage_once() -> None:
    space = tk.spaces.Discrete(["a", "b", "c"])
    with pytest.raises(ValidationError, match="order: expected each stage once, got 'a' more"):
        tk.teachers.Sequential(space, order=["a", "a", "b"])
    box = tk.spaces.Box([0, 0], [1, 1])
    with pytest.raises(ValidationError, match=r"got \(0.5, 0.5\) more than once"):
        tk.teachers.Sequential(box, order=[(0.5, 0.5), (1, 1), (0.5, 0.5)])
    # a distinct order still advances past every stage
    teacher = tk.teachers.Sequential(space, order=["c", "a"], threshold=0.5, window=1)
    assert teacher.ask("x") == ["c"]
    cur = tk.Curriculum(teacher)
    cur.tell(cur.ask("x"), Outcome(score=1.0))
    assert cur.ask("x").task == "a"


def _curriculum() -> tk.Curriculum:
    return tk.Curriculum(tk.teachers.Uniform(tk.spaces.Discrete(3), seed=0))


FOUND_BY_FUZZING: list[tuple[str, Any, str]] = [
    ("space type not a string", lambda: tk.spaces.Space.from_dict({"type": {"a": 1}}),
     "expected 'type' to be one of"),
    ("box without low", lambda: tk.spaces.Space.from_dict({"type": "box", "high": [1.0]}),
     "Box.from_dict: missing keys ['low']"),
    ("box names not a list", lambda: tk.spaces.Box([0], [1], names=float("nan")),
     "names: expected a list of names, got float"),
    ("box names unhashable", lambda: tk.spaces.Box([0, 0], [1, 1], names=[[1], {2}]),
     "names: expected unique non-empty strings"),
    ("box dim huge", lambda: tk.spaces.Box(0, 1, dim=2**40), "dim: expected an integer in [1, 10_000]"),
    ("huge count with prerequisites", lambda: tk.spaces.Discrete(2**53, prerequisites={"1": ["0"]}),
     "skills, prerequisites and retired tasks need the task names"),
    ("count past 2**62", lambda: tk.spaces.Discrete(2**70), "expected at most 2**62 tasks"),
    ("count past floats", lambda: tk.spaces.Discrete(10**400), "got a count of 401 digits"),
    ("config without a required parameter",
     lambda: tk.teachers.Uniform.from_config({"class": "teachkit.teachers:Uniform", "params": {}}),
     "missing hyperparameter 'space' (required)"),
    ("order of a huge count", lambda: tk.spaces.Discrete(2**40).task_order(),
     "an order of all 1_099_511_627_776 tasks would spell out every name"),
    ("skills not a list", lambda: tk.spaces.Discrete(["a", "b"], skills=[1, 2]),
     "skills of 'a': expected a skill name or a list of them, got 1"),
    ("prerequisite_level an array", lambda: tk.spaces.Discrete(["a"], prerequisite_level=np.array([])),
     "prerequisite_level: expected 'tasks' or 'skills'"),
    ("tasks a 0-d array", lambda: tk.spaces.Discrete(np.array(0.5)), "tasks: expected a list of names"),
    ("config params not a mapping",
     lambda: tk.teachers.Uniform.from_config({"class": "teachkit.teachers:Uniform", "params": range(3)}),
     "params: expected a mapping of parameter names to values"),
    ("config with another class's params",
     lambda: tk.teachers.Uniform.from_config(
         {"class": "teachkit.teachers:Uniform", "params": {"space": None, "fit_rate": 1}}),
     "unknown hyperparameter 'fit_rate'"),
    ("hyperparameter that cannot be stored",
     lambda: tk.teachers.TargetDifficulty(tk.spaces.Discrete(2), decay=Fraction(1, 2)).to_config(),
     "cannot serialize TargetDifficulty.decay"),
    ("tell_many of a number", lambda: _curriculum().tell_many(10), "items: expected a list"),
    ("tell_many of a 0-d array", lambda: _curriculum().tell_many(np.array(0.5)), "items: expected a list"),
    ("advantages a 0-d array", lambda: Outcome(reward=1.0, advantages=np.array(0.5)),
     "advantages: expected a list of numbers"),
    ("sequential order not a list", lambda: tk.teachers.Sequential(tk.spaces.Box([0], [1]), order=float("inf")),
     "order: expected a list of stages, got float"),
    ("sequential stages huge", lambda: tk.teachers.Sequential(tk.spaces.Box([0], [1]), stages=2**64),
     "stages: expected an integer in [1, 100_000]"),
    ("tscl window huge", lambda: tk.teachers.TSCL(tk.spaces.Discrete(3), window=2**40),
     "window: expected an integer in [1, 1_000_000]"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("build", "message"),
    [f[1:] for f in FOUND_BY_FUZZING],
    ids=[f[0] for f in FOUND_BY_FUZZING],
)
def test_found_by_fuzzing(build: Any, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert message in str(info.value)


def test_a_teacher_too_large_for_memory_says_so() -> None:
    class PerTask(tk.teachers.Uniform):
        """Holds a value per task; here the allocation fails as it would for a huge space."""

        def __init__(self, space: Any, *, seed: int | None = None) -> None:
            super().__init__(space, seed=seed)
            raise MemoryError

    with pytest.raises(ValidationError, match=r"PerTask: its state for this space \(3 tasks\)"):
        PerTask(tk.spaces.Discrete(3))

    class Broken(tk.teachers.Uniform):
        """A ValueError that is not about memory stays what it is."""

        def __init__(self, space: Any, *, seed: int | None = None) -> None:
            super().__init__(space, seed=seed)
            raise ValueError("a real bug")

    with pytest.raises(ValueError, match="a real bug"):
        Broken(tk.spaces.Discrete(3))


def test_more_found_by_fuzzing() -> None:
    space = tk.spaces.Discrete(["a", "b"])
    cur = tk.Curriculum(tk.teachers.Uniform(space, seed=0), snapshot_every=np.int64(3))
    assert cur.ops == 0  # a numpy integer is stored as a plain int
    a = cur.ask("x")
    for bad in (np.array([True, False]), "yes", None):
        with pytest.raises(ValidationError, match="skip_if_finished: expected True or False"):
            cur.tell(a, Outcome(score=1.0), skip_if_finished=bad)
        with pytest.raises(ValidationError, match="skip_if_finished: expected True or False"):
            cur.tell_many([a], [Outcome(score=1.0)], skip_if_finished=bad)
    assert cur.ops == 1
    with pytest.raises(ValidationError, match="threshold: expected a number, got 'x'"):
        tk.teachers.Sequential(space, threshold="x")
    with pytest.raises(ValidationError, match="order: expected a list of stages, got ndarray"):
        tk.teachers.Sequential(space, order=np.array(0.5))
    with pytest.raises(ValidationError, match="TargetDifficulty"):
        tk.teachers.TargetDifficulty(space, features=[[2**1100], [1]])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: tk.teachers.E2H(tk.spaces.Discrete(3), tiers=2), "tiers: expected 3 integers"),
        (lambda: tk.teachers.Cyclical(tk.spaces.Discrete(3), order=np.uint64(5)),
         "order: expected a list of task names, got uint64"),
        (lambda: tk.teachers.ClassOrder(tk.spaces.Discrete(3), order=Ellipsis),
         "order: expected a non-empty list of task names"),
        (lambda: tk.teachers.ClassOrder(tk.spaces.Discrete(3), order=np.array(1)),
         "order: expected a non-empty list of task names"),
        (lambda: tk.teachers.RIAC(tk.spaces.Box([0], [1]), max_region_size=10**400),
         "max_region_size: expected an integer in [4, 10_000_000]"),
        (lambda: tk.teachers.ClassOrder(tk.spaces.Discrete(2), distances="x"),
         "distances: expected numbers, got text"),
        (lambda: tk.teachers.ClassOrder(tk.spaces.Discrete(2), distances=10**400),
         "distances: expected numbers"),
        (lambda: tk.teachers.DoReMi(tk.spaces.Discrete(2), reference="x"),
         "reference: expected 2 finite losses"),
        (lambda: tk.teachers.DoReMi(tk.spaces.Discrete(2), reference={}),
         "reference: expected 2 finite losses"),
        (lambda: tk.teachers.ADR(tk.spaces.Box([0], [1]), threshold_low=2**70 * 1j),
         "threshold_low: expected a finite number"),
    ],
)  # fmt: skip
def test_every_registered_teacher_checks_its_hyperparameters(build: Any, message: str) -> None:
    # found by building every registered teacher with one hostile hyperparameter
    with pytest.raises(ValidationError, match=re.escape(message)):
        build()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: tk.learners.Elo(alpha=[1, 2]), "expected alpha > 0 and beta >= 0"),
        (lambda: tk.learners.Elo(beta=np.zeros((2, 0))), "expected alpha > 0 and beta >= 0"),
        (lambda: tk.learners.PFA(l2="x"), "l2: expected a number >= 0"),
        (lambda: tk.learners.MemoryModel(min_interval_days=np.array([1.0, 2.0])),
         "min_interval_days: expected >= 0"),
        (lambda: tk.learners.BKT(tol={}), "tol: expected a number > 0"),
        (lambda: tk.simulators.GridToyStudent(2**64), "n_learners: expected an integer in [1, 1_000_000]"),
        (lambda: tk.simulators.GridToyStudent(2, dims=2**64), "dims: expected an integer in [1, 32]"),
        (lambda: tk.simulators.GridToyStudent(2, irrelevant_dims=2**53), "irrelevant_dims"),
        (lambda: tk.simulators.SkillGraphStudent(2, tasks_per_step=2**63 - 1), "tasks_per_step"),
        (lambda: tk.simulators.CategoryStudent(2, preset={"a"}), "preset: expected one of"),
        (lambda: tk.simulators.CategoryStudent(2, batch_size=2**70), "batch_size"),
        (lambda: tk.simulators.ClassIncrementalStudent(2, dataset=np.array([])), "dataset: expected one of"),
    ],
)  # fmt: skip
def test_learner_models_and_simulators_check_their_parameters(build: Any, message: str) -> None:
    # found by building each registered learner model and simulator with one hostile value
    with pytest.raises(ValidationError) as info:
        build()
    assert message in str(info.value)


def test_a_spread_of_minus_zero_is_zero() -> None:
    # numpy refused a spread of -0.0 (sigma < 0), which the range check lets through
    a = tk.simulators.SkillGraphStudent(3, seed=0, trait_spread=-0.0)
    b = tk.simulators.SkillGraphStudent(3, seed=0, trait_spread=0.0)
    assert a.measures() == b.measures()


@pytest.mark.parametrize(
    "build",
    [
        lambda v: tk.teachers.Tutor(tk.spaces.Discrete(["a", "b"]), value=v),
        lambda v: tk.teachers.Tutor(tk.spaces.Discrete(["a", "b"]), memory_level=v),
        lambda v: tk.learners.BKT(engine=v),
        lambda v: tk.learners.IRT(model=v),
        lambda v: tk.teachers.ALPGMM(tk.spaces.Box([0.0], [1.0]), criterion=v),
    ],
    ids=["tutor-value", "tutor-memory_level", "bkt-engine", "irt-model", "alpgmm-criterion"],
)
def test_a_choice_given_an_array_is_a_validation_error(build: Any) -> None:
    # `array not in ("a", "b")` raised numpy's ambiguous-truth ValueError before
    with pytest.raises(ValidationError, match="expected one of"):
        build(np.array(["a", "b"]))


def test_a_negative_zero_spread_is_zero() -> None:
    from teachkit.simulators import CategoryStudent

    student = CategoryStudent(learner_spread=-0.0, n_learners=2, seed=0)
    assert student.learner_spread == 0.0


def test_goals_that_are_not_skill_names_are_a_validation_error() -> None:
    space = tk.spaces.Discrete(["a", "b"])
    with pytest.raises(ValidationError, match="goals: unknown skill"):
        tk.teachers.Tutor(space, goals=[np.array([]), float("nan")])


@pytest.mark.parametrize(
    "build",
    [
        lambda v: tk.teachers.Cyclical(tk.spaces.Discrete(["a", "b"]), order=v),
        lambda v: tk.teachers.Sequential(tk.spaces.Discrete(["a", "b"]), order=v),
        lambda v: tk.spaces.Discrete(v),
    ],
    ids=["cyclical-order", "sequential-order", "discrete-tasks"],
)
def test_a_zero_dimensional_array_is_not_a_list(build: Any) -> None:
    # a 0-d array passed `isinstance(x, np.ndarray)` and then failed to iterate (TypeError)
    with pytest.raises(ValidationError):
        build(np.array("a"))


def test_ragged_e2h_tiers_are_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="tiers: expected 3 integers"):
        tk.teachers.E2H(tk.spaces.Discrete(["a", "b", "c"]), tiers=[[0, 1], 2, 3])


def test_ragged_references_and_array_modes_are_validation_errors() -> None:
    space = tk.spaces.Discrete(["a", "b", "c"])
    with pytest.raises(ValidationError, match="references"):
        tk.teachers.DifficultyPredictor(space, references=[[1], [2, 3]])
    with pytest.raises(ValidationError, match="mode: expected one of"):
        tk.teachers.TargetSuccess(space, mode=np.array(["a", "b"]))
