"""The base of teachers and learner models: hyperparameters in, learned state private.

A component's ``__init__`` stores every argument under the same name, unchanged; learned
state lives in attributes whose names start with ``_``. From that one convention come
``get_params``, ``clone``, ``repr``, ``to_config``/``from_config`` (rebuild from a stored
description) and ``state_dict``/``load_state_dict`` (everything learned, RNG included).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Self

import numpy as np

from teachkit import _codec
from teachkit._validation import did_you_mean
from teachkit.errors import TeachkitError, ValidationError
from teachkit.registry import class_path, resolve_class
from teachkit.spaces import Space

STATE_VERSION = 1


class Component:
    """Hyperparameters are the constructor arguments; learned state is ``_private``.

    Subclasses whose private state is not plain data (numbers, strings, lists, dicts,
    numpy arrays, numpy Generators) override :meth:`_get_state` and :meth:`_set_state`.
    Attributes named in ``_derived`` are rebuilt from the hyperparameters and are left out
    of the state.
    """

    _derived: ClassVar[tuple[str, ...]] = ()

    # -- hyperparameters ------------------------------------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [
            p.name
            for p in sig.parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]

    def get_params(self) -> dict[str, Any]:
        """The constructor arguments, as given."""
        missing = [n for n in self._param_names() if not hasattr(self, n)]
        if missing:
            raise AttributeError(
                f"{type(self).__name__}.__init__ must store its arguments under the same "
                f"names; missing attributes: {missing}"
            )
        return {name: getattr(self, name) for name in self._param_names()}

    def clone(self, **overrides: Any) -> Self:
        """A fresh, untrained copy with the same hyperparameters (nested components cloned).

        Keyword arguments override hyperparameters. To copy learned state too, use
        ``new.load_state_dict(old.state_dict())``.
        """
        unknown = [k for k in overrides if k not in self._param_names()]
        if unknown:
            raise ValidationError(
                f"{type(self).__name__}.clone",
                [
                    f"unknown hyperparameter {k!r}{did_you_mean(k, self._param_names())}"
                    for k in unknown
                ],
            )
        params = {
            k: v.clone()
            if isinstance(v, Component)
            else copy.deepcopy(v)
            if not isinstance(v, Space)
            else v
            for k, v in self.get_params().items()
        }
        params.update(overrides)
        return type(self)(**params)

    def __repr__(self) -> str:
        sig = inspect.signature(type(self).__init__)
        parts = []
        for name, value in self.get_params().items():
            default = sig.parameters[name].default
            if default is inspect.Parameter.empty or not _same(value, default):
                parts.append(f"{name}={_short_repr(value)}")
        return f"{type(self).__name__}({', '.join(parts)})"

    # -- configuration (what to rebuild) ----------------------------------------------------
    def to_config(self) -> dict[str, Any]:
        """A JSON-ready description of the class and its hyperparameters."""
        return {
            "class": class_path(type(self)),
            "params": {
                k: _encode_param(v, f"{type(self).__name__}.{k}")
                for k, v in self.get_params().items()
            },
        }

    @staticmethod
    def from_config(config: Mapping[str, Any], *, allow: Iterable[str] | None = None) -> Component:
        """Rebuild a component from :meth:`to_config` output.

        Registered classes (:mod:`teachkit.registry`) always load; a class of your own loads
        when ``allow`` is None or names its module (see :func:`teachkit.registry.resolve_class`).
        """
        if not isinstance(config, Mapping):
            raise ValidationError(
                "component config", [f"expected a mapping, got {type(config).__name__}"]
            )
        raw = config.get("params", {})
        if not isinstance(raw, Mapping) or not all(isinstance(k, str) for k in raw):
            raise ValidationError(
                "component config",
                [f"params: expected a mapping of parameter names to values, got {raw!r:.80}"],
            )
        cls = _resolve_class(config.get("class"), allow)
        if issubclass(cls, Component):
            known = cls._param_names()
            unknown = [k for k in raw if k not in known]
            required = [
                p.name
                for p in inspect.signature(cls.__init__).parameters.values()
                if p.name != "self"
                and p.default is p.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            ]
            missing = [k for k in required if k not in raw]
            if unknown or missing:
                raise ValidationError(
                    f"{cls.__name__} config",
                    [f"unknown hyperparameter {k!r}{did_you_mean(k, known)}" for k in unknown]
                    + [f"missing hyperparameter {k!r} (required)" for k in missing],
                )
        params = {k: _decode_param(v, allow) for k, v in raw.items()}
        return cls(**params)

    # -- learned state ----------------------------------------------------------------------
    def _get_state(self) -> dict[str, Any]:
        """Learned state as plain data. Default: every ``_private`` attribute, deep-copied."""
        return {
            k: copy.deepcopy(v)
            for k, v in vars(self).items()
            if k.startswith("_") and k not in self._derived
        }

    def _set_state(self, state: dict[str, Any]) -> None:
        for k, v in state.items():
            setattr(self, k, v)

    def state_dict(self) -> dict[str, Any]:
        """Everything learned (RNG included), as plain data, including nested components."""
        nested = {
            k: v.state_dict() for k, v in self.get_params().items() if isinstance(v, Component)
        }
        state = {
            "version": STATE_VERSION,
            "class": type(self).__qualname__,
            "state": self._get_state(),
        }
        if nested:
            state["components"] = nested
        return state

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore what :meth:`state_dict` captured."""
        if not isinstance(state, Mapping) or state.get("version") != STATE_VERSION:
            raise ValidationError(
                f"{type(self).__name__}.load_state_dict",
                [f"expected a state dict of version {STATE_VERSION}, got {_short_repr(state)}"],
            )
        if state.get("class") != type(self).__qualname__:
            raise ValidationError(
                f"{type(self).__name__}.load_state_dict",
                [
                    f"expected the state of a {type(self).__qualname__}, got one of {state.get('class')!r}"
                ],
            )
        inner = state["state"]
        self._set_state(copy.deepcopy(dict(inner)))
        for name, sub in state.get("components", {}).items():
            getattr(self, name).load_state_dict(sub)

    def state_bytes(self) -> bytes:
        """The state dict encoded with the safe codec (what snapshots store)."""
        return _codec.dumps(self.state_dict())

    def load_state_bytes(self, blob: bytes) -> None:
        self.load_state_dict(_codec.loads(blob))


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) if not isinstance(a, np.ndarray) else False
    except Exception:
        return False


