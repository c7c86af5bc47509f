"""Request ids: an op given one is done once; a repeat of the request gets the first answer."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import numpy as np

from teachkit._batch import OutcomeBatch
from teachkit._validation import check_name
from teachkit.errors import ValidationError
from teachkit.storages._base import StoredRequest

REQUEST_TTL = timedelta(days=1)
"""How long a request id is remembered (pruned every ``PRUNE_EVERY`` ops)."""

PRUNE_EVERY = 1000


def check_request_id(request_id: Any) -> str:
    """A request id: a non-empty string of at most 200 characters, without control
    characters or lone surrogates (the rules of :data:`teachkit._validation.MAX_LENGTH`)."""
    return check_name("request_id", request_id)


def fingerprint(kind: str, payload: Any) -> str:
    """A digest of what a request asked for, to tell a repeat from a different request."""
    text = json.dumps([kind, payload], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def first_answer(found: StoredRequest, digest: str, request_id: str, kind: str) -> Any:
    """The recorded answer of a repeated request; a ValidationError if the id was used for
    a different request."""
    if found.fingerprint != digest:
        raise ValidationError(
            "request_id",
            [
                f"{request_id!r} already identifies another request (op {found.op_seq}), not "
                f"this {kind}; give every new request a new id and repeat an id only to retry "
                "the same request"
            ],
        )
    return json.loads(found.response)


def outcome_columns(outcomes: OutcomeBatch) -> dict[str, Any]:
    """An OutcomeBatch as plain lists (a request's fingerprint)."""
    out: dict[str, Any] = {}
    for name in ("score", "reward", "success", "duration", "rewards", "advantages"):
        value = getattr(outcomes, name)
        out[name] = None if value is None else np.nan_to_num(value, nan=-1.0).tolist()
    times = outcomes._times
    out["time"] = None if times is None else np.nan_to_num(times, nan=-1.0).tolist()
    return out
