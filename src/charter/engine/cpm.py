"""The critical-path method with Microsoft Project's rules.

Forward pass for early dates, backward pass for late dates, then — when some task is
scheduled as late as possible — a second forward pass so that its successors follow its
late dates. Links of all four types with working, elapsed or percentage lags (counted on
the successor's calendar), all eight constraint types ("tasks honour their constraint
dates"), deadlines (they pull late dates, never push early ones), actual dates, and a status
date after which remaining work is placed. Total slack is the smaller of start and finish
slack in working minutes on the task's calendar; a task is critical when it is at most zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from charter.domain.plan import Plan
from charter.domain.task import ConstraintType, PlanDate
from charter.engine.network import Network, compile_network
from charter.gcpause import paused_gc

FS, SS, FF, SF = 0, 1, 2, 3
_A = ConstraintType
_OVERRIDING = frozenset({_A.SNLT, _A.FNLT, _A.MSO, _A.MFO})


@dataclass(frozen=True, slots=True)
class Driver:
    """What set a date: a link (``edge``), the project start/finish, a constraint, a deadline,
    the status date or an actual date."""

    kind: str  # "link" | "project" | "constraint" | "deadline" | "status" | "actual"
    edge: int = -1


@dataclass(frozen=True, slots=True)
class Conflict:
    """A place where the plan's logic cannot all hold at once (the schedule still exists)."""

    task: str
    message: str


@dataclass(slots=True)
class Schedule:
    """CPM results per task (all tasks, WBS order); instants are minutes on the network's axis."""

    network: Network
    start: list[int]
    finish: list[int]
    early_start: list[int]
    early_finish: list[int]
    late_start: list[int]
    late_finish: list[int]
    total_slack: list[int]
    free_slack: list[int]
    critical: list[bool]
    duration: list[int]  # working minutes (leaves: their duration; summaries: their span)
    early_driver: list[int]  # per leaf: the edge that set its early start, or a BY_… code
    late_driver: list[int]  # per leaf: the edge that set its late finish, or a BY_… code
    project_start: int
    project_finish: int
    conflicts: list[Conflict] = field(default_factory=list)

    def index(self, key: str) -> int:
        return self.network.index[key]


def schedule(plan: Plan, *, status_date: PlanDate | None = None) -> Schedule:
    """Schedule ``plan``: the one entry point the CLI, the web app and the library share."""
    with paused_gc():
        return run_cpm(compile_network(plan, status_date=status_date))


# What set a date, when it was not a link (a link is its edge number, >= 0).
BY_PROJECT, BY_CONSTRAINT, BY_DEADLINE, BY_STATUS, BY_ACTUAL = -1, -2, -3, -4, -5
_DRIVER_KINDS = {
    BY_PROJECT: "project",
    BY_CONSTRAINT: "constraint",
    BY_DEADLINE: "deadline",
    BY_STATUS: "status",
    BY_ACTUAL: "actual",
}


def driver(code: int) -> Driver:
    return Driver("link", code) if code >= 0 else Driver(_DRIVER_KINDS[code])


