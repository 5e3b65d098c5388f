"""Import time of a hostile-sized Microsoft Project XML file (default 50 MB of linked tasks).

Builds the file in a temporary folder, then times reading it (parse + plan) and scheduling it;
the acceptance budget of issue 3 is 10 s for the import. Prints the figures.

    .venv/bin/python benchmarks/mspdi_hostile.py [--megabytes 50]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from charter.engine.cpm import schedule
from charter.errors import CharterError
from charter.formats.mspdi import load_mspdi

BUDGET_SECONDS = 10.0
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Project xmlns="http://schemas.microsoft.com/project">'
    "<Name>hostile</Name><StartDate>2027-01-04T08:00:00</StartDate><Tasks>\n"
)


def task(uid: int) -> str:
    pred = uid - 1 if uid % 50 else max(uid - 49, 1)
    link = (
        f"<PredecessorLink><PredecessorUID>{pred}</PredecessorUID><Type>1</Type>"
        "<LinkLag>0</LinkLag><LagFormat>7</LagFormat></PredecessorLink>"
        if uid > 1
        else ""
    )
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>Task number {uid} of the hostile file</Name>"
        f"<OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration><DurationFormat>7</DurationFormat>"
        f"<Notes>{'x' * 200}</Notes>{link}</Task>\n"
    )


def build(path: Path, megabytes: float) -> int:
    limit = int(megabytes * 1024 * 1024)
    size, uid = len(HEAD), 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        while size < limit:
            uid += 1
            text = task(uid)
            out.write(text)
            size += len(text)
        out.write("</Tasks></Project>\n")
    return uid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=50.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hostile.xml"
        tasks = build(path, args.megabytes)
        size = path.stat().st_size / 1024 / 1024
        began = time.perf_counter()
        try:
            plan = load_mspdi(path)
        except CharterError as exc:
            print(f"{size:.1f} MB, {tasks} tasks: refused in {time.perf_counter() - began:.2f} s: {exc}")
            return 0
        read = time.perf_counter() - began
        began = time.perf_counter()
        schedule(plan)
        scheduled = time.perf_counter() - began
    verdict = "PASS" if read <= BUDGET_SECONDS else "FAIL"
    print(
        f"{size:.1f} MB, {tasks} tasks: import {read:.2f} s ({verdict}, budget {BUDGET_SECONDS:g} s), "
        f"schedule {scheduled:.2f} s, total {read + scheduled:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
