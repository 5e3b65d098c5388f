"""Attachments of a project or of a task: upload, list, describe, download, delete, restore.

An upload is the file as the raw request body (its name in the ``filename`` query parameter or
the ``X-Filename`` header, percent-encoded if need be) or a ``multipart/form-data`` form with a
``file`` field. Bodies above ``max_upload_bytes`` are refused (413) while they stream in. The
download's ETag is the file's SHA-256, checked against the file before it is sent.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.types import Message

from charter.errors import InvalidChangeError, Location, StaleVersionError
from charter.services import Actor, AttachmentService
from charter.store import Attachment
from charter.store.attachments import ALL_TASKS
from charter.store.blobs import BlobWriter
from charter.web.api.projects import Limit, Offset
from charter.web.api.records_models import MAX_ID, AttachmentOut, AttachmentPage
from charter.web.deps import ActorDep, IfMatchDep, ServicesDep, SettingsDep, etag, parse_etag, version_of
from charter.web.errors import ERROR_RESPONSES, RequestTooLargeError, UnsupportedMediaTypeError
from charter.web.settings import Settings

router = APIRouter(prefix="/projects/{key}", tags=["attachments"], responses=ERROR_RESPONSES)

CHUNK = 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024
"""Room for the form's boundaries and part headers on top of the file itself."""
UPLOAD_BODY = {
    "required": True,
    "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
    },
}
AttachmentId = Annotated[int, Path(ge=1, le=MAX_ID, description="The attachment's number in the project.")]
FilenameQuery = Annotated[
    str | None, Query(description="The file's name (for a raw body; else the X-Filename header).")
]


def attachment_service(services: ServicesDep, settings: SettingsDep) -> AttachmentService:
    """The attachments service with its files where the settings put them."""
    return services.attachments.using(settings.attachments_path())


AttachmentsDep = Annotated[AttachmentService, Depends(attachment_service)]


def _answer(response: Response, attachment: Attachment) -> AttachmentOut:
    response.headers["ETag"] = etag(attachment.version)
    return AttachmentOut.of(attachment)


@router.post(
    "/attachments", status_code=201, response_model=AttachmentOut, openapi_extra={"requestBody": UPLOAD_BODY}
)
async def upload_project_attachment(
    key: str,
    request: Request,
    attachments: AttachmentsDep,
    settings: SettingsDep,
    actor: ActorDep,
    response: Response,
    filename: FilenameQuery = None,
) -> AttachmentOut:
    """Attach a file to the project (members and up)."""
    attachment = await _upload(request, attachments, settings, actor, key, None, filename)
    response.headers["Location"] = f"{request.url.path}/{attachment.id}"
    return _answer(response, attachment)


@router.post(
    "/tasks/{task_key}/attachments",
    status_code=201,
    response_model=AttachmentOut,
    openapi_extra={"requestBody": UPLOAD_BODY},
)
async def upload_task_attachment(
    key: str,
    task_key: str,
    request: Request,
    attachments: AttachmentsDep,
    settings: SettingsDep,
    actor: ActorDep,
    response: Response,
    filename: FilenameQuery = None,
) -> AttachmentOut:
    """Attach a file to the task (members and up)."""
    attachment = await _upload(request, attachments, settings, actor, key, task_key, filename)
    response.headers["Location"] = f"{request.url.path.split('/tasks/')[0]}/attachments/{attachment.id}"
    return _answer(response, attachment)


