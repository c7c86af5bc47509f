"""The one table of string names, and the only place where a stored name becomes a class.

Code passes classes and instances around; people type names (command line, HTTP, suite
files) and stored configs record class paths. Everything that needs the list of teachers or
learner models reads it here: ``teachkit.teachers.__all__`` and ``teachkit.learners.__all__``
are built from these tables, the conformance suites discover what they test from them, and
the command line resolves names through them. Add a line here when you add a teacher or a
learner model; a test checks that every class a family exports is registered.

Stored configs name classes by their public path (``"teachkit.teachers:ALPGMM"``), never
by the private module that defines them, so moving a class between modules does not break
stored curricula.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from teachkit._validation import unknown_name
from teachkit.errors import ValidationError

TEACHERS: dict[str, str] = {
    "uniform": "teachkit.teachers:Uniform",
    "sequential": "teachkit.teachers:Sequential",
    # machine learners, discrete tasks
    "tscl": "teachkit.teachers:TSCL",
    "sec": "teachkit.teachers:SEC",
    "dump": "teachkit.teachers:DUMP",
    "target_difficulty": "teachkit.teachers:TargetDifficulty",
    "pass_rate_band": "teachkit.teachers:PassRateBand",
    "plr": "teachkit.teachers:PLR",
    "robust_plr": "teachkit.teachers:RobustPLR",
    "doremi": "teachkit.teachers:DoReMi",
    "skill_it": "teachkit.teachers:SkillIt",
    "adarft": "teachkit.teachers:AdaRFT",
    "vcrl": "teachkit.teachers:VCRL",
    "e2h": "teachkit.teachers:E2H",
    "difficulty_predictor": "teachkit.teachers:DifficultyPredictor",
    "data_env": "teachkit.teachers:DataEnvTeacher",
    # continuous task spaces
    "alp_gmm": "teachkit.teachers:ALPGMM",
    "covar_gmm": "teachkit.teachers:CovarGMM",
    "riac": "teachkit.teachers:RIAC",
    "adr": "teachkit.teachers:ADR",
    # generated tasks
    "accel": "teachkit.teachers:ACCEL",
    "poet": "teachkit.teachers:POET",
    "clutr": "teachkit.teachers:CLUTR",
    # people
    "mastery": "teachkit.teachers:MasteryLearning",
    "target_success": "teachkit.teachers:TargetSuccess",
    "path_planner": "teachkit.teachers:PathPlanner",
    "spaced_review": "teachkit.teachers:SpacedReview",
    "class_order": "teachkit.teachers:ClassOrder",
    "cyclical": "teachkit.teachers:Cyclical",
    "tutor": "teachkit.teachers:Tutor",
    "cold_start_mastery": "teachkit.teachers:ColdStartMastery",
    # wrappers
    "per_learner": "teachkit.teachers:PerLearner",
    "rehearsal": "teachkit.teachers:Rehearsal",
    "zero_variance_filter": "teachkit.teachers:ZeroVarianceFilter",
}
"""Teacher name -> public ``module:Class``."""

LEARNER_MODELS: dict[str, str] = {
    "bkt": "teachkit.learners:BKT",
    "irt": "teachkit.learners:IRT",
    "elo": "teachkit.learners:Elo",
    "pfa": "teachkit.learners:PFA",
    "dkt": "teachkit.learners:DKT",
    "sakt": "teachkit.learners:SAKT",
    "akt": "teachkit.learners:AKT",
    "simplekt": "teachkit.learners:SimpleKT",
    "psikt": "teachkit.learners:PSIKT",
    "memory": "teachkit.learners:MemoryModel",
}
"""Learner-model name -> public ``module:Class``."""

SIMULATORS: dict[str, str] = {
    "skill_graph": "teachkit.simulators:SkillGraphStudent",
    "category": "teachkit.simulators:CategoryStudent",
    "grid_toy": "teachkit.simulators:GridToyStudent",
    "class_incremental": "teachkit.simulators:ClassIncrementalStudent",
    "bkt_student": "teachkit.simulators:BKTStudent",
}
"""Simulator name -> public ``module:Class`` (resolved only when used)."""

_TABLES = (TEACHERS, LEARNER_MODELS, SIMULATORS)


def exported(table: Mapping[str, str]) -> list[str]:
    """The class names a table registers, in table order: what the package's ``__all__``
    lists next to its base classes."""
    return [path.partition(":")[2] for path in table.values()]


def _load(path: str) -> Any:
    module, _, qualname = path.partition(":")
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _resolve(table: Mapping[str, str], kind: str, name: Any) -> Any:
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in table:
        raise unknown_name(kind, name, table)
    return _load(table[key])


def teacher_class(name: str) -> Any:
    """The teacher class registered under ``name`` (case-insensitive)."""
    return _resolve(TEACHERS, "teacher", name)


def learner_model_class(name: str) -> Any:
    """The learner-model class registered under ``name`` (case-insensitive)."""
    return _resolve(LEARNER_MODELS, "learner model", name)


def teacher_name(cls: type) -> str | None:
    """The registered name of a teacher class, or None for a class of the user's own."""
    path = class_path(cls)
    return next((name for name, p in TEACHERS.items() if p == path), None)


