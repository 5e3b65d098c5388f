"""The plan compiled into an indexed activity network.

Summary tasks are not scheduled themselves, as in Microsoft Project: a link *into* a summary
binds every leaf under it, and a link *out of* a summary leaves from a *group* node whose
start is the earliest start and whose finish is the latest finish of the summary's leaves
(its rolled-up dates). Nodes are numbered: leaves first (``0 .. n_leaves-1``), then groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from charter.domain.plan import Plan
from charter.domain.task import ConstraintType, LinkType, PlanDate, Task
from charter.domain.values import Lag, WorkUnits
from charter.engine.calendar import TimeAxis, WorkingTime, compile_calendar, compile_common
from charter.errors import CharterError, ConstraintConflictError, DependencyCycleError, Location

# Microsoft Project's work contours: the units an assignment works at in each tenth of its span,
# as a share of its peak units. The same work takes 1/share times as long as a flat assignment.
_CONTOUR_TENTHS: dict[str, tuple[int, ...]] = {
    "back_loaded": (10, 15, 25, 50, 50, 75, 75, 100, 100, 100),
    "front_loaded": (100, 100, 100, 75, 75, 50, 50, 25, 15, 10),
    "double_peak": (25, 50, 100, 50, 25, 25, 50, 100, 50, 25),
    "early_peak": (25, 50, 100, 100, 75, 50, 35, 25, 15, 10),
    "late_peak": (10, 15, 25, 35, 50, 75, 100, 100, 50, 25),
    "bell": (10, 20, 40, 80, 100, 100, 80, 40, 20, 10),
    "turtle": (25, 50, 75, 100, 100, 100, 100, 75, 50, 25),
}
CONTOUR_SHARE: dict[str, float] = {name: sum(tenths) / 1000 for name, tenths in _CONTOUR_TENTHS.items()}
"""Average units over the span as a share of the peak, per contour (flat and hand-edited
``contoured`` assignments are 1: their pauses, if any, are read as splits)."""

LINK_CODES = {LinkType.FS: 0, LinkType.SS: 1, LinkType.FF: 2, LinkType.SF: 3}
_LINK_CODE = {id(member): code for member, code in LINK_CODES.items()}  # enum hashing is slow


@dataclass(frozen=True, slots=True)
class Edge:
    """One expanded link between two nodes, as a readable value (see ``Network.edge``)."""

    pred: int
    succ: int
    kind: int  # 0 FS, 1 SS, 2 FF, 3 SF
    lag: int  # minutes (working unless elapsed); percent lags of leaves already resolved
    elapsed: bool
    source: tuple[str, int]  # (successor task key, index in its links)
    percent: float | None = None  # a % of a summary predecessor's duration, resolved while scheduling


class TaskLink(NamedTuple):
    """A link as the user wrote it, between two tasks (summaries included), lag resolved."""

    pred: int  # task index
    succ: int  # task index
    kind: int
    lag: int
    elapsed: bool
    percent: float | None
    number: int  # index in the successor's links


@dataclass
class Network:
    """Parallel lists indexed by task, leaf, node or edge number; edges are stored column-wise
    (``e_pred[e]``, ``e_succ[e]`` …) with incoming/outgoing adjacency in compressed form, so a
    100,000-task plan is a few dozen lists rather than hundreds of thousands of objects."""

    plan: Plan
    axis: TimeAxis
    tasks: list[Task]  # all tasks in WBS order
    index: dict[str, int]  # task key -> position in tasks
    parent: list[int]  # index of parent task, -1 at top level
    children: list[list[int]]  # direct children of each task
    leaf_of_task: list[int]  # task index -> leaf node, -1 for summaries
    task_of_leaf: list[int]
    group_of_task: dict[int, int]  # summary task index -> group-start node
    group_members: dict[int, list[int]]  # group node -> leaf nodes (a summary's start and finish)
    calendars: dict[str, WorkingTime]
    leaf_calendar: list[WorkingTime]
    duration: list[int]  # working minutes (or elapsed minutes when duration_elapsed)
    duration_elapsed: list[bool]
    milestone: list[bool]
    constraint: list[ConstraintType]
    constraint_date: list[int | None]
    deadline: list[int | None]
    actual_start: list[int | None]
    actual_finish: list[int | None]
    done: list[int]  # working minutes already done (in-progress tasks)
    inactive: frozenset[int]  # leaves left out of scheduling (no links, no roll-up, no project finish)
    fixed: dict[int, tuple[int, int]] | None  # manually scheduled leaves: their entered (start, finish)
    link_rows: list[tuple[int, int, int, int, bool, float | None, int]]  # TaskLink fields, as written
    e_pred: list[int]
    e_succ: list[int]
    e_kind: list[int]
    e_lag: list[int]
    e_elapsed: list[bool]
    e_percent: list[float | None]
    e_link: list[int]  # the written link (index in ``links``) each edge comes from
    e_plain: list[bool]  # finish-to-start without lag from a task: the passes' short path
    in_start: list[int] = field(default_factory=list)  # edges into node v: in_edge[in_start[v]:in_start[v+1]]
    in_edge: list[int] = field(default_factory=list)
    out_start: list[int] = field(default_factory=list)
    out_edge: list[int] = field(default_factory=list)
    order: list[int] = field(default_factory=list)  # topological order of all nodes
    project_start: int = 0
    project_finish: int | None = None  # backward scheduling
    status: int | None = None
    # Resource-driven leaves (see ``Task.type``): per assignment its calendar, its work and its
    # remaining work spread over that calendar at its units, in working minutes.
    assigned: dict[int, list[tuple[WorkingTime, int, int]]] | None = None
    # Levelling delays (see ``Task.leveling_delay``): minutes, and whether they are elapsed.
    delay: dict[int, tuple[int, bool]] | None = None
    # Split leaves (see ``Task.splits``): working minutes of pause, included in ``duration``.
    split: dict[int, int] | None = None

    @property
    def n_leaves(self) -> int:
        return len(self.task_of_leaf)

    @property
    def n_nodes(self) -> int:
        return len(self.task_of_leaf) + len(self.group_members)

    @property
    def links(self) -> list[TaskLink]:
        """The links as written (built on first use; the engine reads ``link_rows``)."""
        views: list[TaskLink] | None = self.__dict__.get("_link_views")
        if views is None:
            views = self.__dict__["_link_views"] = [TaskLink._make(row) for row in self.link_rows]
        return views

    @property
    def n_edges(self) -> int:
        return len(self.e_pred)

    def edge(self, e: int) -> Edge:
        link = self.links[self.e_link[e]]
        return Edge(
            self.e_pred[e],
            self.e_succ[e],
            self.e_kind[e],
            self.e_lag[e],
            self.e_elapsed[e],
            (self.tasks[link.succ].key, link.number),
            self.e_percent[e],
        )

    @property
    def edges(self) -> list[Edge]:
        """All expanded edges as values (built on first use; the engine reads the columns)."""
        views: list[Edge] | None = self.__dict__.get("_edge_views")
        if views is None:
            views = self.__dict__["_edge_views"] = [self.edge(e) for e in range(self.n_edges)]
        return views

    def incoming(self, node: int) -> list[int]:
        return self.in_edge[self.in_start[node] : self.in_start[node + 1]]

    def outgoing(self, node: int) -> list[int]:
        return self.out_edge[self.out_start[node] : self.out_start[node + 1]]

    def wbs_codes(self) -> list[str]:
        """Outline numbers (1, 1.1, 1.2, 2 …) of every task in WBS order."""
        codes = [""] * len(self.tasks)
        counters: dict[int, int] = {}
        for i, parent in enumerate(self.parent):
            counters[parent] = counters.get(parent, 0) + 1
            prefix = f"{codes[parent]}." if parent >= 0 else ""
            codes[i] = f"{prefix}{counters[parent]}"
        return codes

    def depth(self, i: int) -> int:
        level = 0
        while self.parent[i] >= 0:
            i = self.parent[i]
            level += 1
        return level

    def key_of_node(self, node: int) -> str:
        if node < self.n_leaves:
            return self.tasks[self.task_of_leaf[node]].key
        summary = next(t for t, g in self.group_of_task.items() if g == node)
        return self.tasks[summary].key


def _outline(plan: Plan) -> tuple[list[Task], list[int], list[list[int]], list[int]]:
    """All tasks in WBS order with each one's parent (-1 at the top) and children, and the
    inactive summary tasks."""
    tasks: list[Task] = []
    off: list[int] = []
    parent: list[int] = []
    children: list[list[int]] = []
    stack: list[tuple[Task, int]] = [(task, -1) for task in reversed(plan.tasks)]
    while stack:
        task, up = stack.pop()
        i = len(tasks)
        tasks.append(task)
        parent.append(up)
        children.append([])
        if up >= 0:
            children[up].append(i)
        if task.tasks:
            stack.extend((child, i) for child in reversed(task.tasks))
            if not task.active:
                off.append(i)
    return tasks, parent, children, off


def _as_datetime(value: PlanDate, *, end_of_day: bool) -> dt.datetime:
    """A plan date as local time: a bare day means its start, or its end for finish dates."""
    if isinstance(value, dt.datetime):
        return value
    day = dt.datetime(value.year, value.month, value.day)
    return day + dt.timedelta(days=1) if end_of_day else day


def task_duration_minutes(plan: Plan, task: Task) -> tuple[int, bool]:
    """A leaf task's duration in minutes, and whether it is elapsed time.

    Duration comes from ``duration``, else the most likely ``estimate``, else ``work``
    divided by the assigned units (effort-driven); a milestone without any is zero.
    """
    units = plan.project.work_units
    if task.duration is not None:
        return task.duration.minutes(units), task.duration.elapsed
    if task.estimate is not None:
        return task.estimate.likely.minutes(units), task.estimate.likely.elapsed
    if task.work is not None:
        assigned = 0.0
        for assignment in task.resources:
            resource = plan.resources.get(assignment.resource)
            if resource is not None and resource.kind == "work":
                assigned += assignment.units if assignment.units is not None else resource.units
        work = task.work.minutes(units)
        return (round(work / assigned) if assigned > 0 else work), False
    if task.milestone:
        return 0, False
    raise CharterError(
        f"task '{task.key}' has no duration",
        where=plan.locate(f"task:{task.key}") or Location(path=f"task {task.key}"),
        fix="give it a duration (duration: 5d), an estimate (estimate: 3d/5d/8d) or work with "
        "resources (work: 40h), or make it a milestone (milestone: true)",
    )


def compile_network(plan: Plan, *, status_date: PlanDate | None = None) -> Network:
    """Index the plan: tasks, leaves, calendars, durations, constraints and expanded links."""
    project = plan.project
    axis = TimeAxis(project.timezone)
    tasks, parent, children, inactive_summaries = _outline(plan)
    index = {t.key: i for i, t in enumerate(tasks)}

    anchor_value = project.start or project.finish or project.status_date
    if anchor_value is None:
        raise CharterError(
            "the project has neither a start nor a finish date",
            where=plan.locate("project") or Location(path="project"),
            fix="add start: YYYY-MM-DD (or finish: YYYY-MM-DD to schedule backwards) under project:",
        )
    anchor = _as_datetime(anchor_value, end_of_day=False).date()

    calendars: dict[str, WorkingTime] = {}

    def calendar_for(key: str) -> WorkingTime:
        found = calendars.get(key)
        if found is None:
            found = calendars[key] = compile_calendar(plan, key, axis, anchor)
        return found

    project_calendar = calendar_for(project.calendar)

    leaf_of_task = [-1] * len(tasks)
    task_of_leaf: list[int] = []
    for i, kids in enumerate(children):
        if not kids:
            leaf_of_task[i] = len(task_of_leaf)
            task_of_leaf.append(i)
    n_leaves = len(task_of_leaf)

    leaves_under: dict[int, list[int]] = {}

    def leaves_of(i: int) -> list[int]:
        found = leaves_under.get(i)
        if found is None:
            found = []
            for c in children[i]:
                found.extend([leaf_of_task[c]] if leaf_of_task[c] >= 0 else leaves_of(c))
            if inactive:
                found = [leaf for leaf in found if leaf not in inactive]
            leaves_under[i] = found
        return found

    def instant(value: PlanDate | None, *, end_of_day: bool) -> int | None:
        return None if value is None else axis.instant(_as_datetime(value, end_of_day=end_of_day))

    default_constraint = ConstraintType.ALAP if project.backward else ConstraintType.ASAP
    units = project.work_units
    per_unit = {
        unit: units.minutes_per(unit) for unit in ("m", "h", "d", "w", "mo", "em", "eh", "ed", "ew", "emo")
    }
    leaves = [tasks[i] for i in task_of_leaf]
    leaf_calendar = [project_calendar] * n_leaves
    duration = [0] * n_leaves
    duration_elapsed = [False] * n_leaves
    milestone = [False] * n_leaves
    constraint = [default_constraint] * n_leaves
    constraint_date: list[int | None] = [None] * n_leaves
    deadline: list[int | None] = [None] * n_leaves
    actual_start: list[int | None] = [None] * n_leaves
    actual_finish: list[int | None] = [None] * n_leaves
    done = [0] * n_leaves
    delay: dict[int, tuple[int, bool]] = {}
    split: dict[int, int] = {}
    special: list[int] = []  # manually scheduled or inactive leaves
    driven: list[int] = []  # leaves that may take their dates from their assignments
    for leaf, task in enumerate(leaves):
        # Plain attribute reads in one pass: most tasks have only a duration and links.
        fields = task.__dict__
        if fields["calendar"]:
            leaf_calendar[leaf] = calendar_for(fields["calendar"])
        given = fields["duration"]
        if given is not None:
            duration[leaf] = round(given.value * per_unit[given.unit])
            duration_elapsed[leaf] = given.unit[0] == "e"
        else:
            duration[leaf], duration_elapsed[leaf] = task_duration_minutes(plan, task)
        if fields["milestone"]:
            milestone[leaf] = True
        if fields["constraint"] is not None:
            kind = constraint[leaf] = fields["constraint"].type
            if fields["constraint"].date is not None:
                constraint_date[leaf] = instant(fields["constraint"].date, end_of_day=kind.on_finish)
        if fields["deadline"] is not None:
            deadline[leaf] = instant(fields["deadline"], end_of_day=True)
        if (
            fields["actual_start"] is not None
            or fields["actual_finish"] is not None
            or fields["percent_complete"]
            or fields["remaining"] is not None
        ):
            actual_start[leaf], actual_finish[leaf], done[leaf] = _progress(
                plan, task, leaf_calendar[leaf], axis, duration[leaf], duration_elapsed[leaf]
            )
        if fields["splits"]:
            paused = _pauses(task, units)
            if paused:
                # The pauses lengthen the span; those before the work done are behind it.
                split[leaf] = sum(pause for _, pause in paused)
                duration[leaf] += split[leaf]
                done[leaf] += sum(pause for after, pause in paused if done[leaf] and after < done[leaf])
        if fields["leveling_delay"] is not None and fields["leveling_delay"].value > 0:
            wait = fields["leveling_delay"]
            delay[leaf] = (round(wait.value * per_unit[wait.unit]), wait.unit[0] == "e")
        if fields["manual"] or not fields["active"]:
            special.append(leaf)
        if fields["type"] is not None and fields["resources"] and fields["type"] != "fixed_duration":
            driven.append(leaf)
    inactive, fixed = _special_leaves(
        tasks, children, leaf_of_task, task_of_leaf, special, inactive_summaries
    )
    if fixed is not None:
        fixed = {
            leaf: _entered_dates(plan, tasks[task_of_leaf[leaf]], leaf_calendar[leaf], axis) for leaf in fixed
        }

    assigned: dict[int, list[tuple[WorkingTime, int, int]]] = {}
    shared: dict[tuple[str, str], WorkingTime | None] = {}

    def common_for(first: str, second: str) -> WorkingTime:
        if (first, second) not in shared:
            shared[first, second] = compile_common(plan, first, second, axis, anchor)
        found = shared[first, second]
        return calendar_for(first) if found is None else found  # nothing shared: the task's own

    for leaf in driven:
        spans = _assignment_spans(plan, leaves[leaf], leaf_calendar[leaf], calendar_for, common_for)
        given = leaves[leaf].duration
        if spans and given is not None and not given.elapsed:
            # The task's duration is its longest assignment's span: work that would outlast it
            # (a file whose durations were edited) is spread over the duration instead.
            longest = duration[leaf] - split.get(leaf, 0)
            left = max(longest - done[leaf], 0)
            spans = [(cal, min(work, longest), min(rest, left)) for cal, work, rest in spans]
        if spans and leaf in split:
            spans = [(cal, work + split[leaf], rest + split[leaf]) for cal, work, rest in spans]
        if spans:
            assigned[leaf] = spans

    groups: dict[int, int] = {}
    group_members: dict[int, list[int]] = {}
    link_rows: list[tuple[int, int, int, int, bool, float | None, int]] = []
    add_link = link_rows.append
    rows: list[tuple[int, int, int, int, bool, float | None, int]] = []
    add = rows.append
    for s_index, task in enumerate(tasks):
        if not task.links:
            continue
        single = leaf_of_task[s_index]
        successors = [single] if single >= 0 else leaves_of(s_index)
        if inactive and (single in inactive or not successors):
            continue
        for n, link in enumerate(task.links):
            p_index = index[link.predecessor]
            code = _LINK_CODE[id(link.type)]
            pred = leaf_of_task[p_index]
            if inactive and (pred in inactive or (pred < 0 and not leaves_of(p_index))):
                continue  # an inactive task neither drives nor is driven
            lag_value = link.lag
            percent = None
            if pred >= 0:
                if lag_value.amount is None and lag_value.percent is None:
                    lag, elapsed = 0, False
                else:
                    lag, elapsed = _lag_minutes(lag_value, duration[pred], duration_elapsed[pred], units)
            else:
                pred = groups.get(p_index, -1)
                if pred < 0:
                    pred = groups[p_index] = n_leaves + len(groups)
                    group_members[pred] = leaves_of(p_index)
                # A percentage of a summary's duration is known only once its sub-tasks are placed.
                lag, elapsed = _lag_minutes(lag_value, 0, False, units)
                percent = lag_value.percent
            number = len(link_rows)
            add_link((p_index, s_index, code, lag, elapsed, percent, n))
            if single >= 0:
                add((pred, single, code, lag, elapsed, percent, number))
            else:
                rows.extend((pred, succ, code, lag, elapsed, percent, number) for succ in successors)
    columns = [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(7)]
    e_pred, e_succ, e_kind, e_lag, e_elapsed, e_percent, e_link = columns
    # The common link (finish-to-start, no lag, from a task) takes a short path in the passes.
    e_plain = [
        kind == 0 and lag == 0 and pred < n_leaves
        for pred, kind, lag in zip(e_pred, e_kind, e_lag, strict=True)
    ]

    network = Network(
        plan=plan,
        axis=axis,
        tasks=tasks,
        index=index,
        parent=parent,
        children=children,
        leaf_of_task=leaf_of_task,
        task_of_leaf=task_of_leaf,
        group_of_task=groups,
        group_members=group_members,
        calendars=calendars,
        leaf_calendar=leaf_calendar,
        duration=duration,
        duration_elapsed=duration_elapsed,
        milestone=milestone,
        constraint=constraint,
        constraint_date=constraint_date,
        deadline=deadline,
        actual_start=actual_start,
        actual_finish=actual_finish,
        done=done,
        inactive=inactive,
        fixed=fixed,
        link_rows=link_rows,
        e_pred=e_pred,
        e_succ=e_succ,
        e_kind=e_kind,
        e_lag=e_lag,
        e_elapsed=e_elapsed,
        e_percent=e_percent,
        e_link=e_link,
        e_plain=e_plain,
        assigned=assigned or None,
        delay=delay or None,
        split=split or None,
    )
    n_nodes = network.n_nodes
    network.in_start, network.in_edge = compressed(e_succ, n_nodes)
    network.out_start, network.out_edge = compressed(e_pred, n_nodes)
    network.order = topological_order(network)
    if project.backward:
        finish = instant(project.finish, end_of_day=True)
        assert finish is not None
        network.project_finish = project_calendar.previous_finish(finish)
        network.project_start = network.project_finish
    else:
        start = instant(project.start, end_of_day=False)
        assert start is not None
        network.project_start = start
    status_value = status_date if status_date is not None else project.status_date
    network.status = instant(status_value, end_of_day=False) if status_value is not None else None
    if (
        network.status is not None
        and isinstance(status_value, dt.date)
        and not isinstance(status_value, dt.datetime)
    ):
        # A status date means "as of the end of that day".
        network.status = axis.instant(_as_datetime(status_value, end_of_day=True))
    return network


def _assignment_spans(
    plan: Plan,
    task: Task,
    task_calendar: WorkingTime,
    calendar_for: Callable[[str], WorkingTime],
    common_for: Callable[[str, str], WorkingTime],
) -> list[tuple[WorkingTime, int, int]]:
    """The work assignments (units > 0) a resource-driven task takes its dates from: each one's
    calendar (the resource's, shared with the task's own calendar when it has one) and its work
    and remaining work divided by its units and by its contour's share, as Microsoft Project
    spreads them (75h of back-loaded work at 100 % span 125h)."""
    units = plan.project.work_units
    spans: list[tuple[WorkingTime, int, int]] = []
    for assignment in task.resources:
        resource = plan.resources.get(assignment.resource)
        if resource is None or resource.kind != "work":
            continue
        share = assignment.units if assignment.units is not None else resource.units
        if share <= 0:
            continue
        # Exact minutes (converted files carry seconds): rounded only once divided by the units.
        given = assignment.work
        work = given.value * units.minutes_per(given.unit) if given is not None else 0.0
        rest = assignment.remaining
        left = rest.value * units.minutes_per(rest.unit) if rest is not None else work
        if resource.calendar is None:
            cal = task_calendar
        elif task.calendar is None or task.calendar == resource.calendar:
            cal = calendar_for(resource.calendar)
        else:
            cal = common_for(task.calendar, resource.calendar)
        shape = CONTOUR_SHARE.get(assignment.contour or "flat")
        if shape is None:
            spans.append((cal, round(work / share), round(left / share)))
        else:
            # Project spreads a contour in whole steps that end a few seconds before the exact
            # share (57h8m24s for 40h turtle-shaped, not 57h8m34s): whole minutes, cut down.
            spans.append((cal, int(work / share / shape), int(left / share / shape)))
    return spans


def _pauses(task: Task, units: WorkUnits) -> list[tuple[int, int]]:
    """A split task's pauses as (working minutes of its duration before it, minutes of pause)."""
    return [
        (split.after.minutes(units), split.pause.minutes(units))
        for split in task.splits
        if split.pause.minutes(units) > 0
    ]


