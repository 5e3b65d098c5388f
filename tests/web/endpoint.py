"""One endpoint as the generated permission tests try it.

An endpoint names the action of ``PERMISSIONS`` it takes and the status it answers when allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from charter.services import Action


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str
    """The route as the app declares it."""
    url: str
    """The URL tried, ``{key}`` filled in per situation."""
    action: Action
    ok: int
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
