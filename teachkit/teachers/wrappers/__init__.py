"""Wrappers: teachers that hold another teacher and change how it is used, all on one
small base (:class:`Wrapper`). PerLearner gives every learner its own copy, Rehearsal mixes
in reviews of past tasks, ZeroVarianceFilter skips tasks whose rollouts all agree."""

from teachkit.teachers.wrappers._base import Wrapper
from teachkit.teachers.wrappers._per_learner import PerLearner
from teachkit.teachers.wrappers._rehearsal import Rehearsal
from teachkit.teachers.wrappers._zero_variance import ZeroVarianceFilter

__all__ = ["PerLearner", "Rehearsal", "Wrapper", "ZeroVarianceFilter"]