def _special_leaves(
    tasks: list[Task],
    children: list[list[int]],
    leaf_of_task: list[int],
    task_of_leaf: list[int],
    special: list[int],
    inactive_summaries: list[int],
) -> tuple[frozenset[int], dict[int, tuple[int, int]] | None]:
    """Inactive leaves (an inactive summary makes its sub-tasks inactive too) and the manually
    scheduled leaves with entered dates (the dates are set by ``_entered_dates``)."""
    inactive: set[int] = set()
    fixed: dict[int, tuple[int, int]] = {}
    pending = list(inactive_summaries)
    while pending:
        for c in children[pending.pop()]:
            if leaf_of_task[c] >= 0:
                inactive.add(leaf_of_task[c])
            else:
                pending.append(c)
    for leaf in special:
        task = tasks[task_of_leaf[leaf]]
        if not task.active:
            inactive.add(leaf)
        elif task.manual and task.scheduled_start is not None and leaf not in inactive:
            fixed[leaf] = (0, 0)
    return frozenset(inactive), fixed or None


def _entered_dates(plan: Plan, task: Task, cal: WorkingTime, axis: TimeAxis) -> tuple[int, int]:
    """A manually scheduled task's start and finish as the user entered them."""
    assert task.scheduled_start is not None
    start = axis.instant(_as_datetime(task.scheduled_start, end_of_day=False))
    if task.scheduled_finish is not None:
        finish = axis.instant(_as_datetime(task.scheduled_finish, end_of_day=True))
    else:
        finish = cal.add(start, task_duration_minutes(plan, task)[0])
    return start, max(finish, start)


