"""Why a task's late dates in a Project file differ from Charter's: the file against itself.

Project stores the late dates it computed last time it recalculated. When a plan changed
afterwards without a full recalculation, or was edited by another tool, those stored dates
no longer follow from the file's own logic. This module finds such places by checking the
stored dates against each other — never against Charter's — so the import report can say
"the file contradicts itself here" instead of "reason unknown".

Two checks, both only on late-side differences (late start, late finish, total slack):

- the link that sets the task's late finish in Charter, read with the dates the file stores
  on both of its ends: the stored predecessor date is after the stored successor date the
  link ties it to (a zero lag link), or it is tight against a successor whose own stored
  dates differ from Charter's (the difference comes from there);
- nothing but the project finish holds the task (no successor, constraint or deadline), and
  the file stores a late finish earlier than the project finish it also stores, while
  Charter's project finish equals that stored one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from charter.domain import LinkType
from charter.engine.calendar import TimeAxis, WorkingTime
from charter.engine.cpm import BY_PROJECT, Schedule
from charter.engine.network import LINK_CODES

LATE_FIELDS = frozenset({"late_start", "late_finish", "total_slack"})
_LINK_TYPES = {code: kind for kind, code in LINK_CODES.items()}
# Per link type: the predecessor's and the successor's late field the zero-lag link relates.
_TIED_FIELDS = {
    LinkType.FS: ("late_finish", "late_start"),
    LinkType.SS: ("late_start", "late_start"),
    LinkType.FF: ("late_finish", "late_finish"),
    LinkType.SF: ("late_start", "late_finish"),
}

StoredDates = Mapping[str, Mapping[str, str | None]]


class StoredDateAudit:
    """Reasons, found in the stored dates alone, for late dates Charter computes differently.

    ``stored`` maps each task key to its stored dates (field names of ``DATE_FIELDS``);
    ``differing`` holds the keys of tasks whose computed dates differ from the stored ones;
    ``project_finish`` is the project finish the file stores, if any.
    """

    def __init__(
        self,
        computed: Schedule,
        stored: StoredDates,
        differing: set[str],
        project_finish: str | None,
    ) -> None:
        self.computed = computed
        self.net = computed.network
        self.stored = stored
        self.differing = differing
        self.project_finish = project_finish

    def reason(self, key: str, fields: set[str]) -> str | None:
        """Why task ``key`` differs in ``fields``, when its stored dates say so; else None."""
        if not fields or not fields <= LATE_FIELDS or key not in self.net.index:
            return None
        leaf = self.net.leaf_of_task[self.net.index[key]]
        if leaf < 0:
            return None
        driver = self.computed.late_driver[leaf]
        if driver >= 0:
            return self._link_reason(leaf, driver)
        if driver == BY_PROJECT:
            return self._project_reason(key, leaf)
        return None

    def _link_reason(self, leaf: int, edge: int) -> str | None:
        net = self.net
        successor = net.e_succ[edge]
        kind = _LINK_TYPES[net.e_kind[edge]]
        if successor >= net.n_leaves or net.e_lag[edge] != 0 or net.e_percent[edge] is not None:
            return None
        mine_field, theirs_field = _TIED_FIELDS[kind]
        key = net.tasks[net.task_of_leaf[leaf]].key
        other = net.tasks[net.task_of_leaf[successor]]
        mine = self.stored.get(key, {}).get(mine_field)
        theirs = self.stored.get(other.key, {}).get(theirs_field)
        if mine is None or theirs is None:
            return None
        work_at = self._work_at(net.leaf_calendar[leaf])
        link = f"{kind.value} successor {other.label} (task {other.key})"
        if work_at(mine) > work_at(theirs):
            return (
                f"the file contradicts itself: {_words(mine_field)} {mine[:16]} here, "
                f"but {_words(theirs_field)} {theirs[:16]} for its {link}"
            )
        if work_at(mine) == work_at(theirs) and other.key in self.differing:
            return f"follows its {link}, whose stored dates differ"
        return None

    def _project_reason(self, key: str, leaf: int) -> str | None:
        finish = self.project_finish
        late_finish = self.stored.get(key, {}).get("late_finish")
        if finish is None or late_finish is None:
            return None
        net = self.net
        project_calendar = net.calendars[net.plan.project.calendar]
        if self._work_at(project_calendar)(finish) != project_calendar.work_at(self.computed.project_finish):
            return None
        work_at = self._work_at(net.leaf_calendar[leaf])
        if work_at(late_finish) >= work_at(finish):
            return None
        return (
            f"the file contradicts itself: late finish {late_finish[:16]}, before its own project finish "
            f"{finish[:16]}, though no successor, constraint or deadline holds the task there"
        )

    def _work_at(self, calendar: WorkingTime) -> Callable[[str], int]:
        axis = self.net.axis

        def work_at(text: str) -> int:
            return calendar.work_at(stored_instant(axis, text))

        return work_at


def _words(field: str) -> str:
    return field.replace("_", " ")


def stored_instant(axis: TimeAxis, text: str) -> int:
    """The instant of a date stored in the file, to the nearest minute (Charter's resolution)."""
    instants = stored_instants(axis, text)
    return instants[-1] if dt.datetime.fromisoformat(text).second >= 30 else instants[0]


def stored_instants(axis: TimeAxis, text: str) -> tuple[int, ...]:
    """The whole minutes a stored date lies at: one, or the two around a date with seconds."""
    local = dt.datetime.fromisoformat(text).replace(tzinfo=None)
    floor = axis.instant(local.replace(second=0, microsecond=0))
    return (floor, floor + 1) if local.second or local.microsecond else (floor,)
