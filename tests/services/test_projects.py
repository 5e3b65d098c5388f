"""Projects through the services: creation, what each actor sees, computed views."""

from __future__ import annotations

import pytest

from charter.engine.cpm import schedule
from charter.errors import ConflictError, NotFoundError
from charter.formats.planfile import parse_plan
from charter.services import ANONYMOUS, Actor, Services
from charter.store import Store
from charter.views.schedule import schedule_document
from tests.store.conftest import SMALL


@pytest.mark.parametrize(
    ("actor", "keys"),
    [
        (Actor("admin", is_admin=True), ["others-private", "others-public", "own-private", "own-public"]),
        (Actor("stakeholder"), ["others-public", "own-private", "own-public"]),
        (Actor("outsider"), ["others-public", "own-public"]),
        (ANONYMOUS, ["others-public", "own-public"]),
    ],
)
def test_each_actor_lists_what_they_may_see(services: Services, actor: Actor, keys: list[str]) -> None:
    assert [p.key for p in services.projects.visible(actor)] == keys


def test_the_creator_owns_a_new_private_project(services: Services, store: Store) -> None:
    key = services.projects.create(Actor("outsider"), parse_plan(SMALL))
    assert store.members.access(key, "outsider")[1] == "owner"
    assert store.members.access(key, None)[0].visibility == "private"
    assert store.audit_log(key)[0].actor == "outsider"


def test_schedule_is_the_engine_document(services: Services) -> None:
    assert services.projects.schedule(Actor("viewer"), "own-private") == schedule_document(
        schedule(services.projects.export_plan(Actor("viewer"), "own-private"))
    )


def test_summary_for_a_stakeholder(services: Services) -> None:
    summary = services.projects.summary(Actor("stakeholder"), "own-private")
    assert (summary.role, summary.tasks, summary.start[:10]) == ("stakeholder", 4, "2027-01-04")


def test_task_writes_carry_versions_and_the_actor(services: Services, store: Store) -> None:
    changed = services.tasks.patch(Actor("member"), "own-private", "build", {"name": "Build it"}, 1)
    with pytest.raises(ConflictError):
        services.tasks.patch(Actor("manager"), "own-private", "build", {"name": "Other"}, 1)
    assert changed.version == 2 and store.audit_log("own-private")[-1].actor == "member"


def test_a_deleted_project_is_gone(services: Services) -> None:
    with pytest.raises(ConflictError):
        services.projects.delete(Actor("owner"), "own-private", 99)
    version = services.projects.summary(Actor("owner"), "own-private").version
    services.projects.delete(Actor("owner"), "own-private", version)
    with pytest.raises(NotFoundError):
        services.projects.summary(Actor("owner"), "own-private")
