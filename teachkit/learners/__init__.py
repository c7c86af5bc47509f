"""Learner models: what a learner knows, from the answers it gave.

Every model is a :class:`BaseLearnerModel` (see its docstring for the contract teaching
policies rely on). The list of models is :data:`teachkit.registry.LEARNER_MODELS`:
``__all__`` below, the command line and the conformance suite all read it.
"""

from teachkit.learners._akt import AKT
from teachkit.learners._base import BaseLearnerModel
from teachkit.learners._bkt import BKT
from teachkit.learners._dkt import DKT
from teachkit.learners._elo import Elo
from teachkit.learners._irt import IRT
from teachkit.learners._memory import MemoryModel
from teachkit.learners._pfa import PFA
from teachkit.learners._psikt import PSIKT
from teachkit.learners._sakt import SAKT
from teachkit.learners._simplekt import SimpleKT
from teachkit.registry import LEARNER_MODELS, exported

__all__ = ["BaseLearnerModel", *exported(LEARNER_MODELS)]
