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

from charter.domain.plan import Plan
from charter.domain.task import ConstraintType, PlanDate
from charter.engine.network import Edge, Network, compile_network

FS, SS, FF, SF = 0, 1, 2, 3
_A = ConstraintType


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
    early_driver: list[Driver]  # per leaf
    late_driver: list[Driver]  # per leaf
    project_start: int
    project_finish: int
    conflicts: list[Conflict] = field(default_factory=list)

    def index(self, key: str) -> int:
        return self.network.index[key]


def schedule(plan: Plan, *, status_date: PlanDate | None = None) -> Schedule:
    """Schedule ``plan``: the one entry point the CLI, the web app and the library share."""
    return run_cpm(compile_network(plan, status_date=status_date))


class _Passes:
    """Holds the per-leaf arrays while the passes run (locals kept flat for speed)."""

    def __init__(self, net: Network) -> None:
        n = net.n_leaves
        self.net = net
        self.es = [0] * net.n_nodes
        self.ef = [0] * n
        self.ls = [0] * n
        self.lf = [0] * n
        self.calc_ls = [0] * n
        self.group_finish = [0] * net.n_nodes
        self.group_span = [0] * net.n_nodes
        self.project_calendar = net.calendars[net.plan.project.calendar]
        self.raw_lf = [0] * n  # late finish before it is moved back to the end of a work period
        self.early_driver = [Driver("project")] * n
        self.late_driver = [Driver("project")] * n
        self.alap = [c is _A.ALAP for c in net.constraint]
        self.any_alap = any(self.alap)
        self.remaining = [max(d - done, 0) for d, done in zip(net.duration, net.done, strict=True)]
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

    def with_lag(self, succ: int, lag: int, elapsed: bool, t: int) -> int:
        if lag == 0:
            return t
        if elapsed:
            return t + lag
        return self.net.leaf_calendar[succ].add(t, lag)

    def snap_start(self, i: int, t: int) -> int:
        cal = self.net.leaf_calendar[i]
        start = cal.next_start(t)
        if start > t and self.net.milestone[i] and cal.is_period_end(t):
            return t  # a milestone may sit at the end of a working period
        return start

    # -- forward pass ------------------------------------------------------------------
    def forward(self, project_start: int, alap_mode: bool) -> None:
        net = self.net
        n = net.n_leaves
        es, ef, ls, lf = self.es, self.ef, self.ls, self.lf
        edges, incoming = net.edges, net.incoming
        alap = self.alap
        status = net.status
        for node in net.order:
            if node >= n:
                members = net.group_members[node]
                es[node] = min(ls[m] if alap_mode and alap[m] else es[m] for m in members)
                self.group_finish[node] = max(lf[m] if alap_mode and alap[m] else ef[m] for m in members)
                self.group_span[node] = self.project_calendar.between(es[node], self.group_finish[node])
                continue
            i = node
            dur = net.duration[i]
            kind = net.constraint[i]
            cdate = self.cdate[i]
            finish: int | None = None
            actual = net.actual_start[i]
            if actual is not None:
                start = actual
                driver = Driver("actual")
                recorded = net.actual_finish[i]
                if recorded is not None:
                    finish = recorded
                elif status is not None:
                    resume = max(self.plus(i, start, net.done[i]), net.leaf_calendar[i].next_start(status))
                    finish = self.plus(i, resume, self.remaining[i])
                else:
                    finish = self.plus(i, start, dur)
                if kind is _A.FNET and net.actual_finish[i] is None and cdate is not None:
                    finish = max(finish, cdate)
            else:
                best = -1
                start = 0
                for e in incoming[i]:
                    edge = edges[e]
                    p = edge.pred
                    k = edge.kind
                    if p >= n:
                        lag = self.lag_of(edge)
                        if k == FS:
                            t = self.with_lag(i, lag, edge.elapsed, self.group_finish[p])
                        elif k == SS:
                            t = self.with_lag(i, lag, edge.elapsed, es[p])
                        elif k == FF:
                            pfinish = self.with_lag(i, lag, edge.elapsed, self.group_finish[p])
                            t = max(self.minus(i, pfinish, self.remaining[i]), project_start)
                        else:
                            t = self.minus(i, self.with_lag(i, lag, edge.elapsed, es[p]), dur)
                    else:
                        late = alap_mode and alap[p] and not alap[i]
                        if k == FS:
                            t = self.with_lag(i, edge.lag, edge.elapsed, lf[p] if late else ef[p])
                        elif k == SS:
                            began = net.actual_start[p]
                            if net.actual_finish[p] is not None and began is not None:
                                pstart = began
                            else:
                                pstart = ls[p] if late else es[p]
                            t = self.with_lag(i, edge.lag, edge.elapsed, pstart)
                        elif k == FF:
                            pfinish = lf[p] if late else ef[p]
                            t = self.minus(
                                i, self.with_lag(i, edge.lag, edge.elapsed, pfinish), self.remaining[i]
                            )
                            t = max(t, project_start)
                        else:
                            pstart = ls[p] if late else es[p]
                            t = self.minus(i, self.with_lag(i, edge.lag, edge.elapsed, pstart), dur)
                    if best < 0 or t > start:
                        start, best = t, e
                if best < 0:
                    if kind is _A.SNET and cdate is not None:
                        start, driver = cdate, Driver("constraint")
                    elif kind is _A.FNET and cdate is not None:
                        start, driver = self.minus(i, cdate, dur), Driver("constraint")
                    else:
                        start, driver = project_start, Driver("project")
                else:
                    driver = Driver("link", best)
                if status is not None and start < status:
                    start, driver = status, Driver("status")
                start = self.snap_start(i, start)
                if cdate is not None:
                    if kind is _A.SNET:
                        if start < cdate:
                            start, driver = cdate, Driver("constraint")
                    elif kind is _A.FNLT:
                        latest = self.minus(i, cdate, dur)
                        if start > latest:
                            start, driver = latest, Driver("constraint")
                    elif kind is _A.FNET:
                        earliest = self.minus(i, cdate, dur)
                        if start < earliest:
                            start, driver = earliest, Driver("constraint")
                    elif kind is _A.SNLT:
                        if start > cdate:
                            start, driver = cdate, Driver("constraint")
                    elif kind is _A.MSO:
                        start, driver = cdate, Driver("constraint")
                    elif kind is _A.MFO:
                        finish = cdate
                        start, driver = self.minus(i, cdate, dur), Driver("constraint")
            if finish is None:
                finish = self.plus(i, start, dur)
            es[i] = start
            ef[i] = finish
            self.early_driver[i] = driver

    # -- backward pass -----------------------------------------------------------------
    def backward(self, project_finish: int) -> None:
        net = self.net
        n = net.n_leaves
        es, lf, ls, calc_ls = self.es, self.lf, self.ls, self.calc_ls
        edges, outgoing = net.edges, net.outgoing
        actual_start, actual_finish = net.actual_start, net.actual_finish
        extra: dict[int, tuple[int, Driver]] = {}
        for node in reversed(net.order):
            if node >= n:
                # A summary finishes with all its sub-tasks and starts with its earliest ones:
                # a link from its finish holds every sub-task, one from its start the earliest.
                members = net.group_members[node]
                earliest = min(es[m] for m in members)
                for e in outgoing[node]:
                    if actual_finish[edges[e].succ] is not None:
                        continue
                    held = members if edges[e].kind in (FS, FF) else [m for m in members if es[m] == earliest]
                    for member in held:
                        bound = self.late_bound(e, member, project_finish)
                        if member not in extra or bound < extra[member][0]:
                            extra[member] = (bound, Driver("link", e))
                continue
            i = node
            cal = net.leaf_calendar[i]
            recorded_finish, recorded_start = actual_finish[i], actual_start[i]
            if recorded_finish is not None:
                finish = recorded_finish
                driver = Driver("actual")
            else:
                finish = project_finish
                driver = Driver("project")
                if net.milestone[i] and net.duration[i] == 0 and recorded_start is not None:
                    finish = recorded_start
                    driver = Driver("actual")
                else:
                    for e in outgoing[i]:
                        if actual_finish[edges[e].succ] is not None:
                            continue
                        bound = self.late_bound(e, i, project_finish)
                        if bound < finish or (bound == finish and driver.kind == "project"):
                            finish, driver = bound, Driver("link", e)
                    if i in extra and extra[i][0] <= finish:
                        finish, driver = extra[i]
                kind = net.constraint[i]
                cdate = self.cdate[i]
                if cdate is not None:
                    if kind is _A.MSO:
                        finish, driver = self.plus(i, cdate, net.duration[i]), Driver("constraint")
                    elif kind is _A.MFO:
                        finish, driver = cdate, Driver("constraint")
                    elif kind is _A.SNLT:
                        latest = self.plus(i, cdate, net.duration[i])
                        if finish > latest:
                            finish, driver = latest, Driver("constraint")
                    elif kind is _A.FNLT and finish > cdate:
                        finish, driver = cdate, Driver("constraint")
                deadline = net.deadline[i]
                if deadline is not None:
                    deadline = cal.previous_finish(deadline)
                    if finish > deadline:
                        finish, driver = deadline, Driver("deadline")
            # Predecessors are bound by the late start worked out from the finish *before* it
            # is moved back to the end of the previous working period: for a milestone on
            # another calendar, that earlier instant may not be equivalent.
            calc_ls[i] = self.minus(i, finish, self.remaining[i])
            self.raw_lf[i] = finish
            finish = cal.previous_finish(finish)
            lf[i] = finish
            start = actual_start[i]
            if start is not None:
                ls[i] = start
            else:
                ls[i] = finish if self.remaining[i] == 0 else calc_ls[i]
            self.late_driver[i] = driver

    def late_bound(self, e: int, p: int, project_finish: int) -> int:
        """The latest finish of predecessor leaf ``p`` that edge ``e`` allows."""
        net = self.net
        edge = net.edges[e]
        s = edge.succ
        k = edge.kind
        target = self.calc_ls[s] if k in (FS, SS) else self.raw_lf[s]
        if k == SS and net.actual_start[p] is not None:
            return project_finish
        latest = self.unlag(edge.succ, self.lag_of(edge), edge.elapsed, target)
        if k in (SS, SF):
            latest = self.plus(p, latest, net.duration[p])
        return min(latest, project_finish)

    def lag_of(self, edge: Edge) -> int:
        if edge.percent is None:
            return edge.lag
        return round(self.group_span[edge.pred] * edge.percent / 100.0)

    def unlag(self, succ: int, lag: int, elapsed: bool, target: int) -> int:
        """The latest instant that, lagged on the successor's calendar, is no later than ``target``.

        The inverse of the forward pass's lag: it answers with the *latest* equivalent instant
        (the start form), so that a predecessor on another calendar keeps all of its room.
        """
        cal = self.net.leaf_calendar[succ]
        if elapsed:
            return cal.next_start(target) - lag
        return cal.start_at(cal.work_at(target) - lag)


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
        project_finish = max(passes.ef[:n])
        passes.backward(project_finish)
    if passes.any_alap:
        passes.forward(net.project_start, alap_mode=True)
    return _results(passes, project_finish)


