"""Charter: IT project management — plan as code, schedules, risks, costs, reports.

The library API: read a plan, schedule it, and look at the results.

    >>> import charter
    >>> plan = charter.load_plan("examples/erp-rollout.yaml")      # doctest: +SKIP
    >>> result = charter.schedule(plan)                             # doctest: +SKIP
"""

from charter.domain import Plan
from charter.engine.cpm import Schedule, schedule
from charter.errors import CharterError
from charter.formats.planfile import dump_plan, load_plan, parse_plan, save_plan
from charter.views.schedule import schedule_document

__version__ = "0.1.0"

__all__ = [
    "CharterError",
    "Plan",
    "Schedule",
    "__version__",
    "dump_plan",
    "load_plan",
    "parse_plan",
    "save_plan",
    "schedule",
    "schedule_document",
]
