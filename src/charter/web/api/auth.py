"""Signing in and out, API tokens and passwords (see docs/security.md).

Sign-in sets two cookies: the session (HttpOnly, SameSite=Lax, a new id at every login) and its
CSRF token (readable by Charter's pages, SameSite=Strict), which every write resting on the
session must send back in the ``X-CSRF-Token`` header. Failed sign-ins are rate-limited by the
account service; over the limit the answer is 429 with ``Retry-After``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from charter.errors import AuthenticationError, CharterError, ForbiddenError
from charter.services import Actor
from charter.services.throttle import LoginThrottledError
from charter.web.api.auth_models import NewTokenBody, NewTokenOut, PasswordBody, TokenOut
from charter.web.api.models import LoginBody, Me
from charter.web.deps import (
    ActorDep,
    BearerDep,
    CsrfTokenDep,
    ServicesDep,
    SessionIdDep,
    SettingsDep,
    check_origin,
    client_address,
    session_actor,
)
from charter.web.errors import ERROR_RESPONSES, ErrorBody, body
from charter.web.settings import CSRF_COOKIE, SESSION_COOKIE, Settings

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERROR_RESPONSES)

THROTTLED: dict[int | str, dict[str, Any]] = {
    429: {
        "model": ErrorBody,
        "description": "Too many failed sign-ins for this user name or from this address.",
        "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
    }
}


def _answer(status: int, code: str, error: CharterError, headers: dict[str, str] | None = None) -> Response:
    """An error answer given here rather than by the app's handler: the actor is not known yet,
    and the handler would turn a refusal of someone not signed in into a 401."""
    return JSONResponse(body(code, error).model_dump(mode="json"), status_code=status, headers=headers)


def _throttled(error: LoginThrottledError) -> Response:
    return _answer(429, "too_many_requests", error, {"Retry-After": str(error.retry_after)})


def _set_cookies(response: Response, settings: Settings, session_id: str, csrf: str) -> None:
    age = int(settings.session_lifetime.total_seconds())
    secure = settings.cookie_secure
    response.set_cookie(
        SESSION_COOKIE, session_id, max_age=age, path="/", secure=secure, httponly=True, samesite="lax"
    )
    response.set_cookie(CSRF_COOKIE, csrf, max_age=age, path="/", secure=secure, samesite="strict")


@router.post("/login", response_model=Me, responses=THROTTLED)
def login(
    body: LoginBody,
    request: Request,
    services: ServicesDep,
    settings: SettingsDep,
    old: SessionIdDep,
    response: Response,
) -> Me | Response:
    """Start a session; the same answer (401) for an unknown user as for a wrong password.

    Sets the session cookie and the CSRF cookie. Too many failures for the user name or from
    the client's address get 429 with ``Retry-After``, whatever the password. A request whose
    ``Origin`` names another site is refused (403).
    """
    try:
        check_origin(request)
    except ForbiddenError as error:
        return _answer(403, "forbidden", error)
    try:
        new = services.sessions.start(body.username, body.password, address=client_address(request))
    except LoginThrottledError as error:
        return _throttled(error)
    if old:
        services.sessions.end(old)
    _set_cookies(response, settings, new.session_id, new.csrf_token)
    actor = services.accounts.actor(new.info.user)
    return Me(user=actor.name, is_admin=actor.is_admin, expires_at=new.info.expires_at)


@router.post("/logout", status_code=204, response_class=Response)
def logout(
    request: Request, services: ServicesDep, settings: SettingsDep, session: SessionIdDep, csrf: CsrfTokenDep
) -> Response:
    """End the session (harmless when there is none); a live session needs ``X-CSRF-Token``."""
    if session:
        try:
            session_actor(request, services, session, csrf)
        except AuthenticationError:
            pass  # already ended or expired: only the cookies are left to clear
        else:
            services.sessions.end(session)
    response = Response(status_code=204)
    secure = settings.cookie_secure
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=secure, samesite="strict")
    return response


@router.get("/me", response_model=Me)
def me(actor: ActorDep) -> Me:
    """Who the request is from."""
    return Me(user=_signed_in(actor), is_admin=actor.is_admin, scope=actor.scope)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(
    services: ServicesDep,
    actor: ActorDep,
    user: Annotated[
        str | None, Query(max_length=64, description="Whose tokens (administrators only); default: yours.")
    ] = None,
) -> list[TokenOut]:
    """Your API tokens, revoked and expired ones too, by name; never their secrets."""
    owner = user or _signed_in(actor)
    return [TokenOut.of(token) for token in services.tokens.of_user(actor, owner)]


@router.post("/tokens", status_code=201, response_model=NewTokenOut)
def create_token(body: NewTokenBody, services: ServicesDep, actor: ActorDep) -> NewTokenOut:
    """Create an API token for yourself; its secret is in this answer and never again.

    A read token may not create tokens, and no token may create one wider than itself.
    """
    lifetime = None if body.expires_in_days is None else dt.timedelta(days=body.expires_in_days)
    return NewTokenOut.made(services.tokens.create(actor, _signed_in(actor), body.name, body.scope, lifetime))


@router.delete("/tokens/{name}", status_code=204, response_class=Response)
def revoke_token(
    name: str,
    services: ServicesDep,
    actor: ActorDep,
    user: Annotated[
        str | None, Query(max_length=64, description="Whose token (administrators only); default: yours.")
    ] = None,
) -> Response:
    """Revoke one of your API tokens, at once and for good (again: harmless).

    No ``If-Match``: a revocation carries no data that could overwrite someone else's change.
    """
    services.tokens.revoke(actor, user or _signed_in(actor), name)
    return Response(status_code=204)


@router.post("/password", status_code=204, response_class=Response, responses=THROTTLED)
def change_password(
    body: PasswordBody,
    request: Request,
    services: ServicesDep,
    actor: ActorDep,
    bearer: BearerDep,
    session: SessionIdDep,
) -> Response:
    """Change your own password; the current one is required.

    Your other sessions end; the one this request comes from (if any) stays, and API tokens
    stay. A wrong current password counts as a failed sign-in (429 when over the limit).
    """
    _signed_in(actor)
    try:
        services.sessions.change_password(
            actor,
            body.current_password,
            body.new_password,
            keep=session if bearer is None else None,
            address=client_address(request),
        )
    except LoginThrottledError as error:
        return _throttled(error)
    return Response(status_code=204)


def _signed_in(actor: Actor) -> str:
    if actor.name is None:
        raise AuthenticationError("you are not signed in", fix="sign in, or send an API token")
    return actor.name