class _Passes:
    """The per-leaf arrays while the passes run.

    Next to each date the passes keep its position in working minutes on the task's own
    calendar (``w_…``), so slack and the backward pass need no further calendar look-ups.
    """

    def __init__(self, net: Network) -> None:
        n = net.n_leaves
        self.net = net
        self.es = [0] * net.n_nodes
        self.ef = [0] * n
        self.ls = [0] * n
        self.lf = [0] * n
        self.w_es = [0] * n
        self.w_ef = [0] * n
        self.w_ls = [0] * n
        self.w_lf = [0] * n  # also the position of raw_lf
        self.calc_ls = [0] * n
        self.w_calc_ls = [0] * n
        self.raw_lf = [0] * n  # late finish before it is moved back to the end of a work period
        self.group_finish = [0] * net.n_nodes
        self.group_span = [0] * net.n_nodes
        self.project_calendar = net.calendars[net.plan.project.calendar]
        self.early_driver = [BY_PROJECT] * n
        self.late_driver = [BY_PROJECT] * n
        self.alap = [c is _A.ALAP for c in net.constraint]
        self.any_alap = any(self.alap)
        self.remaining = [max(d - done, 0) for d, done in zip(net.duration, net.done, strict=True)]
        self.assigned = net.assigned or {}
        self.cdate = list(net.constraint_date)
        for i, c in enumerate(net.constraint):
            date = net.constraint_date[i]
            if date is not None:
                cal = net.leaf_calendar[i]
                self.cdate[i] = cal.previous_finish(date) if c.on_finish else cal.next_start(date)

    # -- duration helpers --------------------------------------------------------------
    def plus(self, i: int, t: int, minutes: int) -> int:
        if self.net.duration_elapsed[i]:
            return t + minutes
        return self.net.leaf_calendar[i].add(t, minutes)

    def minus(self, i: int, t: int, minutes: int) -> int:
        if self.net.duration_elapsed[i]:
            return t - minutes
        return self.net.leaf_calendar[i].add(t, -minutes)

    def after(self, i: int, t: int) -> int:
        """The finish of leaf ``i`` started at ``t``: its duration, or for a resource-driven task
        the latest finish of its assignments' work."""
        spans = self.assigned.get(i) if self.assigned else None
        if spans is None:
            return self.plus(i, t, self.net.duration[i])
        return max(cal.add(t, work) for cal, work, _ in spans)

    def before(self, i: int, t: int, *, left: bool = False) -> int:
        """The start of leaf ``i`` finishing at ``t`` (with only its remaining work: ``left``)."""
        spans = self.assigned.get(i) if self.assigned else None
        if spans is None:
            return self.minus(i, t, self.remaining[i] if left else self.net.duration[i])
        return min(cal.add(t, -(rest if left else work)) for cal, work, rest in spans)

    def place_assigned(self, i: int, start: int, why: int) -> tuple[int, int, int]:
        """Early start and finish of a resource-driven leaf from the date its links allow: the
        earliest start of work on its assignments' calendars, its constraint, then the latest
        finish of their work (Microsoft Project's rule for tasks that are not fixed-duration)."""
        net = self.net
        spans = self.assigned[i]
        snapped = []
        for cal, _, _ in spans:
            t = cal.next_start(start)
            if t > start and net.milestone[i] and cal.is_period_end(start):
                t = start  # a milestone may sit at the end of a working period
            snapped.append(t)
        start, finish, moved = self.constrain(i, min(snapped))
        if moved:
            why = BY_CONSTRAINT
        return start, (self.after(i, start) if finish is None else finish), why

    def constrain(self, i: int, start: int) -> tuple[int, int | None, bool]:
        """The early start of leaf ``i`` after its date constraint (tasks honour their constraint
        dates), the finish an MFO fixes (else None), and whether the constraint moved it."""
        kind, cdate = self.net.constraint[i], self.cdate[i]
        if cdate is None:
            return start, None, False
        finish: int | None = None
        moved = start
        if kind is _A.SNET:
            moved = max(start, cdate)
        elif kind is _A.FNLT:
            moved = min(start, self.before(i, cdate))
        elif kind is _A.FNET:
            moved = max(start, self.before(i, cdate))
        elif kind is _A.SNLT:
            moved = min(start, cdate)
        elif kind is _A.MSO:
            moved = cdate
        elif kind is _A.MFO:
            finish = cdate
            moved = self.before(i, cdate)
        return moved, finish, moved != start or finish is not None

    def late_assigned(self, i: int, finish: int) -> None:
        """Late dates of a resource-driven leaf that must finish by ``finish``: the end of work
        before it on its assignments' calendars, less their remaining work."""
        spans = self.assigned[i]
        cal = self.net.leaf_calendar[i]
        lf = max(c.previous_finish(finish) for c, _, _ in spans)
        ls = min(c.add(lf, -rest) for c, _, rest in spans)
        self.raw_lf[i], self.w_lf[i], self.lf[i] = lf, cal.work_at(lf), lf
        self.calc_ls[i], self.w_calc_ls[i] = ls, cal.work_at(ls)
        recorded_start = self.net.actual_start[i]
        if recorded_start is not None:
            self.ls[i], self.w_ls[i] = recorded_start, cal.work_at(recorded_start)
        else:
            self.ls[i], self.w_ls[i] = ls, self.w_calc_ls[i]

    def with_lag(self, succ: int, lag: int, elapsed: bool, t: int) -> int:
        if lag == 0:
            return t
        if elapsed:
            return t + lag
        return self.net.leaf_calendar[succ].add(t, lag)

    def lag_of(self, e: int) -> int:
        percent = self.net.e_percent[e]
        if percent is None:
            return self.net.e_lag[e]
        return round(self.group_span[self.net.e_pred[e]] * percent / 100.0)

    # -- forward pass ------------------------------------------------------------------
    def forward(self, project_start: int, alap_mode: bool) -> None:
        net = self.net
        n = net.n_leaves
        es, ef, ls, lf = self.es, self.ef, self.ls, self.lf
        w_es, w_ef = self.w_es, self.w_ef
        e_pred, e_kind, e_elapsed, e_lag, e_percent = (
            net.e_pred,
            net.e_kind,
            net.e_elapsed,
            net.e_lag,
            net.e_percent,
        )
        in_start, in_edge = net.in_start, net.in_edge
        alap = self.alap
        status = net.status
        calendars = net.leaf_calendar
        durations = net.duration
        elapsed_durations = net.duration_elapsed
        constraints, cdates, actual_starts = net.constraint, self.cdate, net.actual_start
        early_driver, e_plain = self.early_driver, net.e_plain
        fixed = net.fixed
        assigned = self.assigned
        waits = net.delay
        for node in net.order:
            if node >= n:
                members = net.group_members[node]
                es[node] = min(ls[m] if alap_mode and alap[m] else es[m] for m in members)
                self.group_finish[node] = max(lf[m] if alap_mode and alap[m] else ef[m] for m in members)
                self.group_span[node] = self.project_calendar.between(es[node], self.group_finish[node])
                continue
            i = node
            cal = calendars[i]
            dur = durations[i]
            elapsed_duration = elapsed_durations[i]
            kind = constraints[i]
            cdate = cdates[i]
            finish: int | None = None
            if fixed is not None and i in fixed:
                # A manually scheduled task keeps the dates the user entered (as Project does).
                es[i], ef[i] = fixed[i]
                w_es[i], w_ef[i] = cal.work_at(es[i]), cal.work_at(ef[i])
                early_driver[i] = BY_ACTUAL
                continue
            actual = actual_starts[i]
            if actual is not None:
                start = actual
                why = BY_ACTUAL
                recorded = net.actual_finish[i]
                if recorded is not None:
                    finish = recorded
                elif status is not None:
                    resume = max(self.plus(i, start, net.done[i]), cal.next_start(status))
                    finish = self.plus(i, resume, self.remaining[i])
                else:
                    finish = self.after(i, start)
                if kind is _A.FNET and net.actual_finish[i] is None and cdate is not None:
                    finish = max(finish, cdate)
                es[i], ef[i] = start, finish
                w_es[i], w_ef[i] = cal.work_at(start), cal.work_at(finish)
                self.early_driver[i] = why
                continue
            why = BY_PROJECT
            start = 0
            known = -1  # the start's working-time position, when a plain link gives it for free
            for j in range(in_start[i], in_start[i + 1]):
                e = in_edge[j]
                p = e_pred[e]
                if e_plain[e] and not alap_mode:
                    t = ef[p]
                    if why == BY_PROJECT or t > start:
                        start, why = t, e
                        known = w_ef[p] if calendars[p] is cal else -1
                    continue
                k = e_kind[e]
                lag = e_lag[e] if e_percent[e] is None else self.lag_of(e)
                elapsed = e_elapsed[e]
                if p >= n:
                    pstart, pfinish = es[p], self.group_finish[p]
                elif alap_mode and alap[p] and not alap[i]:
                    pstart, pfinish = ls[p], lf[p]
                else:
                    pstart, pfinish = es[p], ef[p]
                    if k == SS and net.actual_finish[p] is not None:
                        began = net.actual_start[p]
                        if began is not None:
                            pstart = began
                if k == FS:
                    t = pfinish if lag == 0 else self.with_lag(i, lag, elapsed, pfinish)
                elif k == SS:
                    t = pstart if lag == 0 else self.with_lag(i, lag, elapsed, pstart)
                elif k == FF:
                    t = self.with_lag(i, lag, elapsed, pfinish)
                    t = self.before(i, t, left=True) if assigned else self.minus(i, t, self.remaining[i])
                    if t < project_start:
                        t = project_start
                else:
                    t = self.with_lag(i, lag, elapsed, pstart)
                    t = self.before(i, t) if assigned else self.minus(i, t, dur)
                if why == BY_PROJECT or t > start:
                    start, why, known = t, e, -1
            if why == BY_PROJECT:
                if kind is _A.SNET and cdate is not None:
                    start, why = cdate, BY_CONSTRAINT
                elif kind is _A.FNET and cdate is not None:
                    start, why = self.before(i, cdate), BY_CONSTRAINT
                else:
                    start = project_start
            if waits is not None and i in waits:
                wait, wait_elapsed = waits[i]
                start = start + wait if wait_elapsed else cal.add(start, wait)
                known = -1
            if status is not None and start < status:
                start, why, known = status, BY_STATUS, -1
            if assigned and i in assigned:
                start, finish, why = self.place_assigned(i, start, why)
                es[i], ef[i], w_es[i], w_ef[i] = start, finish, cal.work_at(start), cal.work_at(finish)
                early_driver[i] = why
                continue
            # A task starts at the beginning of working time (a milestone may sit at the end).
            w = known if known >= 0 and why >= 0 else cal.work_at(start)
            snapped = cal.start_at(w)
            if not (snapped > start and net.milestone[i] and cal.is_period_end(start)):
                start = snapped
            if cdate is not None:
                start, finish, moved = self.constrain(i, start)
                if moved:
                    why = BY_CONSTRAINT
                    w = cal.work_at(start)
            if finish is not None:
                w_ef[i] = cal.work_at(finish)
            elif elapsed_duration:
                finish = start + dur
                w_ef[i] = cal.work_at(finish)
            elif dur == 0:
                finish = start
                w_ef[i] = w
            else:
                w_ef[i] = w + dur
                finish = cal.finish_at(w + dur)
            es[i], ef[i], w_es[i] = start, finish, w
            early_driver[i] = why

    # -- backward pass -----------------------------------------------------------------
    def backward(self, project_finish: int) -> None:
        net = self.net
        n = net.n_leaves
        lf, ls, w_ls, raw_lf, w_lf = self.lf, self.ls, self.w_ls, self.raw_lf, self.w_lf
        calc_ls, w_calc_ls, late_driver = self.calc_ls, self.w_calc_ls, self.late_driver
        out_start, out_edge, e_succ, e_plain = net.out_start, net.out_edge, net.e_succ, net.e_plain
        left, cdates, constraints, deadlines = self.remaining, self.cdate, net.constraint, net.deadline
        calendars, elapsed_durations = net.leaf_calendar, net.duration_elapsed
        actual_start, actual_finish = net.actual_start, net.actual_finish
        extra: dict[int, tuple[int, int]] = {}
        assigned = self.assigned
        waits = net.delay
        into_summary = self.into_started_summary()
        for node in reversed(net.order):
            if node >= n:
                self.hold_group(node, project_finish, extra)
                continue
            i = node
            cal = calendars[i]
            recorded_finish, recorded_start = actual_finish[i], actual_start[i]
            if recorded_finish is not None:
                finish, why = recorded_finish, BY_ACTUAL
            else:
                finish, why = project_finish, BY_PROJECT
                known = -1
                for j in range(out_start[i], out_start[i + 1]):
                    e = out_edge[j]
                    s = e_succ[e]
                    if actual_finish[s] is not None:
                        continue
                    into_started = (
                        into_summary is not None and into_summary[e] and actual_start[s] is not None
                    )
                    if e_plain[e] and left[s] and not (waits and s in waits) and not into_started:
                        bound = calc_ls[s]
                        if bound > project_finish:
                            bound = project_finish
                        elif bound < finish or (bound == finish and why == BY_PROJECT):
                            finish, why = bound, e
                            known = w_calc_ls[s] if calendars[s] is cal else -1
                            continue
                    else:
                        bound = self.late_bound(e, i, project_finish)
                    if into_started:
                        bound = min(bound, self.started_summary_bound(e, i))
                    if bound < finish or (bound == finish and why == BY_PROJECT):
                        finish, why, known = bound, e, -1
                if extra:
                    held = extra.get(i)
                    if held is not None and held[0] <= finish:
                        finish, why = held
                        known = -1
                cdate = cdates[i]
                if cdate is not None:
                    kind = constraints[i]
                    if kind is _A.MSO:
                        finish, why, known = self.after(i, cdate), BY_CONSTRAINT, -1
                    elif kind is _A.MFO:
                        finish, why, known = cdate, BY_CONSTRAINT, -1
                    elif kind is _A.SNLT:
                        latest = self.after(i, cdate)
                        if finish > latest:
                            finish, why, known = latest, BY_CONSTRAINT, -1
                    elif kind is _A.FNLT and finish > cdate:
                        finish, why, known = cdate, BY_CONSTRAINT, -1
                deadline = deadlines[i]
                if deadline is not None:
                    deadline = cal.previous_finish(deadline)
                    if finish > deadline:
                        finish, why, known = deadline, BY_DEADLINE, -1
            if assigned and i in assigned and recorded_finish is None:
                self.late_assigned(i, finish)
                late_driver[i] = why
                if recorded_start is not None and left[i]:
                    self.bind_at_resume(i)
                continue
            # Predecessors are bound by the late start worked out from this finish *before* it
            # is moved back to the end of the previous working period: for a milestone on
            # another calendar, that earlier instant may not be equivalent.
            remaining = left[i]
            w = known if recorded_finish is None and known >= 0 and why >= 0 else cal.work_at(finish)
            raw_lf[i], w_lf[i] = finish, w
            if elapsed_durations[i]:
                calc_ls[i] = finish - remaining
                w_calc_ls[i] = cal.work_at(finish - remaining)
            elif remaining:
                calc_ls[i] = cal.start_at(w - remaining)
                w_calc_ls[i] = w - remaining
            else:
                # Nothing left to do: the latest place it can sit, which for a bound in
                # non-working time is the end of the working period before it.
                calc_ls[i] = finish if cal.start_at(w) == finish else cal.finish_at(w)
                w_calc_ls[i] = w
            lf[i] = cal.finish_at(w)
            if recorded_start is not None:
                ls[i], w_ls[i] = recorded_start, cal.work_at(recorded_start)
            elif remaining == 0:
                ls[i], w_ls[i] = lf[i], w
            else:
                ls[i], w_ls[i] = calc_ls[i], w_calc_ls[i]
            late_driver[i] = why
            if recorded_start is not None and recorded_finish is None and remaining:
                self.bind_at_resume(i)

    def into_started_summary(self) -> list[bool] | None:
        """Per edge, whether it comes from a start-bound link (FS, SS) into a summary task;
        None when no sub-task of a summary has started (nothing to do)."""
        net = self.net
        if all(start is None for start in net.actual_start):
            return None
        rows = net.link_rows
        return [
            net.leaf_of_task[rows[link][1]] < 0 and net.e_kind[e] in (FS, SS)
            for e, link in enumerate(net.e_link)
        ]

    def started_summary_bound(self, e: int, p: int) -> int:
        """The latest finish of leaf ``p`` that a link into a started summary allows: the
        summary's late start is its actual start (its earliest sub-task's), so, as in Microsoft
        Project, the link binds ``p`` by that actual start, not by where the work resumes."""
        net = self.net
        s = net.e_succ[e]
        began = net.actual_start[s]
        assert began is not None
        cal = net.leaf_calendar[s]
        lag = net.e_lag[e] if net.e_percent[e] is None else self.lag_of(e)
        return latest_predecessor_finish(
            net, p, s, net.e_kind[e], lag, net.e_elapsed[e], began, cal.work_at(began), False
        )

    def bind_at_resume(self, i: int) -> None:
        """Hold the predecessors of an in-progress leaf to where its remaining work resumes.

        Its late start is its actual start, so Microsoft Project binds its predecessors by the
        early date its remaining work starts (finish less remaining work), not a late one.
        """
        spans = self.assigned.get(i) if self.assigned else None
        cal = self.net.leaf_calendar[i]
        if spans is not None:
            resume = min(c.add(self.ef[i], -rest) for c, _, rest in spans)
        elif self.net.duration_elapsed[i]:
            resume = self.ef[i] - self.remaining[i]
        else:
            resume = cal.start_at(self.w_ef[i] - self.remaining[i])
        if resume < self.calc_ls[i]:
            self.calc_ls[i], self.w_calc_ls[i] = resume, cal.work_at(resume)

    def hold_group(self, group: int, project_finish: int, extra: dict[int, tuple[int, int]]) -> None:
        """Pass a summary's late bounds to its leaves: a link from its finish holds them all,
        one from its start holds its earliest sub-tasks."""
        net = self.net
        members = net.group_members[group]
        earliest = min(self.es[m] for m in members)
        for j in range(net.out_start[group], net.out_start[group + 1]):
            e = net.out_edge[j]
            if net.actual_finish[net.e_succ[e]] is not None:
                continue
            if net.e_kind[e] in (FS, FF):
                bound = self.late_bound(e, members[0], project_finish)
                held = members
            else:
                bound = -1
                held = [m for m in members if self.es[m] == earliest]
            for member in held:
                value = bound if bound >= 0 else self.late_bound(e, member, project_finish)
                if member not in extra or value < extra[member][0]:
                    extra[member] = (value, e)

    def late_bound(self, e: int, p: int, project_finish: int) -> int:
        """The latest finish of predecessor leaf ``p`` that edge ``e`` allows."""
        net = self.net
        s = net.e_succ[e]
        k = net.e_kind[e]
        if k == SS and net.actual_start[p] is not None:
            return project_finish
        exact = self.remaining[s] == 0
        lag = net.e_lag[e] if net.e_percent[e] is None else self.lag_of(e)
        wait = net.delay.get(s) if net.delay else None
        if k == FS and lag == 0 and not exact and wait is None:
            latest = self.calc_ls[s]  # already the latest instant of its working time
        else:
            if exact or k in (FS, SS):
                anchor, w = self.calc_ls[s], self.w_calc_ls[s]
            else:
                anchor, w = self.raw_lf[s], self.w_lf[s]
            if wait is not None:
                # A levelling delay sits between the links and the task: they bind it earlier.
                cal = net.leaf_calendar[s]
                if wait[1]:
                    anchor -= wait[0]
                    w = cal.work_at(anchor)
                else:
                    w -= wait[0]
                    anchor = cal.start_at(w)
            if k in (SS, SF) and self.assigned and p in self.assigned:
                # The bound on the predecessor's start, then its assignments' work after it.
                bound = latest_predecessor_finish(net, p, s, FS, lag, net.e_elapsed[e], anchor, w, exact)
                latest = self.after(p, bound)
            else:
                latest = latest_predecessor_finish(net, p, s, k, lag, net.e_elapsed[e], anchor, w, exact)
        return latest if latest < project_finish else project_finish


