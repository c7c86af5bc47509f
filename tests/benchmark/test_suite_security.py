"""Suite files may come from elsewhere: they import nothing, call nothing and write nowhere
they were not allowed to (issue 12, security).

A corpus of hostile suites, each with the error it must give: class paths outside the
registry (``os:system``, a module that runs code when imported), allowed modules naming
something that is not a simulator or a teacher, and names that try to leave
``bench-results/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from teachkit.benchmark import Suite, TeacherSpec, load_suite
from teachkit.benchmark._suite import allowed_class, folder_name
from teachkit.cli import main
from teachkit.errors import ValidationError

BASE = """
name = "{name}"
seeds = 1
steps = 2
eval_every = 1

[simulator]
name = "{simulator}"
n_learners = 2
params = {params}

[[teachers]]
name = "{teacher}"
"""


def suite_text(
    *,
    name: str = "hostile",
    simulator: str = "skill_graph",
    teacher: str = "uniform",
    params: str = '{ preset = "arithmetic" }',
) -> str:
    return BASE.format(name=name, simulator=simulator, teacher=teacher, params=params)


@pytest.fixture
def booby_trap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module on sys.path that leaves a marker file when it is imported."""
    marker = tmp_path / "imported.marker"
    (tmp_path / "booby_trap.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"
        "class Student:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "booby_trap", raising=False)
    return marker


HOSTILE = [
    (
        "simulator os:system",
        {"simulator": "os:system"},
        (),
        "simulator.name: simulator 'os:system': is not a registered simulator and its module "
        "'os' is not allowed (allowed: none)",
    ),
    (
        "teacher os:system",
        {"teacher": "os:system"},
        (),
        "teachers[0].name: teacher 'os:system': is not a registered teacher and its module 'os' "
        "is not allowed",
    ),
    (
        "teacher subprocess:Popen",
        {"teacher": "subprocess:Popen"},
        (),
        "its module 'subprocess' is not allowed",
    ),
    (
        "simulator os:system, os allowed",
        {"simulator": "os:system"},
        ("os",),
        "simulator 'os:system': expected a subclass of Simulator, got function",
    ),
    (
        "teacher a function, its module allowed",
        {"teacher": "shutil:rmtree"},
        ("shutil",),
        "teacher 'shutil:rmtree': expected a subclass of BaseTeacher, got",
    ),
    (
        "teacher a simulator class",
        {"teacher": "teachkit.simulators:SkillGraphStudent"},
        ("teachkit.simulators",),
        "expected a subclass of BaseTeacher, got ABCMeta",
    ),
    (
        "prefix is not a package",
        {"teacher": "teachkit_evil.x:Teacher"},
        ("teachkit",),
        "its module 'teachkit_evil.x' is not allowed (allowed: teachkit)",
    ),
    (
        "module-looking registered name",
        {"simulator": "teachkit.simulators._skill_graph:SkillGraphStudent"},
        (),
        "is not a registered simulator",
    ),
]


@pytest.mark.parametrize(
    ("fields", "allow", "message"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_hostile_suites(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fields: dict[str, str],
    allow: tuple[str, ...],
    message: str,
) -> None:
    import os

    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    path = tmp_path / "hostile.toml"
    path.write_text(suite_text(**fields))
    with pytest.raises(ValidationError) as info:
        load_suite(path, allow=allow)
    assert any(message in p for p in info.value.problems), info.value.problems
    assert calls == []


def test_a_suite_imports_nothing_unless_allowed(tmp_path: Path, booby_trap: Path) -> None:
    path = tmp_path / "trap.toml"
    path.write_text(suite_text(simulator="booby_trap:Student", teacher="booby_trap:Student"))
    with pytest.raises(ValidationError, match="module 'booby_trap' is not allowed"):
        load_suite(path)
    assert not booby_trap.exists()  # the module never ran
    with pytest.raises(ValidationError, match="expected a subclass of Simulator"):
        load_suite(path, allow=["booby_trap"])
    assert booby_trap.exists()  # allowed explicitly: imported, then refused as no simulator


def test_python_built_suites_follow_the_same_rule() -> None:
    suite = Suite("s", "os:system", (TeacherSpec("uniform"),), (0,), 2, 1)
    with pytest.raises(ValidationError, match="module 'os' is not allowed"):
        suite.check()
    with pytest.raises(ValidationError, match="module 'os' is not allowed"):
        suite.simulator_class()
    with pytest.raises(ValidationError, match="module 'os' is not allowed"):
        TeacherSpec("os:system").resolve()
    with pytest.raises(ValidationError, match="expected a subclass of BaseTeacher"):
        TeacherSpec("os:system").resolve(["os"])
    assert allowed_class("collections:OrderedDict", "mapping", dict, ["collections"]) is not dict
    with pytest.raises(ValidationError, match="expected a subclass of dict"):
        allowed_class("os:getcwd", "mapping", dict, ["os"])


@pytest.mark.parametrize("allow", ["os", [""], ["os;rm -rf"], [3], ["a..b"]])
def test_allow_must_be_module_names(tmp_path: Path, allow: object) -> None:
    path = tmp_path / "ok.toml"
    path.write_text(suite_text())
    with pytest.raises(ValidationError, match="allow: expected"):
        load_suite(path, allow=allow)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("../../escape", "escape"),
        ("/etc/cron.d/x", "etc-cron.d-x"),
        ("..", "suite"),
        (".hidden", "hidden"),
        ("a/../../b", "a-.-.-b"),
        ("C:\\Windows\\x", "C-Windows-x"),
        ("ok-name_1.2", "ok-name_1.2"),
        ("x" * 300, "x" * 100),
        ("\x00\n\t", "suite"),
        ("名前", "suite"),
    ],
)
def test_suite_names_become_safe_folder_names(name: str, folder: str) -> None:
    assert folder_name(name) == folder
    out = Suite(name, "skill_graph", (TeacherSpec("uniform"),), (0,), 2, 1).out_dir()
    assert out == Path("bench-results") / folder
    assert out.resolve().is_relative_to(Path("bench-results").resolve())


def test_bench_keeps_results_inside_bench_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    path = work / "escape.toml"
    path.write_text(suite_text(name="../../outside"))
    assert main(["bench", "--suite", str(path), "--no-progress"]) == 0
    capsys.readouterr()
    assert (work / "bench-results" / "outside" / "results.csv").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]


def test_a_suite_cannot_ask_for_unbounded_seeds(tmp_path: Path) -> None:
    path = tmp_path / "many.toml"
    path.write_text(suite_text().replace("seeds = 1", "seeds = 9999999999999999999"))
    with pytest.raises(
        ValidationError, match=r"seeds: expected a number of seeds in \[1, 10_000\]"
    ):
        load_suite(path)
    path.write_text(suite_text())
    with pytest.raises(
        ValidationError, match=r"seeds: expected a number of seeds in \[1, 10_000\]"
    ):
        load_suite(path).with_overrides(seeds=10**9)
    with pytest.raises(ValidationError, match="steps: expected an integer >= 1"):
        load_suite(path).with_overrides(steps="2")  # type: ignore[arg-type]
