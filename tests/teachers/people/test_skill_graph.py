"""The skill graph and clock the people teachers share."""

from __future__ import annotations

import numpy as np

import teachkit as tk
from teachkit._batch import EventBatch, OutcomeBatch
from teachkit.teachers.people._base import SkillGraph, min_known
from tests.teachers.people._script import T0, arithmetic


def test_skill_level_prerequisites() -> None:
    g = SkillGraph(arithmetic())
    names = list(arithmetic().skill_names)
    word = arithmetic().index("word")
    assert [names[s] for s in g.pre[names.index("division")]] == ["subtraction", "multiplication"]
    # word exercises addition and multiplication; it waits for addition (multiplication's
    # prerequisite) and number (addition's), and needs nothing outside itself but number
    assert sorted(names[s] for s in g.item_req[word]) == ["addition", "number"]
    assert [names[s] for s in g.item_req_outside[word]] == ["number"]
    assert [names[s] for s in g.order][:2] == ["number", "addition"]


def test_task_level_prerequisites_become_skill_prerequisites() -> None:
    space = tk.spaces.Discrete(["a", "b", "c"], prerequisites={"c": ["a", "b"]})
    g = SkillGraph(space)
    assert g.pre[2].tolist() == [0, 1] and g.item_req[2].tolist() == [0, 1]
    assert g.open_items(np.array([True, False, False])).tolist() == [True, True, False]
    tagged = tk.spaces.Discrete(
        ["x1", "x2", "y"], skills={"x1": "x", "x2": "x", "y": "y"}, prerequisites={"y": ["x2"]}
    )
    assert SkillGraph(tagged).pre[1].tolist() == [0]


def test_min_known_is_one_without_prerequisites() -> None:
    g = SkillGraph(arithmetic())
    m = np.linspace(0.1, 0.6, g.n_skills)
    got = min_known(m, g.pre_pad)
    want = [min(1.0, float(m[p].min(initial=1.0))) for p in g.pre]
    assert np.allclose(got, want) and got[0] == 1.0


def test_clock_follows_the_answers_and_fills_missing_times() -> None:
    teacher = tk.teachers.SpacedReview(tk.spaces.Discrete(["a", "b"]))
    assert teacher.now("ana") == 0.0
    for k, t in enumerate([T0, T0 + 100.0, float("nan")]):
        teacher.tell(
            EventBatch.build(
                learner_ids=["ana"],
                tasks=np.array([k % 2]),
                outcomes=OutcomeBatch(score=np.array([1.0])),
                times=np.array([t]),
                assignment_ids=np.array([-1]),
            )
        )
    # the gap moved to 100 s; the event without a time was placed one gap later
    assert teacher._last_time["ana"] == T0 + 200.0
    assert teacher.now("ana") == T0 + 300.0
