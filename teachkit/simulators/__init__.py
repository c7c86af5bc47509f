"""Simulated learners with hidden ground truth, for measuring how well teachers teach.

Every simulator follows :class:`Simulator`: a teacher sees only the events ``step``
returns; only its :class:`Oracle` (``sim.oracle(seed)``) reads ``truth()``.
"""

from __future__ import annotations

from teachkit.simulators._base import Oracle, Simulator
from teachkit.simulators._bkt_oracle import BKTOracle
from teachkit.simulators._bkt_student import BKTStudent
from teachkit.simulators._category import CategoryStudent
from teachkit.simulators._category_oracle import CategoryOracle
from teachkit.simulators._class_incremental import ClassIncrementalStudent
from teachkit.simulators._class_incremental_oracle import ClassIncrementalOracle
from teachkit.simulators._grid import GridToyStudent
from teachkit.simulators._grid_oracle import GridToyOracle
from teachkit.simulators._logs import skill_graph_log
from teachkit.simulators._skill_graph import SkillGraphStudent
from teachkit.simulators._skill_graph_oracle import SkillGraphOracle

__all__ = [
    "BKTOracle",
    "BKTStudent",
    "CategoryOracle",
    "CategoryStudent",
    "ClassIncrementalOracle",
    "ClassIncrementalStudent",
    "GridToyOracle",
    "GridToyStudent",
    "Oracle",
    "Simulator",
    "SkillGraphOracle",
    "SkillGraphStudent",
    "skill_graph_log",
]
