"""The benchmark harness: teachers against simulated learners, over paired seeds.

``run`` yields flat rows (one measure of one teacher on one seed after some steps),
``summarize`` turns them into means, 95% t-intervals and paired win rates against
Uniform, ``save_rows`` writes CSV and Parquet, and ``write_report`` draws the plots and the
self-contained HTML report that ``teachkit bench`` produces. Suites (a simulator, teachers,
seeds and a budget) are small TOML files in ``benchmarks/suites/``.
"""

from __future__ import annotations

from teachkit.benchmark._io import load_rows, save_rows, to_frame
from teachkit.benchmark._report import SuiteResult, report_page, run_suite, write_report
from teachkit.benchmark._run import COLUMNS, directions, run, task_labels, teacher_seed
from teachkit.benchmark._suite import (
    ORACLE,
    Suite,
    TeacherSpec,
    find_suite,
    list_suites,
    load_suite,
)
from teachkit.benchmark._summary import summarize, t_interval, to_markdown, win_rate

__all__ = [
    "COLUMNS",
    "ORACLE",
    "Suite",
    "SuiteResult",
    "TeacherSpec",
    "directions",
    "find_suite",
    "list_suites",
    "load_rows",
    "load_suite",
    "report_page",
    "run",
    "run_suite",
    "save_rows",
    "summarize",
    "t_interval",
    "task_labels",
    "teacher_seed",
    "to_frame",
    "to_markdown",
    "win_rate",
    "write_report",
]
