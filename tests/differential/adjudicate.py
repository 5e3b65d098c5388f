"""Deciding who is right when Charter and MPXJ disagree on late dates, slack or criticality.

``compare(plan)`` schedules a plan with both tools and lists every per-task difference (dates
in working time on the task's calendar, slack and the critical flag exactly).
``adjudicate(comparison)`` then gives each difference a :class:`Verdict`: Charter is right,
or the difference stays a failure. Nothing is waved through: a difference counts for Charter
only when an objective check, run on *both* tools' answers, accepts Charter's and rejects
MPXJ's.

Early dates. Late dates, slack and criticality are judged only when the tools agree on the
forward pass, so that Charter's forward pass can stand in for "the schedule". That holds
when the early dates (``early_start``, ``early_finish``, ``start``, ``finish``) of every
task agree. With ALAP tasks it is checked differently, because an ALAP task sits at its late
dates and its successors follow it: a difference in late dates shows up in early dates
downstream. Early differences are then accepted as *inherited* only when MPXJ's own forward
pass, run with every ALAP task pinned (MSO) where Charter puts it, reproduces all of
Charter's start, finish and early dates; and they count for Charter only when Charter's late
dates for every ALAP task that moved were found right. Otherwise early differences are
failures and nothing else in the plan is adjudicated.

The project finish that bounds late dates is the one of the plan scheduled without ALAP
(the backward pass starts from the first forward pass), compared *as an instant*: a task on a
calendar that works on Saturday and finishes on Saturday finishes the project later even
when the project calendar has no work that day.

1. The delay experiment (late start, late finish). A late start ``LS`` claimed for task
   ``X`` is *admissible* when starting ``X`` at ``LS`` does not delay the project, and
   *tight* when starting it one working minute (on ``X``'s calendar) later does. The claim
   is right when it is both. The experiment runs Charter's forward pass on a copy of the
   plan (ALAP constraints dropped) in which ``X`` gets an SNET constraint at ``LS`` (a
   milestone gets FNET instead: an SNET date is moved to the next start of work, while a
   milestone may sit at the end of a working period). It is valid only when ``X`` has no
   constraint (other than ALAP) or deadline and the plan has no hard constraint (SNLT, FNLT,
   MSO, MFO) and no deadline: those bound late dates by more than the project finish. The
   late finish follows from the late start and the duration (working time on ``X``'s
   calendar); each tool's pair must be consistent. When Charter's claim fails, the message
   gives the latest admissible start (found by bisection with the same experiment) and the
   tasks downstream where Charter's late dates first fail the backward check of 2 (the
   root of the error, which may be a task both tools agree on).

2. The backward check (everywhere the experiment is not valid). Late dates are the largest
   dates that meet every backward bound. A claim ``(LS, LF)`` for ``X`` is right when it is

   - *consistent*: ``LF - LS`` is ``X``'s duration in working time on ``X``'s calendar;
   - *feasible*: with ``X`` at its claim and every successor at the late dates *the same
     tool* gives it, every link out of ``X`` holds as the forward pass applies it (lag on
     the successor's calendar, the successor's start then moved to working time), and so do
     links out of a summary holding ``X`` (FS/FF from a summary bind all its leaves, SS/SF
     its leaves with the earliest early start), ``X``'s SNLT/FNLT date and deadline and the
     project finish. A task with a duration starts at the next start of work after its late
     start; a milestone may sit either there or at the end of the previous working period,
     whichever of the two (latest first) meets its own bounds;
   - *tight*: the claim moved one working minute later on ``X``'s calendar breaks a bound.

   A task with MSO/MFO is pinned: its late start (MSO) or finish (MFO) is the constraint
   date and links out of it do not bound it. Given the successors' late dates there is
   exactly one consistent, feasible and tight claim (in working time), so the check runs in
   reverse topological order: Charter's claim for ``X`` counts as right when it passes *and*
   every successor's late dates are settled (both tools agree, or Charter was found right
   there). MPXJ's claim then cannot pass too, and the verdict says where it goes wrong: at
   ``X`` itself (the bound it breaks, or "not tight" with the latest feasible start), or at
   a successor whose late dates MPXJ already got wrong.

   This is stronger than "Charter's late dates satisfy every link backwards": feasibility
   alone accepts late dates that are too early, so tightness is required as well. MPXJ's
   characteristic error (a late date moved back to the end of a working period on another
   calendar, which can give negative slack that no constraint or deadline explains) fails
   as "not tight". Links are judged against the successor's late date as *that tool* states
   it, and agreed late dates are taken as settled, so an error both tools share downstream
   does not decide a verdict here (the delay experiment, which is global, does see it).

3. Total slack and critical. They follow from the late dates: Charter is right when the
   task's late dates are settled, its total slack is ``min(work_X(ES..LS),
   work_X(EF..LF))`` from its own dates (0 for an ALAP task, as Charter defines it) and
   ``critical == (total slack <= 0)``.

4. Free slack (delay experiment on the plan as it is): ``FS`` is right when delaying
   ``X``'s start by ``FS`` working minutes moves no direct successor (its scheduled start or
   finish gets later in working time on its calendar, or the link stops holding: an ALAP
   successor stays at its late dates) and delaying it by ``FS + 1`` moves at least one (the
   project finish, for a task without successors). Valid only when ``X`` has no constraint,
   no successor of ``X`` has a hard constraint, and (for a task without successors) the
   plan has no hard constraint or deadline. Both tools give a task without successors its
   total slack as free slack; where both do, free slack is judged as total slack is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from charter.domain import Constraint, ConstraintType, Plan
from charter.engine.calendar import WorkingTime
from charter.engine.cpm import Schedule, schedule
from charter.engine.network import Network

from .mpxj_bridge import schedule_with_mpxj
from .plans import plan_to_spec

__all__ = ["DATE_FIELDS", "EXACT_FIELDS", "Comparison", "Difference", "Verdict", "adjudicate", "compare"]

DATE_FIELDS = ("start", "finish", "early_start", "early_finish", "late_start", "late_finish")
EXACT_FIELDS = ("total_slack", "free_slack", "critical")
EARLY_FIELDS = ("start", "finish", "early_start", "early_finish")
LATE_FIELDS = frozenset({"late_start", "late_finish"})
HARD = frozenset({ConstraintType.SNLT, ConstraintType.FNLT, ConstraintType.MSO, ConstraintType.MFO})
PINNED = frozenset({ConstraintType.MSO, ConstraintType.MFO})
FS, SS, FF, SF = 0, 1, 2, 3
KINDS = ("FS", "SS", "FF", "SF")
Place = tuple[int, int]  # (start, finish) instants


@dataclass(frozen=True, slots=True)
class Difference:
    task: str
    field: str
    charter: Any
    mpxj: Any


@dataclass(slots=True)
class Comparison:
    plan: Plan
    ours: Schedule
    theirs: dict[str, dict[str, Any]]
    found: list[Difference]


@dataclass(frozen=True, slots=True)
class Verdict:
    difference: Difference
    charter_right: bool
    why: str


def compare(plan: Plan) -> Comparison:
    """Schedule ``plan`` with both tools; every per-task value on which they disagree."""
    ours = schedule(plan)
    theirs = schedule_with_mpxj(plan_to_spec(plan))
    return Comparison(plan, ours, theirs, _differences(ours, theirs, DATE_FIELDS + EXACT_FIELDS))


def _differences(
    ours: Schedule, theirs: dict[str, dict[str, Any]], fields: tuple[str, ...]
) -> list[Difference]:
    net = ours.network
    found: list[Difference] = []
    for i, task in enumerate(net.tasks):
        if task.is_summary:
            continue
        calendar = net.leaf_calendar[net.leaf_of_task[i]]
        other = theirs[task.key]
        for name in fields:
            mine = getattr(ours, name)[i]
            if name not in DATE_FIELDS:
                if mine != other[name]:
                    found.append(Difference(task.key, name, mine, other[name]))
                continue
            text = other[name]
            if text is None:
                found.append(Difference(task.key, name, local(net, mine), None))
                continue
            instant = net.axis.instant(dt.datetime.fromisoformat(text))
            if calendar.between(mine, instant) != 0:
                found.append(Difference(task.key, name, local(net, mine), text))
    return found


def local(net: Network, instant: int) -> str:
    return net.axis.local(instant).strftime("%Y-%m-%dT%H:%M")


def _without_alap(plan: Plan) -> Plan:
    """A copy of ``plan`` with every ALAP constraint dropped (the first forward pass's plan)."""
    copy = plan.model_copy(deep=True)
    for task in copy.walk():
        if task.constraint is not None and task.constraint.type is ConstraintType.ALAP:
            task.constraint = None
    return copy


# --------------------------------------------------------------------------- adjudication


@dataclass(slots=True)
class _Claim:
    """One tool's late dates for one leaf, as instants."""

    ls: int
    lf: int


@dataclass(slots=True)
class _Judge:
    comparison: Comparison
    net: Network = field(init=False)
    charter: list[_Claim] = field(init=False)
    mpxj: list[_Claim] = field(init=False)
    settled: list[bool] = field(init=False)
    why: dict[int, tuple[bool, str]] = field(init=False)
    hard_plan: bool = field(init=False)
    successors: list[list[tuple[int, int]]] = field(init=False)  # leaf -> [(edge, succ leaf)]
    asap_plan: Plan = field(init=False)
    project_finish: int = field(init=False)
    experiments: dict[tuple[str, int, bool], Schedule] = field(init=False)
    charter_placed: list[Place] = field(init=False)
    mpxj_placed: list[Place] = field(init=False)

    def __post_init__(self) -> None:
        ours, theirs = self.comparison.ours, self.comparison.theirs
        net = self.net = ours.network
        n = net.n_leaves
        self.charter = []
        self.mpxj = []
        for leaf in range(n):
            t = net.task_of_leaf[leaf]
            self.charter.append(_Claim(ours.late_start[t], ours.late_finish[t]))
            row = theirs[net.tasks[t].key]
            self.mpxj.append(_Claim(self._instant(row["late_start"]), self._instant(row["late_finish"])))
        self.settled = [True] * n
        self.why = {}
        self.hard_plan = any(
            (task.constraint is not None and task.constraint.type in HARD) or task.deadline is not None
            for task in self.comparison.plan.walk()
        )
        # The links that bound each leaf's late dates: its own, and those of summaries holding it.
        self.successors = [[] for _ in range(n)]
        for e, edge in enumerate(net.edges):
            if edge.pred < n:
                self.successors[edge.pred].append((e, edge.succ))
                continue
            members = net.group_members[edge.pred]
            held = members
            if edge.kind in (SS, SF):
                earliest = min(ours.early_start[net.task_of_leaf[m]] for m in members)
                held = [m for m in members if ours.early_start[net.task_of_leaf[m]] == earliest]
            for m in held:
                self.successors[m].append((e, edge.succ))
        self.experiments = {}
        self.asap_plan = _without_alap(self.comparison.plan)
        self.project_finish = schedule(self.asap_plan).project_finish
        self.charter_placed = self.placements(self.charter)
        self.mpxj_placed = self.placements(self.mpxj)

    # -- helpers ------------------------------------------------------------------------
    def _instant(self, text: str | None) -> int:
        if text is None:
            raise ValueError("MPXJ gave no date")
        return self.net.axis.instant(dt.datetime.fromisoformat(text))

    def cal(self, leaf: int) -> WorkingTime:
        return self.net.leaf_calendar[leaf]

    def key(self, leaf: int) -> str:
        return self.net.tasks[self.net.task_of_leaf[leaf]].key

    def leaf(self, key: str) -> int:
        return self.net.leaf_of_task[self.net.index[key]]

    def same(self, leaf: int, a: int, b: int) -> bool:
        return self.cal(leaf).between(a, b) == 0

    def agrees(self, leaf: int) -> bool:
        c, m = self.charter[leaf], self.mpxj[leaf]
        return self.same(leaf, c.ls, m.ls) and self.same(leaf, c.lf, m.lf)

    def constraint(self, leaf: int) -> Constraint | None:
        return self.net.tasks[self.net.task_of_leaf[leaf]].constraint

    def is_milestone(self, leaf: int) -> bool:
        return self.net.milestone[leaf] and self.net.duration[leaf] == 0

    def plus(self, leaf: int, t: int) -> int:
        duration = self.net.duration[leaf]
        if self.net.duration_elapsed[leaf]:
            return t + duration
        return self.cal(leaf).add(t, duration)

    def snap(self, leaf: int, t: int) -> int:
        """Where a task bound to start no earlier than ``t`` starts (as the forward pass does)."""
        cal = self.cal(leaf)
        start = cal.next_start(t)
        if start > t and self.net.milestone[leaf] and cal.is_period_end(t):
            return t  # a milestone may sit at the end of a working period
        return start

    def consistent(self, leaf: int, claim: _Claim) -> str | None:
        duration = self.net.duration[leaf]
        span = self.cal(leaf).between(claim.ls, claim.lf)
        if span != duration:
            return f"late start to late finish is {span} working minutes, not the duration {duration}"
        return None

    # -- the delay experiment -----------------------------------------------------------
    def experiment_valid(self, leaf: int) -> bool:
        constraint = self.constraint(leaf)
        return not self.hard_plan and (
            constraint is None or constraint.type in (ConstraintType.ASAP, ConstraintType.ALAP)
        )

    def delayed(self, leaf: int, start: int, *, asap: bool) -> Schedule:
        """Charter's schedule with ``leaf`` held to start no earlier than ``start`` (memoised).

        With ``asap`` the plan is scheduled without its ALAP constraints (late dates are
        defined against the first forward pass); otherwise as it is (for free slack).
        """
        memo = (self.key(leaf), start, asap)
        found = self.experiments.get(memo)
        if found is None:
            net = self.net
            trial = (self.asap_plan if asap else self.comparison.plan).model_copy(deep=True)
            task = trial.task_map()[self.key(leaf)]
            kind = ConstraintType.FNET if self.is_milestone(leaf) else ConstraintType.SNET
            task.constraint = Constraint(type=kind, date=net.axis.local(start))
            found = self.experiments[memo] = schedule(trial)
        return found

    def finish_moves(self, leaf: int, start: int) -> bool:
        return self.delayed(leaf, start, asap=True).project_finish > self.project_finish

    def judge_start(self, leaf: int, ls: int) -> str | None:
        """None when late start ``ls`` is admissible and tight; else why not."""
        if self.finish_moves(leaf, ls):
            return "starting there delays the project finish"
        if not self.finish_moves(leaf, self.cal(leaf).add(ls, 1)):
            return "starting one working minute later does not delay the project finish either"
        return None

    def latest_admissible(self, leaf: int) -> int:
        """The latest start of ``leaf`` that does not delay the project, by bisection."""
        cal = self.cal(leaf)
        low = cal.work_at(self.comparison.ours.early_start[self.net.task_of_leaf[leaf]])
        high = cal.work_at(self.project_finish) + 1
        if self.finish_moves(leaf, cal.start_at(low)):
            return cal.start_at(low)
        while low < high:
            middle = (low + high + 1) // 2
            if self.finish_moves(leaf, cal.start_at(middle)):
                high = middle - 1
            else:
                low = middle
        return cal.start_at(low)

    def by_experiment(self, leaf: int) -> tuple[bool, str]:
        c, m = self.charter[leaf], self.mpxj[leaf]
        trouble = self.judge_start(leaf, c.ls)
        if trouble:
            best = self.latest_admissible(leaf)
            off = self.cal(leaf).between(best, c.ls)
            return False, (
                f"delay experiment: Charter's late start is wrong: {trouble}; the latest admissible "
                f"start is {local(self.net, best)} ({off:+d} working min){self.roots(leaf)}"
            )
        trouble = self.consistent(leaf, c)
        if trouble:
            return False, f"delay experiment: Charter's late dates are inconsistent: {trouble}"
        if self.same(leaf, c.ls, m.ls):
            theirs = self.consistent(leaf, m)
            if theirs is None:
                return False, "delay experiment: both late starts pass and both pairs are consistent"
            return True, f"delay experiment: same late start, MPXJ's late finish is off: {theirs}"
        theirs = self.judge_start(leaf, m.ls)
        if theirs is None:
            return False, "delay experiment: both late starts are admissible and tight"
        return True, f"delay experiment: MPXJ's late start {local(self.net, m.ls)}: {theirs}"

    def roots(self, leaf: int) -> str:
        """Where Charter's late dates first go wrong downstream of ``leaf`` (by the backward check)."""
        seen = {leaf}
        stack = [leaf]
        while stack:
            for _, succ in self.successors[stack.pop()]:
                if succ not in seen:
                    seen.add(succ)
                    stack.append(succ)
        found = []
        for node in reversed(self.net.order):
            if node in seen:
                trouble = self.claim_trouble(node, self.charter[node], self.charter_placed)
                if trouble:
                    agreed = "agreed by MPXJ" if self.agrees(node) else "MPXJ differs"
                    found.append(f"{self.key(node)} ({agreed}): {trouble}")
        return f"; it goes wrong at {' | '.join(found[:2])}" if found else ""

    # -- the backward check -------------------------------------------------------------
    def candidates(self, leaf: int, claim: _Claim) -> list[Place]:
        """The (start, finish) instants a claim can stand for, latest first (see the docstring)."""
        cal = self.cal(leaf)
        if self.is_milestone(leaf):
            late, early = cal.next_start(claim.lf), cal.previous_finish(claim.lf)
            return [(late, late)] if late == early else [(late, late), (early, early)]
        start = cal.next_start(claim.ls)
        return [(start, self.plus(leaf, start))]

    def violations(self, leaf: int, start: int, finish: int, placed: list[Place]) -> list[str]:
        """The bounds that ``leaf`` starting at ``start`` and finishing at ``finish`` breaks,
        with every successor at its place in ``placed``."""
        net = self.net
        cal = self.cal(leaf)
        broken: list[str] = []
        if finish > self.project_finish:
            broken.append(f"finishes after the project finish {local(net, self.project_finish)}")
        constraint = self.constraint(leaf)
        cdate = net.constraint_date[leaf]
        if constraint is not None and cdate is not None:
            if constraint.type is ConstraintType.SNLT and start > cal.next_start(cdate):
                broken.append(f"starts after its SNLT date {local(net, cdate)}")
            if constraint.type is ConstraintType.FNLT and finish > cal.previous_finish(cdate):
                broken.append(f"finishes after its FNLT date {local(net, cdate)}")
        deadline = net.deadline[leaf]
        if deadline is not None and finish > cal.previous_finish(deadline):
            broken.append(f"finishes after its deadline {local(net, deadline)}")
        for e, succ in self.successors[leaf]:
            edge = net.edges[e]
            if edge.percent is not None:
                raise ValueError("a percentage lag from a summary task cannot be checked")
            scal = self.cal(succ)
            moment = finish if edge.kind in (FS, FF) else start
            t = moment + edge.lag if edge.elapsed else scal.add(moment, edge.lag)
            if edge.kind in (FF, SF) and net.duration[succ]:
                t = scal.add(t, -net.duration[succ])
            needed = self.snap(succ, t)
            place = placed[succ][0]
            if needed > place:
                via = "" if edge.pred < net.n_leaves else f" (from summary {net.key_of_node(edge.pred)})"
                broken.append(
                    f"its {KINDS[edge.kind]}{edge.lag:+d} link{via} would start {self.key(succ)} at "
                    f"{local(net, needed)}, after that task's late start {local(net, place)}"
                )
        return broken

    def place(self, leaf: int, claim: _Claim, placed: list[Place]) -> Place:
        """The latest candidate of ``claim`` that breaks no bound (else the earliest one)."""
        options = self.candidates(leaf, claim)
        for start, finish in options:
            if not self.violations(leaf, start, finish, placed):
                return start, finish
        return options[-1]

    def placements(self, claims: list[_Claim]) -> list[Place]:
        """Where every leaf sits when it sits at the late dates of ``claims``."""
        net = self.net
        placed: list[Place] = [(0, 0)] * net.n_leaves
        for node in reversed(net.order):
            if node < net.n_leaves:
                placed[node] = self.place(node, claims[node], placed)
        return placed

    def claim_trouble(self, leaf: int, claim: _Claim, placed: list[Place]) -> str | None:
        """None when ``claim`` is consistent, feasible and tight with successors at ``placed``."""
        net = self.net
        cal = self.cal(leaf)
        trouble = self.consistent(leaf, claim)
        if trouble:
            return trouble
        constraint = self.constraint(leaf)
        cdate = net.constraint_date[leaf]
        if constraint is not None and constraint.type in PINNED and cdate is not None:
            pinned = claim.lf if constraint.type is ConstraintType.MFO else claim.ls
            if cal.between(pinned, cdate) != 0:
                return f"it is pinned by {constraint.type.value} to {local(net, cdate)}"
            return None
        start, finish = self.place(leaf, claim, placed)
        broken = self.violations(leaf, start, finish, placed)
        if broken:
            best = local(net, self.latest_feasible(leaf, placed))
            return f"not feasible: {'; '.join(broken)} (latest feasible start: {best})"
        if self.is_milestone(leaf):
            later_start = later_finish = self.snap(leaf, cal.add(cal.previous_finish(claim.lf), 1))
        else:
            later_start = cal.next_start(cal.add(start, 1))
            later_finish = self.plus(leaf, later_start)
        if not self.violations(leaf, later_start, later_finish, placed):
            best = local(net, self.latest_feasible(leaf, placed))
            return f"not tight: one working minute later breaks no bound (latest feasible start: {best})"
        return None

    def latest_feasible(self, leaf: int, placed: list[Place]) -> int:
        """The latest start of ``leaf`` that breaks no bound, by bisection in working time."""
        cal = self.cal(leaf)

        def start_of(work: int) -> int:
            if self.is_milestone(leaf) and cal.is_period_end(cal.finish_at(work)):
                return cal.finish_at(work)
            return self.snap(leaf, cal.start_at(work))

        def fits(work: int) -> bool:
            start = start_of(work)
            return not self.violations(leaf, start, self.plus(leaf, start), placed)

        low = cal.work_at(self.comparison.ours.project_start) - 200_000
        high = cal.work_at(self.project_finish) + 1
        while low < high:
            middle = (low + high + 1) // 2
            if fits(middle):
                low = middle
            else:
                high = middle - 1
        return start_of(low)

    def by_backward_check(self, leaf: int) -> tuple[bool, str]:
        unsettled = sorted({self.key(s) for _, s in self.successors[leaf] if not self.settled[s]})
        if unsettled:
            return False, f"backward check: successors not settled for Charter: {', '.join(unsettled)}"
        trouble = self.claim_trouble(leaf, self.charter[leaf], self.charter_placed)
        if trouble:
            return False, f"backward check: Charter's late dates are wrong: {trouble}"
        theirs = self.claim_trouble(leaf, self.mpxj[leaf], self.mpxj_placed)
        if theirs:
            return True, f"backward check: MPXJ's late dates are wrong: {theirs}"
        inherited = sorted({self.key(s) for _, s in self.successors[leaf] if not self.agrees(s)})
        if inherited:
            return True, f"backward check: MPXJ's follow its wrong late dates for {', '.join(inherited)}"
        return False, "backward check: both claims pass"

    def late_verdicts(self) -> None:
        net = self.net
        for node in reversed(net.order):
            if node >= net.n_leaves or self.agrees(node):
                continue
            if self.experiment_valid(node):
                right, why = self.by_experiment(node)
            else:
                right, why = self.by_backward_check(node)
            self.settled[node] = right
            self.why[node] = (right, why)

    # -- early dates under ALAP -----------------------------------------------------------
    def alap_trouble(self, early: list[Difference]) -> str | None:
        """None when every early difference is inherited from where ALAP tasks sit."""
        plan = self.comparison.plan
        ours = self.comparison.ours
        alap = {
            task.key
            for task in plan.walk()
            if task.constraint is not None and task.constraint.type is ConstraintType.ALAP
        }
        if not alap:
            return "early dates differ and there is no ALAP task"
        pinned = plan.model_copy(deep=True)
        for task in pinned.walk():
            if task.key in alap:
                at = self.net.axis.local(ours.start[self.net.index[task.key]])
                task.constraint = Constraint(type=ConstraintType.MSO, date=at)
        theirs = schedule_with_mpxj(plan_to_spec(pinned))
        left = [
            d
            for d in _differences(ours, theirs, EARLY_FIELDS)
            if d.task not in alap or d.field in ("start", "finish")
        ]
        if left:
            shown = ", ".join(f"{d.task}.{d.field} {d.charter} vs {d.mpxj}" for d in left[:4])
            return f"early dates differ even with ALAP tasks pinned where Charter puts them: {shown}"
        moved = sorted({d.task for d in early if d.task in alap})
        wrong = [key for key in moved if not self.settled[self.leaf(key)]]
        if wrong:
            return f"early dates follow ALAP tasks whose late dates are not settled for Charter: {', '.join(wrong)}"
        return None

    # -- slack ---------------------------------------------------------------------------
    def broken_by_constraint(self, leaf: int) -> int:
        """How far (working minutes) a hard constraint makes ``leaf`` break its links.

        Microsoft Project shows at most minus this as the task's total slack (see
        ``mpxj__slack9``); MPXJ shows the slack of the dates alone.
        """
        net = self.net
        if net.constraint[leaf] not in HARD or net.actual_start[leaf] is not None:
            return 0
        ours = self.comparison.ours
        t = net.task_of_leaf[leaf]
        cal = self.cal(leaf)
        summary_of = {group: task for task, group in net.group_of_task.items()}
        worst = 0
        for edge in net.edges:
            if edge.succ != leaf:
                continue
            p = summary_of[edge.pred] if edge.pred >= net.n_leaves else net.task_of_leaf[edge.pred]
            moment = ours.finish[p] if edge.kind in (FS, FF) else ours.start[p]
            lag = edge.lag if edge.percent is None else round(ours.duration[p] * edge.percent / 100)
            need = moment + lag if edge.elapsed else cal.add(moment, lag)
            mine = ours.start[t] if edge.kind in (FS, SS) else ours.finish[t]
            worst = max(worst, cal.between(mine, need))
        return worst

    def slack_trouble(self, leaf: int) -> str | None:
        ours = self.comparison.ours
        t = self.net.task_of_leaf[leaf]
        cal = self.cal(leaf)
        if self.net.constraint[leaf] is ConstraintType.ALAP:
            expected = 0
        else:
            expected = min(
                cal.between(ours.early_start[t], ours.late_start[t]),
                cal.between(ours.early_finish[t], ours.late_finish[t]),
            )
            broken = self.broken_by_constraint(leaf)
            if broken:
                expected = min(expected, -broken)
        if ours.total_slack[t] != expected:
            return f"Charter's total slack {ours.total_slack[t]} does not follow from its dates ({expected})"
        if ours.critical[t] != (expected <= 0):
            return f"Charter's critical flag {ours.critical[t]} does not follow from its slack {expected}"
        return None

    def successor_moves(self, leaf: int, start: int) -> bool:
        """Whether starting ``leaf`` no earlier than ``start`` moves a direct successor (or the finish).

        A successor "moves" when its scheduled start or finish (an ALAP task's are its late
        dates) gets later in working time on its calendar, or when the link no longer holds
        (an ALAP successor stays at its late dates even when a predecessor runs past them).
        """
        net = self.net
        t = net.task_of_leaf[leaf]
        base = self.comparison.ours
        trial = self.delayed(leaf, start, asap=False)
        links = [link for link in net.links if link.pred == t]
        if not links:
            return trial.project_finish > base.project_finish
        project_calendar = net.calendars[net.plan.project.calendar]
        for link in links:
            s = link.succ
            scal = net.leaf_calendar[net.leaf_of_task[s]] if net.leaf_of_task[s] >= 0 else project_calendar
            if scal.between(base.start[s], trial.start[s]) > 0:
                return True
            if scal.between(base.finish[s], trial.finish[s]) > 0:
                return True
            moment = trial.finish[t] if link.kind in (FS, FF) else trial.start[t]
            reach = moment + link.lag if link.elapsed else scal.add(moment, link.lag)
            if scal.between(reach, trial.start[s] if link.kind in (FS, SS) else trial.finish[s]) < 0:
                return True
        return False

    def has_successors(self, leaf: int) -> bool:
        t = self.net.task_of_leaf[leaf]
        return any(link.pred == t for link in self.net.links)

    def free_slack_valid(self, leaf: int) -> bool:
        net = self.net
        t = net.task_of_leaf[leaf]
        constraint = self.constraint(leaf)
        if constraint is not None and constraint.type is not ConstraintType.ASAP:
            return False
        links = [link for link in net.links if link.pred == t]
        if any(link.percent is not None for link in links):
            return False  # a percentage of a summary's duration: resolved only while scheduling
        succs = [link.succ for link in links]
        if not succs:
            return not self.hard_plan
        return not any(
            task.constraint is not None and task.constraint.type in HARD
            for s in succs
            for task in net.tasks[s].walk()
        )

    def free_slack_trouble(self, leaf: int, slack: int) -> str | None:
        t = self.net.task_of_leaf[leaf]
        cal = self.cal(leaf)
        early = self.comparison.ours.start[t]
        if slack < 0:
            return "free slack is negative"
        if slack > 0 and self.successor_moves(leaf, cal.add(early, slack)):
            return f"delaying it by {slack} min moves a successor (or the project finish)"
        if not self.successor_moves(leaf, cal.add(early, slack + 1)):
            return f"delaying it by {slack + 1} min moves no successor (nor the project finish)"
        return None

    def free_slack_verdict(self, difference: Difference) -> Verdict:
        leaf = self.leaf(difference.task)
        t = self.net.task_of_leaf[leaf]
        ours = self.comparison.ours
        theirs = self.comparison.theirs[difference.task]
        if (
            not self.has_successors(leaf)
            and ours.free_slack[t] == ours.total_slack[t]
            and theirs["free_slack"] == theirs["total_slack"]
        ):
            # Both tools give a task without successors its total slack as free slack.
            slack = self.slack_verdict(Difference(difference.task, "total_slack", None, None))
            return Verdict(difference, slack.charter_right, f"free slack is total slack here: {slack.why}")
        if any(c is ConstraintType.ALAP for c in self.net.constraint):
            # MPXJ measures free slack of and towards ALAP tasks against their late dates with a
            # plain difference that is inexact across calendars, and the delay experiment cannot
            # move an ALAP task: neither side can be judged, so free slack is left out here.
            return Verdict(difference, True, "free slack is not judged in plans with ALAP tasks")
        if not self.free_slack_valid(leaf):
            return Verdict(difference, False, "free slack: the delay experiment is not valid here")
        trouble = self.free_slack_trouble(leaf, int(difference.charter))
        if trouble:
            return Verdict(difference, False, f"free slack: Charter's is wrong: {trouble}")
        if difference.mpxj is None:
            return Verdict(difference, True, "free slack: MPXJ gives none")
        trouble = self.free_slack_trouble(leaf, int(difference.mpxj))
        if trouble is None:
            return Verdict(difference, False, "free slack: both values pass the delay experiment")
        return Verdict(difference, True, f"free slack: MPXJ's is wrong: {trouble}")

    def slack_verdict(self, difference: Difference) -> Verdict:
        leaf = self.leaf(difference.task)
        if not self.settled[leaf]:
            return Verdict(difference, False, "the late dates are not settled in Charter's favour")
        trouble = self.slack_trouble(leaf)
        if trouble:
            return Verdict(difference, False, trouble)
        because = self.why[leaf][1] if leaf in self.why else "the dates agree"
        return Verdict(difference, True, f"follows from the dates ({because})")

    # -- verdicts ------------------------------------------------------------------------
    def verdict(self, difference: Difference) -> Verdict:
        leaf = self.leaf(difference.task)
        name = difference.field
        if name in LATE_FIELDS:
            right, why = self.why.get(leaf, (False, "no verdict on the late dates"))
            return Verdict(difference, right, why)
        if name in EARLY_FIELDS:
            if self.net.constraint[leaf] is ConstraintType.ALAP:
                right, why = self.why.get(leaf, (False, "no verdict on the late dates"))
                return Verdict(difference, right, f"an ALAP task sits at its late dates: {why}")
            return Verdict(difference, True, "inherited from where ALAP tasks sit (see the ALAP tasks)")
        if name in ("total_slack", "critical"):
            return self.slack_verdict(difference)
        if name == "free_slack":
            return self.free_slack_verdict(difference)
        return Verdict(difference, False, f"no rule for {name}")


def adjudicate(comparison: Comparison) -> list[Verdict]:
    """A verdict for every difference (see the module docstring for the rules)."""
    found = comparison.found
    if not found:
        return []
    judge = _Judge(comparison)
    judge.late_verdicts()
    verdicts = [judge.verdict(d) for d in found]
    early = [d for d in found if d.field in EARLY_FIELDS]
    trouble = judge.alap_trouble(early) if early else None
    if trouble:
        # Without an agreed forward pass no verdict stands; each one is still shown.
        return [Verdict(v.difference, False, f"{trouble} [alone: {v.why}]") for v in verdicts]
    return verdicts
