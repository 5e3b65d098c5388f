"""Tasks: list and add; one at a time read (with its ETag), change, move and delete (with
If-Match), restore; and each task's links and assignments, which share the task's version."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response

from charter.services import Actor, Services
from charter.store.wbs import TOP, TaskFilter
from charter.web.api.models import TaskOut
from charter.web.api.plan_models import (
    AssignmentBody,
    AssignmentOut,
    LinkBody,
    LinkOut,
    MoveTask,
    NewTask,
    TaskPage,
)
from charter.web.api.projects import Offset
from charter.web.deps import ActorDep, IfMatchDep, ServicesDep, etag, version_of
from charter.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/projects/{key}", tags=["tasks"], responses=ERROR_RESPONSES)

Changes = Annotated[
    dict[str, Any],
    Body(
        description="Task fields to change, as in the plan file's JSON form (see `charter schema`); "
        "`key` and `tasks` cannot be changed here.",
        examples=[{"name": "Build", "duration": {"value": 10, "unit": "d"}}],
    ),
]


def _answer(response: Response, task: TaskOut) -> TaskOut:
    response.headers["ETag"] = etag(task.version)
    return task


def _version(services: Services, actor: Actor, key: str, task_key: str, if_match: str) -> int:
    """The task version an If-Match quotes; for ``*``, whatever version the task is at now."""
    version = version_of(if_match)
    return services.tasks.get(actor, key, task_key).version if version is None else version


@router.get("/tasks", response_model=TaskPage)
def list_tasks(
    key: str,
    services: ServicesDep,
    actor: ActorDep,
    parent: Annotated[
        str | None, Query(description="Only the direct sub-tasks of this task; `-` for the top level.")
    ] = None,
    q: Annotated[str | None, Query(description="A part of the key or name, in any case.")] = None,
    tag: str | None = None,
    resource: Annotated[str | None, Query(description="Only tasks this resource is assigned to.")] = None,
    milestone: bool | None = None,
    summary: bool | None = None,
    sort: Literal["wbs", "key", "name", "updated"] = "wbs",
    order: Literal["asc", "desc"] = "asc",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> TaskPage:
    """The project's tasks, a page at a time, in WBS order unless sorted otherwise."""
    where = TaskFilter(
        parent=TOP if parent == "-" else parent,
        text=q,
        tag=tag,
        resource=resource,
        milestone=milestone,
        summary=summary,
    )
    page = services.tasks.page(
        actor, key, where, sort=sort, descending=order == "desc", limit=limit, offset=offset
    )
    return TaskPage(items=[TaskOut.of(t) for t in page.items], total=page.total, limit=limit, offset=offset)


@router.post("/tasks", response_model=TaskOut, status_code=201)
def create_task(
    key: str, body: NewTask, services: ServicesDep, actor: ActorDep, request: Request, response: Response
) -> TaskOut:
    """Add a task under a summary task (or at the top level), before a sibling or last."""
    created = services.tasks.create(
        actor, key, body.fields, task_key=body.key, parent=body.parent, before=body.before
    )
    response.headers["Location"] = f"{request.url.path}/{created.key}"
    return _answer(response, TaskOut.of(created))


@router.get("/tasks/{task_key}", response_model=TaskOut)
def get_task(key: str, task_key: str, services: ServicesDep, actor: ActorDep, response: Response) -> TaskOut:
    return _answer(response, TaskOut.of(services.tasks.get(actor, key, task_key)))


@router.patch("/tasks/{task_key}", response_model=TaskOut)
def patch_task(
    key: str,
    task_key: str,
    changes: Changes,
    services: ServicesDep,
    actor: ActorDep,
    if_match: IfMatchDep,
    response: Response,
) -> TaskOut:
    """Change some of the task's fields, if it is still at the version you read (else 412)."""
    version = _version(services, actor, key, task_key, if_match)
    return _answer(response, TaskOut.of(services.tasks.patch(actor, key, task_key, changes, version)))


@router.delete("/tasks/{task_key}", status_code=204, response_class=Response)
def delete_task(
    key: str, task_key: str, services: ServicesDep, actor: ActorDep, if_match: IfMatchDep
) -> Response:
    """Move the task and its sub-tasks to the trash, if it is still at the version you read."""
    services.tasks.delete(actor, key, task_key, _version(services, actor, key, task_key, if_match))
    return Response(status_code=204)


@router.post("/tasks/{task_key}/move", response_model=TaskOut)
def move_task(
    key: str,
    task_key: str,
    body: MoveTask,
    services: ServicesDep,
    actor: ActorDep,
    if_match: IfMatchDep,
    response: Response,
) -> TaskOut:
    """Move the task, with its sub-tasks, under another summary task or before another sibling."""
    version = _version(services, actor, key, task_key, if_match)
    moved = services.tasks.move(actor, key, task_key, version, parent=body.parent, before=body.before)
    return _answer(response, TaskOut.of(moved))


