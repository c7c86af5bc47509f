"""Task spaces: construction, validation, encoding, sampling and JSON round trips."""

from __future__ import annotations

import numpy as np
import pytest

from teachkit.errors import ValidationError
from teachkit.spaces import Box, Discrete, Space


def test_discrete_names_order_and_index() -> None:
    space = Discrete(["add", "sub", "mul"])
    assert space.names == ("add", "sub", "mul")
    assert space.n == len(space) == 3
    assert space.index("mul") == 2
    assert "sub" in space and "div" not in space and 3 not in space


def test_discrete_count_has_lazy_names() -> None:
    space = Discrete(2**31)
    assert space.n == 2**31
    assert space.names[5] == "5" and "2147483647" in space and "2147483648" not in space
    assert "007" not in space  # one spelling per task
    assert space.encode(["0", "42"]).tolist() == [0, 42]
    assert space.decode(np.array([3, 9])) == ["3", "9"]


def test_skills_and_q_matrix() -> None:
    space = Discrete(
        ["a1", "a2", "b1"], skills={"a1": ["add"], "a2": ["add", "carry"], "b1": "sub"}
    )
    assert space.skill_names == ("add", "carry", "sub")
    assert space.skills_of("a2") == ("add", "carry")
    assert space.q_matrix.tolist() == [
        [True, False, False],
        [True, True, False],
        [False, False, True],
    ]
    untagged = Discrete(["x", "y"])
    assert untagged.skill_names == ("x", "y") and not untagged.tagged
    assert untagged.q_matrix.tolist() == [[True, False], [False, True]]


def test_prerequisites_over_tasks_and_skills() -> None:
    tasks = Discrete(["count", "add", "mul"], prerequisites={"mul": ["add"], "add": "count"})
    assert tasks.prerequisite_level == "tasks"
    assert tasks.topological_order() == ("count", "add", "mul")
    assert tasks.prerequisites_of("mul", transitive=True) == ("count", "add")
    skills = Discrete(
        ["q1", "q2", "q3"],
        skills={"q1": ["mul"], "q2": ["add"], "q3": ["add", "mul"]},
        prerequisites={"mul": ["add"]},
    )
    assert skills.prerequisite_level == "skills"
    assert skills.topological_order() == ("add", "mul")
    assert skills.task_order() == ("q2", "q1", "q3")


def test_topological_order_is_stable() -> None:
    space = Discrete(["e", "d", "c", "b", "a"], prerequisites={"e": ["a"], "c": ["a"]})
    assert space.topological_order() == ("d", "b", "a", "e", "c")


@pytest.mark.parametrize(
    "space",
    [
        Discrete(["a", "b"]),
        Discrete(5),
        Discrete(
            ["x", "y", "z"],
            skills={"x": ["s"], "y": ["s", "t"], "z": ["t"]},
            prerequisites={"t": ["s"]},
        ),
        Discrete(["x", "y", "z"], prerequisites={"z": ["x", "y"]}),
        Box([0, -1], [1, 1], names=["p", "q"]),
        Box(0.0, 2.0, dim=3),
    ],
)
def test_json_round_trip(space: Space) -> None:
    again = Space.from_json(space.to_json())
    assert again == space and type(again) is type(space)
    assert hash(again) == hash(space)


def test_sampling_is_seeded_and_inside() -> None:
    for space in [Discrete(["a", "b", "c"]), Box([0, 10], [1, 20])]:
        one = space.sample(np.random.default_rng(3), 50)
        two = space.sample(np.random.default_rng(3), 50)
        assert one == two
        assert all(space.contains(t) for t in one)
        assert space.contains(space.sample(np.random.default_rng(0)))


def test_box_basics() -> None:
    box = Box([0, 0], [1, 10], names=["friction", "gap"])
    assert box.dim == 2 and box.names == ("friction", "gap")
    assert box.contains((0.5, 10.0)) and not box.contains((0.5, 10.5))
    assert not box.contains((0.5,)) and not box.contains((float("nan"), 1.0))
    assert box.as_dict((0.25, 3.0)) == {"friction": 0.25, "gap": 3.0}
    assert box.encode([(0.1, 1.0)]).shape == (1, 2)
    assert box.decode(np.array([[0.1, 1.0]])) == [(0.1, 1.0)]
    np.testing.assert_array_equal(box.clip(np.array([[-1.0, 11.0]])), [[0.0, 10.0]])
    with pytest.raises(ValueError):
        box.low[0] = 5.0  # bounds are read-only