def latest_predecessor_finish(
    net: Network,
    p: int,
    s: int,
    kind: int,
    lag: int,
    elapsed: bool,
    anchor: int,
    w: int,
    exact: bool,
) -> int:
    """The latest finish of leaf ``p`` that keeps leaf ``s`` at or before ``anchor``.

    ``anchor`` is the successor's start (FS, SS) or finish (FF, SF) not to be passed, ``w`` its
    working-time position on the successor's calendar, and ``exact`` says the successor has no
    duration left, so it sits exactly where it is put rather than at a start of work. This is
    the exact inverse of the forward pass's link, to the minute: the predecessor's date is
    lagged on the successor's calendar and placed as the forward pass places the successor.
    """
    cal = net.leaf_calendar[s]
    if elapsed:
        latest = (anchor if exact else cal.start_at(w)) - lag
    elif lag == 0:
        latest = anchor if exact else cal.start_at(w)
    else:
        if exact and lag < 0 and cal.start_at(w) != anchor:
            w -= 1  # a lead lands on a start of work, which must not pass a period end
        latest = cal.start_at(w - lag)
    if kind not in (SS, SF):
        return latest
    # ``latest`` bounds the predecessor's start, but a task starts at a start of work: a bound
    # in non-working time (or at the end of a working period) means the next start of work,
    # unless that start would already move the successor — then the last minute before.
    duration = net.duration[p]
    if net.duration_elapsed[p]:
        return latest + duration
    pcal = net.leaf_calendar[p]
    wp = pcal.work_at(latest)
    start = pcal.start_at(wp)
    if duration == 0:
        return latest if start == latest else pcal.finish_at(wp)
    if start != latest:
        lagged = start if lag == 0 else (start + lag if elapsed else cal.add(start, lag))
        if kind == SS:
            placed = lagged if exact and cal.is_period_end(lagged) else cal.next_start(lagged)
        else:
            placed = cal.previous_finish(lagged)
        if placed > anchor:
            wp -= 1
    return pcal.finish_at(wp + duration)


