"""The files ``teachkit bench`` writes: results, a Markdown table, plots, one HTML report."""

from __future__ import annotations

import base64
import html
import json
import math
import os
import platform
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from teachkit._version import __version__
from teachkit.benchmark._io import pandas_module, save_rows
from teachkit.benchmark._plots import nice_measures, plot_curriculum, plot_curves
from teachkit.benchmark._run import Row
from teachkit.benchmark._suite import Suite
from teachkit.benchmark._summary import SUMMARY_COLUMNS, format_value, summarize, to_markdown
from teachkit.spaces import Space

_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{padding:.3em .7em;border-bottom:1px solid #ddd}
td.num{text-align:right;font-variant-numeric:tabular-nums}img{max-width:100%}
pre{background:#f6f6f6;padding:1em;overflow-x:auto}.note{color:#555;font-size:.9em}
"""


def _table_html(summary: Sequence[dict[str, Any]], primary: str | None, baseline: str) -> str:
    measures = nice_measures([{**r, "kind": "measure"} for r in summary], primary)
    teachers = list(dict.fromkeys(r["teacher"] for r in summary))
    cell = {(r["teacher"], r["measure"]): r for r in summary}
    arrow = {r["measure"]: {"higher": " ↑", "lower": " ↓"}.get(r["better"], "") for r in summary}
    main = measures[0] if measures else None
    head = "".join(f"<th>{html.escape(m + arrow[m])}</th>" for m in measures)
    if main is not None:
        head += f"<th>wins vs {html.escape(baseline)} ({html.escape(main)})</th>"
    body = []
    for t in teachers:
        tds = [f"<td>{html.escape(t)}</td>"]
        for m in measures:
            c = cell.get((t, m))
            if c is None:
                tds.append("<td></td>")
                continue
            value, _ = format_value(c)
            text = html.escape(value)
            if math.isfinite(c["ci_low"]):
                text += f" <span class=note>[{c['ci_low']:.3f}, {c['ci_high']:.3f}]</span>"
            k, n = c.get("n_reached", c["n"]), c["n"]
            if 0 < k < n:
                text += f" <span class=note>(reached {k}/{n})</span>"
            tds.append(f"<td class=num>{text}</td>")
        if main is not None:
            c = cell.get((t, main))
            rate = math.nan if c is None else c["win_rate"]
            shown = "—" if t == baseline or not math.isfinite(rate) else f"{rate:.2f}"
            tds.append(f"<td class=num>{shown}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    return f"<table><tr><th>teacher</th>{head}</tr>{''.join(body)}</table>"


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _info(notes: Mapping[str, str] | None) -> dict[str, str]:
    return {
        "written": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "teachkit": __version__,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        **(notes or {}),
    }


def report_page(title: str, sections: Sequence[str], notes: Mapping[str, str] | None = None) -> str:
    """One self-contained HTML page from report sections (see :func:`write_report`)."""
    info = " · ".join(f"{html.escape(k)}: {html.escape(str(v))}" for k, v in _info(notes).items())
    body = "\n".join(sections)
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_CSS}</style></head><body>
<h1>{html.escape(title)}</h1>
<p class=note>{info}</p>
{body}
</body></html>
"""


def write_report(
    rows: Sequence[Row],
    out: str | os.PathLike[str],
    *,
    space: Space,
    primary: str | None = None,
    config: Mapping[str, Any] | None = None,
    title: str = "teachkit benchmark",
    baseline: str = "uniform",
    bins: int = 10,
    notes: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Write every report file of one suite's rows into ``out`` and return their paths.

    Files: ``results.csv`` and ``results.parquet`` (the rows), ``summary.csv`` and
    ``summary.md`` (final-step means, 95% t-intervals, win rates against ``baseline``),
    ``learning_curves.png``, ``curriculum.png``, and ``report.html``, which embeds the
    plots, the table and ``config`` in one file that opens anywhere.
    """
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    section = _write_section(rows, d, space, primary, config, title, baseline, bins)
    report = d / "report.html"
    report.write_text(report_page(title, [section], notes))
    return {
        "results_csv": d / "results.csv",
        "results_parquet": d / "results.parquet",
        "summary_csv": d / "summary.csv",
        "summary_md": d / "summary.md",
        "learning_curves": d / "learning_curves.png",
        "curriculum": d / "curriculum.png",
        "report": report,
    }


def _write_section(
    rows: Sequence[Row],
    d: Path,
    space: Space,
    primary: str | None,
    config: Mapping[str, Any] | None,
    title: str,
    baseline: str,
    bins: int,
) -> str:
    """Write the data files and plots into ``d``; return the report section as HTML."""
    csv, parquet = save_rows(rows, d)
    summary = summarize(rows, baseline=baseline)
    frame = pandas_module().DataFrame(summary, columns=list(SUMMARY_COLUMNS))
    frame.to_csv(d / "summary.csv", index=False)
    table_md = to_markdown(summary, primary=primary, baseline=baseline)
    (d / "summary.md").write_text(f"# {title}\n\n{table_md}")
    measures = nice_measures(rows, primary)
    curves_png = plot_curves(rows, d / "learning_curves.png", measures=measures, title=title)
    curriculum_png = plot_curriculum(rows, d / "curriculum.png", space=space, bins=bins)
    main = measures[0] if measures else None
    return f"""<section>
<h2>{html.escape(title)}</h2>
<h3>Summary</h3>
<p>Mean over paired seeds at the final step, with the 95% t-interval in brackets. The last
column is the share of seeds on which the teacher beat {html.escape(baseline)} on the same
seed (same simulated learners), ties counting half; ↑/↓ mark the better direction.</p>
{_table_html(summary, main, baseline)}
<h3>Learning curves</h3>
<p>Mean over seeds; the band is the 95% t-interval of the mean.</p>
{_img(curves_png, "learning curves")}
<h3>Curriculum</h3>
<p>Which tasks each teacher chose over time, as the share of all choices in each evaluation
window, pooled over seeds and learners.</p>
{_img(curriculum_png, "curriculum heatmap")}
<h3>Configuration</h3>
<pre>{html.escape(json.dumps(dict(config or {}), indent=2, default=str))}</pre>
<p class=note>Rows: {html.escape(str(csv))}, {html.escape(str(parquet))} (columns suite,
simulator, teacher, seed, step, kind, measure, value, better).</p>
</section>"""


@dataclass
class SuiteResult:
    """What :func:`run_suite` produced."""

    suite: Suite
    rows: list[Row]
    summary: list[dict[str, Any]]
    markdown: str
    paths: dict[str, Path]
    section: str
    seconds: float


def run_suite(
    suite: Suite,
    out: str | os.PathLike[str],
    *,
    progress: bool = True,
    command: str = "",
    write_page: bool = True,
) -> SuiteResult:
    """Run a suite with a progress bar and write its report files into ``out``.

    With ``write_page=False`` the HTML section is returned (``result.section``) for a page
    that combines several suites (:func:`report_page`), and no ``report.html`` is written.
    """
    from tqdm.auto import tqdm

    from teachkit.benchmark._run import run

    suite.check()
    sim_cls = suite.simulator_class()
    probe = sim_cls(1, seed=suite.seeds[0], **dict(suite.simulator_params))
    total = len(suite.seeds) * len(suite.teachers) * suite.steps
    start = time.perf_counter()
    with tqdm(total=total, desc=suite.name, unit="step", disable=not progress, leave=False) as bar:
        rows = list(run(suite, progress=bar.update))
    elapsed = time.perf_counter() - start
    notes = {"run time": f"{elapsed:.1f} s"}
    if command:
        notes["command"] = command
    title = suite.name + (f": {suite.description}" if suite.description else "")
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    primary = sim_cls.primary
    section = _write_section(
        rows, d, probe.space, primary, suite.to_dict(), title, "uniform", suite.bins
    )
    paths = {"dir": d, "summary_md": d / "summary.md", "results_csv": d / "results.csv"}
    paths["results_parquet"] = d / "results.parquet"
    if write_page:
        paths["report"] = d / "report.html"
        paths["report"].write_text(report_page(title, [section], notes))
    summary = summarize(rows)
    return SuiteResult(
        suite, rows, summary, to_markdown(summary, primary=primary), paths, section, elapsed
    )
