"""Benchmark of ``charter risk``'s engine: Monte Carlo on generated plans of 1,000 and 10,000
activities, 10,000 iterations each, end to end.

What it measures, per plan size (best of ``--repeat`` runs, ``time.perf_counter``):

* **end to end** — ``charter.engine.montecarlo.simulate(plan, Options(iterations, seed))``
  with the risk ranking off: compiling the network, the deterministic CPM run, building the
  PERT tables, sampling every duration, the vectorised CPM passes (forward for dates,
  backward for criticality), the tornado, merge bias and all statistics;
* **wall s / cpu s** — elapsed and process CPU seconds of that call (on a shared machine the
  CPU time shows what the run itself costs);
* **activity-iterations/s** — activities × iterations / end-to-end seconds, with its ratio to
  the anchor (Full Monte: about 1.2e5 activity-iterations per second) and to the plain-Python
  reference below.

The plans are ``benchmarks/cpm.py``'s generated programmes (summaries of 10-30 leaves, about
two links per task of all four types with lags, leads and percentage lags, links into and
out of summaries, milestones, SNET/FNLT constraints and deadlines) on their standard calendar:
tasks on the six-day calendar move to the standard one and elapsed lags become working time,
so that the plan takes the vectorised passes. Every task with a duration gets a three-point
estimate around it (70 % / 100 % / 160 %): Beta-PERT for most, triangular, uniform and
lognormal for some. *Activities* are the leaf tasks (what is sampled and scheduled).

The plain-Python reference is a straightforward simulation written the way one would without
NumPy: per iteration, ``random.betavariate``/``random.triangular`` per activity, then a forward
and a backward pass over the network in working minutes (no calendar, no constraints, so it does
less than Charter). It runs a few hundred iterations on the 1,000-activity plan, and its rate is
compared with Charter's.

Run it from the repository root::

    .venv/bin/python benchmarks/montecarlo.py
    .venv/bin/python benchmarks/montecarlo.py --sizes 1000 --iterations 5000 --repeat 1
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from charter.domain import Duration, Lag, Plan, ThreePoint
from charter.engine.montecarlo import Options, simulate
from charter.engine.network import compile_network
from cpm import build_plan, generate

ANCHOR = 1.2e5  # Full Monte, activity-iterations per second
TARGETS = {1_000: 0.5, 10_000: 3.0}  # seconds for 10,000 iterations


def risk_plan(activities: int, seed: int) -> Plan:
    """A generated programme with at least ``activities`` leaf tasks, on one calendar, with
    three-point estimates."""
    size = activities
    while True:
        plan = build_plan(generate(size, seed))
        leaves = sum(1 for task in plan.walk() if not task.tasks)
        if leaves >= activities:
            break
        size += activities - leaves
    rng = random.Random(seed)
    for task in plan.walk():
        task.calendar = None
        for n, link in enumerate(task.links):
            amount = link.lag.amount
            if amount is not None and amount.elapsed:
                task.links[n] = link.model_copy(
                    update={"lag": Lag(amount=Duration(value=amount.value, unit="h"))}
                )
        d = task.duration
        if d is not None and d.value > 0 and not task.tasks:
            task.estimate = ThreePoint(
                optimistic=Duration(value=round(d.value * 0.7, 2), unit=d.unit),
                likely=d,
                pessimistic=Duration(value=round(d.value * 1.6, 2), unit=d.unit),
            )
            task.duration = None
            r = rng.random()
            task.distribution = (
                "pert" if r < 0.7 else "triangular" if r < 0.85 else "uniform" if r < 0.95 else "lognormal"
            )
    return plan


def reference(plan: Plan, iterations: int, seed: int) -> float:
    """Seconds per iteration of a plain-Python Monte Carlo on the same network (see above)."""
    net = compile_network(plan)
    units = plan.project.work_units
    n = net.n_leaves
    spec: list[tuple[str, float, float, float]] = []
    for leaf in range(n):
        task = net.tasks[net.task_of_leaf[leaf]]
        if task.estimate is not None:
            a, m, b = (
                p.minutes(units)
                for p in (task.estimate.optimistic, task.estimate.likely, task.estimate.pessimistic)
            )
            spec.append((str(task.distribution or "pert"), float(a), float(m), float(b)))
        else:
            value = float(net.duration[leaf])
            spec.append(("fixed", value, value, value))
    order = [v for v in net.order if v < n]
    incoming = [[(net.e_pred[e], net.e_kind[e], net.e_lag[e]) for e in net.incoming(v)] for v in range(n)]
    outgoing = [[(net.e_succ[e], net.e_kind[e], net.e_lag[e]) for e in net.outgoing(v)] for v in range(n)]
    rng = random.Random(seed)
    critical = [0] * n
    began = time.perf_counter()
    for _ in range(iterations):
        dur = [0.0] * n
        for i, (kind, a, m, b) in enumerate(spec):
            if kind == "fixed" or a == b:
                dur[i] = m
            elif kind == "triangular":
                dur[i] = rng.triangular(a, b, m)
            elif kind == "uniform":
                dur[i] = rng.uniform(a, b)
            else:
                r = (m - a) / (b - a)
                dur[i] = a + (b - a) * rng.betavariate(1 + 4 * r, 1 + 4 * (1 - r))
        es = [0.0] * n
        ef = [0.0] * n
        for v in order:
            start = 0.0
            for p, k, lag in incoming[v]:
                if p >= n:
                    continue
                t = (ef[p] if k in (0, 2) else es[p]) + lag - (dur[v] if k in (2, 3) else 0)
                start = max(start, t)
            es[v], ef[v] = start, start + dur[v]
        finish = max(ef)
        lf = [finish] * n
        for v in reversed(order):
            for s, k, lag in outgoing[v]:
                bound = (lf[s] - dur[s] if k in (0, 1) else lf[s]) - lag + (dur[v] if k in (1, 3) else 0)
                lf[v] = min(lf[v], bound)
            if lf[v] - ef[v] <= 1e-9:
                critical[v] += 1
    return (time.perf_counter() - began) / iterations


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference-iterations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    plans = {size: risk_plan(size, args.seed) for size in sizes}
    print(f"Monte Carlo, {args.iterations:,} iterations, best of {args.repeat}")
    header = ("activities", "links", "path", "wall s", "cpu s", "target", "act-it/s", "x anchor")
    print("{:>10} {:>7} {:>10} {:>8} {:>8} {:>11} {:>10} {:>9}".format(*header))
    rates: dict[int, float] = {}
    for size, plan in plans.items():
        net = compile_network(plan)
        best, best_cpu = float("inf"), float("inf")
        method = ""
        for _ in range(args.repeat):
            gc.collect()
            began, began_cpu = time.perf_counter(), time.process_time()
            result = simulate(plan, Options(iterations=args.iterations, seed=args.seed, analyse_risks=False))
            best = min(best, time.perf_counter() - began)
            best_cpu = min(best_cpu, time.process_time() - began_cpu)
            method = result.method
        rate = net.n_leaves * args.iterations / best
        rates[size] = rate
        target = TARGETS.get(size)
        verdict = "" if target is None else f"{target:.1f}s " + ("ok" if best <= target else "MISSED")
        row = (net.n_leaves, net.n_edges, method, best, best_cpu, verdict, rate, rate / ANCHOR)
        print("{:>10,} {:>7,} {:>10} {:>8.3f} {:>8.3f} {:>11} {:>10.3g} {:>8.0f}x".format(*row))
    size = min(sizes)
    plan = plans[size]
    seconds = reference(plan, args.reference_iterations, args.seed)
    leaves = compile_network(plan).n_leaves
    ref_rate = leaves / seconds
    print(
        f"plain-Python reference on {leaves:,} activities ({args.reference_iterations} iterations): "
        f"{ref_rate:.3g} act-it/s, {seconds * 1000:.1f} ms per iteration"
    )
    for size, rate in rates.items():
        print(f"  Charter on {size:,}: {rate / ref_rate:.0f}x the plain-Python reference")


if __name__ == "__main__":
    main()
