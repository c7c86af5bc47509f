"""Learner models: what a learner knows, from the answers it gave.

Every model is a :class:`BaseLearnerModel` (see its docstring for the contract teaching
policies rely on); importing it here and listing it in ``__all__`` registers it with the
conformance suite.
"""

from teachkit.learners._base import BaseLearnerModel
from teachkit.learners._bkt import BKT

__all__ = ["BKT", "BaseLearnerModel"]
