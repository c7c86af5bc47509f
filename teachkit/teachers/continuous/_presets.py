"""Named hyperparameter presets of the continuous teachers (each class's ``PRESETS`` table).

A preset is a dict of constructor arguments taken from a paper or a reference
implementation; ``Teacher.preset(space, name, **overrides)`` builds from one.
"""

from __future__ import annotations

from typing import Any

from teachkit._validation import unknown_name


def check_preset(cls: Any, name: str) -> dict[str, Any]:
    """The hyperparameters of preset ``name`` of ``cls`` (a ``PRESETS`` table)."""
    if name not in cls.PRESETS:
        raise unknown_name(f"{cls.__name__} preset", name, cls.PRESETS)
    return dict(cls.PRESETS[name])
