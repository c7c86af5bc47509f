"""Learner models: what a learner knows, from the answers it gave.

Every model is a :class:`BaseLearnerModel` (see its docstring for the contract teaching
policies rely on); importing it here and listing it in ``__all__`` registers it with the
conformance suite.
"""

from teachkit.learners._base import BaseLearnerModel
from teachkit.learners._bkt import BKT
from teachkit.learners._dkt import DKT
from teachkit.learners._elo import Elo
from teachkit.learners._irt import IRT
from teachkit.learners._memory import MemoryModel
from teachkit.learners._pfa import PFA
from teachkit.learners._sakt import SAKT

__all__ = ["BKT", "DKT", "IRT", "PFA", "SAKT", "BaseLearnerModel", "Elo", "MemoryModel"]
