"""The package's shape: a core that loads no teacher, and one registry for every name."""

from __future__ import annotations

import subprocess
import sys

import pytest

import teachkit as tk
from teachkit import registry


def test_the_core_loads_no_teacher_family_no_model_and_no_torch() -> None:
    code = (
        "import sys, teachkit.curriculum, teachkit.storages, teachkit.spaces\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'torch' or m.startswith(("
        "'teachkit.teachers', 'teachkit.learners', 'teachkit.simulators', 'teachkit.data',"
        " 'teachkit.benchmark', 'sklearn'))]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_packages_above_the_core_load_on_first_use() -> None:
    assert tk.teachers.Uniform.__name__ == "Uniform"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        tk.nothing  # noqa: B018


@pytest.mark.parametrize(
    ("package", "table", "bases"),
    [
        ("teachkit.teachers", registry.TEACHERS, {"BaseTeacher", "Wrapper"}),
        ("teachkit.learners", registry.LEARNER_MODELS, {"BaseLearnerModel"}),
    ],
)
def test_every_exported_class_is_registered_and_every_registered_name_resolves(
    package: str, table: dict[str, str], bases: set[str]
) -> None:
    import importlib

    module = importlib.import_module(package)
    assert set(module.__all__) == bases | set(registry.exported(table))
    for path in table.values():
        assert path.startswith(package + ":")
        obj = getattr(module, path.partition(":")[2])
        assert registry.class_path(obj) == path  # configs record the public path


def test_every_teacher_a_family_exports_is_registered() -> None:
    from teachkit.teachers import continuous, machine, people, wrappers

    registered = set(registry.exported(registry.TEACHERS))
    for family in (continuous, machine, people, wrappers):
        teachers = {
            name
            for name in family.__all__
            if isinstance(getattr(family, name), type)
            and issubclass(getattr(family, name), tk.teachers.BaseTeacher)
            and name != "Wrapper"
        }
        assert teachers <= registered, family.__name__
    # utilities of a family are not teachers
    assert "CurriculumDesigner" not in tk.teachers.__all__


def test_unknown_names_share_one_error() -> None:
    with pytest.raises(
        tk.ValidationError, match=r"unknown teacher: 'tcsl' \(did you mean 'tscl'\?\)"
    ):
        registry.teacher_class("tcsl")
    with pytest.raises(tk.ValidationError, match=r"unknown learner model: 'bkk'"):
        registry.learner_model_class("bkk")


PUBLIC_MODULES = [
    "teachkit",
    "teachkit.spaces",
    "teachkit.storages",
    "teachkit.teachers",
    "teachkit.teachers.machine",
    "teachkit.teachers.continuous",
    "teachkit.teachers.people",
    "teachkit.teachers.wrappers",
    "teachkit.learners",
    "teachkit.simulators",
    "teachkit.simulators.zoo",
    "teachkit.benchmark",
    "teachkit.data",
    "teachkit.evaluation",
    "teachkit.checks",
    "teachkit.testing",
    "teachkit.registry",
    "teachkit.errors",
    "teachkit.integrations.gymnasium",
    "teachkit.integrations.syllabus",
    "teachkit.integrations.teachmyagent",
    "teachkit.integrations.ray",
]


def test_every_public_class_function_and_method_has_a_docstring() -> None:
    import importlib
    import inspect

    missing: list[str] = []
    seen: set[int] = set()
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", [n for n in dir(module) if not n.startswith("_")]):
            obj = getattr(module, attr, None)
            if obj is None or id(obj) in seen or inspect.ismodule(obj):
                continue
            seen.add(id(obj))
            if not getattr(obj, "__module__", "").startswith("teachkit"):
                continue
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and not inspect.getdoc(obj):
                missing.append(f"{obj.__module__}.{obj.__qualname__}")
            if not inspect.isclass(obj):
                continue
            for key, value in vars(obj).items():
                fn = (
                    value.fget if isinstance(value, property) else getattr(value, "__func__", value)
                )
                if key.startswith("_") or not inspect.isfunction(fn):
                    continue
                if not inspect.getdoc(getattr(obj, key)) and not (
                    isinstance(value, property) and value.__doc__
                ):
                    missing.append(f"{obj.__module__}.{obj.__qualname__}.{key}")
    assert missing == []