def _short_repr(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _encode_param(value: Any, where: str) -> Any:
    if isinstance(value, Component):
        return {"__component__": value.to_config()}
    if isinstance(value, Space):
        return {"__space__": value.to_dict()}
    # a hyperparameter is user input: what cannot be stored is a ValidationError
    if callable(value) and not isinstance(value, type):
        raise ValidationError(
            where,
            [
                "is a function, which a stored curriculum cannot rebuild; "
                "pass data (numbers, names, lists) or a component instead"
            ],
        )
    try:
        return _codec.encode(value, where)
    except TypeError as exc:
        raise ValidationError("hyperparameter", [str(exc)]) from None


def _decode_param(value: Any, allow: Iterable[str] | None) -> Any:
    if isinstance(value, dict) and "__component__" in value:
        return Component.from_config(value["__component__"], allow=allow)
    if isinstance(value, dict) and "__space__" in value:
        return Space.from_dict(value["__space__"], allow=allow)
    try:
        return _codec.decode(value)
    except TeachkitError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        # a stored value that was written by hand or damaged: say which, not where it broke
        raise ValidationError(
            "stored config",
            [
                f"a hyperparameter value cannot be decoded ({type(exc).__name__}: {exc}); "
                f"got {value!r:.120}"
            ],
        ) from None


def _resolve_class(path: Any, allow: Iterable[str] | None) -> type[Component]:
    obj = resolve_class(path, allow=allow)
    if not issubclass(obj, Component):
        raise ValidationError("component config", [f"{path!r} is not a teachkit component"])
    return obj
