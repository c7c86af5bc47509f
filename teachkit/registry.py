"""The one table of string names, used only at the edges (command line, HTTP, config files).

Code passes classes and instances around; people type names. Add a line here when you add
a teacher or a learner model that users should reach by name.
"""

from __future__ import annotations

import importlib
from typing import Any

from teachkit._validation import did_you_mean
from teachkit.errors import ValidationError

TEACHERS: dict[str, str] = {
    "uniform": "teachkit.teachers:Uniform",
    "sequential": "teachkit.teachers:Sequential",
    "tscl": "teachkit.teachers:TSCL",
    "sec": "teachkit.teachers:SEC",
    "dump": "teachkit.teachers:DUMP",
    "target_difficulty": "teachkit.teachers:TargetDifficulty",
    "plr": "teachkit.teachers:PLR",
    "robust_plr": "teachkit.teachers:RobustPLR",
    "doremi": "teachkit.teachers:DoReMi",
    "skill_it": "teachkit.teachers:SkillIt",
    "zero_variance_filter": "teachkit.teachers:ZeroVarianceFilter",
    "per_learner": "teachkit.teachers:PerLearner",
    "alp_gmm": "teachkit.teachers:ALPGMM",
    "covar_gmm": "teachkit.teachers:CovarGMM",
    "riac": "teachkit.teachers:RIAC",
    "adr": "teachkit.teachers:ADR",
    "mastery": "teachkit.teachers:MasteryLearning",
    "target_success": "teachkit.teachers:TargetSuccess",
    "path_planner": "teachkit.teachers:PathPlanner",
    "spaced_review": "teachkit.teachers:SpacedReview",
    "rehearsal": "teachkit.teachers:Rehearsal",
    "class_order": "teachkit.teachers:ClassOrder",
    "cyclical": "teachkit.teachers:Cyclical",
    "tutor": "teachkit.teachers:Tutor",
}
"""Teacher name -> ``module:Class``."""

LEARNER_MODELS: dict[str, str] = {
    "bkt": "teachkit.learners:BKT",
    "irt": "teachkit.learners:IRT",
    "elo": "teachkit.learners:Elo",
    "pfa": "teachkit.learners:PFA",
    "dkt": "teachkit.learners:DKT",
    "sakt": "teachkit.learners:SAKT",
    "memory": "teachkit.learners:MemoryModel",
}
"""Learner-model name -> ``module:Class``."""

SIMULATORS: dict[str, str] = {
    "skill_graph": "teachkit.simulators:SkillGraphStudent",
    "category": "teachkit.simulators:CategoryStudent",
    "grid_toy": "teachkit.simulators:GridToyStudent",
    "class_incremental": "teachkit.simulators:ClassIncrementalStudent",
}
"""Simulator name -> ``module:Class`` (resolved only when used)."""


def _resolve(table: dict[str, str], kind: str, name: str) -> Any:
    key = name.strip().lower()
    if key not in table:
        raise ValidationError(
            f"unknown {kind}",
            [f"{name!r}{did_you_mean(key, table)}; known: {', '.join(sorted(table))}"],
        )
    module, _, qualname = table[key].partition(":")
    return getattr(importlib.import_module(module), qualname)


def import_path(path: str, kind: str = "object") -> Any:
    """The object at ``"package.module:Name"``, or a ValidationError saying why not."""
    module, sep, qualname = path.partition(":")
    if not sep or not module or not qualname:
        raise ValidationError(
            f"{kind} {path!r}", ["expected 'package.module:Name', e.g. 'mypkg.sims:MyStudent'"]
        )
    try:
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise ValidationError(
            f"{kind} {path!r}",
            [f"could not be loaded ({type(exc).__name__}: {exc}); check the module and name"],
        ) from exc
    return obj


def teacher_class(name: str) -> Any:
    """The teacher class registered under ``name`` (case-insensitive)."""
    return _resolve(TEACHERS, "teacher", name)


def learner_model_class(name: str) -> Any:
    """The learner-model class registered under ``name`` (case-insensitive)."""
    return _resolve(LEARNER_MODELS, "learner model", name)


def simulator_class(name: str) -> Any:
    """The simulator class registered under ``name``, or at ``"module:Class"``.

    Raises a ValidationError for an unknown name (with near misses) and for a registered
    simulator that this installation cannot import.
    """
    if ":" in name:
        return import_path(name, "simulator")
    key = name.strip().lower()
    if key not in SIMULATORS:
        raise ValidationError(
            "unknown simulator",
            [f"{name!r}{did_you_mean(key, SIMULATORS)}; known: {', '.join(sorted(SIMULATORS))}"],
        )
    return import_path(SIMULATORS[key], f"simulator {key!r}, registered as")
