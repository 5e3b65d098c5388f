"""Project members. A membership's ETag is its role; PUT/DELETE need If-Match (or, to add
someone new, ``If-None-Match: *``)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from charter.web.api.models import MemberOut, RoleBody
from charter.web.deps import ANY, ActorDep, MemberPreconditionDep, ServicesDep, etag
from charter.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/projects/{key}/members", tags=["members"], responses=ERROR_RESPONSES)


@router.get("", response_model=list[MemberOut])
def list_members(key: str, services: ServicesDep, actor: ActorDep) -> list[MemberOut]:
    return [MemberOut.of(m) for m in services.members.of_project(actor, key)]


@router.get("/{username}", response_model=MemberOut)
def get_member(
    key: str, username: str, services: ServicesDep, actor: ActorDep, response: Response
) -> MemberOut:
    member = services.members.role_of(actor, key, username)
    response.headers["ETag"] = etag(member.role)
    return MemberOut.of(member)


@router.put("/{username}", response_model=MemberOut)
def put_member(
    key: str,
    username: str,
    body: RoleBody,
    services: ServicesDep,
    actor: ActorDep,
    precondition: MemberPreconditionDep,
    response: Response,
) -> MemberOut:
    """Give the user a role; nobody grants a role above their own (owners and managers)."""
    expected = None if precondition == ANY else precondition
    member = services.members.put(actor, key, username, body.role.value, expected=expected)
    response.headers["ETag"] = etag(member.role)
    return MemberOut.of(member)


@router.delete("/{username}", status_code=204, response_class=Response)
def delete_member(
    key: str, username: str, services: ServicesDep, actor: ActorDep, precondition: MemberPreconditionDep
) -> Response:
    """Remove the user from the project; anyone may leave; the last owner cannot."""
    expected = None if precondition == ANY else precondition
    services.members.delete(actor, key, username, expected=expected)
    return Response(status_code=204)
