"""teachkit.client against a live server: the remote course works like a Curriculum."""

from __future__ import annotations

import pytest

from teachkit import Outcome
from teachkit.client import Client, RemoteAssignment, RemoteError
from teachkit.errors import (
    AssignmentFinishedError,
    CurriculumNotFoundError,
    UnknownAssignmentError,
    ValidationError,
)
from teachkit.server._demo import DEMO_COURSE
from tests.server.conftest import Live


def test_a_remote_course_mirrors_a_curriculum(live: Live) -> None:
    with Client(live.url, live.api.plain) as client:
        assert client.courses() == [DEMO_COURSE]
        cur = client.course(DEMO_COURSE)
        upcoming = cur.peek("ana", 2)
        a = cur.ask("ana")
        assert isinstance(a, RemoteAssignment) and a.task == upcoming[0]
        assert a.content is not None and a.content["answer"] == "8" and a.api_id == "1-1"
        before = cur.mastery("ana")
        event = cur.tell(a, Outcome(success=True, duration=2.0))
        assert (event.task, event.outcome.success, event.assignment_id) == (a.task, True, 1)
        after = cur.mastery("ana")
        assert before is not None and after is not None and after["counting"] > before["counting"]
        assert cur.due_reviews("ana") == []
        with pytest.raises(AssignmentFinishedError, match="already told"):
            cur.tell(a.api_id, Outcome(success=True))
        with pytest.raises(UnknownAssignmentError, match="never handed out assignment ids 999"):
            cur.tell("1-999", Outcome(score=1.0))
        with pytest.raises(ValidationError, match=r"expected an assignment from RemoteCourse\.ask"):
            cur.tell(7, Outcome(score=1.0))  # type: ignore[arg-type]
        with pytest.raises(CurriculumNotFoundError, match="no course named 'nope'"):
            client.course("nope").peek("ana")
        with pytest.raises(RemoteError, match="403 An admin key is needed"):
            cur.record("ana", "addition-easy", Outcome(score=1.0))
        page = cur.events()
        assert [e["task"] for e in page["events"]][:1] == ["counting-easy"]
    with Client(live.url, "tk_wrong") as bad, pytest.raises(RemoteError, match="401"):
        bad.courses()
