"""Every endpoint the generated permission tests try: one table per area (``endpoints_*.py``)."""

from __future__ import annotations

from tests.web.endpoint import Endpoint
from tests.web.endpoints_core import CORE
from tests.web.endpoints_plan import PLAN
from tests.web.endpoints_records import RECORDS

ENDPOINTS: dict[str, Endpoint] = {**CORE, **PLAN, **RECORDS}

__all__ = ["ENDPOINTS", "Endpoint"]