def run_cpm(net: Network) -> Schedule:
    """Run the passes on a compiled network and roll results up to summary tasks."""
    passes = _Passes(net)
    n = net.n_leaves
    if n == 0:
        empty: list[int] = [net.project_start] * len(net.tasks)
        return Schedule(
            net,
            empty,
            empty,
            empty,
            empty,
            empty,
            empty,
            [0] * len(net.tasks),
            [0] * len(net.tasks),
            [False] * len(net.tasks),
            [0] * len(net.tasks),
            [],
            [],
            net.project_start,
            net.project_start,
        )
    if net.project_finish is not None:
        passes.forward(net.project_finish, alap_mode=False)
        passes.backward(net.project_finish)
        project_start = min(passes.ls[i] if passes.alap[i] else passes.es[i] for i in range(n))
        net.project_start = project_start
        passes.forward(project_start, alap_mode=False)
        project_finish = net.project_finish
    else:
        passes.forward(net.project_start, alap_mode=False)
        if net.inactive:
            project_finish = max(
                (f for i, f in enumerate(passes.ef[:n]) if i not in net.inactive), default=net.project_start
            )
        else:
            project_finish = max(passes.ef[:n])
        passes.backward(project_finish)
    if passes.any_alap:
        passes.forward(net.project_start, alap_mode=True)
    return _results(passes, project_finish)


