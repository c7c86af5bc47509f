"""The ask/tell orchestrator."""

from teachkit.curriculum._assignments import AssignmentBatch
from teachkit.curriculum._curriculum import Curriculum

__all__ = ["AssignmentBatch", "Curriculum"]
