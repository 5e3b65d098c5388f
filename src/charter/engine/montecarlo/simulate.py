"""The simulation: sample, schedule, summarise — in chunks of iterations, from a seed."""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from charter.domain.plan import Plan
from charter.domain.risk import Risk
from charter.engine.cpm import run_cpm
from charter.engine.montecarlo import sampling
from charter.engine.montecarlo.kernel import Kernel, code_dtype, compile_kernel, decode, fallback_reasons
from charter.engine.montecarlo.model import Model, RiskEvents, compile_model, residual, risk_events
from charter.engine.montecarlo.results import (
    PERCENTILES,
    DateForecast,
    MergeBias,
    MitigationValue,
    MonteCarloResult,
    RiskContribution,
    Summary,
)
from charter.engine.network import compile_network
from charter.errors import CharterError
from charter.gcpause import paused_gc

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
_CELLS_PER_CHUNK = 12_000_000  # leaves × iterations held at once (about 40 bytes each)
_TOP_LEVEL = 1 - 2**-24  # the highest level a float32 uniform reaches


@dataclass(frozen=True, slots=True)
class Options:
    iterations: int = 5000
    seed: int = 0
    chunk: int | None = None  # iterations per chunk (default: from the plan's size)
    converge_days: float | None = None  # stop once the P80's standard error is below this
    analyse_risks: bool = True  # rank risks and value mitigations (one extra run per risk)
    progress: Callable[[int, int], None] | None = None  # (iterations done, iterations asked)


@dataclass
class _Raw:
    """Per iteration: the project's and milestones' finishes (sortable values) and their
    working-time positions; the cost; totals for criticality, sensitivity and merge bias."""

    value: list[Ints]
    work: list[Ints]
    milestone_value: list[Ints]
    milestone_work: list[Ints]
    cost: list[Floats]
    critical: Ints
    sens_v: Floats
    sens_vv: Floats
    sens_vz: Floats
    sens_z: float = 0.0
    sens_zz: float = 0.0
    edge_sums: Floats | None = None
    start_sums: Floats | None = None
    done: int = 0
    converged: bool | None = None


