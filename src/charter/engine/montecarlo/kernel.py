"""The CPM passes vectorised over iterations, on the network ``cpm.py`` compiles.

The forward pass follows ``cpm._Passes.forward`` rule for rule, for all iterations of a chunk
at once and for all nodes of one topological level at once. It works in *working-time
positions* on the project calendar, so a date costs no calendar look-up: an instant is coded
``X = 4·w + f`` with ``w`` its working minutes from the calendar's origin and ``f`` which
instant with that much work done it is — 0 the end of a working period (finish form),
1 inside non-working time (only the project start can be), 2 the start of the next working
period (start form). Codes order like the instants they stand for, so ``max``/``min`` of
codes are the CPM's ``max``/``min`` of dates.

Leaves are renumbered so that each level's leaves are consecutive rows (``Kernel.order``):
a level then reads and writes slices of the arrays, not scattered rows.

That holds when every task works on the project calendar in working time. Plans
with other calendars, elapsed durations or lags, progress, ALAP tasks, backward scheduling,
resource-driven tasks, splits or levelling delays run the CPM engine itself once per
iteration instead (``fallback_reasons`` says why), which is exact but slower.

The backward pass finds the critical tasks as the CPM does: total slack (the smaller of start
and finish slack, in working minutes) at most zero against the iteration's own project
finish, with late constraints and deadlines pulling late dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from charter.domain.task import ConstraintType
from charter.engine.calendar import WorkingTime
from charter.engine.network import Network

Ints = NDArray[np.int64]
FS, SS, FF, SF = 0, 1, 2, 3
_NONE, _SNET, _SNLT, _FNET, _FNLT, _MSO, _MFO = range(7)
_BLOCK = 1024  # rows per block where a whole-array expression would allocate a large temporary
_CODES = {
    ConstraintType.SNET: _SNET,
    ConstraintType.SNLT: _SNLT,
    ConstraintType.FNET: _FNET,
    ConstraintType.FNLT: _FNLT,
    ConstraintType.MSO: _MSO,
    ConstraintType.MFO: _MFO,
}


def fallback_reasons(net: Network) -> list[str]:
    """Why the vectorised passes cannot reproduce the CPM for this network (empty: they can)."""
    project_calendar = net.calendars[net.plan.project.calendar]
    reasons: list[str] = []
    if net.n_leaves == 0:
        reasons.append("the plan has no tasks")
    if net.project_finish is not None:
        reasons.append("the plan is scheduled backward from its finish")
    if any(calendar is not project_calendar for calendar in net.leaf_calendar):
        reasons.append("some tasks work on another calendar than the project's")
    if any(net.duration_elapsed) or any(net.e_elapsed):
        reasons.append("some durations or lags are elapsed time")
    if any(c is ConstraintType.ALAP for c in net.constraint):
        reasons.append("some tasks are scheduled as late as possible")
    if net.status is not None or any(s is not None for s in net.actual_start) or any(net.done):
        reasons.append("the plan has progress or a status date")
    if net.assigned or net.fixed or net.delay or net.split:
        reasons.append("resource-driven, manually scheduled, delayed or split tasks")
    return reasons


@dataclass(frozen=True, slots=True)
class _Level:
    lo: int  # the level's leaves are kernel rows lo .. hi-1, by in-degree, falling
    hi: int
    linked: int  # the first ``linked`` of them have incoming edges, the others none
    edge: Ints  # incoming edges, slot-major: every linked leaf's first edge, then second …
    slots: list[int]  # how many leaves have at least 1, 2, … edges
    src_row: Ints  # per edge: row of the predecessor's start (or finish) in the stacked array
    succ_row: Ints  # per edge: index of its successor within the level
    lagged: Ints  # positions in ``edge`` with a fixed non-zero lag
    percent: Ints  # positions in ``edge`` whose lag is a share of a summary's span
    finish_to: Ints  # positions of FF edges
    start_to_finish: Ints  # positions of SF edges
    constrained: dict[int, Ints]  # constraint kind -> positions within the level
    due: Ints  # positions within the level with a deadline
    milestones: Ints  # positions within the level of milestones
    groups: Ints
    members: Ints
    member_segment: Ints
    out_edge: Ints  # outgoing edges of the level's leaves, slot-major like ``edge``
    out_slots: list[int]
    out_pred: Ints  # kernel rows of the leaves with outgoing edges, by out-degree, falling
    out_from_start: Ints  # positions in ``out_edge`` of SS and SF edges


@dataclass(frozen=True, slots=True)
class Passes:
    """One chunk's answer, in kernel rows: every leaf's early finish and the project finish,
    coded (see the module docstring); how often each leaf was critical; and for the
    merge-bias report the sums over iterations of each edge's date (working minutes, by edge)
    and of each leaf's early start."""

    finish: Ints
    project: Ints
    critical: Ints | None
    edge_sums: NDArray[np.float64] | None
    start_sums: NDArray[np.float64] | None


