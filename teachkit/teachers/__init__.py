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
from teachkit.teachers._mastery import MasteryLearning
from teachkit.teachers._path import PathPlanner
from teachkit.teachers._rehearsal import Rehearsal
from teachkit.teachers._riac import RIAC
from teachkit.teachers._sequential import Sequential
from teachkit.teachers._spaced import SpacedReview
from teachkit.teachers._target import TargetSuccess
from teachkit.teachers._tutor import Tutor
from teachkit.teachers._uniform import Uniform

__all__ = [
    "ADR",
    "ALPGMM",
    "RIAC",
    "BaseTeacher",
    "ClassOrder",
    "CovarGMM",
    "CurriculumDesigner",
    "Cyclical",
    "MasteryLearning",
    "PathPlanner",
    "RankedOrder",
    "Rehearsal",
    "Sequential",
    "SpacedReview",
    "TargetSuccess",
    "Tutor",
    "Uniform",
]
