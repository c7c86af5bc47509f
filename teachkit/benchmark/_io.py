"""Rows to and from CSV and Parquet (pandas and pyarrow: ``pip install 'teachkit[bench]'``)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from teachkit.benchmark._run import COLUMNS, Row
from teachkit.errors import MissingDependencyError, ValidationError

_TYPES = {"seed": "int64", "step": "int64", "value": "float64"}


def pandas_module() -> Any:
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - the bench extra is installed in CI
        raise MissingDependencyError(
            "saving benchmark results needs pandas and pyarrow: pip install 'teachkit[bench]'"
        ) from exc
    return pd


def to_frame(rows: Iterable[Row]) -> Any:
    """A pandas DataFrame with the columns of :data:`COLUMNS`, in that order."""
    pd = pandas_module()
    frame = pd.DataFrame(list(rows), columns=list(COLUMNS))
    for col in COLUMNS:
        frame[col] = frame[col].astype(_TYPES.get(col, "str"))
    return frame


def save_rows(rows: Iterable[Row], out: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write ``results.csv`` and ``results.parquet`` into directory ``out``."""
    frame = to_frame(rows)
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    csv, parquet = d / "results.csv", d / "results.parquet"
    frame.to_csv(csv, index=False)
    try:
        frame.to_parquet(parquet, index=False)
    except ImportError as exc:  # pragma: no cover
        raise MissingDependencyError(
            "writing Parquet needs pyarrow: pip install 'teachkit[bench]'"
        ) from exc
    return csv, parquet


def load_rows(path: str | os.PathLike[str]) -> list[Row]:
    """Rows back from a ``.csv`` or ``.parquet`` file written by :func:`save_rows`."""
    pd = pandas_module()
    p = Path(path)
    if p.suffix == ".parquet":
        frame = pd.read_parquet(p)
    elif p.suffix == ".csv":
        text_cols = {c: str for c in COLUMNS if c not in _TYPES}
        frame = pd.read_csv(
            p,
            dtype={**text_cols, **_TYPES},
            keep_default_na=False,
            na_values={"value": ["", "NaN", "nan"]},
        )
    else:
        raise ValidationError(
            f"results file {str(p)!r}",
            [f"expected a .csv or .parquet file, got {p.suffix or 'no suffix'!r}"],
        )
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValidationError(
            f"results file {str(p)!r}", [f"missing columns: {', '.join(missing)}"]
        )
    records: list[Row] = frame[list(COLUMNS)].to_dict("records")
    for r in records:
        r["seed"], r["step"], r["value"] = int(r["seed"]), int(r["step"]), float(r["value"])
    return records
