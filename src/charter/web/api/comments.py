"""Comments on tasks: list, write, read, change and delete (author, managers, owners), restore."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from charter.web.api.projects import Limit, Offset
from charter.web.api.records_models import MAX_ID, CommentIn, CommentOut, CommentPage
from charter.web.deps import ActorDep, IfMatchDep, ServicesDep, etag, version_of
from charter.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/projects/{key}", tags=["comments"], responses=ERROR_RESPONSES)

CommentId = Annotated[int, Path(ge=1, le=MAX_ID, description="The comment's number in the project.")]


def _answer(response: Response, comment: CommentOut) -> CommentOut:
    response.headers["ETag"] = etag(comment.version)
    return comment


@router.get("/tasks/{task_key}/comments", response_model=CommentPage)
def list_comments(
    key: str, task_key: str, services: ServicesDep, actor: ActorDep, limit: Limit = 50, offset: Offset = 0
) -> CommentPage:
    """The task's comments, oldest first."""
    found = services.comments.page(actor, key, task_key, limit=limit, offset=offset)
    return CommentPage(
        items=[CommentOut.of(c) for c in found.items], total=found.total, limit=limit, offset=offset
    )


@router.post("/tasks/{task_key}/comments", status_code=201, response_model=CommentOut)
def add_comment(
    key: str,
    task_key: str,
    body: CommentIn,
    services: ServicesDep,
    actor: ActorDep,
    request: Request,
    response: Response,
) -> CommentOut:
    """Comment on the task (markdown; members and up)."""
    comment = services.comments.add(actor, key, task_key, body.text)
    response.headers["Location"] = f"{request.url.path}/{comment.id}"
    return _answer(response, CommentOut.of(comment))


@router.get("/tasks/{task_key}/comments/{comment_id}", response_model=CommentOut)
def get_comment(
    key: str, task_key: str, comment_id: CommentId, services: ServicesDep, actor: ActorDep, response: Response
) -> CommentOut:
    return _answer(response, CommentOut.of(services.comments.get(actor, key, task_key, comment_id)))


@router.patch("/tasks/{task_key}/comments/{comment_id}", response_model=CommentOut)
def edit_comment(
    key: str,
    task_key: str,
    comment_id: CommentId,
    body: CommentIn,
    services: ServicesDep,
    actor: ActorDep,
    if_match: IfMatchDep,
    response: Response,
) -> CommentOut:
    """Replace the comment's text, if it is still at the version you read (author, managers, owners)."""
    version = version_of(if_match)
    if version is None:
        version = services.comments.get(actor, key, task_key, comment_id).version
    edited = services.comments.edit(actor, key, task_key, comment_id, body.text, version)
    return _answer(response, CommentOut.of(edited))


@router.delete("/tasks/{task_key}/comments/{comment_id}", status_code=204, response_class=Response)
def delete_comment(
    key: str,
    task_key: str,
    comment_id: CommentId,
    services: ServicesDep,
    actor: ActorDep,
    if_match: IfMatchDep,
) -> Response:
    """Move the comment to the trash (author, managers, owners)."""
    version = version_of(if_match)
    if version is None:
        version = services.comments.get(actor, key, task_key, comment_id).version
    services.comments.delete(actor, key, task_key, comment_id, version)
    return Response(status_code=204)


@router.get("/comments/trash", response_model=list[CommentOut])
def comment_trash(key: str, services: ServicesDep, actor: ActorDep) -> list[CommentOut]:
    """Deleted comments that can still be restored, most recent first."""
    return [CommentOut.of(c) for c in services.comments.trash(actor, key)]


@router.post("/comments/{comment_id}/restore", response_model=CommentOut)
def restore_comment(
    key: str, comment_id: CommentId, services: ServicesDep, actor: ActorDep, response: Response
) -> CommentOut:
    """Bring a comment back from the trash (its task must not be in the trash)."""
    return _answer(response, CommentOut.of(services.comments.restore(actor, key, comment_id)))
