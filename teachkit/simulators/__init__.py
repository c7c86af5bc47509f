"""Simulated learners with hidden ground truth, for measuring how well teachers teach.

Every simulator follows :class:`Simulator`: a teacher sees only the events ``step``
returns; only oracle teachers read ``truth()``.
"""

from __future__ import annotations

from teachkit.simulators._base import Simulator

__all__ = ["Simulator"]
