"""PSPLIB single-mode RCPSP instances (``.sm`` files) as levelling problems.

Job ``i`` of the file (numbered from 1) becomes activity ``i - 1``. Precedences are
finish-to-start without lag; the dummy start and end jobs keep their zero duration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from charter.engine.levelling.problem import Problem
from charter.errors import CharterError, Location


class PsplibError(CharterError):
    """A ``.sm`` file that does not follow the PSPLIB single-mode format."""


@dataclass(frozen=True)
class Instance:
    name: str
    problem: Problem
    horizon: int
    mpm_time: int | None


def read_psplib(path: str | Path) -> Instance:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise CharterError(
            f"cannot read {path}: {exc.strerror or exc}", fix="check the path to the .sm file"
        ) from exc
    return parse_psplib(text, name=path.stem, file=str(path))


def _ints(line: str, number: int, file: str, what: str) -> list[int]:
    try:
        return [int(part) for part in line.split()]
    except ValueError:
        raise PsplibError(
            f"{what}: expected whole numbers, found '{line.strip()}'",
            where=Location(file=file, line=number),
            fix="each row of this section is a list of integers separated by spaces",
        ) from None


def parse_psplib(text: str, *, name: str = "instance", file: str = "<text>") -> Instance:
    lines = text.splitlines()

    def fail(number: int, what: str, fix: str) -> PsplibError:
        return PsplibError(what, where=Location(file=file, line=number), fix=fix)

    def header_value(label: str) -> tuple[int, int]:
        for i, line in enumerate(lines, 1):
            if line.strip().lower().startswith(label) and ":" in line:
                raw = line.split(":", 1)[1].split()
                if not raw:
                    raise fail(i, f"'{label}' has no value", "write the number after the colon")
                try:
                    return int(raw[0]), i
                except ValueError:
                    raise fail(
                        i, f"'{label}' is not a whole number: '{raw[0]}'", "write an integer"
                    ) from None
        raise fail(len(lines) or 1, f"no '{label}' line", "is this a PSPLIB single-mode (.sm) file?")

    def section(title: str) -> int:
        for i, line in enumerate(lines):
            if line.strip().upper().startswith(title):
                return i
        raise fail(len(lines) or 1, f"no '{title}' section", "is this a PSPLIB single-mode (.sm) file?")

    def rows(after: int, count: int, what: str) -> list[tuple[int, list[int]]]:
        """``count`` data rows after the section title and its column heading line(s)."""
        found: list[tuple[int, list[int]]] = []
        i = after + 1
        while i < len(lines) and len(found) < count:
            line = lines[i]
            stripped = line.strip()
            if stripped.startswith("*"):
                break
            if stripped and (stripped[0].isdigit() or (stripped[0] == "-" and stripped[1:2].isdigit())):
                found.append((i + 1, _ints(line, i + 1, file, what)))
            i += 1
        if len(found) < count:
            raise fail(i, f"{what}: expected {count} rows, found {len(found)}", "one row per job")
        return found

    n_jobs, jobs_line = header_value("jobs (incl. supersource/sink )")
    horizon, _ = header_value("horizon")
    n_res, res_line = header_value("- renewable")
    if n_jobs < 2:
        raise fail(jobs_line, f"{n_jobs} jobs: need at least the dummy start and end", "fix the job count")
    if n_res < 1:
        raise fail(res_line, "no renewable resources", "a single-mode RCPSP has at least one")

    mpm: int | None = None
    info = section("PROJECT INFORMATION")
    ((_, info_row),) = rows(info, 1, "project information")
    if len(info_row) >= 6:
        mpm = info_row[5]

    prec = section("PRECEDENCE RELATIONS")
    preds: list[int] = []
    succs: list[int] = []
    for number, row in rows(prec, n_jobs, "precedence relations"):
        if len(row) < 3 or len(row) != 3 + row[2]:
            raise fail(
                number,
                "a precedence row is 'jobnr. #modes #successors successors...'",
                "list exactly #successors job numbers",
            )
        job = row[0]
        if not 1 <= job <= n_jobs:
            raise fail(number, f"job {job} is not between 1 and {n_jobs}", "renumber the job")
        if row[1] != 1:
            raise fail(number, f"job {job} has {row[1]} modes", "only single-mode (.sm) files are supported")
        for s in row[3:]:
            if not 1 <= s <= n_jobs:
                raise fail(
                    number,
                    f"job {job} has successor {s}, not between 1 and {n_jobs}",
                    "fix the successor number",
                )
            preds.append(job - 1)
            succs.append(s - 1)

    req = section("REQUESTS/DURATIONS")
    duration = np.zeros(n_jobs, dtype=np.int64)
    demand = np.zeros((n_jobs, n_res), dtype=np.int64)
    seen: set[int] = set()
    for number, row in rows(req, n_jobs, "requests/durations"):
        if len(row) != 3 + n_res:
            raise fail(
                number,
                f"expected 'jobnr. mode duration' and {n_res} requests, found {len(row)} numbers",
                "one duration and one request per renewable resource",
            )
        job = row[0]
        if not 1 <= job <= n_jobs or job in seen:
            raise fail(number, f"job {job} is out of range or listed twice", "list each job once")
        if row[2] < 0 or min(row[3:]) < 0:
            raise fail(number, f"job {job} has a negative duration or request", "use values >= 0")
        seen.add(job)
        duration[job - 1] = row[2]
        demand[job - 1] = row[3:]

    avail = section("RESOURCEAVAILABILITIES")
    ((cap_line, cap_row),) = rows(avail, 1, "resource availabilities")
    if len(cap_row) != n_res:
        raise fail(cap_line, f"expected {n_res} capacities, found {len(cap_row)}", "one per resource")
    capacity = np.asarray(cap_row, dtype=np.int64)
    too_big = np.nonzero((demand > capacity).any(axis=1))[0]
    if len(too_big):
        raise fail(
            cap_line,
            f"job {int(too_big[0]) + 1} needs more than a resource's capacity",
            "the instance has no feasible schedule",
        )
    arc_pred = np.asarray(preds, dtype=np.int64)
    problem = Problem(
        duration=duration,
        demand=demand,
        capacity=capacity,
        arc_pred=arc_pred,
        arc_succ=np.asarray(succs, dtype=np.int64),
        arc_lag=duration[arc_pred] if len(arc_pred) else np.zeros(0, dtype=np.int64),
        release=np.zeros(n_jobs, dtype=np.int64),
        labels=tuple(str(i + 1) for i in range(n_jobs)),
    )
    return Instance(name=name, problem=problem, horizon=horizon, mpm_time=mpm)
