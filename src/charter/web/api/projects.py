"""Projects: create from a plan file, list, summary, schedule, export, audit log, delete."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from charter.domain import Plan
from charter.errors import Location, PlanFileError
from charter.formats.mspdi import dump_mspdi, parse_mspdi
from charter.formats.planfile import dump_plan, parse_plan
from charter.services import Actor, Services
from charter.web.api.models import (
    AuditOut,
    AuditPage,
    Created,
    ProjectItem,
    ProjectOut,
    ProjectPage,
    ScheduleOut,
)
from charter.web.api.plan_models import CriticalOut, SettingsOut, VisibilityBody
from charter.web.deps import ActorDep, IfMatchDep, ServicesDep, SettingsDep, StatusDateDep, etag, version_of
from charter.web.errors import ERROR_RESPONSES, RequestTooLargeError, UnsupportedMediaTypeError

router = APIRouter(prefix="/projects", tags=["projects"], responses=ERROR_RESPONSES)

YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
XML_TYPES = frozenset({"application/xml", "text/xml"})
PLAN_BODY = {
    "required": True,
    "content": {
        "application/yaml": {
            "schema": {"type": "string", "description": "A plan file (see `charter schema`)."}
        },
        "application/xml": {"schema": {"type": "string", "description": "Microsoft Project XML (MSPDI)."}},
    },
}
Limit = Annotated[int, Query(ge=1, le=500)]
MAX_OFFSET = 2**31 - 1
"""The largest offset a list takes: far past any list, and within what both databases accept."""
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


@router.post("", status_code=201, response_model=Created, openapi_extra={"requestBody": PLAN_BODY})
async def create_project(
    request: Request,
    services: ServicesDep,
    settings: SettingsDep,
    actor: ActorDep,
    response: Response,
    key: Annotated[
        str | None, Query(description="The project key; derived from its name if left out.")
    ] = None,
    visibility: Literal["private", "public"] = "private",
) -> Created:
    """Create a project from a plan file (`application/yaml`) or MSPDI (`application/xml`)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in YAML_TYPES | XML_TYPES:
        raise UnsupportedMediaTypeError(
            f"a project is created from a plan file, not from '{kind or 'no content type'}'",
            fix="send the plan with Content-Type: application/yaml, or MSPDI with application/xml",
        )
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > settings.max_upload_bytes:
            raise RequestTooLargeError(
                f"the plan is larger than {settings.max_upload_bytes} bytes",
                fix="split the project, or raise CHARTER_MAX_UPLOAD_BYTES",
            )
    created = await run_in_threadpool(
        _create, services, actor, bytes(data), kind in XML_TYPES, key, visibility
    )
    response.headers["Location"] = f"{request.url.path}/{created}"
    return Created(key=created)


def _create(
    services: Services, actor: Actor, data: bytes, xml: bool, key: str | None, visibility: str
) -> str:
    plan: Plan
    if xml:
        plan = parse_mspdi(data, "request body")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PlanFileError(
                f"the plan file is not UTF-8 text (byte {exc.start})",
                where=Location(file="request body"),
                fix="save the plan file as UTF-8",
            ) from None
        plan = parse_plan(text, "request body")
    return services.projects.create(actor, plan, key, visibility=visibility)


@router.get("", response_model=ProjectPage)
def list_projects(
    services: ServicesDep,
    actor: ActorDep,
    limit: Limit = 50,
    offset: Offset = 0,
    deleted: Annotated[
        bool, Query(description="List the projects in the trash that you may restore instead.")
    ] = False,
) -> ProjectPage:
    """The projects you may see (yours and the public ones; all for an admin), by key."""
    projects = services.projects.trash(actor) if deleted else services.projects.visible(actor)
    return ProjectPage(
        items=[ProjectItem.of(p) for p in projects[offset : offset + limit]],
        total=len(projects),
        limit=limit,
        offset=offset,
    )


@router.get("/{key}", response_model=ProjectOut)
def get_project(key: str, services: ServicesDep, actor: ActorDep, response: Response) -> ProjectOut:
    """The project's summary (stakeholders see this much); its version is the ETag."""
    summary = services.projects.summary(actor, key)
    response.headers["ETag"] = etag(summary.version)
    return ProjectOut.of(summary)


