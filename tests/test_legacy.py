"""Curricula stored by teachkit 0.1.0 load and make the same next choices.

``tests/fixtures/legacy/v0_1_0.db`` was written by teachkit 0.1.0 (the release before
teachers became families and per-learner copies became the PerLearner wrapper) with
``tests/fixtures/legacy/make_legacy.py``, which also recorded each curriculum's next
choices after loading it in ``v0_1_0_next.json``.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest

import teachkit as tk
from teachkit._legacy import upgrade_config
from teachkit.cli import main
from teachkit.errors import ReplayMismatchWarning

FIXTURES = Path(__file__).parent / "fixtures" / "legacy"
GOLDEN = json.loads((FIXTURES / "v0_1_0_next.json").read_text())


@pytest.fixture(scope="module")
def legacy_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("legacy") / "v0_1_0.db"
    shutil.copy(FIXTURES / "v0_1_0.db", path)
    url = f"sqlite:///{path}"
    # its schema is revision 0001: upgrade it as the error tells a user to
    assert main(["storage", "upgrade", url]) == 0
    return url


@pytest.mark.parametrize("name", sorted(GOLDEN["next"]))
def test_a_curriculum_stored_by_0_1_0_makes_the_same_next_choices(
    legacy_url: str, name: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReplayMismatchWarning)
        cur = tk.Curriculum.load(legacy_url, name)
    expected = GOLDEN["next"][name]
    for learner, tasks in expected.items():
        got = [cur.ask(learner).task for _ in range(len(tasks))]
        if isinstance(tasks[0], str):
            assert got == tasks, learner
        else:
            flat = [x for task in got for x in task]
            assert flat == pytest.approx([x for task in tasks for x in task], abs=1e-9), learner
    cur.close()


def test_private_paths_and_per_learner_become_the_public_form() -> None:
    space = {"__space__": tk.spaces.Box([0.0], [1.0]).to_dict()}
    old = {
        "class": "teachkit.teachers._alp_gmm:ALPGMM",
        "params": {"space": space, "per_learner": True, "fit_rate": 20, "seed": 3},
    }
    assert upgrade_config(old) == {
        "class": "teachkit.teachers:PerLearner",
        "params": {
            "space": space,
            "teacher": {
                "__component__": {
                    "class": "teachkit.teachers:ALPGMM",
                    # solved_above came later (issue 13): off, as it was
                    "params": {"space": space, "fit_rate": 20, "seed": 3, "solved_above": None},
                }
            },
            "seed": 3,
        },
    }
    shared = {**old, "params": {**old["params"], "per_learner": False}}
    assert upgrade_config(shared)["class"] == "teachkit.teachers:ALPGMM"
    assert "per_learner" not in upgrade_config(shared)["params"]
    current = tk.teachers.ALPGMM(tk.spaces.Box([0.0], [1.0])).to_config()
    assert current["class"] == "teachkit.teachers:ALPGMM"
    assert upgrade_config(current) == current


def test_a_config_stored_before_a_new_default_keeps_its_behaviour() -> None:
    box = tk.spaces.Box([0.0], [1.0])
    current = tk.teachers.ALPGMM(box, seed=1).to_config()
    assert current["params"]["solved_above"] == 0.45  # today's default, stored explicitly
    before = {
        **current,
        "params": {k: v for k, v in current["params"].items() if k != "solved_above"},
    }
    teacher = tk.teachers.BaseTeacher.from_config(upgrade_config(before))
    assert teacher.solved_above is None  # the rule it was stored with
    # changed defaults elsewhere reach no stored config: every hyperparameter is stored
    sec = tk.teachers.SEC(tk.spaces.Discrete(3), alpha=0.5, temperature=0.2).to_config()
    assert tk.teachers.BaseTeacher.from_config(upgrade_config(sec)).get_params()["alpha"] == 0.5