@router.get("/attachments", response_model=AttachmentPage)
def list_attachments(
    key: str,
    attachments: AttachmentsDep,
    actor: ActorDep,
    task: Annotated[str | None, Query(description="Only this task's attachments.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AttachmentPage:
    """The project's attachments, its tasks' included (or one task's), oldest first."""
    found = attachments.page(actor, key, ALL_TASKS if task is None else task, limit=limit, offset=offset)
    return AttachmentPage(
        items=[AttachmentOut.of(a) for a in found.items], total=found.total, limit=limit, offset=offset
    )


@router.get("/tasks/{task_key}/attachments", response_model=AttachmentPage)
def list_task_attachments(
    key: str,
    task_key: str,
    attachments: AttachmentsDep,
    actor: ActorDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AttachmentPage:
    """The task's attachments, oldest first."""
    found = attachments.page(actor, key, task_key, limit=limit, offset=offset)
    return AttachmentPage(
        items=[AttachmentOut.of(a) for a in found.items], total=found.total, limit=limit, offset=offset
    )


@router.get("/attachments/trash", response_model=list[AttachmentOut])
def attachment_trash(key: str, attachments: AttachmentsDep, actor: ActorDep) -> list[AttachmentOut]:
    """Deleted attachments that can still be restored, most recent first."""
    return [AttachmentOut.of(a) for a in attachments.trash(actor, key)]


@router.get("/attachments/{attachment_id}", response_model=AttachmentOut)
def get_attachment(
    key: str, attachment_id: AttachmentId, attachments: AttachmentsDep, actor: ActorDep, response: Response
) -> AttachmentOut:
    return _answer(response, attachments.get(actor, key, attachment_id))


@router.get(
    "/attachments/{attachment_id}/content",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
        304: {"description": "Your copy (If-None-Match) is current."},
    },
)
def download_attachment(
    key: str, attachment_id: AttachmentId, attachments: AttachmentsDep, actor: ActorDep, request: Request
) -> Response:
    """The file, with its own Content-Type, as a download; its ETag is its SHA-256."""
    described = attachments.get(actor, key, attachment_id)
    tag = etag(described.sha256)
    if _current(request.headers.get("if-none-match"), described.sha256):
        return Response(status_code=304, headers={"ETag": tag})
    attachment, path = attachments.content(actor, key, attachment_id)
    return FileResponse(
        path,
        media_type=attachment.content_type,
        filename=attachment.filename,
        headers={
            "ETag": etag(attachment.sha256),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private",
        },
    )


@router.delete("/attachments/{attachment_id}", status_code=204, response_class=Response)
def delete_attachment(
    key: str, attachment_id: AttachmentId, attachments: AttachmentsDep, actor: ActorDep, if_match: IfMatchDep
) -> Response:
    """Move the attachment to the trash (its uploader, managers, owners); the file is kept."""
    version = version_of(if_match)
    if version is None:
        version = attachments.get(actor, key, attachment_id).version
    attachments.delete(actor, key, attachment_id, version)
    return Response(status_code=204)


@router.post("/attachments/{attachment_id}/restore", response_model=AttachmentOut)
def restore_attachment(
    key: str, attachment_id: AttachmentId, attachments: AttachmentsDep, actor: ActorDep, response: Response
) -> AttachmentOut:
    """Bring an attachment back from the trash (its task must not be in the trash)."""
    return _answer(response, attachments.restore(actor, key, attachment_id))


# -- uploads -------------------------------------------------------------------------------------


async def _upload(
    request: Request,
    attachments: AttachmentService,
    settings: Settings,
    actor: Actor,
    key: str,
    task: str | None,
    filename: str | None,
) -> Attachment:
    limit = settings.max_upload_bytes
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + (
        MULTIPART_OVERHEAD if kind == "multipart/form-data" else 0
    ):
        raise _too_large(limit)
    if kind == "multipart/form-data":
        return await _upload_form(request, attachments, actor, key, task, filename, limit)
    if kind == "application/x-www-form-urlencoded":
        raise UnsupportedMediaTypeError(
            "a form upload must be multipart/form-data",
            fix="send the file as the raw body, or as a multipart/form-data form with a 'file' field",
        )
    name = filename if filename is not None else unquote(request.headers.get("x-filename", ""))
    if not name:
        raise InvalidChangeError(
            "the upload has no file name",
            where=Location(path="filename"),
            fix="give it as ?filename=… or in the X-Filename header",
        )
    name = await run_in_threadpool(attachments.check_upload, actor, key, name)
    with await run_in_threadpool(attachments.writer) as writer:
        async for chunk in request.stream():
            await _write(writer, chunk, limit)
        blob = await run_in_threadpool(writer.commit)
    return await run_in_threadpool(attachments.attach, actor, key, task, name, kind, blob)


async def _upload_form(
    request: Request,
    attachments: AttachmentService,
    actor: Actor,
    key: str,
    task: str | None,
    filename: str | None,
    limit: int,
) -> Attachment:
    await run_in_threadpool(attachments.check_upload, actor, key, filename or "upload")
    bounded = Request(request.scope, _bounded(request, limit + MULTIPART_OVERHEAD))
    async with bounded.form(max_files=1, max_fields=10) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidChangeError(
                "the form has no file in a field named 'file'",
                where=Location(path="file"),
                fix="send the file as the form field 'file'",
            )
        name = filename or upload.filename or ""
        name = await run_in_threadpool(attachments.check_upload, actor, key, name)
        with await run_in_threadpool(attachments.writer) as writer:
            while chunk := await upload.read(CHUNK):
                await _write(writer, chunk, limit)
            blob = await run_in_threadpool(writer.commit)
        content_type = upload.content_type or ""
    return await run_in_threadpool(attachments.attach, actor, key, task, name, content_type, blob)


async def _write(writer: BlobWriter, chunk: bytes, limit: int) -> None:
    if writer.size + len(chunk) > limit:
        raise _too_large(limit)
    await run_in_threadpool(writer.write, chunk)


def _bounded(request: Request, limit: int) -> Any:
    """The request's ``receive``, refusing a body that grows past ``limit`` as it arrives."""
    seen = 0

    async def receive() -> Message:
        nonlocal seen
        message = await request.receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _too_large(limit - MULTIPART_OVERHEAD)
        return message

    return receive


def _too_large(limit: int) -> RequestTooLargeError:
    return RequestTooLargeError(
        f"the file is larger than the {limit} bytes this server accepts",
        fix="compress or split it, or raise CHARTER_MAX_UPLOAD_BYTES",
    )


def _current(if_none_match: str | None, sha256: str) -> bool:
    if not if_none_match:
        return False
    for tag in if_none_match.split(","):
        text = tag.strip().removeprefix("W/")
        if text == "*":
            return True
        try:
            if parse_etag(text) == sha256:
                return True
        except StaleVersionError:
            continue
    return False
