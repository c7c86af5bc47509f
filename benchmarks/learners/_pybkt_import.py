"""Import pyBKT 1.4.3 under scikit-learn >= 1.6.

At import, ``pyBKT.util.metrics`` calls every private scikit-learn ``*_loss``/``*_score``/
``*_error`` function on Python lists and keeps those that do not raise TypeError; newer
scikit-learn raises AttributeError for lists, which aborts the import. This turns those
errors into TypeError for the duration of the import only (pyBKT then skips the metric).
Nothing pyBKT fits or predicts goes through these functions.
"""

from __future__ import annotations

import re
from typing import Any


def import_pybkt_model() -> Any:
    import sklearn.metrics._classification as cls_metrics
    import sklearn.metrics._regression as reg_metrics

    saved = {}
    for mod in (cls_metrics, reg_metrics):
        for name in dir(mod):
            fn = getattr(mod, name)
            if re.search("_loss$|_score$|_error$", name) and callable(fn):
                saved[(mod, name)] = fn

                def wrapped(*args: Any, _fn: Any = fn, **kwargs: Any) -> Any:
                    try:
                        return _fn(*args, **kwargs)
                    except TypeError:
                        raise
                    except Exception as exc:
                        raise TypeError(str(exc)) from None

                setattr(mod, name, wrapped)
    try:
        from pyBKT.models import Model
    finally:
        for (mod, name), fn in saved.items():
            setattr(mod, name, fn)
    return Model


def patch_pure_python_build() -> None:
    """pyBKT's pure-Python E-step returns the log-likelihood as a (1, 1) array, which
    numpy >= 2 refuses to store into an array element; hand EM_fit a float instead."""
    import numpy as np
    import pyBKT.fit.EM_fit as em_fit

    original = em_fit.run
    if getattr(original, "_teachkit_patched", False):
        return

    def run(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        result["total_loglike"] = float(np.asarray(result["total_loglike"]).ravel()[0])
        return result

    run._teachkit_patched = True  # type: ignore[attr-defined]
    em_fit.run = run
