"""Time entries: list (filtered, sorted, paged), log, import CSV, read, change, delete, restore."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from charter.errors import InvalidChangeError, Location
from charter.services.time_entries import TimeToLog
from charter.store import TimeEntryQuery
from charter.web.api.projects import Limit, Offset
from charter.web.api.records_models import (
    MAX_ID,
    TimeEntryIn,
    TimeEntryOut,
    TimeEntryPage,
    TimeEntryPatch,
    TimeImportOut,
)
from charter.web.deps import ActorDep, IfMatchDep, ServicesDep, SettingsDep, etag, version_of
from charter.web.errors import ERROR_RESPONSES, RequestTooLargeError, UnsupportedMediaTypeError

router = APIRouter(prefix="/projects/{key}/time-entries", tags=["time entries"], responses=ERROR_RESPONSES)

CSV_TYPES = frozenset({"text/csv", "application/csv"})
JSON_TYPE = "application/json"
IMPORT_BODY = {
    "required": True,
    "content": {
        "text/csv": {
            "schema": {
                "type": "string",
                "description": "A header line `person,task,date,hours,note`, then one line per entry.",
            }
        },
        JSON_TYPE: {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/TimeEntryIn"}}},
    },
}
ENTRY_LIST = TypeAdapter(list[TimeEntryIn])
EntryId = Annotated[int, Path(ge=1, le=MAX_ID, description="The entry's number in the project.")]
Sort = Literal["date", "-date", "hours", "-hours", "person", "-person", "id"]


def _answer(response: Response, entry: TimeEntryOut) -> TimeEntryOut:
    response.headers["ETag"] = etag(entry.version)
    return entry


@router.get("", response_model=TimeEntryPage)
def list_time_entries(
    key: str,
    services: ServicesDep,
    actor: ActorDep,
    task: Annotated[str | None, Query(description="Only this task's entries.")] = None,
    person: Annotated[str | None, Query(description="Only this person's entries.")] = None,
    date_from: Annotated[dt.date | None, Query(alias="from", description="From this date on.")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="Up to this date, included.")] = None,
    sort: Annotated[Sort, Query(description="Order; `-` for descending.")] = "date",
    limit: Limit = 50,
    offset: Offset = 0,
) -> TimeEntryPage:
    """The project's time entries (readers), with the hours of all that match."""
    query = TimeEntryQuery(task, person, date_from, date_to, sort, limit, offset)
    found = services.time_entries.page(actor, key, query)
    return TimeEntryPage(
        items=[TimeEntryOut.of(e) for e in found.items],
        total=found.total,
        limit=limit,
        offset=offset,
        hours=found.minutes / 60,
    )


@router.post("", status_code=201, response_model=TimeEntryOut)
def log_time(
    key: str, body: TimeEntryIn, services: ServicesDep, actor: ActorDep, request: Request, response: Response
) -> TimeEntryOut:
    """Log time (members and up; for someone else, managers and owners)."""
    entry = services.time_entries.log(
        actor, key, task=body.task, date=body.date, hours=body.hours, note=body.note, person=body.person
    )
    response.headers["Location"] = f"{request.url.path}/{entry.id}"
    return _answer(response, TimeEntryOut.of(entry))


@router.post(
    "/import", status_code=201, response_model=TimeImportOut, openapi_extra={"requestBody": IMPORT_BODY}
)
async def import_time_entries(
    key: str, request: Request, services: ServicesDep, settings: SettingsDep, actor: ActorDep
) -> TimeImportOut:
    """Log many entries at once, all or none: a CSV file (`text/csv`; errors name line and
    column) or a JSON array of entries (`application/json`; errors name `[index].field`)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in CSV_TYPES | {JSON_TYPE}:
        raise UnsupportedMediaTypeError(
            f"time entries are imported from CSV or JSON, not from '{kind or 'no content type'}'",
            fix="send a CSV file with Content-Type: text/csv, or a JSON array with application/json",
        )
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > settings.max_upload_bytes:
            raise RequestTooLargeError(
                f"the import is larger than {settings.max_upload_bytes} bytes",
                fix="split it into several imports, or raise CHARTER_MAX_UPLOAD_BYTES",
            )
    if kind == JSON_TYPE:
        entries = [TimeToLog(e.task, e.date, e.hours, e.note, e.person) for e in _json_entries(bytes(data))]
        logged = await run_in_threadpool(services.time_entries.log_many, actor, key, entries)
    else:
        logged = await run_in_threadpool(services.time_entries.import_csv, actor, key, bytes(data))
    return TimeImportOut(imported=len(logged), ids=[e.id for e in logged])


def _json_entries(data: bytes) -> list[TimeEntryIn]:
    try:
        return ENTRY_LIST.validate_json(data)
    except ValidationError as error:
        first = error.errors()[0]
        path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"])
        raise InvalidChangeError(
            f"{path or 'body'}: {first['msg']}",
            where=Location(path=path or None),
            fix='send a JSON array of entries like [{"task": "build", "date": "2027-02-15", "hours": 1.5}]',
        ) from None


@router.get("/trash", response_model=list[TimeEntryOut])
def time_entry_trash(key: str, services: ServicesDep, actor: ActorDep) -> list[TimeEntryOut]:
    """Deleted entries that can still be restored, most recent first."""
    return [TimeEntryOut.of(e) for e in services.time_entries.trash(actor, key)]


@router.get("/{entry_id}", response_model=TimeEntryOut)
def get_time_entry(
    key: str, entry_id: EntryId, services: ServicesDep, actor: ActorDep, response: Response
) -> TimeEntryOut:
    return _answer(response, TimeEntryOut.of(services.time_entries.get(actor, key, entry_id)))


@router.patch("/{entry_id}", response_model=TimeEntryOut)
def patch_time_entry(
    key: str,
    entry_id: EntryId,
    body: TimeEntryPatch,
    services: ServicesDep,
    actor: ActorDep,
    if_match: IfMatchDep,
    response: Response,
) -> TimeEntryOut:
    """Change the entry, if it is still at the version you read (else 412); your own entries as a
    member, anybody's as a manager or owner."""
    version = version_of(if_match)
    if version is None:
        version = services.time_entries.get(actor, key, entry_id).version
    changes = body.model_dump(exclude_unset=True)
    return _answer(
        response, TimeEntryOut.of(services.time_entries.patch(actor, key, entry_id, changes, version))
    )


@router.delete("/{entry_id}", status_code=204, response_class=Response)
def delete_time_entry(
    key: str, entry_id: EntryId, services: ServicesDep, actor: ActorDep, if_match: IfMatchDep
) -> Response:
    """Move the entry to the trash, if it is still at the version you read."""
    version = version_of(if_match)
    if version is None:
        version = services.time_entries.get(actor, key, entry_id).version
    services.time_entries.delete(actor, key, entry_id, version)
    return Response(status_code=204)


@router.post("/{entry_id}/restore", response_model=TimeEntryOut)
def restore_time_entry(
    key: str, entry_id: EntryId, services: ServicesDep, actor: ActorDep, response: Response
) -> TimeEntryOut:
    """Bring the entry back from the trash."""
    return _answer(response, TimeEntryOut.of(services.time_entries.restore(actor, key, entry_id)))
