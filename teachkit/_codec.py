"""A safe codec for state dicts: JSON with tagged numpy arrays, never pickle.

Snapshots of teacher state live in databases that other processes read, so they are
encoded as data, not code. Supported: None, bool, int, float (NaN and inf included), str,
list, tuple, dict (any hashable keys), numpy arrays and scalars, numpy Generators (their
bit-generator state) and aware datetimes. Anything else raises TypeError naming where it
was found, so a teacher author learns at once which attribute needs a custom state hook.
"""

from __future__ import annotations

import base64
import json
import zlib
from datetime import datetime
from typing import Any

import numpy as np

_TAG = "__tk__"


def encode(obj: Any, path: str = "state") -> Any:
    """Turn ``obj`` into JSON-ready data (tagged where JSON has no type of its own)."""
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        if obj != obj or obj in (float("inf"), float("-inf")):
            return {_TAG: "float", "v": repr(obj)}
        return obj
    if isinstance(obj, np.generic):
        return encode(obj.item(), path)
    if isinstance(obj, np.ndarray):
        if obj.dtype == object:
            return {
                _TAG: "objarray",
                "shape": list(obj.shape),
                "v": [encode(x, path) for x in obj.ravel().tolist()],
            }
        arr = np.ascontiguousarray(obj)
        return {
            _TAG: "ndarray",
            "dtype": arr.dtype.str,
            "shape": list(arr.shape),
            "v": base64.b64encode(arr.tobytes()).decode("ascii"),
        }
    if isinstance(obj, list):
        return [encode(x, f"{path}[{i}]") for i, x in enumerate(obj)]
    if isinstance(obj, tuple):
        return {_TAG: "tuple", "v": [encode(x, f"{path}[{i}]") for i, x in enumerate(obj)]}
    if isinstance(obj, dict):
        if all(isinstance(k, str) and k != _TAG for k in obj):
            return {k: encode(v, f"{path}.{k}") for k, v in obj.items()}
        return {
            _TAG: "dict",
            "v": [[encode(k, path), encode(v, f"{path}[{k!r}]")] for k, v in obj.items()],
        }
    if isinstance(obj, np.random.Generator):
        return {
            _TAG: "rng",
            "bit_generator": type(obj.bit_generator).__name__,
            "state": encode(obj.bit_generator.state, path),
        }
    if isinstance(obj, datetime):
        return {_TAG: "datetime", "v": obj.isoformat()}
    raise TypeError(
        f"cannot serialize {path} of type {type(obj).__module__}.{type(obj).__qualname__}; "
        "store plain data (numbers, strings, lists, dicts, numpy arrays) in state, or "
        "override _get_state/_set_state to convert it"
    )


def decode(data: Any) -> Any:
    """Inverse of :func:`encode`."""
    if isinstance(data, list):
        return [decode(x) for x in data]
    if not isinstance(data, dict):
        return data
    tag = data.get(_TAG)
    if tag is None:
        return {k: decode(v) for k, v in data.items()}
    if tag == "float":
        return float(data["v"])
    if tag == "ndarray":
        raw = base64.b64decode(data["v"])
        return np.frombuffer(raw, dtype=np.dtype(data["dtype"])).reshape(data["shape"]).copy()
    if tag == "objarray":
        arr = np.empty(len(data["v"]), dtype=object)
        arr[:] = [decode(x) for x in data["v"]]
        return arr.reshape(data["shape"])
    if tag == "tuple":
        return tuple(decode(x) for x in data["v"])
    if tag == "dict":
        return {_hashable(decode(k)): decode(v) for k, v in data["v"]}
    if tag == "rng":
        bitgen = getattr(np.random, data["bit_generator"])()
        bitgen.state = decode(data["state"])
        return np.random.Generator(bitgen)
    if tag == "datetime":
        return datetime.fromisoformat(data["v"])
    raise ValueError(f"unknown tag {tag!r} in encoded state")


def _hashable(x: Any) -> Any:
    return tuple(_hashable(v) for v in x) if isinstance(x, list) else x


def dumps(obj: Any) -> bytes:
    """Encode and compress: the bytes stored in snapshots."""
    text = json.dumps(encode(obj), separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 1)


def loads(blob: bytes) -> Any:
    return decode(json.loads(zlib.decompress(blob).decode("utf-8")))
