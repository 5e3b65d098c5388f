"""MSPDI task baselines (``Baseline`` 0-10: Start, Finish, Duration, Work, Cost) ↔ ``Plan.baselines``.

A task's ``<Baseline>`` elements become :class:`~charter.domain.BaselineTask` entries of the
plan's baselines by ``Number``; the baseline's other fields (``DurationFormat``, ``BCWS`` …)
stay in the task's ``extensions["mspdi"]["Baseline"]`` and are written back next to them.
MSPDI stores costs in hundredths of the currency unit and keeps no date per baseline: a
baseline's ``saved`` is the file's ``LastSaved`` (else the project start).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from charter.domain import MAX_BASELINES, Baseline, BaselineTask, Plan
from charter.formats.mspdi.values import parse_datetime, parse_iso_minutes

MAPPED = ("Number", "Start", "Finish", "Duration", "Work", "Cost")
_ORDER = ("Number", "Start", "Finish", "Duration", "DurationFormat", "Work", "Cost")


def split_baseline(fields: dict[str, str]) -> tuple[int, BaselineTask | None, dict[str, str]]:
    """One ``<Baseline>``'s fields → (number, the baseline task or None, the fields kept aside).

    Raises ValueError with a readable reason for a bad number, date or duration.
    """
    try:
        number = int(fields.get("Number") or "0")
    except ValueError:
        raise ValueError(f"Baseline Number '{fields.get('Number')}' is not 0-10") from None
    if not 0 <= number < MAX_BASELINES:
        raise ValueError(f"Baseline Number {number} is not 0-10")
    start, finish = fields.get("Start"), fields.get("Finish")
    if not start or not finish:
        return number, None, dict(fields)  # no dates: nothing Charter can compare against
    cost = fields.get("Cost")
    try:
        cost_value = float(cost) / 100 if cost else None
    except ValueError:
        raise ValueError(f"Baseline Cost '{cost}' is not a number") from None
    entry = BaselineTask(
        start=parse_datetime(start),
        finish=parse_datetime(finish),
        duration_minutes=round(parse_iso_minutes(fields.get("Duration") or "PT0H0M0S")),
        work_minutes=round(parse_iso_minutes(fields.get("Work") or "PT0H0M0S")),
        cost=cost_value,
    )
    rest = {k: v for k, v in fields.items() if k not in MAPPED}
    if rest:
        rest = {"Number": str(number), **rest}
    return number, entry, rest


def collect_baselines(entries: dict[int, dict[str, BaselineTask]], saved: dt.datetime) -> list[Baseline]:
    return [Baseline(index=n, saved=saved, tasks=entries[n]) for n in sorted(entries)]


def baseline_elements(plan: Plan, key: str, stored: Any) -> list[list[tuple[str, str]]]:
    """The ``<Baseline>`` elements of task ``key``: its entries in the plan plus the kept fields."""
    kept: dict[int, dict[str, str]] = {}
    for fields in stored or []:
        if isinstance(fields, dict):
            kept[int(fields.get("Number") or 0)] = {k: str(v) for k, v in fields.items()}
    merged: dict[int, dict[str, str]] = {n: dict(f) for n, f in kept.items()}
    for baseline in plan.baselines:
        entry = baseline.tasks.get(key)
        if entry is None:
            continue
        fields = merged.setdefault(baseline.index, {})
        fields.update(
            {
                "Number": str(baseline.index),
                "Start": entry.start.strftime("%Y-%m-%dT%H:%M:%S"),
                "Finish": entry.finish.strftime("%Y-%m-%dT%H:%M:%S"),
                "Duration": _iso(entry.duration_minutes),
                "Work": _iso(entry.work_minutes),
            }
        )
        if entry.cost is not None:
            fields["Cost"] = _cents(entry.cost)
    rank = {name: i for i, name in enumerate(_ORDER)}
    return [sorted(merged[n].items(), key=lambda kv: rank.get(kv[0], len(rank))) for n in sorted(merged)]


def _iso(minutes: int) -> str:
    hours, rest = divmod(abs(minutes), 60)
    return f"{'-' if minutes < 0 else ''}PT{hours}H{rest}M0S"


def _cents(cost: float) -> str:
    value = round(cost * 100, 4)
    return str(int(value)) if value == int(value) else str(value)
