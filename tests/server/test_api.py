"""The /v1 API through a test client: the round trip, errors as problem+json, tenants,
keys, limits, idempotency, events and xAPI."""

from __future__ import annotations

import json
from pathlib import Path

from teachkit.server._demo import DEMO_COURSE, demo_definition
from teachkit.simulators._graphs import ARITHMETIC
from tests.server.conftest import Api, make_api

NEXT = f"/v1/courses/{DEMO_COURSE}/learners/ana/next"


def _problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status and body["type"].startswith("urn:teachkit:problem:")
    return body  # type: ignore[no-any-return]


def test_the_demo_course_covers_the_arithmetic_graph() -> None:
    definition = demo_definition()
    skills = {s for item in definition["items"] for s in item["skills"]}
    assert skills == set(ARITHMETIC) and len(definition["items"]) == 3 * len(ARITHMETIC)
    assert all({"prompt", "answer"} <= set(i["content"]) for i in definition["items"])


def test_a_round_trip_moves_mastery(demo: Api) -> None:
    got = demo.call("POST", NEXT, demo.plain)
    assert got.status_code == 200
    a = got.json()
    assert a["task"] == "counting-easy" and a["content"]["answer"] == "8"
    assert a["assignment_id"] == "1-1" and a["lease_expires"].endswith("+00:00")
    before = demo.call("GET", f"/v1/courses/{DEMO_COURSE}/learners/ana", demo.plain).json()
    told = demo.call(
        "POST",
        f"/v1/assignments/{a['assignment_id']}/outcome",
        demo.plain,
        json={"success": True, "duration": 4.5},
    )
    assert told.status_code == 200, told.text
    event = told.json()
    assert (event["task"], event["success"], event["duration"]) == ("counting-easy", True, 4.5)
    assert event["mastery"]["counting"] > before["mastery"]["counting"]
    after = demo.call("GET", f"/v1/courses/{DEMO_COURSE}/learners/ana", demo.plain).json()
    assert after["mastery"] == event["mastery"]
    assert (after["answers"], after["correct"], after["open_assignments"]) == (1, 1, 0)
    peek = demo.call("GET", NEXT + "?peek=true&n=2", demo.plain).json()
    assert len(peek["tasks"]) == 2 and peek["tasks"][0]["content"]["prompt"]
    assert demo.call("POST", NEXT, demo.plain).json()["task"] == peek["tasks"][0]["task"]
    summary = demo.call("GET", f"/v1/courses/{DEMO_COURSE}", demo.plain).json()
    assert (summary["items"], summary["learners"], summary["events"]) == (36, 1, 1)
    assert summary["prerequisites"]["division"] == ["multiplication", "subtraction"]


def test_errors_are_problems_in_the_librarys_words(demo: Api) -> None:
    a = demo.call("POST", NEXT, demo.plain).json()
    url = f"/v1/assignments/{a['assignment_id']}/outcome"
    body = _problem(demo.call("POST", url, demo.plain, json={}), 422)
    assert "expected at least one of score, reward, rewards or success" in str(body["detail"])
    body = _problem(demo.call("POST", url, demo.plain, json={"score": 2}), 422)
    assert body["problems"] == ["body.score: Input should be less than or equal to 1, got 2"]
    assert demo.call("POST", url, demo.plain, json={"score": 1}).status_code == 200
    body = _problem(demo.call("POST", url, demo.plain, json={"score": 1}), 409)
    assert "were already told; pass skip_if_finished=True" in str(body["detail"])
    _problem(demo.call("POST", "/v1/assignments/1-999/outcome", demo.plain, json={"score": 1}), 404)
    _problem(
        demo.call("POST", "/v1/assignments/nonsense/outcome", demo.plain, json={"score": 1}), 404
    )
    body = _problem(demo.call("GET", "/v1/courses/arithmatic", demo.plain), 404)
    assert "did you mean 'arithmetic'" in str(body["detail"])
    _problem(demo.call("GET", "/v1/nowhere", demo.plain), 404)
    _problem(demo.call("DELETE", "/v1/courses", demo.plain), 405)
    naive = demo.call("POST", NEXT, demo.plain).json()["assignment_id"]
    body = _problem(
        demo.call(
            "POST",
            f"/v1/assignments/{naive}/outcome",
            demo.plain,
            json={"score": 1, "time": "2026-01-01T10:00:00"},
        ),
        422,
    )
    assert "timezone" in str(body["detail"])


