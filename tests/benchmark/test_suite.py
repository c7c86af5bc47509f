"""Suite files: a good one loads; each bad one is rejected naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from teachkit.benchmark import Suite, TeacherSpec, find_suite, list_suites, load_suite
from teachkit.errors import ValidationError

TOY = "tests.benchmark._toy:ChainStudent"
ALLOW = ("tests.benchmark._toy",)
"""Suites name the toy simulator by its path, which needs its module allowed explicitly."""

GOOD = f"""
description = "a chain of tasks"
seeds = 3
steps = 20
eval_every = 5

[simulator]
name = "{TOY}"
n_learners = 4
params = {{ n_tasks = 3 }}

[[teachers]]
name = "uniform"

[[teachers]]
name = "sequential"
label = "strict"
params = {{ threshold = 0.9 }}

[[teachers]]
name = "oracle"
"""


def write(tmp_path: Path, text: str, name: str = "toy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_good_suite_loads(tmp_path: Path) -> None:
    suite = load_suite(write(tmp_path, GOOD), allow=ALLOW)
    assert suite == Suite(
        name="toy",
        simulator=TOY,
        teachers=(
            TeacherSpec("uniform"),
            TeacherSpec("sequential", {"threshold": 0.9}, "strict"),
            TeacherSpec("oracle"),
        ),
        seeds=(0, 1, 2),
        steps=20,
        eval_every=5,
        n_learners=4,
        simulator_params={"n_tasks": 3},
        description="a chain of tasks",
        source=str(tmp_path / "toy.toml"),
        allow=ALLOW,
    )
    short = load_suite(
        write(
            tmp_path, f'simulator = "{TOY}"\nteachers = ["uniform"]\nseeds = [4, 9]\nsteps = 30\n'
        ),
        allow=ALLOW,
    )
    assert (short.seeds, short.eval_every, short.n_learners) == ((4, 9), 3, 32)


def test_overrides_keep_known_teacher_params(tmp_path: Path) -> None:
    suite = load_suite(write(tmp_path, GOOD), allow=ALLOW).with_overrides(
        teachers=["strict", "uniform"], seeds=5, steps=4
    )
    assert suite.teachers == (
        TeacherSpec("sequential", {"threshold": 0.9}, "strict"),
        TeacherSpec("uniform"),
    )
    assert (suite.seeds, suite.steps, suite.eval_every) == ((0, 1, 2, 3, 4), 4, 4)
    with pytest.raises(ValidationError, match="did you mean 'uniform'"):
        suite.with_overrides(teachers=["unifor"])


def replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


BAD = [
    (
        "unknown simulator",
        replace(f'name = "{TOY}"', 'name = "skil_graph"'),
        "simulator.name: unknown simulator: 'skil_graph' (did you mean 'skill_graph'?)",
    ),
    (
        "simulator not importable",
        replace(f'name = "{TOY}"', 'name = "tests.benchmark._toy:Nope"'),
        "simulator.name: simulator 'tests.benchmark._toy:Nope': could not be loaded",
    ),
    (
        "unknown simulator param",
        replace("n_tasks = 3", "n_task = 3"),
        "simulator.params.n_task: ChainStudent takes no parameter 'n_task' (did you mean 'n_tasks'?)",
    ),
    (
        "n_learners type",
        replace("n_learners = 4", 'n_learners = "4"'),
        "simulator.n_learners: expected an integer >= 1, got '4'",
    ),
    (
        "unknown teacher",
        replace('name = "uniform"', 'name = "unifrom"'),
        "teachers[0].name: unknown teacher: 'unifrom' (did you mean 'uniform'?)",
    ),
    (
        "unknown teacher param",
        replace("threshold = 0.9", "treshold = 0.9"),
        "teachers[1].params.treshold: Sequential takes no parameter 'treshold' (did you mean 'threshold'?)",
    ),
    (
        "oracle params",
        replace('name = "oracle"', 'name = "oracle"\nparams = { x = 1 }'),
        "teachers[2].params: the oracle takes no parameters",
    ),
    (
        "duplicate label",
        replace('label = "strict"', 'label = "uniform"'),
        "teachers[1].label: 'uniform' is used twice",
    ),
    (
        "teacher without name",
        replace('name = "uniform"', 'nme = "uniform"'),
        "teachers[0].nme: unknown key (did you mean 'name'?)",
    ),
    (
        "params not a table",
        replace("params = { threshold = 0.9 }", "params = 0.9"),
        "teachers[1].params: expected a table of keyword arguments, got 0.9",
    ),
    (
        "seeds zero",
        replace("seeds = 3", "seeds = 0"),
        "seeds: expected a number of seeds in [1, 10_000]",
    ),
    (
        "seeds negative list",
        replace("seeds = 3", "seeds = [1, -2]"),
        "seeds: expected integers >= 0, got [1, -2]",
    ),
    ("seeds repeated", replace("seeds = 3", "seeds = [1, 1]"), "seeds: expected distinct seeds"),
    (
        "seeds type",
        replace("seeds = 3", 'seeds = "3"'),
        "seeds: expected a number of seeds in [1, 10_000] or a list",
    ),
    (
        "steps type",
        replace("steps = 20", "steps = 2.5"),
        "steps: expected an integer >= 1, got 2.5",
    ),
    (
        "eval_every too big",
        replace("eval_every = 5", "eval_every = 50"),
        "eval_every: expected an integer in [1, steps=20], got 50",
    ),
    ("missing steps", replace("steps = 20", ""), "steps: missing (required keys"),
    ("missing teachers", GOOD.split("[[teachers]]")[0], "teachers: missing (required keys"),
    (
        "unknown top key",
        replace("seeds = 3", "seeds = 3\nsteep = 4"),
        "steep: unknown key (did you mean 'steps' or 'seeds'?)",
    ),
    ("not toml", replace("seeds = 3", "seeds = = 3"), "is not valid TOML"),
]


@pytest.mark.parametrize(("text", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_suite_files(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValidationError) as info:
        load_suite(path, allow=ALLOW)
    assert info.value.subject == f"suite file {str(path)!r}"
    assert any(message in p for p in info.value.problems), info.value.problems


def test_several_problems_are_reported_together(tmp_path: Path) -> None:
    text = replace("seeds = 3", "seeds = 0").replace("steps = 20", "steps = -1")
    with pytest.raises(ValidationError) as info:
        load_suite(write(tmp_path, text), allow=ALLOW)
    assert len(info.value.problems) == 2


def test_missing_file_and_unknown_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="cannot be read"):
        load_suite(tmp_path / "nope.toml", allow=ALLOW)
    write(tmp_path, GOOD, "chain.toml")
    monkeypatch.setenv("TEACHKIT_SUITES", str(tmp_path))
    assert list_suites()["chain"] == tmp_path / "chain.toml"
    assert find_suite("chain", allow=ALLOW).name == "chain"
    with pytest.raises(ValidationError, match="'chian' \\(did you mean 'chain'\\?\\)"):
        find_suite("chian")


def test_shipped_suites_are_valid() -> None:
    root = Path(__file__).resolve().parents[2] / "benchmarks" / "suites"
    paths = sorted(root.glob("*.toml"))
    assert len(paths) >= 7
    for path in paths:
        load_suite(path, allow=ALLOW)
