"""Fixed-seed regressions on GridToyStudent: the same teacher, seed and simulator give the
same learning, to the unit of competence (a deterministic regression, not a quality claim)."""

from __future__ import annotations

import pytest

import teachkit as tk
from teachkit.simulators import GridToyStudent


def build(name: str, space: tk.spaces.Box) -> tk.teachers.BaseTeacher:
    if name == "ALPGMM":
        return tk.teachers.ALPGMM.preset("portelas2019", space, seed=0)
    if name == "RIAC":
        return tk.teachers.RIAC.preset("portelas2019", space, seed=0)
    if name == "CovarGMM":
        return tk.teachers.CovarGMM.preset("portelas2019", space, seed=0)
    return tk.teachers.ADR(
        space, initial=[0.0, 0.0], step_size=0.05, threshold_low=0.0, threshold_high=0.5, seed=0
    )


@pytest.mark.parametrize(
    ("name", "mastered", "competence"),
    [("ALPGMM", 2.0, 316), ("RIAC", 4.0, 646), ("CovarGMM", 7.0, 787), ("ADR", 9.0, 1165)],
)
def test_golden_3000_episodes(name: str, mastered: float, competence: int) -> None:
    sim = GridToyStudent(1, seed=0, tasks_per_step=10)
    teacher = build(name, sim.space)
    for _ in range(300):
        teacher.tell(sim.step(teacher.ask_encoded("s0", 10)[None]))
    assert sim.measures()["mastered"] == pytest.approx(mastered)
    assert int(sim.truth()["competence"].sum()) == competence
