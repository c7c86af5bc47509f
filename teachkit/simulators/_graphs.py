"""Skill graphs for SkillGraphStudent: a hand-written arithmetic graph and random DAGs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from teachkit.spaces import Discrete

# The arithmetic graph: skill -> prerequisites (a DAG, listed in a topological order).
ARITHMETIC: dict[str, tuple[str, ...]] = {
    "counting": (),
    "place_value": ("counting",),
    "addition": ("counting",),
    "subtraction": ("addition",),
    "addition_carry": ("addition", "place_value"),
    "subtraction_borrow": ("subtraction", "place_value"),
    "multiplication": ("addition",),
    "division": ("multiplication", "subtraction"),
    "multi_digit_multiplication": ("multiplication", "addition_carry"),
    "long_division": ("division", "subtraction_borrow"),
    "fractions": ("division",),
    "fraction_arithmetic": ("fractions", "multiplication"),
}

# Mixed items exercising two skills at once (a word problem, a multi-step exercise).
_ARITHMETIC_MIXED = (
    ("addition", "subtraction"),
    ("addition_carry", "subtraction_borrow"),
    ("multiplication", "division"),
    ("long_division", "multi_digit_multiplication"),
    ("fractions", "fraction_arithmetic"),
)


@dataclass(frozen=True)
class SkillGraph:
    """Skills, their prerequisite DAG and the items with their IRT parameters.

    Attributes:
        skills: skill names, in a topological order (prerequisites first).
        prerequisites: ``int64 (K, P)`` prerequisite indices per skill, -1 padded.
        depth: ``int64 (K,)`` longest prerequisite chain below each skill.
        items: item names.
        item_skills: ``int64 (I, M)`` skill indices per item, -1 padded (slot 0 is the
            item's main skill).
        difficulty, discrimination: ``float64 (I,)`` IRT ``b`` and ``a`` per item.
    """

    skills: tuple[str, ...]
    prerequisites: np.ndarray
    depth: np.ndarray
    items: tuple[str, ...]
    item_skills: np.ndarray
    difficulty: np.ndarray
    discrimination: np.ndarray

    def __post_init__(self) -> None:
        for name in ("prerequisites", "depth", "item_skills", "difficulty", "discrimination"):
            getattr(self, name).setflags(write=False)  # shared with oracles: read-only

    def space(self) -> Discrete:
        """The public task space: item names, skill tags and the skill prerequisite DAG."""
        tags = {
            item: [self.skills[k] for k in row if k >= 0]
            for item, row in zip(self.items, self.item_skills.tolist())
        }
        pre = {
            self.skills[k]: [self.skills[j] for j in row if j >= 0]
            for k, row in enumerate(self.prerequisites.tolist())
            if any(j >= 0 for j in row)
        }
        return Discrete(
            list(self.items), skills=tags, prerequisites=pre, prerequisite_level="skills"
        )


def _pad(rows: list[list[int]]) -> np.ndarray:
    width = max(1, max((len(r) for r in rows), default=1))
    out = np.full((len(rows), width), -1, dtype=np.int64)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out


def _depths(pre: list[list[int]]) -> np.ndarray:
    depth = np.zeros(len(pre), dtype=np.int64)
    for k, ps in enumerate(pre):  # topological order: prerequisites come first
        depth[k] = 1 + max((depth[j] for j in ps), default=-1)
    return depth


def arithmetic_graph() -> SkillGraph:
    """12 arithmetic skills; 3 items per skill (easy, medium, hard) plus 5 mixed items.

    Item difficulties are -1, 0, +1 for easy, medium and hard, discrimination 1.5 (mixed
    items: difficulty 0.5, discrimination 1.2).
    """
    skills = tuple(ARITHMETIC)
    index = {s: i for i, s in enumerate(skills)}
    pre = [[index[p] for p in ARITHMETIC[s]] for s in skills]
    items: list[str] = []
    tags: list[list[int]] = []
    b: list[float] = []
    a: list[float] = []
    for s in skills:
        for level, diff in (("easy", -1.0), ("medium", 0.0), ("hard", 1.0)):
            items.append(f"{s}/{level}")
            tags.append([index[s]])
            b.append(diff)
            a.append(1.5)
    for first, second in _ARITHMETIC_MIXED:
        items.append(f"mixed/{first}+{second}")
        tags.append([index[second], index[first]])  # main skill: the later one
        b.append(0.5)
        a.append(1.2)
    return SkillGraph(
        skills=skills,
        prerequisites=_pad(pre),
        depth=_depths(pre),
        items=tuple(items),
        item_skills=_pad(tags),
        difficulty=np.array(b),
        discrimination=np.array(a),
    )


def random_graph(n_skills: int, items_per_skill: int, seed: int | None) -> SkillGraph:
    """A random layered DAG: skill ``k`` takes 0-3 prerequisites among the 20 skills before it.

    The first ``max(1, n_skills // 20)`` skills are roots. Each item practices its skill;
    30% of items also exercise one of the skill's prerequisites. Difficulties ~ N(0, 0.8),
    discriminations ~ LogNormal(log 1.3, 0.25).
    """
    rng = np.random.default_rng([0 if seed is None else seed, 7])
    roots = max(1, n_skills // 20)
    pre: list[list[int]] = []
    for k in range(n_skills):
        if k < roots:
            pre.append([])
            continue
        lo = max(0, k - 20)
        count = min(k - lo, int(rng.integers(1, 4)))
        pre.append(sorted(rng.choice(np.arange(lo, k), size=count, replace=False).tolist()))
    skills = tuple(f"skill{k:03d}" for k in range(n_skills))
    items: list[str] = []
    tags: list[list[int]] = []
    for k in range(n_skills):
        for j in range(items_per_skill):
            items.append(f"item{k:03d}_{j}")
            row = [k]
            if pre[k] and rng.random() < 0.3:
                row.append(int(rng.choice(pre[k])))
            tags.append(row)
    n_items = len(items)
    return SkillGraph(
        skills=skills,
        prerequisites=_pad(pre),
        depth=_depths(pre),
        items=tuple(items),
        item_skills=_pad(tags),
        difficulty=rng.normal(0.0, 0.8, n_items),
        discrimination=rng.lognormal(np.log(1.3), 0.25, n_items),
    )