def _progress(
    plan: Plan, task: Task, cal: WorkingTime, axis: TimeAxis, minutes: int, elapsed: bool
) -> tuple[int | None, int | None, int]:
    """Actual start, actual finish and minutes of work done, checked for contradictions."""
    start = finish = None
    if task.actual_start is not None:
        start = axis.instant(_as_datetime(task.actual_start, end_of_day=False))
        if not isinstance(task.actual_start, dt.datetime):
            start = cal.next_start(start)  # a bare day: work began at its start of work
    if task.actual_finish is not None:
        finish = axis.instant(_as_datetime(task.actual_finish, end_of_day=True))
        if not isinstance(task.actual_finish, dt.datetime):
            finish = cal.previous_finish(finish)
    if finish is not None and start is None:
        raise ConstraintConflictError(
            f"task '{task.key}' has an actual finish but no actual start",
            where=plan.locate(f"task:{task.key}"),
            fix="add actual_start: the date work on it began",
        )
    if start is not None and finish is not None and finish < start:
        raise ConstraintConflictError(
            f"task '{task.key}' finishes (actual_finish) before it starts (actual_start)",
            where=plan.locate(f"task:{task.key}"),
            fix="correct one of the two dates",
        )
    if task.percent_complete > 0 and start is None:
        raise ConstraintConflictError(
            f"task '{task.key}' is {task.percent_complete:.0%} complete but has no actual_start",
            where=plan.locate(f"task:{task.key}"),
            fix="add actual_start: the date work on it began",
        )
    if finish is None and start is not None and task.percent_complete >= 1:
        finish = cal.add(cal.next_start(start), minutes) if not elapsed else start + minutes
    if task.remaining is not None:
        done = max(minutes - task.remaining.minutes(plan.project.work_units), 0)
    else:
        done = round(minutes * task.percent_complete)
    return start, finish, done