@dataclass
class Kernel:
    """The network as arrays for the vectorised passes (build with :func:`compile_kernel`).

    Leaf ``leaf`` is kernel row ``rank[leaf]``; kernel row ``r`` is leaf ``order[r]``."""

    net: Network
    calendar: WorkingTime
    n: int
    n_nodes: int
    order: Ints
    rank: Ints
    start_code: int  # the project start, coded
    start_work: int  # its working-time position
    e_pred: Ints  # kernel rows (groups keep their node numbers)
    e_succ: Ints
    e_kind: Ints
    e_lag: Ints
    e_percent: NDArray[np.float64]
    c_code: Ints  # per kernel row: the constraint date, coded (0 without one)
    c_kind: Ints
    deadline: Ints  # per kernel row: its deadline's working-time position
    levels: list[_Level]
    group_members: dict[int, Ints]
    group_out: dict[int, tuple[Ints, NDArray[np.bool_]]]  # group -> its edges, and which leave its finish

    def run(
        self,
        duration: Ints,
        *,
        critical: bool = True,
        merge: bool = False,
        scratch: dict[str, Ints] | None = None,
    ) -> Passes:
        """Forward (and backward) passes for ``duration`` (kernel rows × iterations, minutes,
        of the dtype the codes use: see :func:`code_dtype`).

        ``scratch`` keeps the large work arrays from one chunk to the next (fresh memory costs
        a page fault per 4 KiB); ``Passes.finish`` then lives in it until the next call.
        """
        n, big_n = self.n, self.n_nodes
        iterations = duration.shape[1]
        stacked = _buffer(scratch, "stacked", (2 * big_n, iterations), duration.dtype)
        edge_sums = np.zeros(self.e_pred.size) if merge else None
        percent_lags: dict[int, Ints] = {}
        for level in self.levels:
            if level.hi > level.lo:
                self._forward_leaves(level, duration, stacked, edge_sums, percent_lags)
            if level.groups.size:
                starts = stacked[level.members]
                finishes = stacked[big_n + level.members]
                stacked[level.groups] = np.minimum.reduceat(starts, level.member_segment, axis=0)
                stacked[big_n + level.groups] = np.maximum.reduceat(finishes, level.member_segment, axis=0)
        finish = stacked[big_n : big_n + n]
        project = finish.max(axis=0) if n else np.full(iterations, self.start_code, dtype=duration.dtype)
        counts = self._backward(duration, stacked, project, percent_lags, scratch) if critical else None
        start_sums = None
        if merge:
            start_sums = np.empty(n)
            for first in range(0, n, _BLOCK):
                rows = slice(first, min(first + _BLOCK, n))
                start_sums[rows] = (stacked[rows] >> 2).sum(axis=1, dtype=np.float64)
        return Passes(finish, project, counts, edge_sums, start_sums)

    @staticmethod
    def _add(code: Ints, lag: Ints) -> Ints:
        """``cal.add`` on codes: forward gives finish form, back start form."""
        moved = ((code >> 2) + lag) << 2
        added: Ints = np.where(lag > 0, moved, np.where(lag < 0, moved | 2, code))
        return added

    def _forward_leaves(
        self,
        level: _Level,
        duration: Ints,
        stacked: Ints,
        edge_sums: NDArray[np.float64] | None,
        percent_lags: dict[int, Ints],
    ) -> None:
        big_n = self.n_nodes
        lo, hi = level.lo, level.hi
        dur = duration[lo:hi]
        start = stacked[lo:hi]
        if level.edge.size:
            t = stacked[level.src_row]
            if level.lagged.size:
                rows = level.lagged
                t[rows] = self._add(t[rows], self.e_lag[level.edge[rows]][:, None].astype(t.dtype))
            for j in level.percent.tolist():
                e = int(level.edge[j])
                group = int(self.e_pred[e])
                span = (stacked[big_n + group] >> 2) - (stacked[group] >> 2)
                lag = np.rint(span * (self.e_percent[e] / 100.0)).astype(t.dtype)
                percent_lags[e] = lag
                t[j] = self._add(t[j], lag)
            if level.finish_to.size:
                rows = level.finish_to
                moved = self._add(t[rows], -dur[level.succ_row[rows]])
                t[rows] = np.maximum(moved, self.start_code)
            if level.start_to_finish.size:
                rows = level.start_to_finish
                t[rows] = self._add(t[rows], -dur[level.succ_row[rows]])
            if edge_sums is not None:
                edge_sums[level.edge] += (t >> 2).sum(axis=1, dtype=np.float64)
            start[: level.linked] = _fold(np.maximum, t, level.slots)
        if level.linked < hi - lo:
            alone = np.arange(level.linked, hi - lo)
            kinds = self.c_kind[lo + alone]
            codes = self.c_code[lo + alone].astype(dur.dtype)
            start[alone] = self.start_code
            snet = kinds == _SNET
            start[alone[snet]] = codes[snet][:, None]
            fnet = np.flatnonzero(kinds == _FNET)
            if fnet.size:
                rows = alone[fnet]
                start[rows] = self._add(np.broadcast_to(codes[fnet][:, None], dur[rows].shape), -dur[rows])
        # A task starts at the beginning of working time; a milestone may sit at a period's end.
        if level.milestones.size:
            rows = level.milestones
            kept = start[rows]
            kept = np.where((kept & 3) == 0, kept, kept | 2)
            start |= 2
            start[rows] = kept
        else:
            start |= 2
        start &= ~1
        finish = stacked[big_n + lo : big_n + hi]
        np.add(start >> 2, dur, out=finish)
        finish <<= 2
        zero = dur == 0
        if zero.any():
            finish[zero] = start[zero]
        if level.constrained:
            self._constrain(level, dur, start, finish)

    def _constrain(self, level: _Level, dur: Ints, start: Ints, finish: Ints) -> None:
        for kind, rows in level.constrained.items():
            code = self.c_code[level.lo + rows].astype(dur.dtype)[:, None]
            s, d = start[rows], dur[rows]
            before = np.where(d > 0, (((code >> 2) - d) << 2) | 2, code)
            if kind == _SNET:
                s = np.maximum(s, code)
            elif kind == _SNLT:
                s = np.minimum(s, code)
            elif kind == _MSO:
                s = np.broadcast_to(code, s.shape)
            elif kind == _FNET:
                s = np.maximum(s, before)
            elif kind == _FNLT:
                s = np.minimum(s, before)
            else:  # MFO
                start[rows] = before
                finish[rows] = np.broadcast_to(code, s.shape)
                continue
            start[rows] = s
            finish[rows] = np.where(d == 0, s, ((s >> 2) + d) << 2)

    def _backward(
        self,
        duration: Ints,
        stacked: Ints,
        project: Ints,
        percent_lags: dict[int, Ints],
        scratch: dict[str, Ints] | None,
    ) -> Ints:
        """Late dates in working minutes from the project finish, as ``cpm._Passes.backward``
        sets them; a summary's outgoing links hold its leaves (from its finish all of them,
        from its start those that start first). Rows 0..n-1 are late starts, n..2n-1 late
        finishes."""
        n = self.n
        late = _buffer(scratch, "late", (2 * n, duration.shape[1]), duration.dtype)
        late[n:] = project >> 2
        for level in reversed(self.levels):
            for group in level.groups.tolist():
                self._hold_group(group, duration, stacked, late, percent_lags)
            lo, hi = level.lo, level.hi
            if hi == lo:
                continue
            late_finish = late[n + lo : n + hi]
            if level.out_edge.size:
                bound = self._bounds(level.out_edge, level.out_from_start, duration, late)
                lowest = _fold(np.minimum, bound, level.out_slots)
                rows = n + level.out_pred
                late[rows] = np.minimum(late[rows], lowest)
            for kind, rows in level.constrained.items():
                if kind not in (_MSO, _MFO, _SNLT, _FNLT):
                    continue
                work = (self.c_code[lo + rows] >> 2).astype(duration.dtype)[:, None]
                if kind == _MSO:
                    late_finish[rows] = work + duration[lo + rows]
                elif kind == _MFO:
                    late_finish[rows] = np.broadcast_to(work, late_finish[rows].shape)
                elif kind == _SNLT:
                    late_finish[rows] = np.minimum(late_finish[rows], work + duration[lo + rows])
                else:
                    late_finish[rows] = np.minimum(late_finish[rows], work)
            if level.due.size:
                rows = level.due
                limit = self.deadline[lo + rows].astype(duration.dtype)[:, None]
                late_finish[rows] = np.minimum(late_finish[rows], limit)
            np.subtract(late_finish, duration[lo:hi], out=late[lo:hi])
        big_n = self.n_nodes
        counts: Ints = np.empty(n, dtype=np.int64)
        for first in range(0, n, _BLOCK):  # in blocks of rows: small temporaries, in cache
            last = min(first + _BLOCK, n)
            slack = stacked[first:last] >> 2
            np.subtract(late[first:last], slack, out=slack)
            finish_slack = late[n + first : n + last]
            finish_slack -= stacked[big_n + first : big_n + last] >> 2
            np.minimum(slack, finish_slack, out=slack)
            counts[first:last] = np.count_nonzero(slack <= 0, axis=1)
        return counts

    def _bounds(
        self,
        edges: Ints,
        from_start: Ints,
        duration: Ints,
        late: Ints,
        percent_lags: dict[int, Ints] | None = None,
    ) -> Ints:
        """The latest finish of each edge's predecessor that its successor's late dates allow."""
        succ, kind = self.e_succ[edges], self.e_kind[edges]
        to_finish = (kind == FF) | (kind == SF)
        bound: Ints = late[succ + self.n * to_finish]
        bound -= self.e_lag[edges][:, None].astype(bound.dtype)
        if percent_lags:
            for j, e in enumerate(edges.tolist()):
                if e in percent_lags:
                    bound[j] += self.e_lag[e]
                    bound[j] -= percent_lags[e]
        if from_start.size:
            bound[from_start] += duration[self.e_pred[edges[from_start]]]
        return bound

    def _hold_group(
        self, group: int, duration: Ints, stacked: Ints, late: Ints, percent_lags: dict[int, Ints]
    ) -> None:
        found = self.group_out.get(group)
        if found is None:
            return
        edges, on_finish = found
        members = self.group_members[group]
        finish_rows = self.n + members
        bound = self._bounds(edges, np.zeros(0, dtype=np.int64), duration, late, percent_lags)
        if on_finish.any():
            late[finish_rows] = np.minimum(late[finish_rows], bound[on_finish].min(axis=0))
        if (~on_finish).any():
            latest_start = bound[~on_finish].min(axis=0)
            first = stacked[members] >> 2 == stacked[group] >> 2
            held = np.where(first, latest_start + duration[members], late[finish_rows])
            late[finish_rows] = np.minimum(late[finish_rows], held)