class _Engine:
    def __init__(self, plan: Plan, options: Options) -> None:
        if options.iterations < 1:
            raise CharterError(
                f"{options.iterations} iterations asked for", fix="run at least 1 iteration (e.g. 5000)"
            )
        self.plan = plan
        self.options = options
        with paused_gc():
            self.net = compile_network(plan)
            self.reasons = fallback_reasons(self.net)
            self.kernel: Kernel | None = compile_kernel(self.net) if not self.reasons else None
        self.model: Model = compile_model(plan, self.net)
        self.dtype: type[np.signedinteger[Any]] = (
            code_dtype(self.kernel, self._longest()) if self.kernel is not None else np.int64
        )
        # Rows of the duration matrix: the kernel's order of the leaves, or theirs.
        self.rank = self.kernel.rank if self.kernel is not None else np.arange(self.net.n_leaves)
        self.base = np.empty_like(self.model.base)
        self.base[self.rank] = self.model.base
        self.scratch: dict[str, Ints] = {}  # work arrays reused from chunk to chunk
        self.calendar = self.net.calendars[plan.project.calendar]
        self.minutes_per_day = plan.project.work_units.minutes_per_day
        self.milestones = [
            leaf
            for leaf in range(self.net.n_leaves)
            if self.net.milestone[leaf] and leaf not in self.net.inactive
        ]
        # The deterministic plan (most likely durations): the passes give the CPM's dates.
        if self.kernel is None:
            with paused_gc():
                schedule = run_cpm(dataclasses.replace(self.net))
            start = schedule.network.project_start
            self.planned_finish = schedule.project_finish
            self.planned = [schedule.finish[self.net.task_of_leaf[leaf]] for leaf in self.milestones]
        else:
            passes = self.kernel.run(self.base[:, None].astype(self.dtype), critical=False)
            start = self.net.project_start
            self.planned_finish = decode(self.calendar, int(passes.project[0]))
            self.planned = [
                decode(self.calendar, int(passes.finish[self.rank[leaf], 0])) for leaf in self.milestones
            ]
        self.start_work = self.calendar.work_at(start)
        n = max(self.net.n_leaves, 1)
        chunk = options.chunk or max(256, min(options.iterations, _CELLS_PER_CHUNK // n))
        if options.converge_days is not None:
            chunk = min(chunk, max(200, options.iterations // 20))
        chunk = max(1, min(chunk, options.iterations))
        n_chunks = math.ceil(options.iterations / chunk)
        self.chunk = math.ceil(options.iterations / n_chunks)  # chunks of even size
        self.seeds = np.random.SeedSequence(options.seed).spawn(n_chunks)

    def _duration_buffer(self, n: int, size: int) -> Ints:
        buffer: Ints = self._buffer("duration", (n, size), self.dtype)
        return buffer

    def _buffer(self, name: str, shape: tuple[int, int], dtype: type[Any]) -> Any:
        """A work array reused from chunk to chunk (fresh memory costs a page fault per 4 KiB)."""
        found = self.scratch.get(name)
        if found is None or found.shape != shape:
            found = self.scratch[name] = np.empty(shape, dtype=dtype)
        return found

    def _longest(self) -> int:
        """An upper bound of the working minutes every duration, delay and lag add up to."""
        model = self.model
        total = int(model.base.sum()) + int(np.abs(np.array(self.net.e_lag, dtype=np.int64)).sum())
        if model.uncertain.size:
            top = model.durations.quantile(np.full((model.uncertain.size, 1), _TOP_LEVEL, dtype=np.float32))
            total += int(np.ceil(top.sum())) + int(model.base[model.uncertain].sum())
        risks = model.risks
        if risks.keys:
            top = risks.delay.quantile(np.full((len(risks.keys), 1), _TOP_LEVEL, dtype=np.float32))[:, 0]
            total += sum(int(np.ceil(top[r])) * leaves.size for r, leaves in enumerate(risks.delayed))
        return total

    # -- one pass over all chunks ----------------------------------------------------------
    def run(self, risks: RiskEvents, *, full: bool, limit: int | None = None) -> _Raw:
        model = self.model
        n = self.net.n_leaves
        variables = model.uncertain.size + len(risks.keys)
        raw = _Raw(
            value=[],
            work=[],
            milestone_value=[],
            milestone_work=[],
            cost=[],
            critical=np.zeros(n, np.int64),
            sens_v=np.zeros(variables),
            sens_vv=np.zeros(variables),
            sens_vz=np.zeros(variables),
        )
        total = limit if limit is not None else self.options.iterations
        batches: list[float] = []
        if self.options.converge_days is not None and full:
            raw.converged = False
        for seed in self.seeds:
            size = min(self.chunk, total - raw.done)
            if size <= 0:
                break
            rng = np.random.default_rng(seed)
            u = rng.random(dtype=np.float32, out=self._buffer("u", (model.uncertain.size, size), np.float32))
            if model.correlated.size:
                u[model.correlated] = sampling.iman_conover(u[model.correlated], model.target, rng)
            fire = rng.random((len(risks.keys), size)) < risks.probability[:, None]
            delay_u = rng.random((len(risks.keys), size))
            cost_u = rng.random((len(risks.keys), size))
            duration = self._duration_buffer(n, size)
            duration[:] = self.base[:, None]
            if model.uncertain.size:
                sampled = model.durations.quantile(u, dtype=np.float32)
                duration[self.rank[model.uncertain]] = np.rint(sampled, out=sampled)
            delays = np.rint(risks.delay.quantile(delay_u)).astype(self.dtype) * fire
            for r, leaves in enumerate(risks.delayed):
                if leaves.size:
                    duration[self.rank[leaves]] += delays[r]
            raw.cost.append((risks.cost.quantile(cost_u) * fire).sum(axis=0))
            self._schedule(duration, raw, full)
            if full:
                self._sensitivity(raw, u, delays, raw.work[-1])
            raw.done += size
            if self.options.progress is not None and full:
                self.options.progress(raw.done, total)
            if self.options.converge_days is not None and full:
                days = (raw.work[-1] - self.start_work) / self.minutes_per_day
                batches.append(float(np.percentile(days, 80)))
                if len(batches) >= 4 and np.std(batches, ddof=1) / math.sqrt(len(batches)) <= (
                    self.options.converge_days
                ):
                    raw.converged = True
                    break
        return raw

    def _schedule(self, duration: Ints, raw: _Raw, full: bool) -> None:
        if self.kernel is not None:
            passes = self.kernel.run(duration, critical=full, merge=full, scratch=self.scratch)
            raw.value.append(passes.project)
            raw.work.append(passes.project >> 2)
            if self.milestones:
                codes = passes.finish[self.rank[self.milestones]]
                raw.milestone_value.append(codes)
                raw.milestone_work.append(codes >> 2)
            if passes.critical is not None:
                raw.critical += passes.critical[self.rank]
            if passes.edge_sums is not None and passes.start_sums is not None:
                starts = passes.start_sums[self.rank]
                raw.edge_sums = passes.edge_sums + (raw.edge_sums if raw.edge_sums is not None else 0)
                raw.start_sums = starts + (raw.start_sums if raw.start_sums is not None else 0)
            return
        size = duration.shape[1]
        net = self.net
        finish = np.zeros(size, dtype=np.int64)
        milestone = np.zeros((len(self.milestones), size), dtype=np.int64)
        leaf_tasks = net.task_of_leaf
        # Iterations that drew the same durations (all of them, when nothing in the plan varies)
        # share one CPM run.
        seen: dict[bytes, tuple[int, list[int], NDArray[np.bool_] | None]] = {}
        for j in range(size):
            column = duration[:, j]
            digest = hashlib.blake2b(column.tobytes(), digest_size=16).digest()
            found = seen.get(digest)
            if found is None:
                result = run_cpm(dataclasses.replace(net, duration=column.tolist()))
                found = seen[digest] = (
                    result.project_finish,
                    [result.finish[leaf_tasks[leaf]] for leaf in self.milestones],
                    np.array([result.critical[t] for t in leaf_tasks], dtype=np.bool_) if full else None,
                )
            finish[j] = found[0]
            milestone[:, j] = found[1]
            if found[2] is not None:
                raw.critical += found[2]
        raw.value.append(finish)
        raw.work.append(self.calendar.work_at_many(finish))
        if self.milestones:
            raw.milestone_value.append(milestone)
            raw.milestone_work.append(self.calendar.work_at_many(milestone.ravel()).reshape(milestone.shape))

    def _sensitivity(self, raw: _Raw, u: NDArray[np.float32], delays: Ints, work: Ints) -> None:
        """Accumulate Pearson's correlation of each variable with the project finish's rank in
        the chunk. A task's ``u`` has the ranks of its duration, so for tasks this is
        Spearman's rho; a risk's variable is the delay it caused."""
        size = work.size
        if size < 3:
            return
        ranks = np.argsort(np.argsort(work, kind="stable"), kind="stable").astype(np.float64)
        z = (ranks - ranks.mean()) / (ranks.std() or 1.0)
        k = u.shape[0]
        for rows, values in ((slice(0, k), u), (slice(k, None), delays.astype(np.float64))):
            raw.sens_v[rows] += values.sum(axis=1, dtype=np.float64)
            raw.sens_vv[rows] += np.einsum("ij,ij->i", values, values, dtype=np.float64)
            raw.sens_vz[rows] += values @ z.astype(values.dtype)
        raw.sens_z += float(z.sum())
        raw.sens_zz += float((z * z).sum())

    # -- statistics ------------------------------------------------------------------------
    def decode(self, value: int) -> int:
        if self.kernel is None:
            return value
        return decode(self.calendar, value)

    def forecasts(
        self, keys: list[tuple[str, str]], values: Ints, work: Ints, deterministic: list[int]
    ) -> list[DateForecast]:
        """Date forecasts for several finishes at once (rows of ``values``/``work``)."""
        axis = self.net.axis
        days = (work - self.start_work) / self.minutes_per_day
        size = values.shape[1]
        ranks = {p: max(math.ceil(p / 100 * size) - 1, 0) for p in PERCENTILES}
        ordered = np.partition(values, sorted(set(ranks.values())), axis=1)
        points = np.percentile(days, PERCENTILES, axis=1)
        means = days.mean(axis=1)
        sds = days.std(axis=1, ddof=1) if size > 1 else np.zeros(len(keys))
        det_work = [self.calendar.work_at(d) for d in deterministic]
        on_time = (work <= np.array(det_work)[:, None]).mean(axis=1)
        mean_work = work.mean(axis=1)
        out = []
        for m, (key, name) in enumerate(keys):
            dates = {p: axis.local(self.decode(int(ordered[m, ranks[p]]))) for p in PERCENTILES}
            summary = Summary(
                {p: float(v) for p, v in zip(PERCENTILES, points[:, m], strict=True)},
                float(means[m]),
                float(sds[m]),
            )
            out.append(
                DateForecast(
                    key=key,
                    name=name,
                    deterministic=axis.local(deterministic[m]),
                    deterministic_days=(det_work[m] - self.start_work) / self.minutes_per_day,
                    dates=dates,
                    mean_date=axis.local(self.calendar.finish_at(round(float(mean_work[m])))),
                    days=summary,
                    on_time=float(on_time[m]),
                )
            )
        return out

    def p80_and_mean(self, raw: _Raw) -> tuple[float, float, float]:
        days = (np.concatenate(raw.work) - self.start_work) / self.minutes_per_day
        cost = np.concatenate(raw.cost)
        return float(np.percentile(days, 80)), float(days.mean()), float(cost.mean())


def simulate(plan: Plan, options: Options | None = None) -> MonteCarloResult:
    """Monte Carlo schedule and cost risk analysis of ``plan`` (pure: same seed, same answer)."""
    options = options or Options()
    engine = _Engine(plan, options)
    net = engine.net
    with paused_gc():
        raw = engine.run(engine.model.risks, full=True)
    work = np.concatenate(raw.work)
    (project,) = engine.forecasts(
        [("project", plan.project.name)],
        np.concatenate(raw.value)[None, :],
        work[None, :],
        [engine.planned_finish],
    )
    milestones = []
    if engine.milestones:
        tasks = [net.task_of_leaf[leaf] for leaf in engine.milestones]
        milestones = engine.forecasts(
            [(net.tasks[t].key, net.tasks[t].label) for t in tasks],
            np.concatenate(raw.milestone_value, axis=1),
            np.concatenate(raw.milestone_work, axis=1),
            engine.planned,
        )
    active = [leaf for leaf in range(net.n_leaves) if leaf not in net.inactive]
    criticality = {
        net.tasks[net.task_of_leaf[leaf]].key: float(raw.critical[leaf]) / raw.done for leaf in active
    }
    costs = np.concatenate(raw.cost)
    result = MonteCarloResult(
        iterations=raw.done,
        seed=options.seed,
        method="vectorised" if engine.kernel is not None else "cpm",
        fallback_reasons=engine.reasons,
        project=project,
        milestones=milestones,
        cost=Summary.of(costs) if plan.risks and engine.model.risks.has_cost.any() else None,
        criticality=criticality,
        sensitivity=_sensitivity(engine, raw),
        merge_bias=_merge_bias(engine, raw),
        converged=raw.converged if options.converge_days is not None else None,
        duration_samples=(work - engine.start_work) / engine.minutes_per_day,
        cost_samples=costs,
        names={task.key: task.label for task in plan.walk()} | {r.key: r.title for r in plan.risks},
    )
    if options.analyse_risks and plan.risks:
        _analyse_risks(engine, raw, result)
    return result


def _sensitivity(engine: _Engine, raw: _Raw) -> list[tuple[str, float]]:
    n = float(raw.done)
    keys = [engine.net.tasks[engine.net.task_of_leaf[int(leaf)]].key for leaf in engine.model.uncertain]
    keys += engine.model.risks.keys
    var_v = raw.sens_vv - raw.sens_v**2 / n
    var_z = raw.sens_zz - raw.sens_z**2 / n
    cov = raw.sens_vz - raw.sens_v * raw.sens_z / n
    out: list[tuple[str, float]] = []
    for key, c, v in zip(keys, cov.tolist(), var_v.tolist(), strict=True):
        if v > 1e-12 and var_z > 0:
            out.append((key, c / math.sqrt(v * var_z)))
    out.sort(key=lambda item: -abs(item[1]))
    return out


def _merge_bias(engine: _Engine, raw: _Raw) -> list[MergeBias]:
    kernel = engine.kernel
    if kernel is None or raw.edge_sums is None or raw.start_sums is None:
        return []
    net = engine.net
    out: list[MergeBias] = []
    for leaf in range(net.n_leaves):
        edges = net.in_edge[net.in_start[leaf] : net.in_start[leaf + 1]]
        if len(edges) < 2 or leaf in net.inactive:
            continue
        latest_mean = max(raw.edge_sums[e] for e in edges) / raw.done
        bias = (raw.start_sums[leaf] / raw.done - latest_mean) / engine.minutes_per_day
        if bias > 1e-9:
            out.append(MergeBias(net.tasks[net.task_of_leaf[leaf]].key, len(edges), bias))
    out.sort(key=lambda m: -m.bias_days)
    return out


def _analyse_risks(engine: _Engine, raw: _Raw, result: MonteCarloResult) -> None:
    """Each risk's share of the P80 (the run again without it, on the same random numbers),
    and each mitigation's value (the run again with the residual risk)."""
    plan = engine.plan
    units = plan.project.work_units
    base_p80, base_mean, base_cost = engine.p80_and_mean(raw)

    def rerun(risks: list[Risk]) -> tuple[float, float, float]:
        events = risk_events(plan, engine.net, units, risks)
        return engine.p80_and_mean(engine.run(events, full=False, limit=raw.done))

    for i, risk in enumerate(plan.risks):
        without = [
            r if j != i else r.model_copy(update={"probability": 0.0}) for j, r in enumerate(plan.risks)
        ]
        p80, mean, cost = rerun(without)
        result.risks.append(
            RiskContribution(
                risk.key, risk.title, risk.probability, base_p80 - p80, base_mean - mean, base_cost - cost
            )
        )
        if risk.mitigation is not None:
            mitigated = [r if j != i else residual(r) for j, r in enumerate(plan.risks)]
            p80, _, cost = rerun(mitigated)
            result.mitigations.append(
                MitigationValue(risk.key, risk.title, risk.mitigation.cost, base_p80 - p80, base_cost - cost)
            )
    result.risks.sort(key=lambda r: (-r.p80_days, -r.mean_days, -r.expected_cost))
    result.mitigations.sort(key=lambda m: -m.net_value)
