"""Task spaces: what a teacher may choose from."""

from teachkit.spaces._base import Space
from teachkit.spaces._box import Box
from teachkit.spaces._discrete import Discrete

__all__ = ["Box", "Discrete", "Space"]
