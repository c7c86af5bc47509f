"""A zoo of students: many simulated populations with randomized structure and parameters.

Defaults are chosen on the zoo, never on one preset, and teaching quality is reported on
students the defaults were not tuned on. A :class:`ZooMember` is one population: a
registered simulator, the parameters drawn for it once from the member's own seed
(stored explicitly, so a member is plain data that reports can show), the class size and
the practice budget; ``teachkit.benchmark.Suite.from_zoo`` runs teachers on it. Each
family's members come from its own module (``FAMILIES``); every
family keeps a held-out part, whole kinds and fresh structure seeds, that only the final
report uses.

    >>> from teachkit.simulators import zoo
    >>> sorted(zoo.FAMILIES)
    ['continuous', 'llm', 'people']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from teachkit._validation import unknown_name

SPLITS = ("tune", "heldout")
"""``"tune"``: members defaults may be chosen on. ``"heldout"``: only for the final report."""

FAMILIES: dict[str, str] = {
    "people": "teachkit.simulators.zoo._people:members",
    "llm": "teachkit.simulators.zoo._llm:members",
    "continuous": "teachkit.simulators.zoo._continuous:members",
}
"""Family -> ``"module:function"``; the function takes ``split`` and returns its members."""


@dataclass(frozen=True)
class ZooMember:
    """One simulated population of the zoo.

    Args:
        family: ``"people"``, ``"llm"`` or ``"continuous"``.
        kind: the sub-family (how its structure was drawn), e.g. ``"prerequisites"``.
        split: ``"tune"`` or ``"heldout"``.
        seed: the structure seed its parameters were drawn from.
        simulator: a registered simulator name (``teachkit.registry.SIMULATORS``).
        params: the simulator's keyword arguments (everything but ``n_learners``, ``seed``).
        n_learners: the class size.
        steps: the practice budget, in simulator steps.
        eval_every: how often the harness measures.
        measure: the measure teaching quality is judged on (default: the simulator's primary).
    """

    family: str
    kind: str
    split: str
    seed: int
    simulator: str
    params: Mapping[str, Any] = field(default_factory=dict)
    n_learners: int = 32
    steps: int = 100
    eval_every: int = 10
    measure: str | None = None

    @property
    def name(self) -> str:
        """``family/kind/seed``: unique within the zoo."""
        return f"{self.family}/{self.kind}/{self.seed}"


def members(family: str, split: str = "tune") -> list[ZooMember]:
    """The members of one family's split, in a fixed order."""
    if family not in FAMILIES:
        raise unknown_name("zoo family", family, FAMILIES)
    if split not in SPLITS:
        raise unknown_name("zoo split", split, SPLITS)
    module, _, name = FAMILIES[family].partition(":")
    build: Callable[[str], list[ZooMember]] = getattr(importlib.import_module(module), name)
    return build(split)


__all__ = ["FAMILIES", "SPLITS", "ZooMember", "members"]
