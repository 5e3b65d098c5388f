"""An earned-value series from a spreadsheet: ``period,pv,ev,ac`` with a header line, one line per
period in order, figures cumulative at each period's end; ``ev`` and ``ac`` empty for periods
not yet reported (only at the end: a reported period cannot follow an unreported one)."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from charter.errors import ImportFileError, Location

COLUMNS = ("period", "pv", "ev", "ac")


@dataclass(frozen=True, slots=True)
class Series:
    periods: list[str]
    pv: list[float]
    ev: list[float | None]
    ac: list[float | None]


def load_series(path: str | Path) -> Series:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"no such file: {file}", fix="check the path of the series CSV") from None
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{file} is not UTF-8 text", where=Location(file=str(file)), fix="save the CSV as UTF-8"
        ) from None
    return parse_series(text, str(file))


def parse_series(text: str, source: str = "<csv>") -> Series:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    columns: dict[str, int] = {}
    series = Series([], [], [], [])
    try:
        for record in reader:
            line = reader.line_num
            if not any(value.strip() for value in record):
                continue
            if not columns:
                columns = _header(record, source, line)
                continue
            _row(series, record, columns, source, line)
    except csv.Error as exc:
        raise ImportFileError(
            f"the CSV cannot be read: {exc}",
            where=Location(file=source, line=reader.line_num),
            fix="check the quotes on this line",
        ) from None
    if not series.periods:
        raise ImportFileError(
            "the series has no periods",
            where=Location(file=source),
            fix="write the header period,pv,ev,ac, then one line per period",
        )
    if series.ev[0] is None:
        raise ImportFileError(
            "no period reports an earned value",
            where=Location(file=source, line=2, column=columns["ev"]),
            fix="fill in ev and ac for the periods up to the status date",
        )
    return series


def _header(record: list[str], source: str, line: int) -> dict[str, int]:
    names = [value.strip().lower() for value in record]
    columns = {name: number for number, name in enumerate(names, start=1)}
    for name in COLUMNS:
        if name not in columns:
            raise ImportFileError(
                f"the header has no column '{name}'",
                where=Location(file=source, line=line),
                fix="name the columns on the first line: period,pv,ev,ac",
            )
    extra = [n for n in names if n not in COLUMNS]
    if extra or len(names) != len(COLUMNS):
        raise ImportFileError(
            f"the header has the column '{extra[0] if extra else names[0]}' beyond period,pv,ev,ac",
            where=Location(file=source, line=line),
            fix="keep exactly the columns period,pv,ev,ac",
        )
    return columns


def _row(series: Series, record: list[str], columns: dict[str, int], source: str, line: int) -> None:
    if len(record) != len(columns):
        raise ImportFileError(
            f"line {line} has {len(record)} values, the header names {len(columns)}",
            where=Location(file=source, line=line),
            fix="give every line period,pv,ev,ac (leave ev and ac empty for future periods)",
        )

    def number(name: str) -> float | None:
        raw = record[columns[name] - 1].strip().replace("_", "")
        where = Location(file=source, line=line, column=columns[name])
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            raise ImportFileError(
                f"{name} '{raw}' is not a number", where=where, fix="write plain numbers like 12500.50"
            ) from None
        if not math.isfinite(value) or value < 0:
            raise ImportFileError(f"{name} {raw} is not a finite amount of 0 or more", where=where)
        return value

    label = record[columns["period"] - 1].strip() or str(len(series.periods) + 1)
    pv = number("pv")
    if pv is None:
        raise ImportFileError(
            "pv is empty",
            where=Location(file=source, line=line, column=columns["pv"]),
            fix="give the cumulative planned value of every period",
        )
    ev, ac = number("ev"), number("ac")
    where = Location(file=source, line=line, column=columns["ev"])
    if (ev is None) != (ac is None):
        raise ImportFileError(
            "a reported period needs both ev and ac", where=where, fix="fill in both, or leave both empty"
        )
    if ev is not None and series.periods and series.ev[-1] is None:
        raise ImportFileError(
            f"period '{label}' reports ev and ac after a period that does not",
            where=where,
            fix="fill in every period up to the status date; leave only later periods empty",
        )
    if series.pv and pv < series.pv[-1]:
        raise ImportFileError(
            f"pv {pv:g} is less than the period before ({series.pv[-1]:g}); figures are cumulative",
            where=Location(file=source, line=line, column=columns["pv"]),
            fix="write each period's cumulative planned value (the running total)",
        )
    series.periods.append(label)
    series.pv.append(pv)
    series.ev.append(ev)
    series.ac.append(ac)