def test_keys_admin_and_tenant_isolation(demo: Api) -> None:
    body = _problem(demo.call("GET", "/v1/courses"), 401)
    assert "Authorization: Bearer" in str(body["detail"])
    assert demo.call("GET", "/v1/courses", "tk_not-a-key").status_code == 401
    assert demo.call("GET", "/v1/me", demo.plain).json() == {"tenant": "acme", "admin": False}
    body = _problem(demo.call("POST", "/v1/courses", demo.plain, json=demo_definition()), 403)
    assert "teachkit keys create --tenant NAME --admin" in str(body["detail"])
    # the other tenant sees none of acme's courses, learners, assignments or events
    a = demo.call("POST", NEXT, demo.plain).json()
    assert demo.call("GET", "/v1/courses", demo.other).json() == {"courses": []}
    for method, path in [
        ("GET", f"/v1/courses/{DEMO_COURSE}"),
        ("POST", NEXT),
        ("GET", NEXT),
        ("GET", f"/v1/courses/{DEMO_COURSE}/learners/ana"),
        ("GET", f"/v1/courses/{DEMO_COURSE}/events"),
        ("GET", f"/v1/courses/{DEMO_COURSE}/dashboard"),
    ]:
        _problem(demo.call(method, path, demo.other), 404)
    _problem(
        demo.call(
            "POST", f"/v1/assignments/{a['assignment_id']}/outcome", demo.other, json={"score": 1}
        ),
        404,
    )
    # the other tenant may have a course of the same name, its own
    assert demo.call("POST", "/v1/courses", demo.other, json=demo_definition()).status_code == 201
    theirs = demo.call("POST", NEXT, demo.other).json()
    assert theirs["assignment_id"] != a["assignment_id"]
    # a revoked key stops working (after the cache's few seconds; none in this service)
    demo.service.keys.revoke(demo.plain)
    demo.service._known.clear()
    assert demo.call("GET", "/v1/courses", demo.plain).status_code == 401


def test_courses_are_idempotent_and_conflicts_name_the_difference(demo: Api) -> None:
    same = demo.call("POST", "/v1/courses", demo.admin, json=demo_definition())
    assert same.status_code == 200
    changed = demo_definition()
    changed["teacher"]["params"]["target"] = 0.6
    body = _problem(demo.call("POST", "/v1/courses", demo.admin, json=changed), 409)
    assert str(body["detail"]).startswith(
        "course 'arithmetic' exists with another definition (course.teacher.params.target: "
        "given 0.6, not stored); change its items with PATCH"
    )
    bad = {
        "name": "x",
        "items": [{"id": "a", "skills": ["s"]}, {"id": "b"}],
        "teacher": {"name": "tutr"},
    }
    body = _problem(demo.call("POST", "/v1/courses", demo.admin, json=bad), 422)
    assert "skills of 'b': expected one or more non-empty skill names, got []" in str(
        body["detail"]
    )
    bad["items"] = [{"id": "a"}, {"id": "b"}]
    body = _problem(demo.call("POST", "/v1/courses", demo.admin, json=bad), 422)
    assert "unknown teacher: 'tutr' (did you mean 'tutor'?)" in str(body["detail"])
    bad["teacher"] = {"name": "tutor", "params": {"targte": 0.5}}
    body = _problem(demo.call("POST", "/v1/courses", demo.admin, json=bad), 422)
    assert "unknown parameter 'targte' (did you mean 'target'?)" in str(body["detail"])


