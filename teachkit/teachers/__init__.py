"""Teachers: policies that decide what a learner practices next.

Importing a teacher here (and listing it in ``__all__``) registers it: the conformance
suite and the command line find every teacher through this module.
"""

from teachkit.teachers._adr import ADR
from teachkit.teachers._alp_gmm import ALPGMM
from teachkit.teachers._base import BaseTeacher
from teachkit.teachers._covar_gmm import CovarGMM
from teachkit.teachers._riac import RIAC
from teachkit.teachers._sequential import Sequential
from teachkit.teachers._uniform import Uniform

__all__ = ["ADR", "ALPGMM", "RIAC", "BaseTeacher", "CovarGMM", "Sequential", "Uniform"]