def _results(passes: _Passes, project_finish: int) -> Schedule:
    """Slack and critical flags per leaf, roll-ups to summaries, free slack — as arrays."""
    net = passes.net
    n = net.n_leaves
    m = len(net.tasks)
    started = np.array([s is not None for s in net.actual_start], dtype=bool)
    done = np.array([f is not None for f in net.actual_finish], dtype=bool)
    alap = np.array(passes.alap, dtype=bool)
    w_es, w_ef = np.array(passes.w_es, dtype=np.int64), np.array(passes.w_ef, dtype=np.int64)
    w_ls, w_lf = np.array(passes.w_ls, dtype=np.int64), np.array(passes.w_lf, dtype=np.int64)
    finish_slack = w_lf - w_ef
    total = np.where(started, finish_slack, np.minimum(w_ls - w_es, finish_slack))
    for i in (i for i, elapsed in enumerate(net.duration_elapsed) if elapsed):
        # Project counts the slack of a task with an elapsed duration in elapsed minutes of
        # wall-clock time (it knows no daylight-saving shifts).
        finish_gap = _clock_minutes(net, passes.ef[i], passes.raw_lf[i])
        start_gap = _clock_minutes(net, passes.es[i], passes.ls[i])
        total[i] = finish_gap if started[i] else min(start_gap, finish_gap)
    total[alap] = 0
    for i, broken in _broken_links(passes).items():
        total[i] = min(int(total[i]), -broken)
    critical = (total <= 0) & ~done
    es = np.array(passes.es[:n], dtype=np.int64)
    ef, ls, lf = (np.array(values, dtype=np.int64) for values in (passes.ef, passes.ls, passes.lf))
    inactive = np.array(sorted(net.inactive), dtype=np.int64)
    if inactive.size:  # left out of scheduling: never critical, no slack of their own
        ls[inactive], lf[inactive], total[inactive], critical[inactive] = es[inactive], ef[inactive], 0, False
    used_es, used_ef = np.where(alap, ls, es), np.where(alap, lf, ef)
    actual_start = np.array([s if s is not None else 0 for s in net.actual_start], dtype=np.int64)
    actual_finish = np.array([f if f is not None else 0 for f in net.actual_finish], dtype=np.int64)
    leaf_start = np.where(started, actual_start, used_es)
    leaf_finish = np.where(done, actual_finish, used_ef)

    to_task = np.array(net.task_of_leaf, dtype=np.int64)
    high, low = np.iinfo(np.int64).max, np.iinfo(np.int64).min
    start, t_es, t_ls, t_ues = (np.full(m, high, dtype=np.int64) for _ in range(4))
    finish, t_ef, t_lf, t_uef = (np.full(m, low, dtype=np.int64) for _ in range(4))
    t_total = np.zeros(m, dtype=np.int64)
    t_critical = np.zeros(m, dtype=bool)
    t_started = np.zeros(m, dtype=bool)
    t_duration = np.zeros(m, dtype=np.int64)
    for target, values in (
        (start, leaf_start),
        (finish, leaf_finish),
        (t_es, es),
        (t_ef, ef),
        (t_ls, ls),
        (t_lf, lf),
        (t_ues, used_es),
        (t_uef, used_ef),
        (t_total, total),
        (t_critical, critical),
        (t_started, started),
        (t_duration, np.array(net.duration, dtype=np.int64) - _split_minutes(net)),
    ):
        target[to_task] = values
    # Summaries take the earliest and latest of their children, deepest level first.
    parent = np.array(net.parent, dtype=np.int64)
    depth = np.zeros(m, dtype=np.int64)
    for t, up in enumerate(net.parent):  # parents come before their children in WBS order
        if up >= 0:
            depth[t] = depth[up] + 1
    summaries = [t for t in range(m) if net.children[t]]
    for level in range(int(depth.max()) if m else 0, 0, -1):
        rows = np.flatnonzero(depth == level)
        parents = parent[rows]
        for target in (start, t_es, t_ls, t_ues):
            np.minimum.at(target, parents, target[rows])
        for target in (finish, t_ef, t_lf, t_uef):
            np.maximum.at(target, parents, target[rows])
        np.logical_or.at(t_critical, parents, t_critical[rows])
        np.logical_or.at(t_started, parents, t_started[rows])
    t_es[summaries], t_ef[summaries] = t_ues[summaries], t_uef[summaries]
    work_at = net.calendars[net.plan.project.calendar].work_at
    for t in summaries:
        # As for a task: once one of its sub-tasks has started, only the finish slack counts.
        finish_gap = work_at(int(t_lf[t])) - work_at(int(t_ef[t]))
        start_gap = work_at(int(t_ls[t])) - work_at(int(t_es[t]))
        t_total[t] = finish_gap if t_started[t] else min(start_gap, finish_gap)
        # Critical like Microsoft Project: a critical sub-task and no slack over the summary's span.
        t_critical[t] = t_critical[t] and t_total[t] <= 0
        t_duration[t] = work_at(int(finish[t])) - work_at(int(start[t]))
    # Working-time positions of the dates free slack is measured between (the passes know them).
    work_start = np.zeros(m, dtype=np.int64)
    work_finish = np.zeros(m, dtype=np.int64)
    work_start[to_task] = np.where(alap, w_ls, w_es)
    work_finish[to_task] = np.where(alap, w_lf, w_ef)
    calendars = [net.leaf_calendar[leaf] if leaf >= 0 else None for leaf in net.leaf_of_task]
    project_calendar = net.calendars[net.plan.project.calendar]
    for t in [*summaries, *to_task[started].tolist()]:
        cal = calendars[t] or project_calendar
        work_start[t], work_finish[t] = cal.work_at(int(t_ues[t])), cal.work_at(int(t_uef[t]))
    t_free = free_slack(net, t_ues, t_uef, t_total, t_duration, work_start, work_finish)
    start_list = start.tolist()
    finish_list = finish.tolist()
    schedule = Schedule(
        network=net,
        start=start_list,
        finish=finish_list,
        early_start=t_es.tolist(),
        early_finish=t_ef.tolist(),
        late_start=t_ls.tolist(),
        late_finish=t_lf.tolist(),
        total_slack=t_total.tolist(),
        free_slack=t_free,
        critical=t_critical.tolist(),
        duration=t_duration.tolist(),
        early_driver=passes.early_driver,
        late_driver=passes.late_driver,
        project_start=min(start_list) if start_list else net.project_start,
        project_finish=max(finish_list) if finish_list else project_finish,
    )
    schedule.conflicts = find_conflicts(schedule)
    return schedule


