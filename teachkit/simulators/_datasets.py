"""Small classification data sets generated or bundled locally (no download)."""

from __future__ import annotations

import random
from functools import lru_cache

import numpy as np

from teachkit.errors import MissingDependencyError, ValidationError

DATASETS = ("digits", "mnist1d")


@lru_cache(maxsize=4)
def load_dataset(name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(X float64 (n, d), y int64 (n,))`` with labels ``0 .. 9``; read-only arrays.

    ``digits`` is scikit-learn's bundled 8x8 digits (1,797 images, pixels scaled to
    [0, 1]). ``mnist1d`` is generated locally by the ``mnist1d`` package (Greydanus 2020)
    with its default arguments and seed, 4,000 sequences of length 40; its generator
    seeds the global ``random``/``numpy.random`` state, which is restored afterwards.
    """
    if name == "digits":
        try:
            from sklearn.datasets import load_digits
        except ImportError as exc:  # pragma: no cover - scikit-learn is in the lock file
            raise MissingDependencyError(
                "the digits data set needs scikit-learn: pip install 'teachkit[sim]'"
            ) from exc
        X, y = load_digits(return_X_y=True)
        X = X / 16.0
    elif name == "mnist1d":
        try:
            from mnist1d.data import get_dataset_args, make_dataset
        except ImportError as exc:
            raise MissingDependencyError(
                "the mnist1d data set needs the mnist1d package: pip install mnist1d"
            ) from exc
        args = get_dataset_args()
        args.num_samples = 4000
        args.train_split = 1.0  # we split per class ourselves
        # mnist1d seeds the legacy global generators; put them back as they were.
        np_state, py_state = np.random.get_state(), random.getstate()  # noqa: NPY002
        try:
            data = make_dataset(args)
        finally:
            np.random.set_state(np_state)  # noqa: NPY002
            random.setstate(py_state)
        X, y = data["x"], data["y"]
    else:
        raise ValidationError(
            "ClassIncrementalStudent", [f"dataset: expected one of {list(DATASETS)}, got {name!r}"]
        )
    X = np.ascontiguousarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y