def simulator_class(name: str) -> Any:
    """The simulator class registered under ``name``, or at ``"module:Class"``.

    Raises a ValidationError for an unknown name (with near misses) and for a registered
    simulator that this installation cannot import.
    """
    if isinstance(name, str) and ":" in name:
        return import_path(name, "simulator")
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in SIMULATORS:
        raise unknown_name("simulator", name, SIMULATORS)
    return import_path(SIMULATORS[key], f"simulator {key!r}, registered as")


def import_path(path: str, kind: str = "object") -> Any:
    """The object at ``"package.module:Name"``, or a ValidationError saying why not."""
    module, sep, qualname = path.partition(":")
    if not sep or not module or not qualname:
        raise ValidationError(
            f"{kind} {path!r}", ["expected 'package.module:Name', e.g. 'mypkg.sims:MyStudent'"]
        )
    try:
        return _load(path)
    except (ImportError, AttributeError) as exc:
        raise ValidationError(
            f"{kind} {path!r}",
            [f"could not be loaded ({type(exc).__name__}: {exc}); check the module and name"],
        ) from exc


# -- class paths in stored configs ---------------------------------------------------------------
def class_path(cls: type) -> str:
    """The path a stored config records for ``cls``: its public path when it is registered
    (``"teachkit.teachers:ALPGMM"``), else ``"module:QualName"``."""
    name = cls.__qualname__
    for table in _TABLES:
        for path in table.values():
            module, _, qualname = path.partition(":")
            if qualname == name and cls.__module__.startswith(module + "."):
                return path
    return f"{cls.__module__}:{cls.__qualname__}"


_PUBLIC_PACKAGES = ("teachkit.teachers", "teachkit.learners", "teachkit.simulators")


def public_path(path: str) -> str:
    """Map a class path written by an earlier teachkit (a private module such as
    ``"teachkit.teachers._alp_gmm:ALPGMM"``) to its public path; other paths unchanged."""
    module, _, qualname = path.partition(":")
    for package in _PUBLIC_PACKAGES:
        if module.startswith(package + "."):
            candidate = f"{package}:{qualname}"
            if any(candidate in table.values() for table in _TABLES):
                return candidate
    return path


def resolve_class(path: Any, *, allow: Iterable[str] | None = None) -> type:
    """The class a stored config names.

    Registered classes resolve by their public path (or a path an earlier version wrote).
    Any other ``"module:Class"`` is imported only when ``allow`` is None or names its module
    (or a package above it).
    """
    if not isinstance(path, str) or ":" not in path:
        raise ValidationError(
            "stored config", [f"class: expected 'package.module:Class', got {path!r}"]
        )
    path = public_path(path)
    registered = any(path in table.values() for table in _TABLES)
    if not registered and allow is not None:
        module = path.partition(":")[0]
        allowed = list(allow)
        if not any(module == a or module.startswith(a + ".") for a in allowed):
            raise ValidationError(
                "stored config",
                [
                    f"class {path!r} is not a registered teachkit class and its module is not "
                    f"allowed (allowed: {allowed or 'none'}); pass allow=[{module!r}] if you "
                    "trust the code it names"
                ],
            )
    obj = import_path(path, "stored class")
    if not isinstance(obj, type):
        raise ValidationError("stored config", [f"{path!r} names a {type(obj).__name__}"])
    return obj