def _split_minutes(net: Network) -> np.ndarray:
    """Per leaf, the pauses of a split task that ``duration`` includes (0 for the others)."""
    pauses = np.zeros(net.n_leaves, dtype=np.int64)
    if net.split:
        for leaf, minutes in net.split.items():
            pauses[leaf] = minutes
    return pauses


def _clock_minutes(net: Network, a: int, b: int) -> int:
    """Wall-clock minutes from instant ``a`` to instant ``b`` in the plan's time zone."""
    local = net.axis.local
    return round((local(b) - local(a)).total_seconds() / 60)


def _broken_links(passes: _Passes) -> dict[int, int]:
    """Leaves whose hard constraint breaks a link, with the worst break in working minutes.

    Microsoft Project shows such a task's total slack as at most minus the break, even when
    its own early and late dates coincide (an MFO milestone a day before its predecessor ends
    has slack -1d).
    """
    net = passes.net
    n = net.n_leaves
    broken: dict[int, int] = {}
    for i, kind in enumerate(net.constraint):
        if kind not in _OVERRIDING or net.actual_start[i] is not None:
            continue
        cal = net.leaf_calendar[i]
        worst = 0
        for j in range(net.in_start[i], net.in_start[i + 1]):
            e = net.in_edge[j]
            p = net.e_pred[e]
            k = net.e_kind[e]
            if p >= n:
                pstart, pfinish = passes.es[p], passes.group_finish[p]
            elif passes.alap[p]:
                pstart, pfinish = passes.ls[p], passes.lf[p]
            else:
                pstart, pfinish = passes.es[p], passes.ef[p]
            need = passes.with_lag(
                i, passes.lag_of(e), net.e_elapsed[e], pfinish if k in (FS, FF) else pstart
            )
            mine = passes.es[i] if k in (FS, SS) else passes.ef[i]
            worst = max(worst, cal.work_at(need) - cal.work_at(mine))
        if worst > 0:
            broken[i] = worst
    return broken


