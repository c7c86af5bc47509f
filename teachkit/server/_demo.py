"""The demo course ``teachkit serve`` creates: arithmetic practice taught by the Tutor.

Its skills and prerequisites are those of the ``arithmetic`` preset of
:class:`~teachkit.simulators.SkillGraphStudent`; each skill has three items (easy, medium,
hard) whose ``content`` holds the prompt a learner sees and the answer that counts as
correct.
"""

from __future__ import annotations

from typing import Any

from teachkit.simulators._graphs import ARITHMETIC

DEMO_COURSE = "arithmetic"

# skill -> (prompt, answer) for its easy, medium and hard item
_ITEMS: dict[str, tuple[tuple[str, str], ...]] = {
    "counting": (("What number comes after 7?", "8"), ("Count by twos: 2, 4, 6, ?", "8"),
                 ("What number comes before 40?", "39")),
    "place_value": (("How many tens are in 47?", "4"), ("What is the hundreds digit of 382?", "3"),
                    ("Write 6 hundreds, 0 tens and 5 ones as a number.", "605")),
    "addition": (("3 + 4 = ?", "7"), ("6 + 8 = ?", "14"), ("12 + 7 = ?", "19")),
    "subtraction": (("9 − 5 = ?", "4"), ("15 − 6 = ?", "9"), ("18 − 9 = ?", "9")),
    "addition_carry": (("28 + 5 = ?", "33"), ("38 + 27 = ?", "65"), ("176 + 258 = ?", "434")),
    "subtraction_borrow": (("32 − 7 = ?", "25"), ("52 − 17 = ?", "35"), ("403 − 168 = ?", "235")),
    "multiplication": (("3 × 4 = ?", "12"), ("6 × 7 = ?", "42"), ("9 × 8 = ?", "72")),
    "division": (("12 ÷ 3 = ?", "4"), ("56 ÷ 8 = ?", "7"), ("81 ÷ 9 = ?", "9")),
    "multi_digit_multiplication": (("12 × 4 = ?", "48"), ("23 × 14 = ?", "322"),
                                   ("125 × 16 = ?", "2000")),
    "long_division": (("96 ÷ 4 = ?", "24"), ("672 ÷ 12 = ?", "56"), ("1512 ÷ 36 = ?", "42")),
    "fractions": (("Simplify 2/4.", "1/2"), ("Simplify 6/8.", "3/4"),
                  ("Which is larger, 2/3 or 3/5?", "2/3")),
    "fraction_arithmetic": (("1/4 + 1/4 = ? (simplest form)", "1/2"),
                            ("1/2 + 1/3 = ?", "5/6"), ("2/3 × 3/4 = ? (simplest form)", "1/2")),
}  # fmt: skip

_LEVELS = ("easy", "medium", "hard")


def demo_definition() -> dict[str, Any]:
    """The demo course as a ``POST /v1/courses`` body."""
    items = [
        {
            "id": f"{skill}-{level}",
            "skills": [skill],
            "content": {"prompt": prompt, "answer": answer, "level": level},
        }
        for skill, levels in _ITEMS.items()
        for level, (prompt, answer) in zip(_LEVELS, levels)
    ]
    prerequisites = {skill: list(pre) for skill, pre in ARITHMETIC.items() if pre}
    return {
        "name": DEMO_COURSE,
        "items": items,
        "prerequisites": prerequisites,
        "teacher": {"name": "tutor", "params": {"seed": 0}},
    }
