"""Teachers for people: mastery learning, target success (ZPD, CAT, PUDF), the path
planner, spaced review, the Tutor, class orders, cyclical review and cold-start mastery
(N right in a row). ``_base`` holds what
they share (the skill graph and the learner-model plumbing); Curriculum Designer is a
utility that ranks class orders, used by :class:`ClassOrder`, not a teacher."""

from teachkit.teachers.people._class_order import ClassOrder
from teachkit.teachers.people._cold_start import ColdStartMastery
from teachkit.teachers.people._cyclical import Cyclical
from teachkit.teachers.people._designer import CurriculumDesigner, RankedOrder
from teachkit.teachers.people._learned_graph import learned_prerequisites
from teachkit.teachers.people._mastery import MasteryLearning
from teachkit.teachers.people._path import PathPlanner
from teachkit.teachers.people._spaced import SpacedReview
from teachkit.teachers.people._target import TargetSuccess
from teachkit.teachers.people._tutor import Tutor

__all__ = [
    "ClassOrder",
    "ColdStartMastery",
    "CurriculumDesigner",
    "Cyclical",
    "MasteryLearning",
    "PathPlanner",
    "RankedOrder",
    "SpacedReview",
    "TargetSuccess",
    "Tutor",
    "learned_prerequisites",
]
