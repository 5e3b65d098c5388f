"""Charter's dates against the dates Microsoft Project computed, on the oracle files.

For every ``../shared/oracles/msproject/xml/<name>.xml``: read it with Charter's MSPDI reader,
schedule it with Charter from the project start (Charter derives every date itself; the dates
stored in the file are only compared against), and compare start, finish, early and late
start and finish and total slack of every task that is neither a summary nor manually
scheduled with ``expected/<name>.json``. Dates are compared in working time on the task's
calendar, as the oracle's README says: two instants are equal when no working time lies
between them (so 17:00 equals 08:00 on the next working day). Slack is equal within a minute.

Each task that differs gets the import report's reason. Where the file's stored late dates
contradict the file itself (a late finish before the project finish the file stores, with
nothing holding the task there; a late date on the wrong side of a link's stored other end),
the summary counts them apart: the acceptance figure is still the plain share.

Last, for the files that store costs, each task's budget as Charter prices it (rates and rate
tables, cost per use, materials, cost resources, fixed costs) against the ``Cost`` Project stored.

Prints per file its grade, the tasks compared and the share matching on all fields, then the
totals per grade against the acceptance figures (>= 99.5 % per grade-A file, >= 95 % over B).

    .venv/bin/python benchmarks/msproject_oracle.py            # all files
    .venv/bin/python benchmarks/msproject_oracle.py -v NAME    # show the mismatches of NAME
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.domain import Plan
from charter.engine.cost import compile_costs
from charter.engine.cpm import Schedule, schedule
from charter.errors import CharterError
from charter.formats.mspdi import load_mspdi
from charter.formats.mspdi.compare import DATE_FIELDS, file_differences
from charter.formats.mspdi.compare import compare_task as compare_stored

ROOT = Path(__file__).resolve().parents[1]
ORACLE = ROOT.parent / "shared" / "oracles" / "msproject"


@dataclass
class FileResult:
    name: str
    grade: str
    compared: int = 0
    matching: int = 0
    error: str | None = None
    mismatches: list[str] = field(default_factory=list)
    contradicted: int = 0  # mismatches where the file's stored dates contradict the file itself
    summaries: int = 0  # summary tasks, outside the acceptance figure: slack and critical compared
    summaries_matching: int = 0
    costs_compared: int = 0  # leaf tasks of a file that stores costs
    costs_matching: int = 0
    cost_mismatches: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.matching / self.compared if self.compared else 100.0


def compare_file(xml: Path, expected: dict[str, Any]) -> FileResult:
    result = FileResult(xml.stem, str(expected.get("grade", "?")))
    try:
        plan = load_mspdi(xml)
        computed = schedule(plan)
        audited = {d.key: d for d in file_differences(plan, computed)}
        compare_costs(plan, result)
    except CharterError as exc:
        result.error = str(exc).splitlines()[0]
        result.compared = sum(1 for t in expected["tasks"] if not t["summary"] and not t["manual"])
        return result
    for row in expected["tasks"]:
        if row["summary"] and str(row["uid"]) in computed.network.index:
            i = computed.network.index[str(row["uid"])]
            stored_slack = row.get("total_slack_minutes")
            result.summaries += 1
            result.summaries_matching += (
                stored_slack is not None
                and abs(computed.total_slack[i] - stored_slack) <= 1
                and computed.critical[i] == row["critical"]
            )
        if row["summary"] or row["manual"]:
            continue
        result.compared += 1
        problems = compare_task(computed, row)
        if problems:
            found = audited.get(str(row["uid"]))
            reason = found.reason if found is not None and found.reason else "reason unknown"
            result.contradicted += found is not None and found.file_contradicts_itself
            line = f"  uid {row['uid']} {row.get('name') or ''}: " + "; ".join(problems)
            result.mismatches.append(f"{line}\n      ({reason})")
        else:
            result.matching += 1
    return result


def compare_costs(plan: Plan, result: FileResult) -> None:
    """Each leaf task's budget (rates, per-use, material, cost resources and fixed costs, on
    Charter's own schedule) against the ``Cost`` Project stored, to the cent, in files that
    store any cost."""
    stored = {
        t.key: float(t.extensions["mspdi"]["Cost"]) / 100
        for t in plan.walk()
        if not t.is_summary and t.active and t.extensions.get("mspdi", {}).get("Cost") not in (None, "")
    }
    if not any(stored.values()):
        return
    budget = compile_costs(plan, baseline=None).task_budgets()
    for key, cost in stored.items():
        result.costs_compared += 1
        if abs(budget[key] - cost) <= 0.01 + 1e-9 * abs(cost):  # Project rounds to cents
            result.costs_matching += 1
        else:
            result.cost_mismatches.append(f"  uid {key}: cost {budget[key]:.2f} != {cost:.2f}")


def compare_task(computed: Schedule, row: dict[str, Any]) -> list[str]:
    stored = {name: row.get(name) for name in DATE_FIELDS}
    found = compare_stored(computed, str(row["uid"]), stored, row.get("total_slack_minutes"))
    return [found] if isinstance(found, str) else [str(d) for d in found]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", nargs="*", metavar="NAME", help="show mismatches (of NAMEs)")
    parser.add_argument("--oracle", type=Path, default=ORACLE, help="oracle folder (default: %(default)s)")
    args = parser.parse_args(argv)
    xml_dir, expected_dir = args.oracle / "xml", args.oracle / "expected"
    if not xml_dir.is_dir():
        print(f"no oracle files at {xml_dir} (../shared is absent): nothing to compare")
        return 0
    results: list[FileResult] = []
    for xml in sorted(xml_dir.glob("*.xml")):
        expected_file = expected_dir / f"{xml.stem}.json"
        if not expected_file.is_file():
            continue
        results.append(compare_file(xml, json.loads(expected_file.read_text(encoding="utf-8"))))
    results.sort(key=lambda r: (r.grade, r.name))
    print(f"{'file':<58} grade  tasks  matching")
    for r in results:
        status = f"{r.percent:6.1f} %" if r.error is None else f"error: {r.error}"
        flag = "" if r.grade != "A" or r.percent >= 99.5 else "  < 99.5 %"
        print(f"{r.name:<58} {r.grade:^5} {r.compared:>6}  {status}{flag}")
        if args.verbose is not None and (not args.verbose or r.name in args.verbose):
            for line in r.mismatches + r.cost_mismatches:
                print(line)
    print()
    for grade in sorted({r.grade for r in results}):
        chosen = [r for r in results if r.grade == grade]
        compared = sum(r.compared for r in chosen)
        matching = sum(r.matching for r in chosen)
        share = 100.0 * matching / compared if compared else 100.0
        if grade == "A":
            passed = sum(1 for r in chosen if r.error is None and r.percent >= 99.5)
            verdict = f"{passed}/{len(chosen)} files >= 99.5 %"
        else:
            verdict = "PASS (>= 95 %)" if share >= 95.0 else "FAIL (< 95 %)"
        figures = f"{len(chosen)} files, {matching}/{compared} tasks match ({share:.1f} %)"
        print(f"grade {grade}: {figures}; {verdict}")
        missed = compared - matching
        if missed:
            contradicted = sum(r.contradicted for r in chosen)
            consistent = compared - contradicted
            print(
                f"  of the {missed} tasks that differ, {contradicted} carry stored dates that contradict "
                f"their own file (-v shows each reason); on the other {consistent} tasks "
                f"{matching}/{consistent} match ({100.0 * matching / consistent:.1f} %)"
            )
    summaries = sum(r.summaries for r in results)
    if summaries:
        matching = sum(r.summaries_matching for r in results)
        print(
            f"summaries (not in the figures above): total slack and critical equal Project's on "
            f"{matching}/{summaries} ({100.0 * matching / summaries:.1f} %)"
        )
    costed = [r for r in results if r.costs_compared]
    compared = sum(r.costs_compared for r in costed)
    matching = sum(r.costs_matching for r in costed)
    if compared:
        print(
            f"costs: {len(costed)} files store task costs; the budget Charter prices equals Project's "
            f"Cost on {matching}/{compared} tasks ({100.0 * matching / compared:.1f} %)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
