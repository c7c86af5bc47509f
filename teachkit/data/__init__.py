"""Interaction logs: loading, validating and generating them.

Every reader returns an :class:`InteractionLog`, the one question-level form learner
models fit on and evaluations score.
"""

from teachkit.data._log import DataWarning, InteractionLog
from teachkit.data._readers import (
    FORMATS,
    detect_format,
    parse_times,
    read_dkt,
    read_log,
    read_long,
    read_pybkt,
    read_pykt,
    read_review_log,
)

__all__ = [
    "FORMATS",
    "DataWarning",
    "InteractionLog",
    "detect_format",
    "parse_times",
    "read_dkt",
    "read_log",
    "read_long",
    "read_pybkt",
    "read_pykt",
    "read_review_log",
]
