"""The application factory: ``create_app(settings)`` builds everything, nothing is global."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from argon2 import PasswordHasher
from fastapi import FastAPI

from charter import __version__
from charter.services import Services
from charter.store import open_store
from charter.web import errors
from charter.web.api import api_router
from charter.web.settings import Settings


def create_app(settings: Settings | None = None, *, hasher: PasswordHasher | None = None) -> FastAPI:
    """The Charter web application on the database the settings name.

    ``settings`` default to the ``CHARTER_*`` environment; ``hasher`` (argon2's) is replaceable
    so that tests can use a cheap one. The database must be at the current schema (run
    ``charter db upgrade``); the store is opened here and closed when the app shuts down.
    """
    settings = settings if settings is not None else Settings()
    store = open_store(settings.url())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    app = FastAPI(
        title="Charter",
        version=__version__,
        summary="IT project management: plans, schedules, members.",
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.services = Services(store, hasher=hasher, session_lifetime=settings.session_lifetime)
    errors.install(app)
    app.include_router(api_router())
    return app
