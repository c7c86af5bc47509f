"""Teachers for machine learners on discrete tasks: learning-progress bandits (TSCL, SEC,
DUMP), difficulty targeting (TargetDifficulty, PassRateBand), replay (PLR), data mixing (DoReMi,
Skill-It), LLM post-training curricula (AdaRFT, VCRL, E2H, DifficultyPredictor) and a
data-generation loop (DataEnvTeacher). ``_signals`` holds what they share: outcome signals, softmax and fast draws."""

from teachkit.teachers.machine._adarft import AdaRFT
from teachkit.teachers.machine._data_env import DataEnvTeacher
from teachkit.teachers.machine._difficulty_predictor import DifficultyPredictor
from teachkit.teachers.machine._doremi import DoReMi
from teachkit.teachers.machine._dump import DUMP
from teachkit.teachers.machine._e2h import E2H
from teachkit.teachers.machine._pass_rate_band import PassRateBand
from teachkit.teachers.machine._plr import PLR, RobustPLR
from teachkit.teachers.machine._sec import SEC
from teachkit.teachers.machine._skill_it import SkillIt
from teachkit.teachers.machine._target_difficulty import TargetDifficulty
from teachkit.teachers.machine._tscl import TSCL
from teachkit.teachers.machine._vcrl import VCRL

__all__ = [
    "DUMP",
    "E2H",
    "PLR",
    "SEC",
    "TSCL",
    "VCRL",
    "AdaRFT",
    "DataEnvTeacher",
    "DifficultyPredictor",
    "DoReMi",
    "PassRateBand",
    "RobustPLR",
    "SkillIt",
    "TargetDifficulty",
]
