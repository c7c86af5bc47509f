"""Teachers for machine learners on discrete tasks: learning-progress bandits (TSCL, SEC,
DUMP), difficulty targeting (TargetDifficulty), replay (PLR), data mixing (DoReMi,
Skill-It). ``_signals`` holds what they share: outcome signals, softmax and fast draws."""

from teachkit.teachers.machine._doremi import DoReMi
from teachkit.teachers.machine._dump import DUMP
from teachkit.teachers.machine._plr import PLR, RobustPLR
from teachkit.teachers.machine._sec import SEC
from teachkit.teachers.machine._skill_it import SkillIt
from teachkit.teachers.machine._target_difficulty import TargetDifficulty
from teachkit.teachers.machine._tscl import TSCL

__all__ = ["DUMP", "PLR", "SEC", "TSCL", "DoReMi", "RobustPLR", "SkillIt", "TargetDifficulty"]
