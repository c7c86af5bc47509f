"""Teachers: policies that decide what a learner practices next.

Importing a teacher here (and listing it in ``__all__``) registers it: the conformance
suite and the command line find every teacher through this module.
"""

from teachkit.teachers._adr import ADR
from teachkit.teachers._alp_gmm import ALPGMM
from teachkit.teachers._base import BaseTeacher
from teachkit.teachers._class_order import ClassOrder
from teachkit.teachers._covar_gmm import CovarGMM
from teachkit.teachers._cyclical import Cyclical
from teachkit.teachers._designer import CurriculumDesigner, RankedOrder
from teachkit.teachers._doremi import DoReMi
from teachkit.teachers._dump import DUMP
from teachkit.teachers._mastery import MasteryLearning
from teachkit.teachers._path import PathPlanner
from teachkit.teachers._per_learner_copy import PerLearner
from teachkit.teachers._plr import PLR, RobustPLR
from teachkit.teachers._rehearsal import Rehearsal
from teachkit.teachers._riac import RIAC
from teachkit.teachers._sec import SEC
from teachkit.teachers._sequential import Sequential
from teachkit.teachers._skill_it import SkillIt
from teachkit.teachers._spaced import SpacedReview
from teachkit.teachers._target import TargetSuccess
from teachkit.teachers._target_difficulty import TargetDifficulty
from teachkit.teachers._tscl import TSCL
from teachkit.teachers._tutor import Tutor
from teachkit.teachers._uniform import Uniform
from teachkit.teachers._zero_variance import ZeroVarianceFilter

__all__ = [
    "ADR",
    "ALPGMM",
    "DUMP",
    "PLR",
    "RIAC",
    "SEC",
    "TSCL",
    "BaseTeacher",
    "ClassOrder",
    "CovarGMM",
    "CurriculumDesigner",
    "Cyclical",
    "DoReMi",
    "MasteryLearning",
    "PathPlanner",
    "PerLearner",
    "RankedOrder",
    "Rehearsal",
    "RobustPLR",
    "Sequential",
    "SkillIt",
    "SpacedReview",
    "TargetDifficulty",
    "TargetSuccess",
    "Tutor",
    "Uniform",
    "ZeroVarianceFilter",
]
