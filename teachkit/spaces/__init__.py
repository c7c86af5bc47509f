"""Task spaces: what a teacher may choose from."""

from teachkit.spaces._base import Space
from teachkit.spaces._box import Box
from teachkit.spaces._discrete import Discrete
from teachkit.spaces._generated import Generated, GeneratedTask
from teachkit.spaces._generator import TaskGenerator

__all__ = ["Box", "Discrete", "Generated", "GeneratedTask", "Space", "TaskGenerator"]
