"""Projects, tasks, the trash and members."""

from __future__ import annotations

from charter.services import Action
from tests.web.endpoint import Endpoint

P = "/api/v1/projects/{key}"
CORE: dict[str, Endpoint] = {
    "project": Endpoint("GET", P, P, Action.VIEW_SUMMARY, 200),
    "delete-project": Endpoint("DELETE", P, P, Action.DELETE_PROJECT, 204, headers={"If-Match": "*"}),
    "schedule": Endpoint("GET", f"{P}/schedule", f"{P}/schedule", Action.VIEW_PLAN, 200),
    "export-yaml": Endpoint("GET", f"{P}/export", f"{P}/export?format=yaml", Action.VIEW_PLAN, 200),
    "export-mspdi": Endpoint("GET", f"{P}/export", f"{P}/export?format=mspdi", Action.VIEW_PLAN, 200),
    "audit": Endpoint("GET", f"{P}/audit", f"{P}/audit", Action.VIEW_AUDIT, 200),
    "task": Endpoint("GET", f"{P}/tasks/{{task_key}}", f"{P}/tasks/build", Action.VIEW_PLAN, 200),
    "patch-task": Endpoint(
        "PATCH", f"{P}/tasks/{{task_key}}", f"{P}/tasks/build", Action.EDIT_TASKS, 200,
        json={"name": "Renamed"}, headers={"If-Match": '"1"'},
    ),
    "delete-task": Endpoint(
        "DELETE", f"{P}/tasks/{{task_key}}", f"{P}/tasks/golive", Action.EDIT_TASKS, 204,
        headers={"If-Match": '"1"'},
    ),
    "trash": Endpoint("GET", f"{P}/trash", f"{P}/trash", Action.VIEW_PLAN, 200),
    "restore": Endpoint(
        "POST", f"{P}/trash/{{task_key}}/restore", f"{P}/trash/notes/restore", Action.EDIT_TASKS, 200
    ),
    "members": Endpoint("GET", f"{P}/members", f"{P}/members", Action.VIEW_MEMBERS, 200),
    "member": Endpoint(
        "GET", f"{P}/members/{{username}}", f"{P}/members/target2", Action.VIEW_MEMBERS, 200
    ),
    "put-member": Endpoint(
        "PUT", f"{P}/members/{{username}}", f"{P}/members/target", Action.MANAGE_MEMBERS, 200,
        json={"role": "stakeholder"}, headers={"If-None-Match": "*"},
    ),
    "delete-member": Endpoint(
        "DELETE", f"{P}/members/{{username}}", f"{P}/members/target2", Action.MANAGE_MEMBERS, 204,
        headers={"If-Match": '"viewer"'},
    ),
}  # fmt: skip
