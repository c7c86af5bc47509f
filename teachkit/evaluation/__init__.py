"""Evaluating learner models: pyKT's protocol for knowledge tracing, a given train/test
split, a time-ordered split for memory models, comparisons of several models, and the
metrics they use."""

from teachkit.evaluation._metrics import accuracy, auc, calibration, log_loss, rmse, scores
from teachkit.evaluation._plot import plot_calibration
from teachkit.evaluation._protocols import (
    Evaluation,
    compare,
    comparison_table,
    cut,
    drop_short,
    evaluate_memory,
    evaluate_pykt,
    evaluate_split,
    merge_spaces,
    pykt_split,
)

__all__ = [
    "Evaluation",
    "accuracy",
    "auc",
    "calibration",
    "compare",
    "comparison_table",
    "cut",
    "drop_short",
    "evaluate_memory",
    "evaluate_pykt",
    "evaluate_split",
    "log_loss",
    "merge_spaces",
    "plot_calibration",
    "pykt_split",
    "rmse",
    "scores",
]