def _results(passes: _Passes, project_finish: int) -> Schedule:
    net = passes.net
    n = net.n_leaves
    es, ef, ls, lf = passes.es, passes.ef, passes.ls, passes.lf
    alap = passes.alap
    total = [0] * n
    critical = [False] * n
    for i in range(n):
        cal = net.leaf_calendar[i]
        if alap[i]:
            slack = 0
        else:
            finish_slack = cal.between(ef[i], lf[i])
            slack = (
                finish_slack
                if net.actual_start[i] is not None
                else min(cal.between(es[i], ls[i]), finish_slack)
            )
        total[i] = slack
        critical[i] = slack <= 0 and net.actual_finish[i] is None
    tasks = net.tasks
    m = len(tasks)
    start = [0] * m
    finish = [0] * m
    t_es, t_ef, t_ls, t_lf = [0] * m, [0] * m, [0] * m, [0] * m
    t_total, t_free = [0] * m, [0] * m
    t_critical = [False] * m
    t_duration = [0] * m
    for leaf, t in enumerate(net.task_of_leaf):
        t_duration[t] = net.duration[leaf]
        actual_s, actual_f = net.actual_start[leaf], net.actual_finish[leaf]
        start[t] = actual_s if actual_s is not None else (ls[leaf] if alap[leaf] else es[leaf])
        finish[t] = actual_f if actual_f is not None else (lf[leaf] if alap[leaf] else ef[leaf])
        t_es[t], t_ef[t], t_ls[t], t_lf[t] = es[leaf], ef[leaf], ls[leaf], lf[leaf]
        t_total[t], t_critical[t] = total[leaf], critical[leaf]
    project_calendar = net.calendars[net.plan.project.calendar]
    for t in range(m - 1, -1, -1):
        task = tasks[t]
        if not task.is_summary:
            continue
        children = net.children[t]
        start[t] = min(start[c] for c in children)
        finish[t] = max(finish[c] for c in children)
        t_es[t] = min(_early_start_for_rollup(net, passes, c, t_es) for c in children)
        t_ef[t] = max(_early_finish_for_rollup(net, passes, c, t_ef) for c in children)
        t_ls[t] = min(t_ls[c] for c in children)
        t_lf[t] = max(t_lf[c] for c in children)
        t_total[t] = min(
            project_calendar.between(t_es[t], t_ls[t]), project_calendar.between(t_ef[t], t_lf[t])
        )
        t_critical[t] = any(t_critical[c] for c in children)
        t_duration[t] = project_calendar.between(start[t], finish[t])
    early_start_used = [_early_start_for_rollup(net, passes, t, t_es) for t in range(m)]
    early_finish_used = [_early_finish_for_rollup(net, passes, t, t_ef) for t in range(m)]
    t_free = free_slack(net, early_start_used, early_finish_used, t_total, t_duration)
    schedule = Schedule(
        network=net,
        start=start,
        finish=finish,
        early_start=t_es,
        early_finish=t_ef,
        late_start=t_ls,
        late_finish=t_lf,
        total_slack=t_total,
        free_slack=t_free,
        critical=t_critical,
        duration=t_duration,
        early_driver=passes.early_driver,
        late_driver=passes.late_driver,
        project_start=min(start) if start else net.project_start,
        project_finish=max(finish) if finish else project_finish,
    )
    schedule.conflicts = find_conflicts(schedule)
    return schedule


