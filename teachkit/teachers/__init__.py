"""Teachers: policies that decide what a learner practices next.

Importing a teacher here (and listing it in ``__all__``) registers it: the conformance
suite and the command line find every teacher through this module.
"""

from teachkit.teachers._base import BaseTeacher
from teachkit.teachers._doremi import DoReMi
from teachkit.teachers._dump import DUMP
from teachkit.teachers._per_learner import PerLearner
from teachkit.teachers._plr import PLR, RobustPLR
from teachkit.teachers._sec import SEC
from teachkit.teachers._sequential import Sequential
from teachkit.teachers._skill_it import SkillIt
from teachkit.teachers._target_difficulty import TargetDifficulty
from teachkit.teachers._tscl import TSCL
from teachkit.teachers._uniform import Uniform
from teachkit.teachers._zero_variance import ZeroVarianceFilter

__all__ = [
    "DUMP",
    "PLR",
    "SEC",
    "TSCL",
    "BaseTeacher",
    "DoReMi",
    "PerLearner",
    "RobustPLR",
    "Sequential",
    "SkillIt",
    "TargetDifficulty",
    "Uniform",
    "ZeroVarianceFilter",
]
