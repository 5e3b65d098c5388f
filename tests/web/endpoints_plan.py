"""Project settings and restore, the task list, new tasks, moves, links, assignments, and the
plan-level items (calendars, resources, risks, baselines)."""

from __future__ import annotations

from charter.services import Action
from tests.web.endpoint import Endpoint

P = "/api/v1/projects/{key}"
T = f"{P}/tasks/{{task_key}}"
ANY = {"If-Match": "*"}
PLAN: dict[str, Endpoint] = {
    "patch-project": Endpoint("PATCH", P, P, Action.EDIT_PLAN, 200, json={"description": "Changed"}, headers=ANY),
    "critical": Endpoint("GET", f"{P}/critical", f"{P}/critical", Action.VIEW_PLAN, 200),
    "evm": Endpoint("GET", f"{P}/evm", f"{P}/evm?status_date=2027-02-01", Action.VIEW_SUMMARY, 200),
    "workload": Endpoint("GET", f"{P}/workload", f"{P}/workload?by=day", Action.VIEW_PLAN, 200),
    "levelling": Endpoint("GET", f"{P}/levelling", f"{P}/levelling", Action.VIEW_PLAN, 200),
    "risk": Endpoint("GET", f"{P}/risk", f"{P}/risk?iterations=200&seed=3", Action.VIEW_SUMMARY, 200),
    "settings": Endpoint("GET", f"{P}/settings", f"{P}/settings", Action.VIEW_PLAN, 200),
    "visibility": Endpoint(
        "PUT", f"{P}/visibility", f"{P}/visibility", Action.SET_VISIBILITY, 200,
        json={"visibility": "public"}, headers=ANY,
    ),
    "restore-project": Endpoint("POST", f"{P}/restore", f"{P}/restore", Action.DELETE_PROJECT, 200),
    "tasks": Endpoint("GET", f"{P}/tasks", f"{P}/tasks?limit=2&sort=name", Action.VIEW_PLAN, 200),
    "create-task": Endpoint(
        "POST", f"{P}/tasks", f"{P}/tasks", Action.EDIT_TASKS, 201,
        json={"parent": "design", "fields": {"name": "Security review", "duration": {"value": 1, "unit": "d"}}},
    ),
    "move-task": Endpoint(
        "POST", f"{T}/move", f"{P}/tasks/golive/move", Action.EDIT_TASKS, 200,
        json={"parent": None, "before": "design"}, headers=ANY,
    ),
    "links": Endpoint("GET", f"{T}/links", f"{P}/tasks/review/links", Action.VIEW_PLAN, 200),
    "link": Endpoint(
        "GET", f"{T}/links/{{predecessor}}", f"{P}/tasks/review/links/arch", Action.VIEW_PLAN, 200
    ),
    "put-link": Endpoint(
        "PUT", f"{T}/links/{{predecessor}}", f"{P}/tasks/golive/links/arch", Action.EDIT_TASKS, 200,
        json={"type": "FF", "lag": "1d"}, headers=ANY,
    ),
    "delete-link": Endpoint(
        "DELETE", f"{T}/links/{{predecessor}}", f"{P}/tasks/review/links/arch", Action.EDIT_TASKS, 204,
        headers=ANY,
    ),
    "assignments": Endpoint("GET", f"{T}/assignments", f"{P}/tasks/arch/assignments", Action.VIEW_PLAN, 200),
    "assignment": Endpoint(
        "GET", f"{T}/assignments/{{resource}}", f"{P}/tasks/arch/assignments/alice", Action.VIEW_PLAN, 200
    ),
    "put-assignment": Endpoint(
        "PUT", f"{T}/assignments/{{resource}}", f"{P}/tasks/review/assignments/bob", Action.EDIT_TASKS, 200,
        json={"units": 0.5}, headers=ANY,
    ),
    "delete-assignment": Endpoint(
        "DELETE", f"{T}/assignments/{{resource}}", f"{P}/tasks/arch/assignments/alice", Action.EDIT_TASKS,
        204, headers=ANY,
    ),
    "baselines": Endpoint("GET", f"{P}/baselines", f"{P}/baselines", Action.VIEW_PLAN, 200),
    "save-baseline": Endpoint(
        "POST", f"{P}/baselines/{{index}}/save", f"{P}/baselines/1/save", Action.EDIT_PLAN, 200,
        json={"name": "Approved plan"},
    ),
    "baseline": Endpoint("GET", f"{P}/baselines/{{index}}", f"{P}/baselines/0", Action.VIEW_PLAN, 200),
    "delete-baseline": Endpoint(
        "DELETE", f"{P}/baselines/{{index}}", f"{P}/baselines/0", Action.EDIT_PLAN, 204, headers=ANY
    ),
    "restore-baseline": Endpoint(
        "POST", f"{P}/baselines/{{index}}/restore", f"{P}/baselines/5/restore", Action.EDIT_PLAN, 200
    ),
}  # fmt: skip

ITEMS = {
    "calendars": ("standard", {"week": {"mon-fri": "09:00-17:00"}}, "night", "old-night"),
    "resources": ("alice", {"name": "Alice Martin", "units": 1.0}, "bob", "carol"),
    "risks": ("vendor-late", {"title": "Vendor later still", "probability": 0.4}, "scope", "old-risk"),
}
"""Per section: an item the world has, a new body for it, one nothing uses (to delete) and one
deleted (to restore); ``seed_plan_items`` in tests/web/conftest.py makes the last two."""
for section, (existing, body, spare, deleted) in ITEMS.items():
    one = f"{P}/{section}/{{item_key}}"
    PLAN[section] = Endpoint("GET", f"{P}/{section}", f"{P}/{section}", Action.VIEW_PLAN, 200)
    PLAN[f"{section}-one"] = Endpoint("GET", one, f"{P}/{section}/{existing}", Action.VIEW_PLAN, 200)
    PLAN[f"{section}-put"] = Endpoint(
        "PUT", one, f"{P}/{section}/{existing}", Action.EDIT_PLAN, 200, json=body, headers=ANY
    )
    PLAN[f"{section}-restore"] = Endpoint(
        "POST", f"{one}/restore", f"{P}/{section}/{deleted}/restore", Action.EDIT_PLAN, 200
    )
    PLAN[f"{section}-delete"] = Endpoint(
        "DELETE", one, f"{P}/{section}/{spare}", Action.EDIT_PLAN, 204, headers=ANY
    )
