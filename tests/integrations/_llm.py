"""Shared pieces of the LLM-integration tests: a small arithmetic prompt set."""

from __future__ import annotations

import hashlib
from typing import Any


def prompt_rows(n_per_level: int = 4, levels: int = 2) -> dict[str, list[Any]]:
    """Columns of a prompt set: ``prompt``, ``answer``, ``level`` (``d1``, ``d2``, ...)."""
    cols: dict[str, list[Any]] = {"prompt": [], "answer": [], "level": []}
    for lev in range(1, levels + 1):
        for k in range(n_per_level):
            a, b = 10 ** (lev - 1) + 3 * k, 2 * k + lev
            cols["prompt"].append(f"{a}+{b}=")
            cols["answer"].append(str(a + b))
            cols["level"].append(f"d{lev}")
    return cols


def hashed_reward(index: int, rollout: int) -> float:
    """A reward that depends only on the prompt and the rollout's position: 0 or 1."""
    digest = hashlib.sha256(f"{index}-{rollout}".encode()).digest()
    return float(digest[0] % 2)
