"""Checks a user can run on their own teachers (and learner models) before trusting them."""

from teachkit.checks._learner import check_learner_model
from teachkit.checks._teacher import check_teacher

__all__ = ["check_learner_model", "check_teacher"]
