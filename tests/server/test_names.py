"""The service checks ids and names by the core's rules (teachkit._validation)."""

from __future__ import annotations

import pytest

from teachkit._validation import MAX_LENGTH, check_name
from teachkit.server._demo import demo_definition
from teachkit.server._keys import check_tenant
from tests.server.conftest import Api


@pytest.mark.parametrize("bad", ["a\x00b", "tab\there", "x" * (MAX_LENGTH["task name"] + 1)])
def test_item_names_follow_the_task_name_rule(api: Api, bad: str) -> None:
    body = demo_definition()
    body["items"][0]["id"] = bad
    response = api.call("POST", "/v1/courses", api.admin, json=body)
    assert response.status_code == 422, response.text
    assert api.service.storage.list_curricula() == []


@pytest.mark.parametrize("bad", ["a\x00b", "line\nbreak", "x" * 201])
def test_learner_ids_follow_the_learner_id_rule(demo: Api, bad: str) -> None:
    course = demo_definition()["name"]
    task = demo_definition()["items"][0]["id"]
    response = demo.call(
        "POST",
        f"/v1/courses/{course}/events",
        demo.admin,
        json={"events": [{"learner": bad, "task": task, "score": 1.0}]},
    )
    assert response.status_code == 422, response.text
    nul = demo.call("POST", f"/v1/courses/{course}/learners/a%00b/next", demo.admin)
    assert nul.status_code == 422, nul.text
    assert "control characters" in nul.text


def test_every_tenant_and_course_name_makes_a_valid_curriculum_name() -> None:
    tenant = check_tenant("t" * 64)
    assert check_name("curriculum name", f"{tenant}/{'c' * 100}")
    with pytest.raises(Exception, match="tenant"):
        check_tenant("a\x00b")


def test_the_event_export_checks_its_learner_filter(demo: Api) -> None:
    course = demo_definition()["name"]
    response = demo.call("GET", f"/v1/courses/{course}/events?learner=a%00b", demo.admin)
    assert response.status_code == 422, response.text
    assert "control characters" in response.text