def _lag_minutes(lag: Lag, pred_minutes: int, pred_elapsed: bool, units: WorkUnits) -> tuple[int, bool]:
    if lag.percent is not None:
        return round(pred_minutes * lag.percent / 100.0), pred_elapsed
    if lag.amount is None:
        return 0, False
    return lag.amount.minutes(units), lag.amount.elapsed


def compressed(keys: list[int], n: int) -> tuple[list[int], list[int]]:
    """Group item numbers by key: items with key v are ``items[start[v]:start[v+1]]``."""
    items = sorted(range(len(keys)), key=keys.__getitem__)  # stable: items keep their order
    start = [0] * (n + 1)
    for key in keys:
        start[key + 1] += 1
    for v in range(n):
        start[v + 1] += start[v]
    return start, items


def topological_order(network: Network) -> list[int]:
    """Kahn's algorithm over nodes; on a cycle, raise with the loop of task keys.

    A group node (a summary's start and finish) comes after all of its leaves.
    """
    n = network.n_nodes
    e_succ, out_start, out_edge = network.e_succ, network.out_start, network.out_edge
    groups_of_leaf: dict[int, list[int]] = {}
    indegree = [0] * n
    for group, members in network.group_members.items():
        indegree[group] += len(members)
        for m in members:
            groups_of_leaf.setdefault(m, []).append(group)
    for succ in e_succ:
        indegree[succ] += 1
    ready = [i for i in range(n) if indegree[i] == 0]
    order: list[int] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for j in range(out_start[node], out_start[node + 1]):
            t = e_succ[out_edge[j]]
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
        for t in groups_of_leaf.get(node, ()):
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
    if len(order) < n:
        succ_lists: list[list[int]] = [
            [e_succ[out_edge[j]] for j in range(out_start[v], out_start[v + 1])] + groups_of_leaf.get(v, [])
            for v in range(n)
        ]
        cycle = _find_cycle(succ_lists, [i for i in range(n) if indegree[i] > 0])
        keys: list[str] = []
        for node in cycle:
            key = network.key_of_node(node)
            if not keys or keys[-1] != key:
                keys.append(key)
        if len(keys) > 1 and keys[0] == keys[-1]:
            keys.pop()
        first = network.plan.locate(f"task:{keys[0]}") if keys else None
        raise DependencyCycleError(keys, where=first)
    return order


def _find_cycle(succ_lists: list[list[int]], candidates: list[int]) -> list[int]:
    """One cycle among nodes left over by Kahn's algorithm (iterative DFS)."""
    alive = set(candidates)
    state: dict[int, int] = {}
    for root in candidates:
        if root in state:
            continue
        stack: list[tuple[int, int]] = [(root, 0)]
        path: list[int] = []
        on_path: set[int] = set()
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
                on_path.add(node)
            targets = [t for t in succ_lists[node] if t in alive]
            if i < len(targets):
                stack.append((node, i + 1))
                nxt = targets[i]
                if nxt in on_path:
                    return path[path.index(nxt) :]
                if nxt not in state:
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
                on_path.discard(node)
    return []
