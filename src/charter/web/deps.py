"""FastAPI dependencies, as module-level ``Annotated`` aliases.

Nothing here holds state: the services and the settings live on the app that
:func:`charter.web.create_app` built (``app.state``), and each request finds them there.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from charter.errors import StaleVersionError
from charter.services import ANONYMOUS, Actor, Services
from charter.web.errors import PreconditionRequiredError
from charter.web.settings import SESSION_COOKIE, Settings

ANY = "*"


def get_services(request: Request) -> Services:
    services = request.app.state.services
    assert isinstance(services, Services)
    return services


def get_settings(request: Request) -> Settings:
    settings = request.app.state.settings
    assert isinstance(settings, Settings)
    return settings


ServicesDep = Annotated[Services, Depends(get_services)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

_bearer = HTTPBearer(auto_error=False, description="An API token from `charter token create`.")
_session = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="The session cookie from POST /api/v1/auth/login."
)
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
SessionIdDep = Annotated[str | None, Depends(_session)]


def current_actor(request: Request, services: ServicesDep, bearer: BearerDep, session: SessionIdDep) -> Actor:
    """Who is asking: a token's user, else a session's, else anonymous (401 if either is bad)."""
    if bearer is not None:
        actor = services.tokens.verify(bearer.credentials)
    elif session:
        actor = services.sessions.verify(session)
    else:
        actor = ANONYMOUS
    request.state.actor = actor
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]


def etag(value: str | int) -> str:
    """A strong ETag for a version (or any opaque value)."""
    return f'"{value}"'


def _if_match(
    if_match: Annotated[
        str | None,
        Header(description="The ETag of the version you read, or `*` for whatever is there now."),
    ] = None,
) -> str:
    if if_match is None:
        raise PreconditionRequiredError(
            "this write needs an If-Match header with the ETag you read",
            fix="GET the resource, then send its ETag as If-Match (or `If-Match: *` to overwrite)",
        )
    return parse_etag(if_match)


def parse_etag(header: str) -> str:
    """The opaque value of one strong ETag (or ``*``); a weak or listed one never matches."""
    text = header.strip()
    if text == ANY:
        return ANY
    if len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in text[1:-1]:
        return text[1:-1]
    raise StaleVersionError(
        f"If-Match {text!r} does not match the current version",
        fix='send the single ETag from your last read, like If-Match: "3"',
    )


def version_of(tag: str) -> int | None:
    """The version an ETag quotes; None for ``*``; StaleVersionError for anything else."""
    if tag == ANY:
        return None
    if tag.isdigit():
        return int(tag)
    raise StaleVersionError(
        f'If-Match "{tag}" does not match the current version',
        fix="GET the resource again and send its ETag",
    )


IfMatchDep = Annotated[str, Depends(_if_match)]
"""The If-Match value (without quotes, or ``*``); a write without it gets 428."""


def _member_precondition(
    if_match: Annotated[
        str | None,
        Header(description="The membership's ETag (its role) as read, or `*` for any."),
    ] = None,
    if_none_match: Annotated[
        str | None, Header(description="`*` to add a member only if they are not one yet.")
    ] = None,
) -> str:
    if if_match is None and if_none_match is not None and if_none_match.strip() == ANY:
        return ""
    return _if_match(if_match)


MemberPreconditionDep = Annotated[str, Depends(_member_precondition)]
"""The role the writer read, ``""`` for "not a member" (If-None-Match: *), or ``*``."""
