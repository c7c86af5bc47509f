"""xAPI "answered" statements as outcomes, so learning record pipelines can feed a course.

A statement is recorded when its verb is ADL's ``answered``
(``http://adlnet.gov/expapi/verbs/answered``) and it has a ``result`` with a score or a
success. The learner is the actor's account name (else its ``mbox``, ``mbox_sha1sum`` or
``openid``), the task is the course item whose id is the object's id or its last path
segment, the outcome is ``result.score.scaled`` (or ``raw`` within ``min``/``max``),
``result.success`` and ``result.duration`` (ISO 8601), at the statement's ``timestamp``.
The statement's ``id`` makes a repeated statement count once.

Reference: xAPI specification 1.0.3 (ADL), Data: Statement, Result, Verb; the ADL verb
vocabulary.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from teachkit._records import Outcome
from teachkit.errors import ValidationError

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
_DURATION = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


@dataclass(frozen=True)
class Answer:
    """One statement as an outcome to record."""

    statement_id: str
    learner: str
    task: str
    outcome: Outcome


def parse(statements: Any, items: set[str]) -> list[Answer]:
    """Statements (one or a list) as answers; every problem found is reported at once."""
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise ValidationError(
            "xAPI statements", ["expected a statement object or a non-empty list of them"]
        )
    answers: list[Answer] = []
    problems: list[str] = []
    for i, st in enumerate(statements):
        try:
            answers.append(_one(st, items))
        except ValidationError as exc:
            problems += [f"statements[{i}]: {p}" for p in exc.problems]
    if problems:
        raise ValidationError("xAPI statements", problems)
    return answers


def _one(st: Any, items: set[str]) -> Answer:
    if not isinstance(st, dict):
        raise ValidationError("statement", [f"expected an object, got {type(st).__name__}"])
    verb = (st.get("verb") or {}).get("id") if isinstance(st.get("verb"), dict) else None
    if verb != ANSWERED:
        raise ValidationError("statement", [f"verb.id: expected {ANSWERED!r}, got {verb!r}"])
    learner = _learner(st.get("actor"))
    obj = st.get("object")
    object_id = obj.get("id") if isinstance(obj, dict) else None
    if not isinstance(object_id, str) or not object_id:
        raise ValidationError("statement", ["object.id: expected the activity's IRI"])
    task = object_id if object_id in items else re.split(r"[/#]", object_id.rstrip("/"))[-1]
    if task not in items:
        raise ValidationError(
            "statement", [f"object.id {object_id!r} names no item of this course"]
        )
    result = st.get("result")
    if not isinstance(result, dict):
        raise ValidationError("statement", ["result: expected an object with a score or success"])
    score = _score(result.get("score"))
    success = result.get("success")
    if success is not None and not isinstance(success, bool):
        raise ValidationError(
            "statement", [f"result.success: expected true or false, got {success!r}"]
        )
    when = st.get("timestamp")
    time = None
    if when is not None:
        try:
            time = datetime.fromisoformat(str(when).replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(
                "statement", [f"timestamp: expected ISO 8601, got {when!r}"]
            ) from None
    sid = st.get("id")
    if sid is not None and (not isinstance(sid, str) or len(sid) > 100):
        raise ValidationError("statement", [f"id: expected a UUID, got {sid!r}"])
    outcome = Outcome(
        score=score, success=success, duration=_duration(result.get("duration")), time=time
    )
    return Answer(sid or str(uuid.uuid4()), learner, task, outcome)


def _learner(actor: Any) -> str:
    if isinstance(actor, dict):
        account = actor.get("account")
        if isinstance(account, dict) and isinstance(account.get("name"), str) and account["name"]:
            return str(account["name"])
        for key in ("mbox", "mbox_sha1sum", "openid"):
            if isinstance(actor.get(key), str) and actor[key]:
                return str(actor[key])
    raise ValidationError(
        "statement", ["actor: expected an agent with account.name, mbox, mbox_sha1sum or openid"]
    )


def _score(score: Any) -> float | None:
    if score is None:
        return None
    if not isinstance(score, dict):
        raise ValidationError("statement", ["result.score: expected an object"])
    scaled = score.get("scaled")
    if scaled is not None:
        if not isinstance(scaled, int | float) or not 0 <= scaled <= 1:
            raise ValidationError(
                "statement", [f"result.score.scaled: expected a number in [0, 1], got {scaled!r}"]
            )
        return float(scaled)
    raw, low, high = score.get("raw"), score.get("min"), score.get("max")
    if (
        isinstance(raw, int | float)
        and isinstance(low, int | float)
        and isinstance(high, int | float)
        and high > low <= raw <= high
    ):
        return float(raw - low) / float(high - low)
    raise ValidationError(
        "statement", ["result.score: expected 'scaled' in [0, 1], or 'raw' between 'min' and 'max'"]
    )


def _duration(text: Any) -> float | None:
    if text is None:
        return None
    match = _DURATION.match(text) if isinstance(text, str) else None
    if match is None or text in ("P", "PT"):
        raise ValidationError(
            "statement", [f"result.duration: expected ISO 8601 like 'PT1M30S', got {text!r}"]
        )
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    return parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
