"""Teachers: policies that decide what a learner practices next.

``Uniform`` and ``Sequential`` live here; the rest come in families, each a package with
the helpers its members share: :mod:`~teachkit.teachers.machine` (discrete tasks for
machine learners), :mod:`~teachkit.teachers.continuous` (``Box`` spaces),
:mod:`~teachkit.teachers.generative` (teachers that create tasks on ``Generated`` spaces),
:mod:`~teachkit.teachers.people` and :mod:`~teachkit.teachers.wrappers` (teachers that hold
a teacher). Every teacher is also importable from here. The list of teachers is
:data:`teachkit.registry.TEACHERS`: ``__all__`` below, the command line and the conformance
suite all read it.
"""

from teachkit._teacher import BaseTeacher
from teachkit.registry import TEACHERS, exported
from teachkit.teachers._sequential import Sequential
from teachkit.teachers._uniform import Uniform
from teachkit.teachers.continuous import ADR, ALPGMM, RIAC, CovarGMM
from teachkit.teachers.generative import ACCEL, CLUTR, POET
from teachkit.teachers.machine import (
    DUMP,
    E2H,
    PLR,
    SEC,
    TSCL,
    VCRL,
    AdaRFT,
    DataEnvTeacher,
    DifficultyPredictor,
    DoReMi,
    PassRateBand,
    RobustPLR,
    SkillIt,
    TargetDifficulty,
)
from teachkit.teachers.people import (
    ClassOrder,
    ColdStartMastery,
    Cyclical,
    MasteryLearning,
    PathPlanner,
    SpacedReview,
    TargetSuccess,
    Tutor,
)
from teachkit.teachers.wrappers import PerLearner, Rehearsal, Wrapper, ZeroVarianceFilter

# The registry is the list of teachers; the imports above make each name importable here.
__all__ = ["BaseTeacher", "Wrapper", *exported(TEACHERS)]
