"""Calendars, resources and risks (read, create or replace, delete, restore) and baselines
(read, save from the schedule, delete, restore). An item's ETag is a digest of its content:
PUT needs ``If-Match`` with it (or ``If-None-Match: *`` to create), DELETE needs ``If-Match``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Response

from charter.web.api.plan_models import ItemOut, SaveBaseline
from charter.web.deps import ANY, ActorDep, IfMatchDep, ServicesDep, etag, parse_etag
from charter.web.errors import ERROR_RESPONSES, PreconditionRequiredError

router = APIRouter(prefix="/projects/{key}", tags=["plan"], responses=ERROR_RESPONSES)

EDITABLE = {"calendars": "calendar", "resources": "resource", "risks": "risk"}
ItemBody = Annotated[
    dict[str, Any],
    Body(
        description="The item as in the plan file's JSON form (see `charter schema`); its key comes "
        "from the address.",
        examples=[{"week": {"mon": ["08:00-12:00", "13:00-17:00"]}, "holidays": ["2027-05-01"]}],
    ),
]
BaselineIndex = Annotated[int, Path(ge=0, le=10, description="The baseline's number, 0-10.")]


def _answer(response: Response, item: ItemOut) -> ItemOut:
    response.headers["ETag"] = etag(item.version)
    return item


def _put_precondition(
    if_match: Annotated[
        str | None, Header(description="The item's ETag as read, or `*` to replace whatever is there.")
    ] = None,
    if_none_match: Annotated[
        str | None, Header(description="`*` to create the item only if it is new.")
    ] = None,
) -> str:
    if if_match is None:
        if if_none_match is not None and if_none_match.strip() == ANY:
            return ""
        raise PreconditionRequiredError(
            "this write needs If-Match with the ETag you read, or If-None-Match: * to create",
            fix="GET the item and send its ETag as If-Match, or send If-None-Match: * for a new one",
        )
    return parse_etag(if_match)


PutPreconditionDep = Annotated[str, Depends(_put_precondition)]
"""The ETag the writer read, ``""`` to create only (If-None-Match: *), or ``*``."""


def _register(section: str, entity: str) -> None:
    @router.get(
        f"/{section}", response_model=list[ItemOut], name=f"list_{section}", summary=f"List {section}"
    )
    def list_items(key: str, services: ServicesDep, actor: ActorDep) -> list[ItemOut]:
        return [ItemOut.of(i) for i in services.plan_items.list_items(actor, key, section)]

    @router.get(
        f"/{section}/{{item_key}}", response_model=ItemOut, name=f"get_{entity}", summary=f"Read a {entity}"
    )
    def get_item(
        key: str, item_key: str, services: ServicesDep, actor: ActorDep, response: Response
    ) -> ItemOut:
        return _answer(response, ItemOut.of(services.plan_items.get(actor, key, section, item_key)))

    @router.put(
        f"/{section}/{{item_key}}",
        response_model=ItemOut,
        name=f"put_{entity}",
        summary=f"Create or replace a {entity}",
        responses={201: {"model": ItemOut, "description": f"The {entity} was created."}},
    )
    def put_item(
        key: str,
        item_key: str,
        body: ItemBody,
        services: ServicesDep,
        actor: ActorDep,
        response: Response,
        precondition: PutPreconditionDep,
    ) -> ItemOut:
        item, created = services.plan_items.put(actor, key, section, item_key, body, precondition)
        if created:
            response.status_code = 201
        return _answer(response, ItemOut.of(item))

    @router.delete(
        f"/{section}/{{item_key}}", status_code=204, response_class=Response, name=f"delete_{entity}",
        summary=f"Delete a {entity} nothing refers to",
    )  # fmt: skip
    def delete_item(
        key: str, item_key: str, services: ServicesDep, actor: ActorDep, if_match: IfMatchDep
    ) -> Response:
        services.plan_items.delete(actor, key, section, item_key, if_match)
        return Response(status_code=204)

    @router.post(
        f"/{section}/{{item_key}}/restore", response_model=ItemOut, name=f"restore_{entity}",
        summary=f"Bring back a deleted {entity}",
    )  # fmt: skip
    def restore_item(
        key: str, item_key: str, services: ServicesDep, actor: ActorDep, response: Response
    ) -> ItemOut:
        return _answer(response, ItemOut.of(services.plan_items.restore(actor, key, section, item_key)))


for _section, _entity in EDITABLE.items():
    _register(_section, _entity)


@router.get("/baselines", response_model=list[ItemOut])
def list_baselines(key: str, services: ServicesDep, actor: ActorDep) -> list[ItemOut]:
    """The saved baselines, by number."""
    return [ItemOut.of(i) for i in services.plan_items.list_items(actor, key, "baselines")]


@router.get("/baselines/{index}", response_model=ItemOut)
def get_baseline(
    key: str, index: BaselineIndex, services: ServicesDep, actor: ActorDep, response: Response
) -> ItemOut:
    return _answer(response, ItemOut.of(services.plan_items.get(actor, key, "baselines", str(index))))


@router.post("/baselines/{index}/save", response_model=ItemOut)
def save_baseline(
    key: str,
    index: BaselineIndex,
    services: ServicesDep,
    actor: ActorDep,
    response: Response,
    body: SaveBaseline | None = None,
) -> ItemOut:
    """Save the schedule as it is now as this baseline, replacing what was saved there."""
    name = None if body is None else body.name
    return _answer(response, ItemOut.of(services.plan_items.save_baseline(actor, key, index, name)))


@router.delete("/baselines/{index}", status_code=204, response_class=Response)
def delete_baseline(
    key: str, index: BaselineIndex, services: ServicesDep, actor: ActorDep, if_match: IfMatchDep
) -> Response:
    services.plan_items.delete(actor, key, "baselines", str(index), if_match)
    return Response(status_code=204)


@router.post("/baselines/{index}/restore", response_model=ItemOut)
def restore_baseline(
    key: str, index: BaselineIndex, services: ServicesDep, actor: ActorDep, response: Response
) -> ItemOut:
    """Bring back a deleted baseline."""
    return _answer(response, ItemOut.of(services.plan_items.restore(actor, key, "baselines", str(index))))