def test_items_grow_retire_and_keep_their_content(demo: Api) -> None:
    for _ in range(3):
        a = demo.call("POST", NEXT, demo.plain).json()
        demo.call(
            "POST",
            f"/v1/assignments/{a['assignment_id']}/outcome",
            demo.plain,
            json={"success": True},
        )
    patch = {
        "add": [
            {
                "id": "counting-extra",
                "skills": ["counting"],
                "content": {"prompt": "What comes after 99?", "answer": "100"},
            }
        ],
        "retire": ["counting-easy"],
    }
    grown = demo.call("PATCH", f"/v1/courses/{DEMO_COURSE}/items", demo.admin, json=patch)
    assert grown.status_code == 200, grown.text
    assert (grown.json()["items"], grown.json()["retired"]) == (37, ["counting-easy"])
    assert (
        demo.call("PATCH", f"/v1/courses/{DEMO_COURSE}/items", demo.admin, json=patch).status_code
        == 200
    )
    seen = {demo.call("POST", NEXT, demo.plain).json()["task"] for _ in range(4)}
    assert "counting-easy" not in seen
    peek = demo.call("GET", NEXT + "?n=30", demo.plain).json()["tasks"]
    extra = [t for t in peek if t["task"] == "counting-extra"]
    assert not extra or extra[0]["content"]["answer"] == "100"
    clash = {"add": [{"id": "counting-extra", "skills": ["addition"]}]}
    body = _problem(
        demo.call("PATCH", f"/v1/courses/{DEMO_COURSE}/items", demo.admin, json=clash), 422
    )
    assert "items already in the course with other skills or content" in str(body["detail"])
    body = _problem(
        demo.call(
            "PATCH", f"/v1/courses/{DEMO_COURSE}/items", demo.admin, json={"retire": ["nope"]}
        ),
        422,
    )
    assert "unknown task 'nope'" in str(body["detail"])


def test_idempotency_keys_make_retries_safe(demo: Api) -> None:
    first = demo.call("POST", NEXT, demo.plain, headers={"Idempotency-Key": "k1"}).json()
    again = demo.call("POST", NEXT, demo.plain, headers={"Idempotency-Key": "k1"}).json()
    assert again == first
    url = f"/v1/assignments/{first['assignment_id']}/outcome"
    told = demo.call("POST", url, demo.plain, json={"score": 1}, headers={"Idempotency-Key": "k2"})
    retry = demo.call("POST", url, demo.plain, json={"score": 1}, headers={"Idempotency-Key": "k2"})
    assert retry.status_code == 200 and retry.json()["time"] == told.json()["time"]
    body = _problem(
        demo.call("POST", url, demo.plain, json={"score": 0}, headers={"Idempotency-Key": "k2"}),
        422,
    )
    assert "already identifies another request" in str(body["detail"])
    events = demo.call("GET", f"/v1/courses/{DEMO_COURSE}/events", demo.plain).json()["events"]
    assert len(events) == 1


def test_events_export_paginates_and_import_records(demo: Api) -> None:
    log = {
        "events": [
            {
                "learner": f"l{i % 3}",
                "task": "addition-easy",
                "success": i % 2 == 0,
                "time": f"2026-01-01T10:{i:02d}:00+00:00",
            }
            for i in range(7)
        ]
    }
    assert (
        demo.call("POST", f"/v1/courses/{DEMO_COURSE}/events", demo.plain, json=log).status_code
        == 403
    )
    done = demo.call("POST", f"/v1/courses/{DEMO_COURSE}/events", demo.admin, json=log)
    assert done.json() == {"recorded": 7, "ops": 1}
    for _ in range(3):
        a = demo.call("POST", NEXT, demo.plain).json()
        demo.call(
            "POST", f"/v1/assignments/{a['assignment_id']}/outcome", demo.plain, json={"score": 0.5}
        )
    url = f"/v1/courses/{DEMO_COURSE}/events"
    page = demo.call("GET", url + "?limit=2", demo.plain).json()
    assert len(page["events"]) == 7 and page["next_after"] == 1  # the import came whole
    page2 = demo.call("GET", url + f"?after={page['next_after']}&limit=2", demo.plain).json()
    assert [e["score"] for e in page2["events"]] == [0.5, 0.5] and page2["next_after"] == 5
    rest = demo.call("GET", url + f"?after={page2['next_after']}", demo.plain).json()
    assert len(rest["events"]) == 1
    assert demo.call("GET", url + f"?after={rest['next_after']}", demo.plain).json() == {
        "events": [],
        "next_after": None,
    }
    csv = demo.call("GET", url + "?format=csv", demo.plain)
    lines = csv.text.strip().split("\n")
    assert lines[0] == "seq,learner,task,score,success,reward,duration,time,assignment_id"
    assert len(lines) == 11 and csv.headers["content-type"].startswith("text/csv")
    import io

    import pyarrow.parquet as pq

    table = pq.read_table(
        io.BytesIO(demo.call("GET", url + "?format=parquet&limit=100", demo.plain).content)
    )
    assert table.num_rows == 10 and table.column("learner").to_pylist()[:3] == ["l0", "l1", "l2"]
    _problem(demo.call("GET", url + "?format=xml", demo.plain), 422)
    bad = {"events": [{"learner": "x", "task": "nope", "score": 1}]}
    body = _problem(demo.call("POST", url, demo.admin, json=bad), 422)
    assert "unknown task 'nope'" in str(body["detail"])


