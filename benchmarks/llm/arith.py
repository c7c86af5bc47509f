"""Three-digit addition with difficulty levels by carries: prompts, answers, reward, eval.

Level ``Ck`` adds two three-digit numbers whose sum needs exactly ``k`` carries (0 to 3):
the same length at every level, harder with every carry to propagate. The prompt is
``"a+b="`` and the answer is the sum written least significant digit first
(``"125+139="`` -> ``"462"``), the order in which a left-to-right decoder can propagate
carries; a small transformer learns it from scratch. The reward is 1 for the exact
answer, else 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def carries(a: int, b: int) -> int:
    """How many carries the column addition ``a + b`` makes."""
    count, carry = 0, 0
    while a or b:
        carry = int(a % 10 + b % 10 + carry >= 10)
        count += carry
        a, b = a // 10, b // 10
    return count


def problem(level: int, rng: np.random.Generator) -> tuple[str, str]:
    """One ``(prompt, answer)`` of two three-digit numbers with ``level`` carries."""
    while True:
        a, b = (int(x) for x in rng.integers(100, 1000, size=2))
        if carries(a, b) == level:
            return f"{a}+{b}=", str(a + b)[::-1]


def problems(levels: list[int], per_level: int, seed: int) -> dict[str, list[Any]]:
    """Columns ``prompt``, ``answer``, ``level`` (``"C0"``, ...) of a problem set."""
    rng = np.random.default_rng(seed)
    cols: dict[str, list[Any]] = {"prompt": [], "answer": [], "level": []}
    for level in levels:
        for _ in range(per_level):
            p, a = problem(level, rng)
            cols["prompt"].append(p)
            cols["answer"].append(a)
            cols["level"].append(f"C{level}")
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
