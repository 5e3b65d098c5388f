"""The JSON API under ``/api/v1``."""

from __future__ import annotations

from fastapi import APIRouter

from charter.web.api import (
    analysis,
    attachments,
    auth,
    comments,
    members,
    plan_items,
    projects,
    tasks,
    time_entries,
)

PREFIX = "/api/v1"


def api_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    for module in (auth, projects, tasks, plan_items, members, time_entries, comments, attachments, analysis):
        router.include_router(module.router)
    return router


__all__ = ["PREFIX", "api_router"]