def _early_start_for_rollup(net: Network, passes: _Passes, t: int, t_es: list[int]) -> int:
    leaf = net.leaf_of_task[t]
    if leaf >= 0 and passes.alap[leaf]:
        return passes.ls[leaf]
    return t_es[t]


def _early_finish_for_rollup(net: Network, passes: _Passes, t: int, t_ef: list[int]) -> int:
    leaf = net.leaf_of_task[t]
    if leaf >= 0 and passes.alap[leaf]:
        return passes.lf[leaf]
    return t_ef[t]


def free_slack(
    net: Network, start: list[int], finish: list[int], total: list[int], span: list[int]
) -> list[int]:
    """How long each task can slip without moving a successor's early dates (never below 0).

    Counted over the links as written (a link to a summary is measured against the summary's
    rolled-up dates), on the task's calendar, less the lag; a task without successors has its
    total slack. Finished tasks have none.
    """
    m = len(net.tasks)
    finished = [False] * m
    for t in range(m - 1, -1, -1):
        leaf = net.leaf_of_task[t]
        if leaf >= 0:
            finished[t] = net.actual_finish[leaf] is not None
        else:
            finished[t] = all(finished[c] for c in net.children[t])
    outgoing: list[list[int]] = [[] for _ in range(m)]
    for n, link in enumerate(net.links):
        outgoing[link.pred].append(n)
    project_calendar = net.calendars[net.plan.project.calendar]
    free = [0] * m
    for t in range(m):
        if finished[t]:
            continue
        leaf = net.leaf_of_task[t]
        cal = net.leaf_calendar[leaf] if leaf >= 0 else project_calendar
        best: int | None = None
        for n in outgoing[t]:
            link = net.links[n]
            s = link.succ
            if finished[s]:
                continue
            a = finish[t] if link.kind in (FS, FF) else start[t]
            b = start[s] if link.kind in (FS, SS) else finish[s]
            lag = link.lag if link.percent is None else round(span[t] * link.percent / 100.0)
            gap = cal.between(a, b) - lag
            best = gap if best is None else min(best, gap)
        free[t] = max(total[t] if best is None else best, 0)
    return free


def find_conflicts(schedule: Schedule) -> list[Conflict]:
    """Links a hard constraint broke, missed deadlines, and tasks with negative slack."""
    net = schedule.network
    conflicts: list[Conflict] = []
    n = net.n_leaves
    for edge in net.edges:
        if edge.pred >= n:
            continue
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
