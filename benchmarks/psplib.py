"""Benchmark of the levelling engine on PSPLIB single-mode instances (j30, j60, j120).

For every ``.sm`` file in DIR (optionally only ``--sample``: instance ``_1`` of each parameter
group), it levels the instance in the chosen mode, checks that the schedule keeps every
precedence and never exceeds a capacity, and compares its makespan with the reference (the
``ub`` column of the solutions CSV: the proven optimum on j30, the best known on j60/j120).
It prints the mean and maximum deviation above the reference, the share of instances proven
optimal by Charter itself (its lower bound equals its makespan), and the mean wall time per
instance including the fast heuristic (file reading excluded).

The data lives in ``/work/shared/benchmarks/psplib/`` (see the README there)::

    .venv/bin/python benchmarks/psplib.py /work/shared/benchmarks/psplib/j30 \\
        --solutions /work/shared/benchmarks/psplib/j30_solutions.csv --mode optimal --time-limit 1
    .venv/bin/python benchmarks/psplib.py /work/shared/benchmarks/psplib/j120 \\
        --solutions /work/shared/benchmarks/psplib/j120_solutions.csv --sample --mode fast
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from charter.engine.levelling.problem import violations
from charter.formats.psplib import read_psplib
from charter.solvers import DEFAULT_WORKERS, solve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dir", type=Path, help="folder of .sm files")
    parser.add_argument("--solutions", type=Path, required=True, help="CSV with instance and ub columns")
    parser.add_argument("--mode", choices=["fast", "optimal"], default="fast")
    parser.add_argument("--time-limit", type=float, default=1.0, help="seconds per instance (optimal mode)")
    parser.add_argument("--sample", action="store_true", help="only instance _1 of each parameter group")
    parser.add_argument("--limit", type=int, default=0, help="only the first N instances (0: all)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="CP-SAT workers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON document per instance too")
    args = parser.parse_args(argv)

    if not args.dir.is_dir() or not args.solutions.is_file():
        print(
            f"PSPLIB data not found: {args.dir} or {args.solutions} is missing.\n"
            "The instances and solution CSVs live in /work/shared/benchmarks/psplib/ "
            "(see its README for where they come from). Nothing was measured.",
            file=sys.stderr,
        )
        return 2
    with args.solutions.open(encoding="utf-8") as handle:
        reference = {row["instance"]: int(row["ub"]) for row in csv.DictReader(handle)}
    files = sorted(args.dir.glob("*.sm"), key=_natural)
    if args.sample:
        files = [f for f in files if f.stem.endswith("_1")]
    if args.limit:
        files = files[: args.limit]
    if not files:
        print(f"no .sm files in {args.dir}", file=sys.stderr)
        return 2

    deviations: list[float] = []
    times: list[float] = []
    cpu: list[float] = []
    proven = 0
    at_reference = 0
    for path in files:
        instance = read_psplib(path)
        ref = reference.get(instance.name)
        if ref is None:
            print(f"{instance.name}: no reference in {args.solutions}, skipped", file=sys.stderr)
            continue
        began, cpu_began = time.perf_counter(), time.process_time()
        solution = solve(
            instance.problem, mode=args.mode, time_limit=args.time_limit, seed=args.seed, workers=args.workers
        )
        elapsed = time.perf_counter() - began
        cpu.append(time.process_time() - cpu_began)
        broken = violations(instance.problem, solution.start)
        if broken:
            print(f"{instance.name}: INVALID schedule: {broken[0]}", file=sys.stderr)
            return 1
        if solution.lower_bound > ref:
            print(
                f"{instance.name}: lower bound {solution.lower_bound} above reference {ref}", file=sys.stderr
            )
            return 1
        deviation = 100.0 * (solution.makespan - ref) / ref
        deviations.append(deviation)
        times.append(elapsed)
        proven += solution.optimal
        at_reference += solution.makespan <= ref
        if args.json:
            document = {
                "instance": instance.name,
                "makespan": solution.makespan,
                "lower_bound": solution.lower_bound,
                "reference": ref,
                "optimal": solution.optimal,
                "time_s": round(elapsed, 4),
            }
            print(json.dumps(document))

    count = len(deviations)
    print(f"set:        {args.dir} ({count} instances{', sample' if args.sample else ''})")
    print(
        f"mode:       {args.mode}"
        + (f", time limit {args.time_limit:g} s, {args.workers} workers" if args.mode == "optimal" else "")
    )
    print(
        f"deviation:  mean {sum(deviations) / count:.3f} %, max {max(deviations):.2f} % above the reference"
    )
    print(f"at ref:     {at_reference}/{count} ({100.0 * at_reference / count:.1f} %) reach the reference")
    print(f"proven:     {proven}/{count} ({100.0 * proven / count:.1f} %) proven optimal by Charter")
    mean_ms, max_ms = 1000.0 * sum(times) / count, 1000.0 * max(times)
    cpu_ms = 1000.0 * sum(cpu) / count
    print(f"time:       mean {mean_ms:.1f} ms, max {max_ms:.1f} ms per instance (wall clock)")
    print(f"cpu:        mean {cpu_ms:.1f} ms per instance (all threads; the machine's load does not count)")
    return 0


def _natural(path: Path) -> tuple[int, int, str]:
    """j301_2 before j3010_1: by parameter group, then instance."""
    head, _, tail = path.stem.partition("_")
    group = 0
    for prefix in ("j120", "j30", "j60", "j90"):
        if head.startswith(prefix) and head[len(prefix) :].isdigit():
            group = int(head[len(prefix) :])
            break
    return (group, int(tail) if tail.isdigit() else 0, path.stem)


if __name__ == "__main__":
    sys.exit(main())
