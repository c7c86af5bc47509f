"""Simulated learners with hidden ground truth, for measuring how well teachers teach.

Every simulator follows :class:`Simulator`: a teacher sees only the events ``step``
returns; only oracle teachers read ``truth()``.
"""

from __future__ import annotations

from teachkit.simulators._base import Simulator
from teachkit.simulators._category import CategoryStudent
from teachkit.simulators._class_incremental import ClassIncrementalStudent
from teachkit.simulators._grid import GridToyStudent
from teachkit.simulators._oracles import CategoryOracle, SkillGraphOracle
from teachkit.simulators._oracles_machine import ClassIncrementalOracle, GridToyOracle
from teachkit.simulators._skill_graph import SkillGraphStudent

__all__ = [
    "CategoryOracle",
    "CategoryStudent",
    "ClassIncrementalOracle",
    "ClassIncrementalStudent",
    "GridToyOracle",
    "GridToyStudent",
    "Simulator",
    "SkillGraphOracle",
    "SkillGraphStudent",
]
