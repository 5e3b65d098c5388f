"""Membership rules: no granting above one's own role, the last owner stays, anyone may leave."""

from __future__ import annotations

import pytest

from charter.errors import ConflictError, ForbiddenError, InvalidChangeError, NotFoundError
from charter.services import Actor, Services
from charter.store import Store

KEY = "own-private"


def roles(services: Services) -> dict[str, str]:
    return {m.user: m.role for m in services.members.of_project(Actor("admin", is_admin=True), KEY)}


@pytest.mark.parametrize(
    ("granter", "role", "allowed"),
    [
        ("owner", "owner", True),
        ("manager", "manager", True),
        ("manager", "owner", False),
        ("manager", "stakeholder", True),
    ],
)
def test_nobody_grants_a_role_above_their_own(
    services: Services, granter: str, role: str, allowed: bool
) -> None:
    if allowed:
        assert services.members.put(Actor(granter), KEY, "target", role).role == role
    else:
        with pytest.raises(ForbiddenError, match="above your own"):
            services.members.put(Actor(granter), KEY, "target", role)
        assert "target" not in roles(services)


def test_a_manager_cannot_demote_or_remove_an_owner(services: Services) -> None:
    with pytest.raises(ForbiddenError, match="above your own"):
        services.members.put(Actor("manager"), KEY, "owner", "viewer")
    with pytest.raises(ForbiddenError, match="above your own"):
        services.members.delete(Actor("manager"), KEY, "owner")
    assert roles(services)["owner"] == "owner"


def test_the_last_owner_cannot_leave_or_be_demoted_even_by_an_admin(services: Services) -> None:
    admin = Actor("admin", is_admin=True)
    for attempt in (
        lambda: services.members.delete(Actor("owner"), KEY, "owner"),
        lambda: services.members.put(Actor("owner"), KEY, "owner", "manager"),
        lambda: services.members.delete(admin, KEY, "owner"),
    ):
        with pytest.raises(ConflictError, match="last owner"):
            attempt()
    services.members.put(Actor("owner"), KEY, "manager", "owner")
    services.members.delete(Actor("owner"), KEY, "owner")  # now someone else owns it
    assert roles(services)["manager"] == "owner" and "owner" not in roles(services)


def test_anyone_may_leave(services: Services) -> None:
    services.members.delete(Actor("stakeholder"), KEY, "stakeholder")
    assert "stakeholder" not in roles(services)
    with pytest.raises(NotFoundError):  # and then the private project is gone from their view
        services.projects.summary(Actor("stakeholder"), KEY)


def test_bad_roles_and_unknown_users(services: Services) -> None:
    with pytest.raises(InvalidChangeError, match="not a project role"):
        services.members.put(Actor("owner"), KEY, "target", "boss")
    with pytest.raises(NotFoundError, match="no user 'ghost'"):
        services.members.put(Actor("owner"), KEY, "ghost", "viewer")
    with pytest.raises(NotFoundError, match="not a member"):
        services.members.delete(Actor("owner"), KEY, "target")


def test_member_changes_are_audited_with_the_actor(services: Services, store: Store) -> None:
    services.members.put(Actor("manager"), KEY, "target", "member")
    services.members.delete(Actor("manager"), KEY, "target")
    entries = [e for e in store.audit_log(KEY) if e.entity_key == "target"]
    assert [(e.actor, e.action, e.before, e.after) for e in entries] == [
        ("manager", "create", None, {"role": "member"}),
        ("manager", "delete", {"role": "member"}, None),
    ]


def test_a_change_quoting_a_stale_membership_writes_nothing(services: Services) -> None:
    from charter.errors import StaleVersionError
    from charter.services.members import NOT_A_MEMBER

    services.members.put(Actor("owner"), KEY, "target", "viewer", expected=NOT_A_MEMBER)
    with pytest.raises(StaleVersionError, match="changed since you read it"):
        services.members.put(Actor("owner"), KEY, "target", "member", expected=NOT_A_MEMBER)
    with pytest.raises(StaleVersionError):
        services.members.delete(Actor("owner"), KEY, "target", expected="member")
    assert roles(services)["target"] == "viewer"
    services.members.put(Actor("owner"), KEY, "target", "member", expected="viewer")
    assert services.members.role_of(Actor("owner"), KEY, "target").role == "member"
    services.members.delete(Actor("owner"), KEY, "target", expected="member")
    with pytest.raises(NotFoundError):
        services.members.role_of(Actor("owner"), KEY, "target")
