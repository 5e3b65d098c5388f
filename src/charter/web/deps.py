"""FastAPI dependencies, as module-level ``Annotated`` aliases.

Nothing here holds state: the services and the settings live on the app that
:func:`charter.web.create_app` built (``app.state``), and each request finds them there.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Header, Query, Request
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from charter.domain import PlanDate
from charter.errors import ForbiddenError, InvalidChangeError, Location, StaleVersionError
from charter.formats.planfile.reader import parse_date
from charter.services import ANONYMOUS, Actor, Services
from charter.services.sessions import csrf_matches
from charter.web.errors import PreconditionRequiredError
from charter.web.settings import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, Settings

ANY = "*"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_PORTS = {"http": 80, "https": 443}


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

_bearer = HTTPBearer(
    auto_error=False,
    description="An API token, from `charter token create` or POST /api/v1/auth/tokens.",
)
_session = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="The session cookie from POST /api/v1/auth/login."
)
_csrf = APIKeyHeader(
    name=CSRF_HEADER,
    scheme_name="CSRFToken",
    auto_error=False,
    description="With the session cookie, every POST, PUT, PATCH and DELETE must carry this header "
    f"with the value of the `{CSRF_COOKIE}` cookie set at sign-in (requests with an API token "
    "need not). A present `Origin` header must also name this server.",
)
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
SessionIdDep = Annotated[str | None, Depends(_session)]
CsrfTokenDep = Annotated[str | None, Depends(_csrf)]


def current_actor(
    request: Request, services: ServicesDep, bearer: BearerDep, session: SessionIdDep, csrf: CsrfTokenDep
) -> Actor:
    """Who is asking: a token's user, else a session's, else anonymous (401 if either is bad).

    A write that rests on the session cookie must also pass :func:`check_csrf` (else 403).
    """
    if bearer is not None:
        actor = services.tokens.verify(bearer.credentials)
    elif session:
        actor = session_actor(request, services, session, csrf)
    else:
        actor = ANONYMOUS
    request.state.actor = actor
    return actor


def session_actor(request: Request, services: Services, session: str, csrf: str | None) -> Actor:
    """The session's user, checked against cross-site request forgery when the method writes."""
    actor = services.sessions.verify(session)
    request.state.actor = actor  # a refusal below is then a 403, not a 401
    if request.method in UNSAFE_METHODS:
        check_csrf(request, session, csrf)
    return actor


def check_csrf(request: Request, session: str, csrf: str | None) -> None:
    """Refuse a cookie-authenticated write that may come from another site's page.

    Browsers attach cookies to requests other sites make, so a write must prove it comes from
    Charter's own pages: the session's CSRF token in a header (which only a page of this
    origin can read from its cookie), and no foreign ``Origin``.
    """
    check_origin(request)
    if not csrf:
        raise ForbiddenError(
            f"a write signed in by the session cookie needs the {CSRF_HEADER} header",
            fix=f"send {CSRF_HEADER} with the value of the {CSRF_COOKIE} cookie set at sign-in, "
            "or use an API token (Authorization: Bearer) instead of the cookie",
        )
    if not csrf_matches(session, csrf):
        raise ForbiddenError(
            f"the {CSRF_HEADER} header does not belong to this session",
            fix=f"send the value of the {CSRF_COOKIE} cookie of this session (sign in again to get one)",
        )


def check_origin(request: Request) -> None:
    """ForbiddenError when an ``Origin`` header is present and is not this server's."""
    origin = request.headers.get("origin")
    if origin is not None and not same_origin(origin, request.headers.get("host", "")):
        raise ForbiddenError(
            f"the request comes from another site (Origin: {origin[:200]})",
            fix="send it from Charter's own pages, or use an API token (Authorization: Bearer)",
        )


def same_origin(origin: str, host: str) -> bool:
    """Whether ``origin`` (``scheme://host[:port]``) names the server the ``Host`` header names.

    Only host and port are compared, not the scheme: behind a proxy that ends TLS the server
    sees plain HTTP while the browser's origin is ``https``. A port left out is the default
    one of the origin's scheme, on both sides.
    """
    try:
        parts = urlsplit(origin.strip())
        theirs = (parts.hostname, parts.port or DEFAULT_PORTS.get(parts.scheme))
        ours = urlsplit(f"//{host.strip()}")
        mine = (ours.hostname, ours.port or DEFAULT_PORTS.get(parts.scheme))
    except ValueError:  # a malformed port
        return False
    if parts.scheme not in DEFAULT_PORTS or parts.path not in ("", "/") or not theirs[0]:
        return False
    return theirs == mine


def client_address(request: Request) -> str | None:
    """The client's address as the server sees it (behind a proxy, see ``--forwarded-allow-ips``)."""
    return request.client.host if request.client is not None else None


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


def _status_date(
    status_date: Annotated[
        str | None,
        Query(description="As of this date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM); default: the project's."),
    ] = None,
) -> PlanDate | None:
    if status_date is None:
        return None
    try:
        return parse_date(status_date)
    except ValueError as exc:
        raise InvalidChangeError(
            f"status_date: {exc}", where=Location(path="status_date"), fix="write it like 2027-02-15"
        ) from None


StatusDateDep = Annotated[PlanDate | None, Depends(_status_date)]
"""The ``status_date`` query parameter, parsed as a plan file's dates are (422 when it is not one)."""