def test_xapi_answered_statements_become_outcomes(demo: Api) -> None:
    statement = {
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": {"account": {"homePage": "https://lms.example", "name": "zoe"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "https://lms.example/items/addition-easy"},
        "result": {"score": {"scaled": 0.8}, "success": True, "duration": "PT1M30S"},
        "timestamp": "2026-03-01T09:00:00Z",
    }
    url = f"/v1/xapi/statements?course={DEMO_COURSE}"
    assert demo.call("POST", url, demo.plain, json=[statement]).json() == [statement["id"]]
    assert demo.call("POST", url, demo.plain, json=statement).status_code == 200  # counted once
    events = demo.call("GET", f"/v1/courses/{DEMO_COURSE}/events", demo.plain).json()["events"]
    assert [(e["learner"], e["task"], e["score"], e["duration"]) for e in events] == [
        ("zoe", "addition-easy", 0.8, 90.0)
    ]
    wrong = {**statement, "id": None, "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"}}
    body = _problem(demo.call("POST", url, demo.plain, json=wrong), 422)
    assert "verb.id: expected 'http://adlnet.gov/expapi/verbs/answered'" in str(body["detail"])


def test_limits_rate_and_body(tmp_path: Path) -> None:
    api = make_api(tmp_path / "limits.db", rate_limit=2, burst=3, max_body=200)
    try:
        codes = [api.call("GET", "/v1/courses", api.plain).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and 429 in codes[3:]
        limited = api.call("GET", "/v1/courses", api.plain)
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        assert api.call("GET", "/v1/courses", api.admin).status_code == 200  # per key
        big = api.call(
            "POST",
            "/v1/courses",
            api.admin,
            content=json.dumps({"name": "x" * 500}),
            headers={"Content-Type": "application/json"},
        )
        assert _problem(big, 413)["detail"] == (
            "request bodies may be at most 200 bytes here; send smaller batches"
        )
    finally:
        api.client.close()
        api.service.close()


def test_cors_is_off_unless_configured(tmp_path: Path, api: Api) -> None:
    pre = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    assert (
        "access-control-allow-origin" not in api.call("OPTIONS", "/v1/courses", headers=pre).headers
    )
    open_api = make_api(tmp_path / "cors.db", cors_origins=("https://app.example",))
    try:
        got = open_api.call("OPTIONS", "/v1/courses", headers=pre)
        assert got.headers["access-control-allow-origin"] == "https://app.example"
    finally:
        open_api.client.close()
        open_api.service.close()


def test_health_readiness_metrics_and_pages(demo: Api) -> None:
    assert demo.call("GET", "/healthz").json() == {"status": "ok"}
    assert demo.call("GET", "/readyz").json()["status"] == "ready"
    demo.call("POST", NEXT, demo.plain)
    metrics = demo.call("GET", "/metrics").text
    assert (
        'teachkit_http_requests_total{method="POST",route="/v1/courses/{course}/learners/{learner}/next",status="200"}'
        in metrics
    )
    assert 'teachkit_ops_total{kind="ask"}' in metrics
    for page in ("/", "/practice", f"/dashboard/{DEMO_COURSE}", "/docs"):
        got = demo.call("GET", page)
        assert got.status_code == 200 and got.text.startswith("<!doctype html>")
        assert "http" not in got.text.split("<body>")[0].replace("http-equiv", "")  # no CDN
    assert demo.call("GET", "/static/dashboard.js").status_code == 200
    spec = demo.call("GET", "/openapi.json").json()
    assert "/v1/assignments/{assignment_id}/outcome" in spec["paths"]
