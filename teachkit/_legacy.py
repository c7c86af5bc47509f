"""Read the teacher configs and snapshots that earlier teachkit versions stored.

teachkit 0.1.0 differs from today in three ways that reach the database:

* configs named classes by their private module (``"teachkit.teachers._alp_gmm:ALPGMM"``);
  today they name the public path (``"teachkit.teachers:ALPGMM"``);
* the continuous teachers had a ``per_learner`` flag that kept one copy per learner id
  inside the teacher (state key ``_children``); today that is the
  :class:`~teachkit.teachers.PerLearner` wrapper around the teacher;
* ``Rehearsal`` saved a default inner teacher as ``_inner: {"__owned__": config, "state":
  ...}``; today every wrapper saves it as ``inner``; and ``PerLearner`` drew its copies'
  seeds from ``[0, 2**63 - 1)`` where today it draws from ``[0, 2**31 - 1)``.

:func:`upgrade_config` and :func:`upgrade_state` rewrite the stored data (plain dicts, no
class is imported here) so that a curriculum stored by 0.1.0 loads and makes exactly the
choices it would have made. Both return current data unchanged, except that a config
lacking a hyperparameter added since with a behaviour-changing default gets the value that
keeps its old behaviour (:data:`ADDED_PARAMS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from teachkit.registry import public_path

_PER_LEARNER = "teachkit.teachers:PerLearner"
_V010_PER_LEARNER_SEED_BOUND = 2**63 - 1


def _is_v010(path: Any) -> bool:
    return isinstance(path, str) and public_path(path) != path


def _nested(params: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {
        k: v["__component__"]
        for k, v in params.items()
        if isinstance(v, Mapping) and "__component__" in v
    }


ADDED_PARAMS: dict[str, dict[str, Any]] = {
    # issue 13: ALP-GMM's success-band prior, on by default since; off in older configs
    "teachkit.teachers:ALPGMM": {"solved_above": None},
    # issue 13: the Tutor's value of a practice is the expected delayed post-test gain since;
    # a Tutor stored before keeps the progress value it was made with; one stored before
    # the cold-start blend keeps the model's value alone, one stored before the optimism
    # bonus keeps the model's learning rates
    "teachkit.teachers:Tutor": {"value": "progress", "cold_start": 0.0, "optimism": 0.0},
}
"""Class path -> hyperparameters added later whose default changes behaviour, with the value
that keeps the behaviour of a config stored before they existed. Stored configs hold every
hyperparameter explicitly, so a new default never reaches an old curriculum through a key
it has; this table covers the keys it lacks."""


def upgrade_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """A stored component config in today's form (unchanged when it already is)."""
    return _fill_added(_upgrade_v010(config))


def _fill_added(config: Any) -> Any:
    if not isinstance(config, Mapping) or not isinstance(config.get("params"), Mapping):
        return config
    params = dict(config["params"])
    for name, sub in _nested(params).items():
        params[name] = {"__component__": _fill_added(sub)}
    for key, value in ADDED_PARAMS.get(str(config.get("class")), {}).items():
        params.setdefault(key, value)
    return {**config, "params": params}


def _upgrade_v010(config: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(config, Mapping) or not _is_v010(config.get("class")):
        return dict(config) if isinstance(config, Mapping) else config
    path = public_path(config["class"])
    params = dict(config.get("params", {}))
    for name, sub in _nested(params).items():
        params[name] = {"__component__": _upgrade_v010(sub)}
    if "per_learner" not in params:
        return {"class": path, "params": params}
    per_learner = params.pop("per_learner")
    inner = {"class": path, "params": params}
    if not per_learner:
        return inner
    return {
        "class": _PER_LEARNER,
        "params": {
            "space": params["space"],
            "teacher": {"__component__": inner},
            "seed": params.get("seed"),
        },
    }


def upgrade_state(config: Mapping[str, Any], state: Mapping[str, Any]) -> dict[str, Any]:
    """A snapshot's state dict in the form :func:`upgrade_config` ``(config)`` loads.

    ``config`` is the config as stored (before upgrading): it says which version wrote it.
    """
    if not isinstance(config, Mapping) or not _is_v010(config.get("class")):
        return dict(state)
    out = dict(state)
    params = config.get("params", {})
    components = dict(out.get("components", {}))
    for name, sub in _nested(params).items():
        if name in components:
            components[name] = upgrade_state(sub, components[name])
    if components:
        out["components"] = components
    inner = dict(out.get("state", {}))
    children = inner.pop("_children", None)
    path = public_path(config["class"])
    if path == _PER_LEARNER:
        inner["_seed_bound"] = _V010_PER_LEARNER_SEED_BOUND
    if isinstance(inner.get("_inner"), Mapping):  # Rehearsal's own inner teacher
        owned = inner.pop("_inner")
        if "__owned__" in owned:
            inner["inner"] = owned["state"]
    out["state"] = inner
    if not params.get("per_learner"):
        return out
    # ALP-GMM and friends with per_learner=True: the teacher's own generator seeded the
    # copies, exactly as PerLearner's does; the teacher's other state becomes the template.
    return {
        "version": out["version"],
        "class": "PerLearner",
        "state": {
            "_rng": inner["_rng"],
            "_seed_bound": 2**31 - 1,
            "copies": {
                lid: (None, {**child, "state": _without_children(child["state"])})
                for lid, child in (children or {}).items()
            },
        },
        "components": {"teacher": out},
    }


def _without_children(state: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in state.items() if k != "_children"}
