"""Every registered teacher passes check_teacher on every space it supports."""

from __future__ import annotations

import pytest

from teachkit.checks import check_teacher
from teachkit.teachers import BaseTeacher
from teachkit.testing.teachers import teacher_examples

EXAMPLES = list(teacher_examples())


@pytest.mark.parametrize(("name", "teacher"), EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_teacher_keeps_the_contract(name: str, teacher: BaseTeacher) -> None:
    check_teacher(teacher)


def test_every_teacher_is_found() -> None:
    names = {n.split("-")[0] for n, _ in EXAMPLES}
    assert {"Uniform", "Sequential"} <= names