@router.get("/tasks/{task_key}/links", response_model=list[LinkOut])
def list_links(
    key: str, task_key: str, services: ServicesDep, actor: ActorDep, response: Response
) -> list[LinkOut]:
    """The links into the task, from its predecessors; the ETag is the task's."""
    task = services.tasks.get(actor, key, task_key)
    response.headers["ETag"] = etag(task.version)
    return [LinkOut.of(task_key, link, task.version) for link in task.task.links]


@router.get("/tasks/{task_key}/links/{predecessor}", response_model=LinkOut)
def get_link(
    key: str, task_key: str, predecessor: str, services: ServicesDep, actor: ActorDep, response: Response
) -> LinkOut:
    link, version = services.tasks.link(actor, key, task_key, predecessor)
    response.headers["ETag"] = etag(version)
    return LinkOut.of(task_key, link, version)


@router.put("/tasks/{task_key}/links/{predecessor}", response_model=LinkOut)
def put_link(
    key: str,
    task_key: str,
    predecessor: str,
    body: LinkBody,
    services: ServicesDep,
    actor: ActorDep,
    if_match: IfMatchDep,
    response: Response,
) -> LinkOut:
    """Make the task depend on ``predecessor`` (or change that link); refused if it closes a cycle."""
    version = _version(services, actor, key, task_key, if_match)
    task = services.tasks.put_link(actor, key, task_key, body.link(predecessor), version)
    response.headers["ETag"] = etag(task.version)
    link = next(link for link in task.task.links if link.predecessor == predecessor)
    return LinkOut.of(task_key, link, task.version)


@router.delete("/tasks/{task_key}/links/{predecessor}", status_code=204, response_class=Response)
def delete_link(
    key: str, task_key: str, predecessor: str, services: ServicesDep, actor: ActorDep, if_match: IfMatchDep
) -> Response:
    version = _version(services, actor, key, task_key, if_match)
    task = services.tasks.delete_link(actor, key, task_key, predecessor, version)
    return Response(status_code=204, headers={"ETag": etag(task.version)})


@router.get("/tasks/{task_key}/assignments", response_model=list[AssignmentOut])
def list_assignments(
    key: str, task_key: str, services: ServicesDep, actor: ActorDep, response: Response
) -> list[AssignmentOut]:
    """The resources assigned to the task; the ETag is the task's."""
    task = services.tasks.get(actor, key, task_key)
    response.headers["ETag"] = etag(task.version)
    return [AssignmentOut.of(task_key, a, task.version) for a in task.task.resources]


@router.get("/tasks/{task_key}/assignments/{resource}", response_model=AssignmentOut)
def get_assignment(
    key: str, task_key: str, resource: str, services: ServicesDep, actor: ActorDep, response: Response
) -> AssignmentOut:
    assignment, version = services.tasks.assignment(actor, key, task_key, resource)
    response.headers["ETag"] = etag(version)
    return AssignmentOut.of(task_key, assignment, version)


@router.put("/tasks/{task_key}/assignments/{resource}", response_model=AssignmentOut)
def put_assignment(
    key: str,
    task_key: str,
    resource: str,
    body: AssignmentBody,
    services: ServicesDep,
    actor: ActorDep,
    if_match: IfMatchDep,
    response: Response,
) -> AssignmentOut:
    """Assign the resource to the task (or change its units or work)."""
    version = _version(services, actor, key, task_key, if_match)
    task = services.tasks.put_assignment(actor, key, task_key, body.assignment(resource), version)
    response.headers["ETag"] = etag(task.version)
    assignment = next(a for a in task.task.resources if a.resource == resource)
    return AssignmentOut.of(task_key, assignment, task.version)


@router.delete("/tasks/{task_key}/assignments/{resource}", status_code=204, response_class=Response)
def delete_assignment(
    key: str, task_key: str, resource: str, services: ServicesDep, actor: ActorDep, if_match: IfMatchDep
) -> Response:
    version = _version(services, actor, key, task_key, if_match)
    task = services.tasks.delete_assignment(actor, key, task_key, resource, version)
    return Response(status_code=204, headers={"ETag": etag(task.version)})


@router.get("/trash", response_model=list[TaskOut])
def get_trash(key: str, services: ServicesDep, actor: ActorDep) -> list[TaskOut]:
    """Deleted tasks that can still be restored, most recent first."""
    return [TaskOut.of(t) for t in services.tasks.trash(actor, key)]


@router.post("/trash/{task_key}/restore", response_model=TaskOut)
def restore_task(
    key: str, task_key: str, services: ServicesDep, actor: ActorDep, response: Response
) -> TaskOut:
    """Bring a task back from the trash, with the sub-tasks deleted along with it."""
    return _answer(response, TaskOut.of(services.tasks.restore(actor, key, task_key)))