def code_of(calendar: WorkingTime, instant: int) -> int:
    """The code ``4·w + f`` of an instant on ``calendar`` (see the module's docstring)."""
    work = calendar.work_at(instant)
    if instant == calendar.finish_at(work):
        return 4 * work
    if instant == calendar.start_at(work):
        return 4 * work + 2
    return 4 * work + 1


def decode(calendar: WorkingTime, code: int) -> int:
    """The instant a code stands for (finish form, or start form)."""
    work = code >> 2
    return calendar.finish_at(work) if code & 3 == 0 else calendar.start_at(work)


def instants_of(calendar: WorkingTime, codes: Ints) -> Ints:
    """The instants that an array of codes stand for."""
    flat = codes.ravel()
    unique, inverse = np.unique(flat, return_inverse=True)
    instants = np.array([decode(calendar, int(c)) for c in unique], dtype=np.int64)
    return instants[inverse.ravel()].reshape(codes.shape)


def code_dtype(kernel: Kernel, longest: int) -> type[np.signedinteger[Any]]:
    """int32 when every code a run can reach fits in it (half the memory traffic of int64):
    ``longest`` bounds the working minutes all durations, delays and lags can add up to."""
    reach = abs(kernel.start_work) + longest + int(np.abs(kernel.c_code >> 2).max(initial=0))
    return np.int32 if 4 * reach < 2**31 - 16 else np.int64