def free_slack(
    net: Network,
    start: np.ndarray,
    finish: np.ndarray,
    total: np.ndarray,
    span: np.ndarray,
    work_start: np.ndarray,
    work_finish: np.ndarray,
) -> list[int]:
    """How long each task can slip without moving a successor's early dates (never below 0).

    Counted over the links as written (a link to a summary is measured against the summary's
    rolled-up dates), on the task's calendar, less the lag; a task without successors has its
    total slack. Finished tasks have none. ``work_start``/``work_finish`` are each task's dates
    in working minutes on its own calendar.
    """
    m = len(net.tasks)
    finished = np.zeros(m, dtype=bool)
    for t in range(m - 1, -1, -1):
        leaf = net.leaf_of_task[t]
        finished[t] = (
            net.actual_finish[leaf] is not None if leaf >= 0 else all(finished[c] for c in net.children[t])
        )
    best = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
    if net.link_rows:
        columns = list(zip(*net.link_rows, strict=True))
        pred, succ, kind, lag = (np.array(columns[c], dtype=np.int64) for c in range(4))
        shares = [(j, share) for j, share in enumerate(columns[5]) if share is not None]
        for j, share in shares:
            lag[j] = round(int(span[pred[j]]) * share / 100.0)
        keep = ~finished[pred] & ~finished[succ]
        from_finish = (kind == FS) | (kind == FF)
        to_start = (kind == FS) | (kind == SS)
        a = np.where(from_finish, work_finish[pred], work_start[pred])
        b = np.where(to_start, work_start[succ], work_finish[succ])
        # Across calendars, the successor's date is measured on the predecessor's calendar.
        project_calendar = net.calendars[net.plan.project.calendar]
        calendar = [net.leaf_calendar[leaf] if leaf >= 0 else project_calendar for leaf in net.leaf_of_task]
        ids = {id(cal): number for number, cal in enumerate(net.calendars.values())}
        calendar_id = np.array([ids[id(cal)] for cal in calendar], dtype=np.int64)
        crossing = keep & (calendar_id[pred] != calendar_id[succ])
        moments = np.where(to_start, start[succ], finish[succ])
        for number in np.unique(calendar_id[pred[crossing]]).tolist():
            rows = np.flatnonzero(crossing & (calendar_id[pred] == number))
            b[rows] = list(net.calendars.values())[number].work_at_many(moments[rows])
        gap = b - a - lag
        np.minimum.at(best, pred[keep], gap[keep])
    free = np.where(best == np.iinfo(np.int64).max, total, best)
    free = np.maximum(free, 0)
    free[finished] = 0
    return [int(value) for value in free.tolist()]


