"""Resource load per period as JSON: what `charter workload --json` prints and the API serves."""

from __future__ import annotations

import math

from charter.engine.workload import Period, Workload


def _percent(value: float) -> float | None:
    return None if math.isinf(value) else round(100 * value, 1)


def workload_document(load: Workload, period: Period) -> dict[str, object]:
    share = load.load
    over = load.overallocated
    return {
        "by": period,
        "periods": [d.isoformat() for d in load.days],
        "resources": {
            key: {
                "max_units": load.capacity[r],
                "load_percent": [_percent(float(v)) for v in share[r]],
                "booked_hours": [round(float(v) / 60, 2) for v in load.booked[r]],
                "available_hours": [round(float(v) / 60, 2) for v in load.available[r]],
                "peak_units": [round(float(v), 3) for v in load.peak[r]],
                "overallocated": [bool(v) for v in over[r]],
            }
            for r, key in enumerate(load.resources)
        },
        "overallocated": bool(over.any()),
    }
