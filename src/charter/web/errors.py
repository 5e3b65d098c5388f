"""The one place where errors become HTTP answers.

Every :class:`~charter.errors.CharterError` maps to a status by its class (first match in
:data:`STATUS`) and to the same JSON body: what is wrong, where and how to fix it. The few
errors only HTTP knows (a missing ``If-Match``, an unsupported body type) are CharterErrors
defined here, so they take the same road.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from charter.errors import (
    AuthenticationError,
    CharterError,
    ConflictError,
    ForbiddenError,
    ImportFileError,
    InvalidChangeError,
    Location,
    NotFoundError,
    PlanFileError,
    SchemaVersionError,
    StaleVersionError,
    StoredFileError,
)
from charter.services import Actor
from charter.services.throttle import LoginThrottledError


class PreconditionRequiredError(CharterError):
    """A write came without ``If-Match``: it must quote the version it read."""


class UnsupportedMediaTypeError(CharterError):
    """The request body is of a type this endpoint does not read."""


class RequestTooLargeError(CharterError):
    """The request body is larger than the server accepts."""


STATUS: tuple[tuple[type[CharterError], int, str], ...] = (
    (StaleVersionError, 412, "stale_version"),
    (ConflictError, 409, "conflict"),
    (NotFoundError, 404, "not_found"),
    (ForbiddenError, 403, "forbidden"),
    (AuthenticationError, 401, "unauthenticated"),
    (InvalidChangeError, 422, "invalid_change"),
    (PreconditionRequiredError, 428, "precondition_required"),
    (UnsupportedMediaTypeError, 415, "unsupported_media_type"),
    (RequestTooLargeError, 413, "too_large"),
    (PlanFileError, 400, "plan_file"),
    (ImportFileError, 400, "import_file"),
    (SchemaVersionError, 503, "schema_version"),
    (StoredFileError, 500, "stored_file"),
    (LoginThrottledError, 429, "too_many_requests"),
    (CharterError, 422, "unprocessable"),  # a cycle, a calendar without working time …
)
"""CharterError class -> (HTTP status, error code); the first match wins."""

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="charter"'}


class ErrorBody(BaseModel):
    """Every error answer: a code, what is wrong, where (file, line, column, path) and the fix."""

    error: str
    what: str
    fix: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "The plan file or import in the body cannot be read.",
    401: "Not signed in, or the token or session is not valid.",
    403: "Signed in, but your role does not allow this.",
    404: "There is no such thing, or you may not see it.",
    409: "It conflicts with what is there (a key in use, the last owner leaving …).",
    412: "If-Match does not quote the current version: read it again.",
    413: "The body is larger than the server accepts.",
    415: "The body is of a type this endpoint does not read.",
    422: "The request, or the change it asks for, is not valid.",
    428: "This write needs If-Match with the ETag you read.",
    503: "The database is not at the schema this server needs (run `charter db upgrade`).",
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in ERROR_DESCRIPTIONS.items()
}
"""For the OpenAPI document: every error status with its body (and a 401's challenge header)."""
ERROR_RESPONSES[401]["headers"] = {
    "WWW-Authenticate": {
        "description": "How to authenticate: a bearer token.",
        "required": True,
        "schema": {"type": "string"},
    }
}


def status_of(error: CharterError, actor: Actor) -> tuple[int, str]:
    """The status and code for ``error``; refusing someone who is not signed in is a 401."""
    for kind, status, code in STATUS:
        if isinstance(error, kind):
            if status == 403 and not actor.signed_in:
                return 401, "unauthenticated"
            return status, code
    raise AssertionError("CharterError is the last entry")  # pragma: no cover


def body(code: str, error: CharterError) -> ErrorBody:
    where = error.where or Location()
    return ErrorBody(
        error=code,
        what=error.what,
        fix=error.fix,
        file=where.file,
        line=where.line,
        column=where.column,
        path=where.path,
    )


def error_response(request: Request, error: CharterError) -> JSONResponse:
    actor = getattr(request.state, "actor", None)
    status, code = status_of(error, actor if isinstance(actor, Actor) else Actor(None))
    headers = dict(CHALLENGE) if status == 401 else {}
    if isinstance(error, LoginThrottledError):
        headers["Retry-After"] = str(error.retry_after)
    return JSONResponse(
        body(code, error).model_dump(mode="json"), status_code=status, headers=headers or None
    )


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` with an :class:`ErrorBody`."""

    async def charter_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, CharterError)
        return error_response(request, exc)

    async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "the request is not valid"}
        path = ".".join(str(part) for part in first.get("loc", ()))
        error = InvalidChangeError(
            f"{path}: {first.get('msg')}" if path else str(first.get("msg")),
            where=Location(path=path or None),
            fix="see the OpenAPI document at /openapi.json for what this endpoint takes",
        )
        return error_response(request, error)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            ErrorBody(error=code, what=str(exc.detail)).model_dump(mode="json"),
            status_code=exc.status_code,
            headers=exc.headers,
        )

    app.add_exception_handler(CharterError, charter_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