# The error messages are part of the contract: (constructor, expected message fragment).
ERRORS = [
    (lambda: Discrete([]), "expected at least one task, got none"),
    (lambda: Discrete(0), "expected at least one task, got a count of 0"),
    (lambda: Discrete("abc"), "tasks: expected a list of names or a count, got str"),
    (lambda: Discrete(["a", "a", "b"]), "names must be unique, repeated: 'a'"),
    (lambda: Discrete(["a", ""]), "tasks[1]: expected a non-empty string, got '' (str)"),
    (
        lambda: Discrete(["a\x00b", "c"]),
        "tasks[0]: expected no control characters or lone surrogates, got '\\x00' at position 1",
    ),
    (lambda: Discrete(["a", "b" * 1001]), "tasks[1]: expected at most 1000 characters, got 1001"),
    (
        lambda: Discrete(["add", "sub"], prerequisites={"sub": ["ad"]}),
        "unknown task 'ad' (did you mean 'add'?)",
    ),
    (
        lambda: Discrete(["add", "sub"], prerequisites={"mull": ["add"]}),
        "prerequisites: unknown task 'mull'",
    ),
    (lambda: Discrete(["a", "b"], prerequisites={"a": ["a"]}), "a task cannot require itself"),
    (
        lambda: Discrete(["a", "b", "c"], prerequisites={"a": ["b"], "b": ["c"], "c": ["a"]}),
        "prerequisites contain a cycle: 'a' -> 'b' -> 'c' -> 'a'",
    ),
    (
        lambda: Discrete(["a", "b"], skills={"a": ["s"]}),
        "every task needs at least one skill, untagged: 'b'",
    ),
    (
        lambda: Discrete(["a"], skills={"a": []}),
        "skills of 'a': expected one or more non-empty skill names",
    ),
    (lambda: Discrete(["a"], skills={"z": ["s"], "a": ["s"]}), "skills: unknown task 'z'"),
    (lambda: Box([0, 0], [1]), "low and high: expected the same length, got 2 and 1"),
    (
        lambda: Box([0, 2], [1, 1], names=["x", "y"]),
        "bounds of 'y': expected low <= high, got low=2 > high=1",
    ),
    (lambda: Box([float("nan")], [1]), "bounds of 'x0': expected finite numbers"),
    (lambda: Box([0], [float("inf")]), "bounds of 'x0': expected finite numbers"),
    (lambda: Box([], []), "expected at least one dimension, got none"),
    (
        lambda: Box([0, 0], [1, 1], names=["x"]),
        "names: expected 2 names (one per dimension), got 1",
    ),
    (lambda: Box([0, 0], [1, 1], names=["x", "x"]), "names: expected unique non-empty strings"),
    (lambda: Discrete(["add"]).index("ad"), "unknown task 'ad' (did you mean 'add'?)"),
    (lambda: Discrete(3).encode(["3"]), "unknown task '3': expected a name '0'..'2'"),
    (
        lambda: Box([0], [1]).encode([(2.0,)]),
        "expected 1 finite values within x0 in [0, 1], got (2.0,)",
    ),
    (lambda: Space.from_dict({"type": "discrte"}), "did you mean 'discrete'?"),
    (lambda: Discrete(["a"]).sample(42), "expected a numpy Generator, got int"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("build", "message"), ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_error_messages(build: object, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        build()  # type: ignore[operator]
    assert message in str(info.value)


def test_several_problems_are_reported_together() -> None:
    with pytest.raises(ValidationError) as info:
        Box([0, 5, float("nan")], [1, 1, 1], names=["a", "b", "c"])
    assert len(info.value.problems) == 2
    assert "(2 problems)" in str(info.value)
