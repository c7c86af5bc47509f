"""A growing item bank: tasks added, retired and restored as ops of the log."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from teachkit import Curriculum, Outcome
from teachkit.errors import CurriculumExistsError, ReplayMismatchWarning, ValidationError
from teachkit.spaces import Box, Discrete
from teachkit.teachers import Tutor, Uniform

SPACE = Discrete(
    ["1+1", "2+3", "2x3"],
    skills={"1+1": ["add"], "2+3": ["add"], "2x3": ["mul"]},
    prerequisites={"mul": ["add"]},
)


def _practice(cur: Curriculum, learner: str, k: int) -> list[str]:
    tasks = []
    for i in range(k):
        a = cur.ask(learner)
        tasks.append(str(a.task))
        cur.tell(a, Outcome(success=i % 3 != 0))
    return tasks


def test_added_tasks_are_taught_and_survive_reloads(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    cur = Curriculum(Tutor(SPACE, seed=0), storage=url, name="maths", snapshot_every=4)
    other = Curriculum.load(url, "maths")
    _practice(cur, "ana", 6)
    grown = cur.add_tasks(
        ["6/3", "8/4"],
        skills={"6/3": ["div"], "8/4": ["div"]},
        prerequisites={"div": ["mul"]},
    )
    assert grown.names == ("1+1", "2+3", "2x3", "6/3", "8/4")
    assert cur.space is grown and cur.teacher.space == grown
    assert cur.teacher.plan("ana")[-1] == "div"
    later = _practice(cur, "ana", 30)
    assert {"6/3", "8/4"} & set(later)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReplayMismatchWarning)
        loaded = Curriculum.load(url, "maths")
    assert loaded.teacher.state_bytes() == cur.teacher.state_bytes()
    assert loaded.peek("ana", 2) == cur.peek("ana", 2)
    assert other.refresh() > 0 and other.space == grown  # another handle follows
    assert other.teacher.state_bytes() == cur.teacher.state_bytes()
    assert other.ask("bo").task in grown.names  # and keeps working on the grown space


def test_retired_tasks_are_never_handed_out_and_come_back() -> None:
    cur = Curriculum(Uniform(SPACE, seed=1))
    a = cur.ask("ana")
    space = cur.retire_tasks(["1+1", "2x3"])
    assert space.retired == ("1+1", "2x3") and space.active.tolist() == [1]
    assert set(_practice(cur, "ana", 20)) == {"2+3"}
    assert cur.tell(a, Outcome(score=1.0)) is not None  # a late outcome still counts
    assert cur.peek("ana", 5) == ["2+3"] * 5
    assert cur.retire_tasks(["1+1"]) is cur.space  # nothing new: no op
    ops = cur.ops
    cur.restore_tasks(["2x3"])
    assert cur.ops == ops + 1 and cur.space.retired == ("1+1",)
    assert set(_practice(cur, "ana", 40)) == {"2+3", "2x3"}
    tutor = Curriculum(Tutor(SPACE, seed=0))
    tutor.retire_tasks(["1+1"])
    assert "1+1" not in _practice(tutor, "ana", 20)


def test_item_bank_errors_say_what_to_do() -> None:
    cur = Curriculum(Tutor(SPACE, seed=0))
    with pytest.raises(ValidationError, match=r"tasks already in the space: '2x3'"):
        cur.add_tasks(["2x3"], skills={"2x3": ["mul"]})
    with pytest.raises(ValidationError, match="new tasks need skills too"):
        cur.add_tasks(["3x3"])
    with pytest.raises(ValidationError, match=r"retired: unknown task 'nope'"):
        cur.retire_tasks(["nope"])
    with pytest.raises(ValidationError, match="at least one task must stay active"):
        cur.retire_tasks(list(SPACE.names))
    with pytest.raises(ValidationError, match="expected a list of task names"):
        cur.retire_tasks("1+1")  # type: ignore[arg-type]
    assert cur.ops == 0
    box = Curriculum(Uniform(Box([0.0], [1.0]), seed=0))
    with pytest.raises(ValidationError, match="only a Discrete task space changes"):
        box.add_tasks(["x"])


def test_a_real_teacher_mismatch_names_what_differs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    Curriculum(Tutor(SPACE, seed=0), storage=url, name="maths")
    bigger = Discrete(
        [*SPACE.names, "3x3"],
        skills={**SPACE.to_dict()["skills"], "3x3": ["mul"]},
        prerequisites={"mul": ["add"]},
    )
    with pytest.raises(CurriculumExistsError) as info:
        Curriculum(Tutor(bigger, seed=0), storage=url, name="maths", load_if_exists=True)
    text = str(info.value)
    assert (
        "teacher.params.space tasks: 1 added ('3x3'); add tasks to a stored curriculum with curriculum.add_tasks(...)"
        in text
    )
    assert "teacher.params.space skills: new for '3x3'" in text
    with pytest.raises(
        CurriculumExistsError, match=r"teacher.params.target: stored 0.75, given 0.8"
    ):
        Curriculum(Tutor(SPACE, target=0.8, seed=0), storage=url, name="maths", load_if_exists=True)
    grown = Curriculum.load(url, "maths")
    grown.add_tasks(["3x3"], skills={"3x3": ["mul"]})
    # the definition as created and as it is now both load it
    assert (
        Curriculum(Tutor(SPACE, seed=0), storage=url, name="maths", load_if_exists=True).space.n
        == 4
    )
    assert (
        Curriculum(Tutor(bigger, seed=0), storage=url, name="maths", load_if_exists=True).space.n
        == 4
    )