def compile_kernel(net: Network) -> Kernel:
    """Arrays for the vectorised passes; call only when :func:`fallback_reasons` is empty."""
    n, big_n = net.n_leaves, net.n_nodes
    calendar = net.calendars[net.plan.project.calendar]
    level = [0] * big_n
    for node in net.order:
        if node >= n:
            level[node] = 1 + max((level[m] for m in net.group_members[node]), default=-1)
            continue
        deepest = -1
        for j in range(net.in_start[node], net.in_start[node + 1]):
            deepest = max(deepest, level[net.e_pred[net.in_edge[j]]])
        level[node] = deepest + 1
    by_level: dict[int, list[int]] = {}
    for node in range(big_n):
        by_level.setdefault(level[node], []).append(node)
    in_degree = [net.in_start[v + 1] - net.in_start[v] for v in range(n)]
    order_list: list[int] = []
    for depth in sorted(by_level):
        order_list.extend(sorted((v for v in by_level[depth] if v < n), key=lambda v: -in_degree[v]))
    order = np.array(order_list, dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    node_rank = np.concatenate([rank, np.arange(n, big_n, dtype=np.int64)])

    e_pred = node_rank[np.array(net.e_pred, dtype=np.int64)]
    e_succ = node_rank[np.array(net.e_succ, dtype=np.int64)]
    e_kind = np.array(net.e_kind, dtype=np.int64)
    e_lag = np.array(net.e_lag, dtype=np.int64)
    e_percent = np.array([p if p is not None else np.nan for p in net.e_percent], dtype=np.float64)
    c_kind = np.zeros(n, dtype=np.int64)
    c_code = np.zeros(n, dtype=np.int64)
    deadline = np.zeros(n, dtype=np.int64)
    has_deadline = np.zeros(n, dtype=bool)
    for leaf, kind in enumerate(net.constraint):
        date = net.constraint_date[leaf]
        if kind in _CODES and date is not None:
            c_kind[rank[leaf]] = _CODES[kind]
            snapped = calendar.previous_finish(date) if kind.on_finish else calendar.next_start(date)
            c_code[rank[leaf]] = code_of(calendar, snapped)
        due = net.deadline[leaf]
        if due is not None:
            deadline[rank[leaf]] = calendar.work_at(calendar.previous_finish(due))
            has_deadline[rank[leaf]] = True
    milestone = np.array(net.milestone, dtype=bool)[order]
    group_members = {g: rank[np.array(m, dtype=np.int64)] for g, m in net.group_members.items()}

    levels: list[_Level] = []
    lo = 0
    for depth in sorted(by_level):
        nodes = by_level[depth]
        count = sum(1 for v in nodes if v < n)
        rows = list(range(lo, lo + count))
        incoming = [net.in_edge[net.in_start[order_list[r]] : net.in_start[order_list[r] + 1]] for r in rows]
        edge, succ_row, slots = _slot_major(incoming)
        kinds = e_kind[edge]
        is_percent = ~np.isnan(e_percent[edge])
        groups = np.array([v for v in nodes if v >= n], dtype=np.int64)
        members: list[int] = []
        member_segment: list[int] = []
        for group in groups.tolist():
            member_segment.append(len(members))
            members.extend(group_members[group].tolist())
        outgoing = {
            r: net.out_edge[net.out_start[order_list[r]] : net.out_start[order_list[r] + 1]] for r in rows
        }
        out_pred = sorted((r for r in rows if outgoing[r]), key=lambda r: -len(outgoing[r]))
        out_edge, _, out_slots = _slot_major([outgoing[r] for r in out_pred])
        level_kinds = c_kind[lo : lo + count]
        levels.append(
            _Level(
                lo=lo,
                hi=lo + count,
                linked=slots[0] if slots else 0,
                edge=edge,
                slots=slots,
                src_row=e_pred[edge] + big_n * ((kinds == FS) | (kinds == FF)),
                succ_row=succ_row,
                lagged=np.flatnonzero((e_lag[edge] != 0) & ~is_percent),
                percent=np.flatnonzero(is_percent),
                finish_to=np.flatnonzero(kinds == FF),
                start_to_finish=np.flatnonzero(kinds == SF),
                constrained={
                    kind: np.flatnonzero(level_kinds == kind)
                    for kind in np.unique(level_kinds).tolist()
                    if kind != _NONE
                },
                due=np.flatnonzero(has_deadline[lo : lo + count]),
                milestones=np.flatnonzero(milestone[lo : lo + count]),
                groups=groups,
                members=np.array(members, dtype=np.int64),
                member_segment=np.array(member_segment, dtype=np.int64),
                out_edge=out_edge,
                out_slots=out_slots,
                out_pred=np.array(out_pred, dtype=np.int64),
                out_from_start=np.flatnonzero((e_kind[out_edge] == SS) | (e_kind[out_edge] == SF)),
            )
        )
        lo += count
    group_out: dict[int, tuple[Ints, NDArray[np.bool_]]] = {}
    for group in range(n, big_n):
        edges = np.array(net.out_edge[net.out_start[group] : net.out_start[group + 1]], dtype=np.int64)
        if edges.size:
            group_out[group] = (edges, (e_kind[edges] == FS) | (e_kind[edges] == FF))
    return Kernel(
        net=net,
        calendar=calendar,
        n=n,
        n_nodes=big_n,
        order=order,
        rank=rank,
        start_code=code_of(calendar, net.project_start),
        start_work=calendar.work_at(net.project_start),
        e_pred=e_pred,
        e_succ=e_succ,
        e_kind=e_kind,
        e_lag=e_lag,
        e_percent=e_percent,
        c_code=c_code,
        c_kind=c_kind,
        deadline=deadline,
        levels=levels,
        group_members=group_members,
        group_out=group_out,
    )


def _buffer(
    scratch: dict[str, Ints] | None, name: str, shape: tuple[int, int], dtype: np.dtype[Any] | type[Any]
) -> Ints:
    """An uninitialised array of ``shape``: a view of the scratch one when it is big enough."""
    if scratch is None:
        return np.empty(shape, dtype=dtype)
    found = scratch.get(name)
    if found is None or found.dtype != dtype or found.shape[0] != shape[0] or found.shape[1] < shape[1]:
        found = scratch[name] = np.empty(shape, dtype=dtype)
    return found[:, : shape[1]]


def _slot_major(lists: list[list[int]]) -> tuple[Ints, Ints, list[int]]:
    """Items of ``lists`` (longest first) ordered by slot: each list's first item, then each
    one's second … — so folding slot by slot touches a shrinking prefix of the rows, with no
    index arithmetic. Returns the items, which list each came from, and the slot sizes."""
    items: list[int] = []
    owner: list[int] = []
    slots: list[int] = []
    lengths = [len(values) for values in lists]
    for depth in range(max(lengths, default=0)):
        count = next((i for i, length in enumerate(lengths) if length <= depth), len(lengths))
        slots.append(count)
        items.extend(lists[i][depth] for i in range(count))
        owner.extend(range(count))
    return np.array(items, dtype=np.int64), np.array(owner, dtype=np.int64), slots


def _fold(combine: np.ufunc, values: Ints, slots: list[int]) -> Ints:
    """Combine slot-major rows (see :func:`_slot_major`) into one row per list, in place."""
    result = values[: slots[0]]
    offset = slots[0]
    for size in slots[1:]:
        combine(result[:size], values[offset : offset + size], out=result[:size])
        offset += size
    return result
