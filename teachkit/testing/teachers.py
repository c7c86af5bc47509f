"""Discover every registered teacher and build example instances for conformance tests."""

from __future__ import annotations

from collections.abc import Iterator

from teachkit._teacher import BaseTeacher
from teachkit.spaces import Box, Discrete, Generated, Space


def example_spaces() -> list[Space]:
    """The spaces every teacher is tried on: a Discrete one with skills and prerequisites,
    a 2-D Box, and a Generated one (corridors with holes)."""
    from teachkit.testing.generators import Corridors

    return [
        Discrete(
            ["count", "add", "sub", "mul", "div", "frac"],
            skills={
                "count": ["number"],
                "add": ["number", "addition"],
                "sub": ["addition"],
                "mul": ["multiplication"],
                "div": ["multiplication"],
                "frac": ["fractions"],
            },
            prerequisites={
                "addition": ["number"],
                "multiplication": ["addition"],
                "fractions": ["multiplication"],
            },
        ),
        Box([0.0, -1.0], [1.0, 1.0], names=["difficulty", "noise"]),
        Generated(Corridors(longest=8)),
    ]


def all_teachers() -> list[type[BaseTeacher]]:
    """Every teacher registered in :data:`teachkit.registry.TEACHERS`."""
    from teachkit.registry import TEACHERS, teacher_class

    return [teacher_class(name) for name in TEACHERS]


def teacher_examples(seed: int = 0) -> Iterator[tuple[str, BaseTeacher]]:
    """``(test id, instance)`` for every teacher on every space it supports."""
    for cls in all_teachers():
        built = False
        for space in example_spaces():
            if not isinstance(space, cls.spaces):
                continue
            teacher = cls._example(space, seed)
            if teacher is not None:
                built = True
                yield f"{cls.__name__}-{type(space).__name__}", teacher
        if not built:
            raise AssertionError(
                f"{cls.__name__}._example() returned None for every example space; "
                "a teacher must support at least one of them"
            )
