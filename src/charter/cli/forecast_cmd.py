"""`charter forecast`: when a backlog will be done, or how much of it by a date, from throughput."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from charter.cli.common import JsonOpt
from charter.cli.render import out, print_json
from charter.engine.forecast import ForecastError, items_within, weeks_to_finish
from charter.errors import CharterError, Location

_SHOWN = (50, 70, 85, 95)


def read_throughput(path: Path) -> list[int]:
    """Items finished per week, one week a line: ``5``, or ``2027-W10,5`` / ``week;items`` rows
    (the last field counts). A header line and ``#`` comments are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CharterError(
            f"cannot read {path}: {exc.strerror}", fix="give --throughput a file of items per week"
        ) from None
    weeks: list[int] = []
    first = True
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        field = re.split(r"[,;\t ]+", text)[-1]
        header, first = first, False
        if not re.fullmatch(r"\d+", field):
            if header:
                continue
            raise ForecastError(
                f"'{field}' is not a number of items",
                where=Location(file=str(path), line=number),
                fix="write one week a line, ending with the items finished that week, e.g. 2027-W10,5",
            )
        weeks.append(int(field))
    return weeks


def forecast_command(
    throughput: Annotated[
        Path, typer.Option("--throughput", metavar="FILE", help="Items finished per week, one week a line.")
    ],
    items: Annotated[int | None, typer.Option("--items", help="Backlog size: when will it be done?")] = None,
    weeks: Annotated[int | None, typer.Option("--weeks", help="How many items in this many weeks?")] = None,
    by: Annotated[
        str | None, typer.Option("--by", metavar="DATE", help="How many items by this date?")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="Forecast from this date (default: today).")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Forecast a backlog from the team's past weekly throughput.

    Each future week delivers like a past week picked at random; the forecast is that
    process's exact distribution. `--items N` answers when N items will be done (P50, P70,
    P85, P95 weeks and dates); `--weeks W` or `--by DATE` answers how many items will be done
    by then (at least that many with 50 … 95 % confidence).

    Example: `charter forecast --throughput done-per-week.csv --items 30 --from 2027-03-01`
    """
    history = read_throughput(throughput)
    begin = _date(start, "--from") if start else dt.date.today()
    if (items is None) == (weeks is None and by is None) or (weeks is not None and by is not None):
        raise CharterError(
            "say what to forecast", fix="give either --items N, or --weeks W, or --by DATE (one of them)"
        )
    if items is not None:
        result = weeks_to_finish(history, items, _SHOWN)
        dates = {q: begin + dt.timedelta(weeks=w) for q, w in result.weeks.items()}
        if json:
            print_json(
                {
                    "items": items,
                    "mean_throughput": result.mean_throughput,
                    "weeks": {f"p{q}": w for q, w in result.weeks.items()},
                    "dates": {f"p{q}": d.isoformat() for q, d in dates.items()},
                }
            )
            return
        table = Table(
            title=f"{items} items at {result.mean_throughput:.1f} items/week on average "
            f"({len(history)} weeks of history)",
            title_justify="left",
            header_style="bold",
        )
        table.add_column("Confidence")
        table.add_column("Weeks", justify="right")
        table.add_column("Done by")
        for q in _SHOWN:
            table.add_row(f"P{q}", str(result.weeks[q]), f"{dates[q]:%a %Y-%m-%d}")
        out.print(table)
        return
    span = weeks if weeks is not None else (_date(by or "", "--by") - begin).days // 7
    if span < 0:
        raise CharterError(
            f"--by {by} is before the forecast's start {begin}", fix="give a later date, or --from"
        )
    counts = items_within(history, span, _SHOWN)
    if json:
        print_json(
            {
                "weeks": span,
                "mean_throughput": counts.mean_throughput,
                "expected": counts.expected,
                "items_at_least": {f"p{q}": k for q, k in counts.items.items()},
            }
        )
        return
    table = Table(title=f"Items done in {span} weeks", title_justify="left", header_style="bold")
    table.add_column("Confidence")
    table.add_column("At least", justify="right")
    for q in _SHOWN:
        table.add_row(f"P{q}", str(counts.items[q]))
    out.print(table)
    out.print(f"Expected: {counts.expected:.1f} items.")


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CharterError(f"{option}: '{text}' is not a date", fix="write it like 2027-03-01") from None
