"""The application factory: ``create_app(settings)`` builds everything, nothing is global."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import anyio.to_thread
from argon2 import PasswordHasher
from fastapi import FastAPI

from charter import __version__
from charter.services import ScheduleWorkers, Services
from charter.store import Store, open_store
from charter.store.purge import purge
from charter.web import errors
from charter.web.api import api_router
from charter.web.settings import Settings

PURGE_INTERVAL = dt.timedelta(days=1)
log = logging.getLogger("charter.web")


async def purge_trash(store: Store) -> None:
    """Purge the trash older than 30 days (off the event loop); log, never raise, on failure.

    Every server process purges at start-up and then daily; the purge locks the rows it removes,
    so processes purging at once remove (and audit) each row once.
    """
    try:
        result = await asyncio.to_thread(purge, store)
    except Exception:
        log.exception("purging the trash failed; it is tried again in %s", PURGE_INTERVAL)
        return
    if not result.empty:
        log.info(
            "purged %d project(s) and %d task(s) deleted before %s",
            len(result.projects),
            result.task_count,
            result.cutoff.isoformat(timespec="seconds"),
        )


async def purge_periodically(
    store: Store,
    interval: dt.timedelta = PURGE_INTERVAL,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Purge the trash every ``interval``, until cancelled (``sleep`` is replaceable in tests)."""
    while True:
        await sleep(interval.total_seconds())
        await purge_trash(store)


def create_app(settings: Settings | None = None, *, hasher: PasswordHasher | None = None) -> FastAPI:
    """The Charter web application on the database the settings name.

    ``settings`` default to the ``CHARTER_*`` environment; ``hasher`` (argon2's) is replaceable
    so that tests can use a cheap one. The database must be at the current schema (run
    ``charter db upgrade``); the store is opened here and closed when the app shuts down. While
    the app runs, it purges trash older than 30 days at start-up and then daily.
    """
    settings = settings if settings is not None else Settings()
    store = open_store(settings.url())
    workers = (
        ScheduleWorkers(store.engine.url.render_as_string(hide_password=False), settings.schedule_processes)
        if settings.schedule_processes
        else None
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        try:
            await purge_trash(store)
            purging = asyncio.create_task(purge_periodically(store))
            try:
                yield
            finally:
                purging.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await purging
        finally:
            app.state.services.close()
            if workers is not None:
                workers.close()
            store.close()

    app = FastAPI(
        title="Charter",
        version=__version__,
        summary="IT project management: plans, schedules, members.",
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.services = Services(
        store,
        hasher=hasher,
        session_lifetime=settings.session_lifetime,
        attachments_dir=settings.attachments_path(),
        schedule_workers=workers,
        login_limits=settings.login_limits(),
    )
    errors.install(app)
    app.include_router(api_router())
    return app
