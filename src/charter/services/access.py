"""Look up an actor's standing on a project and apply the permission table to it."""

from __future__ import annotations

from charter.services.actor import Actor
from charter.services.permissions import Action, Role, check_project
from charter.store import ProjectInfo, Store


def authorize(store: Store, actor: Actor, key: str, action: Action) -> tuple[ProjectInfo, Role | None]:
    """The project and the actor's role in it, if the actor may take ``action`` there.

    Raises NotFoundError for a project the actor may not see (or that does not exist, with the
    same message), ForbiddenError for one they see but may not act on.
    """
    info, role = store.members.access(key, actor.name)
    held = None if role is None else Role(role)
    check_project(actor, action, key, held, info.visibility)
    return info, held
