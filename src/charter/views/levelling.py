"""A levelling proposal as JSON: what `charter level PLAN --json` prints and the API serves."""

from __future__ import annotations

from charter.domain.values import format_days
from charter.engine.levelling.plan import Levelling


def levelling_document(result: Levelling, mode: str, sources: list[str]) -> dict[str, object]:
    first = result.after[0].network
    local = first.axis.local
    units = first.plan.project.work_units

    def at(instant: int, n: int = 0) -> str:
        return result.after[n].network.axis.local(instant).strftime("%Y-%m-%dT%H:%M")

    return {
        "plans": sources,
        "mode": mode,
        "method": result.method,
        "already_level": result.already_level,
        "finish_before": local(result.finish_before).strftime("%Y-%m-%dT%H:%M"),
        "finish": local(result.finish_after).strftime("%Y-%m-%dT%H:%M"),
        "lower_bound": local(result.lower_bound).strftime("%Y-%m-%dT%H:%M"),
        "gap": round(result.gap, 6),
        "optimal": result.optimal,
        "overallocations_before": len(result.overallocated_before),
        "unresolved": [
            {
                "resource": o.resource,
                "start": at(o.start),
                "finish": at(o.finish),
                "load": o.load,
                "capacity": o.capacity,
                "tasks": [result.after[n].network.tasks[i].key for n, i in o.tasks],
            }
            for o in result.unresolved
        ],
        "conflicts": [
            {"plan": sources[n], "task": c.task, "message": c.message}
            for n, sched in enumerate(result.after)
            for c in sched.conflicts
        ],
        "picks": [
            {
                "plan": sources[p.plan],
                "task": p.task,
                "skill": p.skill,
                "resource": p.resource,
                "units": p.units,
            }
            for p in result.picks
        ],
        "moves": [
            {
                "plan": sources[m.plan],
                "task": m.key,
                "old_start": at(m.old_start, m.plan),
                "new_start": at(m.new_start, m.plan),
                "old_finish": at(m.old_finish, m.plan),
                "new_finish": at(m.new_finish, m.plan),
                "shift_minutes": m.shift,
                "shift": format_days(m.shift, units),
                "waited_for": list(m.resources),
                "competed_with": list(m.competitors),
                "pushed_by": list(m.pushed_by),
            }
            for m in result.moves
        ],
    }