@router.delete("/{key}", status_code=204, response_class=Response)
def delete_project(key: str, services: ServicesDep, actor: ActorDep, if_match: IfMatchDep) -> Response:
    """Move the project to the trash (owners only); it can be restored for 30 days."""
    services.projects.delete(actor, key, version_of(if_match))
    return Response(status_code=204)


@router.post("/{key}/restore", response_model=ProjectItem)
def restore_project(key: str, services: ServicesDep, actor: ActorDep, response: Response) -> ProjectItem:
    """Bring the project back from the trash (owners only); a live project is left as it is."""
    restored = services.projects.restore(actor, key)
    response.headers["ETag"] = etag(restored.version)
    return ProjectItem.of(restored)


@router.get("/{key}/settings", response_model=SettingsOut)
def get_settings(key: str, services: ServicesDep, actor: ActorDep, response: Response) -> SettingsOut:
    """The plan's `project:` section (name, start, calendar, status date …); the ETag is the
    project's version."""
    settings = services.projects.settings(actor, key)
    response.headers["ETag"] = etag(settings.info.version)
    return SettingsOut.of(settings)


@router.patch("/{key}", response_model=SettingsOut)
def patch_project(
    key: str,
    changes: Annotated[
        dict[str, Any],
        Body(
            description="Settings to change, as in the plan file's `project:` section (JSON form).",
            examples=[{"name": "ERP roll-out, phase 2", "status_date": "2027-03-01"}],
        ),
    ],
    services: ServicesDep,
    actor: ActorDep,
    if_match: IfMatchDep,
    response: Response,
) -> SettingsOut:
    """Change project settings (owners and managers), if the project is at the version you read."""
    settings = services.projects.update(actor, key, changes, version_of(if_match))
    response.headers["ETag"] = etag(settings.info.version)
    return SettingsOut.of(settings)


@router.put("/{key}/visibility", response_model=SettingsOut)
def put_visibility(
    key: str,
    body: VisibilityBody,
    services: ServicesDep,
    actor: ActorDep,
    if_match: IfMatchDep,
    response: Response,
) -> SettingsOut:
    """Make the project public (everyone may view it) or private (members only); owners only."""
    settings = services.projects.update(actor, key, {}, version_of(if_match), visibility=body.visibility)
    response.headers["ETag"] = etag(settings.info.version)
    return SettingsOut.of(settings)


@router.get("/{key}/schedule", response_model=ScheduleOut)
def get_schedule(
    key: str,
    services: ServicesDep,
    actor: ActorDep,
    status: StatusDateDep,
) -> Response:
    """The schedule, exactly as `charter schedule --json` prints it."""
    return Response(services.projects.schedule_json(actor, key, status), media_type="application/json")


@router.get("/{key}/critical", response_model=CriticalOut)
def get_critical_path(key: str, services: ServicesDep, actor: ActorDep) -> JSONResponse:
    """The critical path, exactly as `charter critical --json` prints it: each critical task with
    what pushes it to its start and what holds it to its finish."""
    return JSONResponse(services.projects.critical(actor, key))


@router.get(
    "/{key}/export",
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/yaml": {
                    "schema": {"type": "object", "description": "A plan file (its schema: `charter schema`)."}
                },
                "application/xml": {"schema": {"type": "string"}},
            },
            "description": "The plan file, or Microsoft Project XML with Charter's dates.",
        }
    },
)
def export_project(
    key: str,
    services: ServicesDep,
    actor: ActorDep,
    export_format: Annotated[Literal["yaml", "mspdi"], Query(alias="format")] = "yaml",
) -> Response:
    """The project as a plan file (`yaml`) or Microsoft Project XML (`mspdi`)."""
    plan = services.projects.export_plan(actor, key)
    if export_format == "mspdi":
        return Response(
            dump_mspdi(plan).xml,
            media_type="application/xml",
            headers={"Content-Disposition": f'attachment; filename="{key}.xml"'},
        )
    return Response(
        dump_plan(plan).encode("utf-8"),
        media_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{key}.yaml"'},
    )


@router.get("/{key}/audit", response_model=AuditPage)
def get_audit_log(
    key: str, services: ServicesDep, actor: ActorDep, limit: Limit = 100, offset: Offset = 0
) -> AuditPage:
    """Who changed what, when, before and after; oldest first (owners and managers)."""
    entries = services.projects.audit_log(actor, key)
    return AuditPage(
        items=[AuditOut.of(e) for e in entries[offset : offset + limit]],
        total=len(entries),
        limit=limit,
        offset=offset,
    )
