"""Multi-digit addition with difficulty levels: prompts, answers, reward, greedy evaluation.

Level ``L`` adds two ``L``-digit numbers (level 1: 0-9). The prompt is ``"a+b="`` and the
answer is the sum written least significant digit first (``"12+39="`` -> ``"15"``), the
order in which a left-to-right decoder can propagate carries; a small transformer learns
it from scratch. The reward is 1 for the exact answer followed by the end token, else 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def problem(level: int, rng: np.random.Generator) -> tuple[str, str]:
    """One ``(prompt, answer)`` of ``level`` digits."""
    low = 0 if level == 1 else 10 ** (level - 1)
    a, b = (int(x) for x in rng.integers(low, 10**level, size=2))
    return f"{a}+{b}=", str(a + b)[::-1]


def problems(levels: list[int], per_level: int, seed: int) -> dict[str, list[Any]]:
    """Columns ``prompt``, ``answer``, ``level`` (``"L1"``, ...) of a problem set."""
    rng = np.random.default_rng(seed)
    cols: dict[str, list[Any]] = {"prompt": [], "answer": [], "level": []}
    for level in levels:
        for _ in range(per_level):
            p, a = problem(level, rng)
            cols["prompt"].append(p)
            cols["answer"].append(a)
            cols["level"].append(f"L{level}")
    return cols


def exact_match(completions: list[str], answer: list[str], **_: Any) -> list[float]:
    """GRPO reward: 1.0 where the completion is exactly the answer (then the end token)."""
    return [1.0 if c.strip() == a else 0.0 for c, a in zip(completions, answer)]


def greedy_accuracy(
    model: Any, tokenizer: Any, cols: dict[str, list[Any]], max_new: int
) -> dict[str, float]:
    """Greedy-decoding accuracy per level of a problem set."""
    import torch

    model.eval()
    enc = tokenizer(cols["prompt"], return_tensors="pt", padding=True)
    with torch.no_grad():
        out = model.generate(
            **enc,
            max_new_tokens=max_new,
            do_sample=False,
            pad_token_id=tokenizer.pad_token_id,
            eos_token_id=tokenizer.eos_token_id,
        )
    texts = tokenizer.batch_decode(out[:, enc["input_ids"].shape[1] :], skip_special_tokens=True)
    right = np.array([t.strip() == a for t, a in zip(texts, cols["answer"])])
    levels = np.array(cols["level"])
    model.train()
    return {lev: float(right[levels == lev].mean()) for lev in dict.fromkeys(cols["level"])}
