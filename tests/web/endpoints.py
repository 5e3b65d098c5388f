"""Every endpoint the generated permission tests try: one table per area (``endpoints_*.py``)."""

from __future__ import annotations

from tests.web.endpoint import Endpoint
from tests.web.endpoints_core import CORE

ENDPOINTS: dict[str, Endpoint] = {**CORE}

__all__ = ["ENDPOINTS", "Endpoint"]