def find_conflicts(schedule: Schedule) -> list[Conflict]:
    """Links a hard constraint broke, missed deadlines, and tasks with negative slack."""
    net = schedule.network
    conflicts: list[Conflict] = []
    n = net.n_leaves
    overriding = [leaf for leaf, kind in enumerate(net.constraint) if kind in _OVERRIDING]
    for e in (e for leaf in overriding for e in net.incoming(leaf)):  # only these can break a link
        if net.e_pred[e] >= n:
            continue
        edge = net.edge(e)
        p, s = net.task_of_leaf[edge.pred], net.task_of_leaf[edge.succ]
        if net.actual_start[edge.succ] is not None:
            continue
        cal = net.leaf_calendar[edge.succ]
        a = schedule.finish[p] if edge.kind in (FS, FF) else schedule.start[p]
        b = schedule.start[s] if edge.kind in (FS, SS) else schedule.finish[s]
        if edge.lag and not edge.elapsed:
            a = cal.add(a, edge.lag)
        elif edge.lag:
            a += edge.lag
        if cal.between(a, b) < 0:
            succ, pred = net.tasks[s], net.tasks[p]
            reason = (
                f"its {succ.constraint.type.value} constraint"
                if succ.constraint and succ.constraint.type.needs_date
                else "an actual date or the status date"
            )
            conflicts.append(
                Conflict(
                    succ.key,
                    f"the {('FS', 'SS', 'FF', 'SF')[edge.kind]} link from '{pred.key}' is not honoured "
                    f"because of {reason}",
                )
            )
    for leaf, t in enumerate(net.task_of_leaf):
        deadline = net.deadline[leaf]
        task = net.tasks[t]
        if deadline is not None and schedule.finish[t] > net.leaf_calendar[leaf].previous_finish(deadline):
            conflicts.append(Conflict(task.key, "finishes after its deadline"))
        elif schedule.total_slack[t] < 0:
            conflicts.append(Conflict(task.key, "has negative slack: a constraint or deadline cannot be met"))
    return conflicts
