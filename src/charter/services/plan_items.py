"""Calendars, resources, risks and baselines of a project: read by readers, written by managers.

A baseline is not written by hand: it is saved from the schedule the engine computes now.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from charter.engine.baseline import snapshot
from charter.engine.cpm import schedule
from charter.errors import InvalidChangeError, Location, PlanFileError
from charter.formats.planfile.reader import parse_section
from charter.services.access import authorize
from charter.services.actor import Actor
from charter.services.permissions import Action
from charter.store import Store
from charter.store.plan_items import ANY_VERSION, SECTIONS, StoredItem

MAX_BASELINE = 10


class PlanItemService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def list_items(self, actor: Actor, key: str, section: str) -> list[StoredItem]:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._store.items.list_items(key, section)

    def get(self, actor: Actor, key: str, section: str, item_key: str) -> StoredItem:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._store.items.get(key, section, item_key)

    def put(
        self, actor: Actor, key: str, section: str, item_key: str, data: Mapping[str, Any], expected: str
    ) -> tuple[StoredItem, bool]:
        """Create or replace; ``expected``: the version read, ``""`` to create only, ``*`` any."""
        if section == "baselines":
            raise InvalidChangeError(
                "a baseline is saved from the schedule, not written by hand",
                where=Location(path=f"baseline:{item_key}"),
                fix=f"POST to …/baselines/{item_key}/save",
            )
        authorize(self._store, actor, key, Action.EDIT_PLAN)
        stored = _in_json_form(section, item_key, data)
        return self._store.items.put(key, section, item_key, stored, expected, actor=actor.audit_name)

    def delete(self, actor: Actor, key: str, section: str, item_key: str, expected: str) -> None:
        authorize(self._store, actor, key, Action.EDIT_PLAN)
        self._store.items.delete(key, section, item_key, expected, actor=actor.audit_name)

    def restore(self, actor: Actor, key: str, section: str, item_key: str) -> StoredItem:
        authorize(self._store, actor, key, Action.EDIT_PLAN)
        return self._store.items.restore(key, section, item_key, actor=actor.audit_name)

    def save_baseline(self, actor: Actor, key: str, index: int, name: str | None = None) -> StoredItem:
        """Save the schedule as it is now as baseline ``index`` (0-10), replacing any there."""
        if not 0 <= index <= MAX_BASELINE:
            raise InvalidChangeError(
                f"there is no baseline {index}",
                where=Location(path=f"baseline:{index}"),
                fix=f"use a number from 0 to {MAX_BASELINE}",
            )
        authorize(self._store, actor, key, Action.EDIT_PLAN)
        plan = self._store.export_plan(key)
        computed = schedule(plan)
        local = self._store.now().astimezone(ZoneInfo(plan.project.timezone))
        saved = local.replace(tzinfo=None, second=0, microsecond=0)
        baseline = snapshot(computed, index, saved, name).model_dump(mode="json")
        stored, _ = self._store.items.put(
            key, "baselines", str(index), baseline, ANY_VERSION, actor=actor.audit_name
        )
        return stored


__all__ = ["SECTIONS", "PlanItemService"]


def _in_json_form(section: str, item_key: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The item in the model's JSON form, also when written as in a plan file.

    A body in the JSON form (``charter schema``'s models, as the API answers them) is taken as it
    is; one written as in a plan file (``mon-fri: "08:00-17:00"``, ``probability: 30%``,
    ``rate: 95/h``) is read by the plan-file reader, whose messages then explain what is wrong.
    """
    part = SECTIONS[section]
    try:
        part.model.model_validate_json(json.dumps({**data, part.key_field: item_key}))
    except (ValidationError, TypeError):
        pass
    else:
        return data
    body = {k: v for k, v in data.items() if k != part.key_field}
    snippet: Any = [{"key": item_key, **body}] if section == "risks" else {item_key: body}
    try:
        parsed = parse_section(json.dumps(snippet), section, f"{part.entity} '{item_key}'")  # type: ignore[arg-type]
    except PlanFileError as error:
        raise InvalidChangeError(
            error.what, where=Location(path=f"{part.entity}:{item_key}"), fix=error.fix
        ) from None
    item = parsed[0] if section == "risks" else parsed[item_key]
    dumped: dict[str, Any] = item.model_dump(mode="json")
    return dumped
