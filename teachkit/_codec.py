"""A safe codec for state dicts: JSON with tagged numpy arrays, never pickle.

Snapshots of teacher state live in databases that other processes read, so they are
encoded as data, not code. Supported: None, bool, int, float (NaN and inf included), str,
list, tuple, dict (any hashable keys), numpy arrays and scalars, numpy Generators (their
bit-generator state) and aware datetimes. Anything else raises TypeError naming where it
was found, so a teacher author learns at once which attribute needs a custom state hook.

Decoding trusts nothing it reads: bit generators come from a fixed table
(:data:`BIT_GENERATORS`), never from a name looked up in numpy, and a compressed snapshot
may expand to at most :data:`MAX_STATE_BYTES`; anything else is a
:class:`~teachkit.errors.StorageError` naming what is wrong.
"""

from __future__ import annotations

import base64
import json
import zlib
from datetime import datetime
from typing import Any

import numpy as np

from teachkit.errors import StorageError

_TAG = "__tk__"

BIT_GENERATORS: dict[str, type[np.random.BitGenerator]] = {
    "PCG64": np.random.PCG64,
    "PCG64DXSM": np.random.PCG64DXSM,
    "MT19937": np.random.MT19937,
    "Philox": np.random.Philox,
    "SFC64": np.random.SFC64,
}
"""The bit generators a stored Generator may name: numpy's, by class name."""

MAX_STATE_BYTES = 256 << 20
"""The most a compressed snapshot may expand to when it is loaded: 256 MiB of JSON (a
teacher over a million tasks stays far below). More is refused as damaged or hostile
(a small blob can expand a thousandfold), never held in memory. Read at each load, so a
deployment with a truly larger teacher can raise it."""


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
        kind = BIT_GENERATORS.get(data.get("bit_generator"))  # type: ignore[arg-type]
        if kind is None:
            raise ValueError(
                f"unknown bit generator {str(data.get('bit_generator'))[:40]!r} in encoded "
                f"state; expected one of {sorted(BIT_GENERATORS)}"
            )
        bitgen = kind()
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


def loads(blob: bytes, *, limit: int | None = None) -> Any:
    """Inverse of :func:`dumps`. Raises StorageError for bytes that are not a snapshot
    (not zlib, not UTF-8 JSON, unknown tags or bit generators) or that would expand past
    ``limit`` bytes (default :data:`MAX_STATE_BYTES`), without ever holding more."""
    limit = MAX_STATE_BYTES if limit is None else limit
    try:
        inflate = zlib.decompressobj()
        text = inflate.decompress(bytes(blob), limit + 1)
        if len(text) > limit or inflate.unconsumed_tail:
            raise StorageError(
                f"teacher state expands past {limit} bytes (teachkit._codec.MAX_STATE_BYTES); "
                "it is damaged or was not written by teachkit"
            )
        if not inflate.eof:
            raise ValueError("the compressed data is truncated")
        return decode(json.loads(text.decode("utf-8")))
    except StorageError:
        raise
    except (zlib.error, ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        raise StorageError(
            f"teacher state is not a valid snapshot ({type(exc).__name__}: {exc})"
        ) from None
