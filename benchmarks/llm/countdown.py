"""Countdown: reach a target with the given numbers and + - * (each number once).

Level ``k`` gives ``k`` numbers from 1 to 20 (levels 3, 4, 5 as in the SEC paper's setting
of Countdown with more numbers being harder); the target is the value of a random
expression over all of them, so every problem is solvable. The answer is an expression;
the reward is 1 when it uses exactly the given numbers and evaluates to the target.
"""

from __future__ import annotations

import ast
import operator
import re
from typing import Any

import numpy as np

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


INSTRUCTION = (
    "Using the numbers {numbers}, make {target}. Use each number exactly once, with + - * "
    "and parentheses. Give only the expression inside <answer></answer>."
)


def problem(
    k: int, rng: np.random.Generator, instruction: bool = False
) -> tuple[str, int, list[int]]:
    """``(prompt, target, numbers)`` of a level-``k`` problem (``instruction``: the wording
    for an instruction-tuned model, else a terse one a character model can spell)."""
    nums = [int(x) for x in rng.integers(1, 21, size=k)]
    value = nums[0]
    for x in nums[1:]:
        op = int(rng.integers(3))
        value = value + x if op == 0 else value - x if op == 1 else value * x
        if abs(value) > 10_000:
            value -= x * x
    order = rng.permutation(k).tolist()
    shown = [nums[i] for i in order]
    if instruction:
        prompt = INSTRUCTION.format(numbers=", ".join(map(str, shown)), target=value)
    else:
        prompt = f"Using {' '.join(map(str, shown))} make {value}. Answer:"
    return prompt, value, shown


def problems(
    levels: list[int], per_level: int, seed: int, instruction: bool = False
) -> dict[str, list[Any]]:
    """Columns ``prompt``, ``target``, ``numbers``, ``level`` (``"N3"``, ...)."""
    rng = np.random.default_rng(seed)
    cols: dict[str, list[Any]] = {"prompt": [], "target": [], "numbers": [], "level": []}
    for k in levels:
        for _ in range(per_level):
            p, t, nums = problem(k, rng, instruction)
            cols["prompt"].append(p)
            cols["target"].append(t)
            cols["numbers"].append(nums)
            cols["level"].append(f"N{k}")
    return cols


def _value(node: ast.AST) -> int:
    if isinstance(node, ast.Expression):
        return _value(node.body)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return int(_OPS[type(node.op)](_value(node.left), _value(node.right)))
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    raise ValueError("not an arithmetic expression")


def solved(text: str, target: int, numbers: list[int]) -> bool:
    """Whether ``text`` (inside its last ``<answer></answer>``, else its first line) is an
    expression over exactly ``numbers`` whose value is ``target``."""
    tagged = re.findall(r"<answer>(.*?)</answer>", text, flags=re.S)
    expr = (tagged[-1] if tagged else text.strip().split("\n")[0]).strip()
    if not expr or not re.fullmatch(r"[0-9+\-*() ]+", expr):
        return False
    used = sorted(int(x) for x in re.findall(r"\d+", expr))
    if used != sorted(numbers):
        return False
    try:
        return _value(ast.parse(expr, mode="eval")) == target
    except (ValueError, SyntaxError, RecursionError):
        return False


def _text(completion: Any) -> str:
    """A completion's text: a string, or (conversational prompts) its messages' contents."""
    if isinstance(completion, str):
        return completion
    return "".join(m.get("content") or "" for m in completion)


def reward(
    completions: list[Any], target: list[int], numbers: list[list[int]], **_: Any
) -> list[float]:
    """GRPO reward: 1.0 for a correct expression, else 0."""
    return [1.0 if solved(_text(c), t, n) else 0.0 for c, t, n in zip(completions, target, numbers)]
