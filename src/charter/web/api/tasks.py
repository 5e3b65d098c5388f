"""One task at a time: read (with its ETag), change and delete (with If-Match), restore."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response

from charter.web.api.models import TaskOut
from charter.web.deps import ActorDep, IfMatchDep, ServicesDep, etag, version_of
from charter.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/projects/{key}", tags=["tasks"], responses=ERROR_RESPONSES)

Changes = Annotated[
    dict[str, Any],
    Body(
        description="Task fields to change, as in the plan file's JSON form (see `charter schema`); "
        "`key` and `tasks` cannot be changed here.",
        examples=[{"name": "Build", "duration": "10d"}],
    ),
]


def _answer(response: Response, task: TaskOut) -> TaskOut:
    response.headers["ETag"] = etag(task.version)
    return task


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
    version = version_of(if_match)
    if version is None:
        version = services.tasks.get(actor, key, task_key).version
    return _answer(response, TaskOut.of(services.tasks.patch(actor, key, task_key, changes, version)))


@router.delete("/tasks/{task_key}", status_code=204, response_class=Response)
def delete_task(
    key: str, task_key: str, services: ServicesDep, actor: ActorDep, if_match: IfMatchDep
) -> Response:
    """Move the task and its sub-tasks to the trash, if it is still at the version you read."""
    version = version_of(if_match)
    if version is None:
        version = services.tasks.get(actor, key, task_key).version
    services.tasks.delete(actor, key, task_key, version)
    return Response(status_code=204)


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
