"""The plan's parts over the API: tasks listed, added, moved, linked and assigned; calendars,
resources, risks and baselines; project settings, visibility, trash and restore. Each change is
checked by what the engine then computes or what the exported plan holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from charter.cli.app import main
from charter.formats.planfile import parse_plan

Auth = Callable[[str], dict[str, str]]
P = "/api/v1/projects/own-private"


def schedule_of(client: TestClient, auth: Auth) -> dict[str, dict[str, Any]]:
    document = client.get(f"{P}/schedule", headers=auth("owner")).json()
    return {t["key"]: t for t in document["tasks"]}


def exported(client: TestClient, auth: Auth) -> Any:
    return parse_plan(client.get(f"{P}/export", headers=auth("owner")).text)


def write(client: TestClient, auth: Auth, method: str, url: str, **kwargs: Any) -> Any:
    headers = {"If-Match": "*", **kwargs.pop("headers", {}), **auth("manager")}
    return client.request(method, url, headers=headers, **kwargs)


def test_a_calendar_written_as_in_a_plan_file_changes_the_schedule(client: TestClient, auth: Auth) -> None:
    before = schedule_of(client, auth)["arch"]
    assert before["finish"].startswith("2027-01-08")  # 5 days of 8 h from Monday 4 January
    read = client.get(f"{P}/calendars/standard", headers=auth("viewer"))
    assert read.status_code == 200 and read.headers["ETag"] == f'"{read.json()["version"]}"'
    half_days = {"week": {"mon-fri": "08:00-12:00"}}
    changed = write(client, auth, "PUT", f"{P}/calendars/standard", json=half_days,
                    headers={"If-Match": read.headers["ETag"]})  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["week"]["mon"] == [{"start": 480, "end": 720}]
    after = schedule_of(client, auth)["arch"]
    assert after["finish"].startswith("2027-01-15")  # 40 h at 4 h a day: ten working days
    stale = write(client, auth, "PUT", f"{P}/calendars/standard", json=half_days,
                  headers={"If-Match": read.headers["ETag"]})  # fmt: skip
    assert stale.status_code == 412


def test_items_need_a_precondition_and_create_only_when_asked(client: TestClient, auth: Auth) -> None:
    body = {"title": "Key engineer leaves", "probability": "20%"}
    no_header = client.put(f"{P}/risks/attrition", json=body, headers=auth("manager"))
    assert no_header.status_code == 428
    created = client.put(f"{P}/risks/attrition", json=body, headers={"If-None-Match": "*", **auth("manager")})
    assert created.status_code == 201 and created.json()["data"]["probability"] == 0.2
    again = client.put(f"{P}/risks/attrition", json=body, headers={"If-None-Match": "*", **auth("manager")})
    assert again.status_code == 412
    bad = write(client, auth, "PUT", f"{P}/risks/attrition", json={"title": "x", "probability": "150%"})
    assert bad.status_code == 422 and "probability" in bad.json()["what"]
    assert [r.key for r in exported(client, auth).risks] == ["vendor-late", "scope", "attrition"]
    assert (
        client.put(f"{P}/risks/attrition", json=body, headers={"If-Match": "*", **auth("member")}).status_code
        == 403
    )


def test_what_is_in_use_cannot_be_deleted_and_a_deleted_item_comes_back(
    client: TestClient, auth: Auth
) -> None:
    in_use = write(client, auth, "DELETE", f"{P}/resources/alice")
    assert in_use.status_code == 409 and "alice" in in_use.json()["what"]
    bob = client.get(f"{P}/resources/bob", headers=auth("owner")).json()
    assert write(client, auth, "DELETE", f"{P}/resources/bob").status_code == 204
    assert client.get(f"{P}/resources/bob", headers=auth("owner")).status_code == 404
    assert "bob" not in exported(client, auth).resources
    back = write(client, auth, "POST", f"{P}/resources/bob/restore")
    assert back.status_code == 200 and back.json()["data"] == bob["data"]
    assert write(client, auth, "POST", f"{P}/resources/bob/restore").status_code == 409
    audit = client.get(f"{P}/audit?limit=500", headers=auth("owner")).json()["items"]
    assert [(e["entity"], e["action"]) for e in audit[-2:]] == [
        ("resource", "delete"),
        ("resource", "restore"),
    ]


def test_a_calendar_based_on_a_missing_one_is_refused(client: TestClient, auth: Auth) -> None:
    response = write(client, auth, "PUT", f"{P}/calendars/late", json={"based_on": "nowhere"})
    assert response.status_code == 422 and "nowhere" in response.json()["what"]


def test_add_a_task_where_it_belongs_and_it_is_scheduled(client: TestClient, auth: Auth) -> None:
    body = {
        "key": "security",
        "parent": "design",
        "before": "review",
        "fields": {"name": "Security review", "duration": {"value": 3, "unit": "d"},
                   "links": [{"predecessor": "arch"}]},
    }  # fmt: skip
    created = client.post(f"{P}/tasks", json=body, headers=auth("member"))
    assert created.status_code == 201, created.text
    assert created.headers["Location"].endswith("/tasks/security") and created.json()["parent"] == "design"
    design = exported(client, auth).tasks[0]
    assert [t.key for t in design.tasks] == ["arch", "security", "review"]
    tasks = schedule_of(client, auth)
    assert tasks["security"]["start"] == tasks["arch"]["finish"] or tasks["security"]["start"].startswith(
        "2027-01-11"
    )
    assert tasks["security"]["finish"].startswith("2027-01-13")
    vague = client.post(f"{P}/tasks", json={"fields": {"name": "Hand-over"}}, headers=auth("member"))
    assert vague.status_code == 422 and "no duration" in vague.json()["what"]
    one_day = {"name": "Hand-over", "duration": {"value": 1, "unit": "d"}}
    derived = client.post(f"{P}/tasks", json={"fields": one_day}, headers=auth("member"))
    assert derived.json()["key"] == "hand-over" and derived.json()["parent"] is None
    assert [t.key for t in exported(client, auth).tasks][-1] == "hand-over"
    taken = client.post(f"{P}/tasks", json={"key": "notes", "fields": {"name": "x"}}, headers=auth("member"))
    assert taken.status_code == 409 and "trash" in taken.json()["what"]


def test_a_link_that_closes_a_cycle_is_refused(client: TestClient, auth: Auth) -> None:
    cycle = write(client, auth, "PUT", f"{P}/tasks/arch/links/golive", json={"type": "FS"})
    assert cycle.status_code == 422 and "cycle" in cycle.json()["what"]
    assert client.get(f"{P}/tasks/arch/links", headers=auth("owner")).json() == []
    own_summary = write(client, auth, "PUT", f"{P}/tasks/arch/links/design", json={})
    assert own_summary.status_code == 422 and "summary" in own_summary.json()["what"]


def test_links_and_assignments_are_parts_of_their_task(client: TestClient, auth: Auth) -> None:
    task = client.get(f"{P}/tasks/golive", headers=auth("owner"))
    link = write(client, auth, "PUT", f"{P}/tasks/golive/links/review", json={"type": "SS", "lag": "3d"},
                 headers={"If-Match": task.headers["ETag"]})  # fmt: skip
    assert link.status_code == 200 and link.json() == {
        "task": "golive", "predecessor": "review", "type": "SS", "lag": "+3d", "task_version": 2,
    }  # fmt: skip
    stale = write(
        client, auth, "DELETE", f"{P}/tasks/golive/links/review", headers={"If-Match": task.headers["ETag"]}
    )
    assert stale.status_code == 412
    golive = next(t for t in exported(client, auth).walk() if t.key == "golive")
    assert [(lk.predecessor, lk.type.value, str(lk.lag)) for lk in golive.links] == [
        ("build", "FS", ""), ("review", "SS", "+3d"),
    ]  # fmt: skip
    assigned = write(
        client, auth, "PUT", f"{P}/tasks/review/assignments/bob", json={"units": 0.5, "work": "8h"}
    )
    assert assigned.status_code == 200 and assigned.json()["work"] == "8h"
    review = next(t for t in exported(client, auth).walk() if t.key == "review")
    assert [(a.resource, a.units, str(a.work)) for a in review.resources] == [("bob", 0.5, "8h")]
    unknown = write(client, auth, "PUT", f"{P}/tasks/review/assignments/nobody", json={})
    assert unknown.status_code == 422
    assert write(client, auth, "DELETE", f"{P}/tasks/arch/assignments/alice").status_code == 204
    assert client.get(f"{P}/tasks/arch/assignments", headers=auth("owner")).json() == []
    bad_lag = write(client, auth, "PUT", f"{P}/tasks/golive/links/arch", json={"lag": "soon"})
    assert bad_lag.status_code == 422


def test_move_a_task_with_its_sub_tasks(client: TestClient, auth: Auth) -> None:
    version = client.get(f"{P}/tasks/design", headers=auth("owner")).json()["version"]
    moved = client.post(f"{P}/tasks/design/move", json={"parent": None, "before": "golive"},
                        headers={"If-Match": f'"{version}"', **auth("member")})  # fmt: skip
    assert moved.status_code == 200, moved.text
    plan = exported(client, auth)
    assert [t.key for t in plan.tasks] == ["build", "design", "golive"]
    assert [t.key for t in plan.tasks[1].tasks] == ["arch", "review"]
    into_itself = write(client, auth, "POST", f"{P}/tasks/design/move", json={"parent": "arch"})
    assert into_itself.status_code == 422
    cycle = write(client, auth, "POST", f"{P}/tasks/golive/move", json={"parent": "design"})
    assert cycle.status_code == 422 and "cycle" in cycle.json()["what"]  # golive > build > design
    assert [t.key for t in exported(client, auth).tasks[1].tasks] == ["arch", "review"]
    client.post(
        f"{P}/tasks",
        json={"key": "docs", "fields": {"name": "Docs", "milestone": True}},
        headers=auth("member"),
    )
    under = write(client, auth, "POST", f"{P}/tasks/docs/move", json={"parent": "design", "before": "review"})
    assert under.status_code == 200 and under.json()["parent"] == "design", under.text
    assert [t.key for t in exported(client, auth).tasks[1].tasks] == ["arch", "docs", "review"]


def test_list_tasks_filtered_sorted_and_paged(client: TestClient, auth: Auth) -> None:
    def keys(query: str) -> list[str]:
        page = client.get(f"{P}/tasks?{query}", headers=auth("viewer")).json()
        return [t["key"] for t in page["items"]]

    assert keys("") == ["design", "arch", "review", "build", "golive"]
    assert keys("parent=-") == ["design", "build", "golive"]
    assert keys("parent=design") == ["arch", "review"]
    assert keys("resource=alice") == ["arch", "build"]
    assert keys("q=REV") == ["review"]
    assert keys("milestone=true") == ["golive"]
    assert keys("summary=true") == ["design"]
    assert keys("sort=name") == ["arch", "build", "design", "review", "golive"]
    assert keys("sort=key&order=desc&limit=2&offset=1") == ["golive", "design"]
    page = client.get(f"{P}/tasks?limit=2", headers=auth("viewer")).json()
    assert page["total"] == 5 and page["items"][1]["parent"] == "design"
    assert page["items"][0]["children"] == ["arch", "review"]


def test_the_project_version_counts_every_change(client: TestClient, auth: Auth) -> None:
    first = client.get(P, headers=auth("owner")).headers["ETag"]
    write(client, auth, "PATCH", f"{P}/tasks/build", json={"name": "Build it"})
    second = client.get(P, headers=auth("owner")).headers["ETag"]
    assert second != first
    stale = client.patch(P, json={"name": "Renamed"}, headers={"If-Match": first, **auth("owner")})
    assert stale.status_code == 412
    renamed = client.patch(P, json={"name": "Renamed", "status_date": "2027-01-20"},
                           headers={"If-Match": second, **auth("manager")})  # fmt: skip
    assert renamed.status_code == 200 and renamed.json()["settings"]["status_date"] == "2027-01-20"
    assert client.get(P, headers=auth("owner")).json()["name"] == "Renamed"
    assert exported(client, auth).project.name == "Renamed"
    unknown = write(client, auth, "PATCH", P, json={"colour": "red"})
    assert unknown.status_code == 422 and "colour" in unknown.json()["what"]


def test_visibility_and_the_project_trash(client: TestClient, auth: Auth) -> None:
    assert client.get(P).status_code in (401, 404)
    assert write(client, auth, "PUT", f"{P}/visibility", json={"visibility": "public"}).status_code == 403
    public = client.put(
        f"{P}/visibility", json={"visibility": "public"}, headers={"If-Match": "*", **auth("owner")}
    )
    assert public.status_code == 200 and client.get(P).status_code == 200
    assert client.delete(P, headers={"If-Match": "*", **auth("owner")}).status_code == 204
    trash = client.get("/api/v1/projects?deleted=true", headers=auth("owner")).json()["items"]
    assert [p["key"] for p in trash] == ["own-private"]
    assert client.get("/api/v1/projects?deleted=true", headers=auth("manager")).json()["items"] == []
    assert client.post(f"{P}/restore", headers=auth("manager")).status_code == 403
    assert client.post(f"{P}/restore", headers=auth("owner")).status_code == 200
    assert client.get(P, headers=auth("owner")).json()["tasks"] == 4


def test_save_a_baseline_from_the_schedule(client: TestClient, auth: Auth) -> None:
    saved = client.post(f"{P}/baselines/2/save", json={"name": "Approved"}, headers=auth("manager"))
    assert saved.status_code == 200, saved.text
    data = saved.json()["data"]
    computed = schedule_of(client, auth)
    assert data["name"] == "Approved" and set(data["tasks"]) == {
        "design",
        "arch",
        "review",
        "build",
        "golive",
    }
    assert data["tasks"]["arch"]["start"][:16] == computed["arch"]["start"][:16]
    assert [b.index for b in exported(client, auth).baselines] == [0, 2]
    assert client.post(f"{P}/baselines/11/save", headers=auth("manager")).status_code == 422


def test_a_change_the_engine_could_not_schedule_is_refused(client: TestClient, auth: Auth) -> None:
    progress = write(client, auth, "PATCH", f"{P}/tasks/build", json={"percent_complete": 0.5})
    assert progress.status_code == 422 and "actual_start" in progress.json()["what"]
    no_duration = write(client, auth, "PATCH", f"{P}/tasks/review", json={"duration": None})
    assert no_duration.status_code == 422 and "no duration" in no_duration.json()["what"]
    assert client.get(f"{P}/schedule", headers=auth("owner")).status_code == 200
    started = write(client, auth, "PATCH", f"{P}/tasks/build",
                    json={"percent_complete": 0.5, "actual_start": "2027-01-18"})  # fmt: skip
    assert started.status_code == 200, started.text


def test_the_critical_path_is_the_one_the_command_line_explains(
    client: TestClient, auth: Auth, tmp_path: Any, capsys: Any
) -> None:
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(client.get(f"{P}/export", headers=auth("owner")).text)
    assert main(["critical", str(plan_file), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    api = client.get(f"{P}/critical", headers=auth("viewer")).json()
    assert api == cli and [s["key"] for s in api["critical"]] == ["arch", "review", "build", "golive"]
    assert api["critical"][2]["pushed_by"] == {"kind": "link", "task": "design", "link": "FS +2d"}
