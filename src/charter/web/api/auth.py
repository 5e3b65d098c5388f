"""Signing in and out: a session cookie (HttpOnly, SameSite=Lax, a new id at every login)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from charter.errors import AuthenticationError
from charter.web.api.models import LoginBody, Me
from charter.web.deps import ActorDep, ServicesDep, SessionIdDep, SettingsDep
from charter.web.errors import ERROR_RESPONSES
from charter.web.settings import SESSION_COOKIE

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERROR_RESPONSES)


@router.post("/login", response_model=Me)
def login(
    body: LoginBody, services: ServicesDep, settings: SettingsDep, old: SessionIdDep, response: Response
) -> Me:
    """Start a session; the same answer (401) for an unknown user as for a wrong password."""
    new = services.sessions.start(body.username, body.password)
    if old:
        services.sessions.end(old)
    response.set_cookie(
        SESSION_COOKIE,
        new.session_id,
        max_age=int(settings.session_lifetime.total_seconds()),
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )
    actor = services.accounts.actor(new.info.user)
    return Me(user=actor.name, is_admin=actor.is_admin, expires_at=new.info.expires_at)


@router.post("/logout", status_code=204, response_class=Response)
def logout(services: ServicesDep, settings: SettingsDep, session: SessionIdDep) -> Response:
    """End the session (harmless when there is none)."""
    if session:
        services.sessions.end(session)
    response = Response(status_code=204)
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=settings.cookie_secure, httponly=True, samesite="lax"
    )
    return response


@router.get("/me", response_model=Me)
def me(actor: ActorDep) -> Me:
    """Who the request is from."""
    if not actor.signed_in:
        raise AuthenticationError("you are not signed in", fix="sign in, or send an API token")
    return Me(user=actor.name, is_admin=actor.is_admin, scope=actor.scope)
