"""Earned value and earned schedule: the indicators of one status, from cumulative figures.

Everything here works on plain numbers and NumPy arrays (money in the project's currency, time
in periods), so the same code serves a plan (see ``charter.engine.evm_plan``), a spreadsheet
series (``charter evm --series``) and the web app.

Conventions (each pinned by a test vector in ``tests/data/evm``):

- ``pv_cum[t]`` is the cumulative planned value at the *end* of period ``t = 1..PD``; the curve
  has no leading zero and ``PV_0 = 0``. PD is the first period whose PV reaches the curve's top.
- Earned schedule after Lipke (2003): ``C`` is the *largest* ``t`` with ``PV_t <= EV``, and
  ``ES = C + (EV - PV_C) / (PV_{C+1} - PV_C)``; ``ES = PD`` once EV reaches BAC. On a flat stretch
  of the curve the largest ``C`` wins, so ES is the *end* of a period without planned work.
- EAC names say the formula: ``cpi`` = BAC/CPI, ``plan`` = AC + (BAC - EV) (the rest at the
  budgeted rate), ``cpi_spi`` = AC + (BAC - EV)/(CPI·SPI), ``weighted`` = AC + (BAC - EV)/(0.8·CPI
  + 0.2·SPI), ``bottom_up`` = AC + the re-estimated remaining cost. ETC and VAC use ``eac.cpi``.
- An undefined value (a division by zero, TSPI at or after the planned duration) is ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from charter.errors import CharterError

COMPOSITE_CPI_WEIGHT = 0.8
"""Weight of the CPI in the ``weighted`` EAC (the SPI gets the rest), the usual 80/20 split."""


def ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else numerator / denominator


def eac_cpi(bac: float, cpi: float | None) -> float | None:
    """BAC/CPI: the remaining work costs what the work so far did."""
    return None if not cpi else bac / cpi


def eac_plan(bac: float, ev: float, ac: float) -> float:
    """AC + (BAC - EV): the overrun so far stays, the rest goes as budgeted."""
    return ac + (bac - ev)


def eac_cpi_spi(bac: float, ev: float, ac: float, cpi: float | None, spi: float | None) -> float | None:
    """AC + (BAC - EV)/(CPI·SPI): cost and schedule pressure both weigh on the rest."""
    if not cpi or not spi:
        return None
    return ac + (bac - ev) / (cpi * spi)


def eac_weighted(
    bac: float,
    ev: float,
    ac: float,
    cpi: float | None,
    spi: float | None,
    cpi_weight: float = COMPOSITE_CPI_WEIGHT,
) -> float | None:
    """AC + (BAC - EV)/(w·CPI + (1 - w)·SPI)."""
    if cpi is None or spi is None:
        return None
    index = cpi_weight * cpi + (1 - cpi_weight) * spi
    return None if index == 0 else ac + (bac - ev) / index


def etc_cpi(bac: float, ev: float, cpi: float | None) -> float | None:
    """(BAC - EV)/CPI: the remaining work at the cost efficiency so far."""
    return None if not cpi else (bac - ev) / cpi


def tcpi(bac: float, ev: float, ac: float, target: float | None = None) -> float | None:
    """(BAC - EV)/(target - AC): the efficiency the rest needs to end at ``target`` (BAC by default)."""
    goal = bac if target is None else target
    return ratio(bac - ev, goal - ac)


def planned_duration(pv_cum: ArrayLike) -> int:
    """PD in periods: the first period whose cumulative PV reaches the top of the curve."""
    curve = np.asarray(pv_cum, dtype=np.float64)
    if curve.size == 0:
        return 0
    return int(np.argmax(curve >= curve[-1])) + 1


def earned_schedule(pv_cum: ArrayLike, ev: float) -> float:
    """ES in periods for an earned value ``ev`` on the curve ``pv_cum`` (periods 1..PD)."""
    return float(earned_schedule_many(pv_cum, np.asarray([ev], dtype=np.float64))[0])


def earned_schedule_many(pv_cum: ArrayLike, ev: NDArray[np.float64]) -> NDArray[np.float64]:
    """ES for many earned values at once (one binary search each, no Python loop)."""
    curve = np.asarray(pv_cum, dtype=np.float64)
    pd = planned_duration(curve)
    curve = curve[:pd]
    values = np.asarray(ev, dtype=np.float64)
    if pd == 0:
        return np.zeros_like(values)
    padded = np.concatenate(([0.0], curve))
    c = np.searchsorted(curve, values, side="right")  # how many PV_t <= EV: the largest such t
    done = (c >= pd) | (values >= curve[-1])
    c_inner = np.minimum(c, pd - 1)
    low, high = padded[c_inner], padded[c_inner + 1]
    step = np.where(high > low, high - low, 1.0)
    es = c_inner + (values - low) / step
    return np.where(done, float(pd), es)


@dataclass(frozen=True, slots=True)
class Eac:
    """Estimates at completion, each named by its formula (see the module's docstring)."""

    cpi: float | None
    plan: float
    cpi_spi: float | None
    weighted: float | None
    bottom_up: float | None = None


@dataclass(frozen=True, slots=True)
class Indicators:
    """The earned-value and earned-schedule figures of one status (money; time in periods)."""

    bac: float
    pv: float
    ev: float
    ac: float
    sv: float
    cv: float
    spi: float | None
    cpi: float | None
    eac: Eac
    etc: float | None
    vac: float | None
    tcpi_bac: float | None
    tcpi_eac: float | None
    at: float | None = None
    pd: int | None = None
    es: float | None = None
    sv_t: float | None = None
    spi_t: float | None = None
    tspi: float | None = None
    ieac_t: float | None = None
    ieac_t_pf1: float | None = None
    """AT + (PD - ES): the rest of the schedule goes exactly as planned."""

    @property
    def tcpi_bac_unattainable(self) -> bool:
        """The budget can no longer be met: more is spent than budgeted while work remains."""
        return self.bac - self.ac <= 0 < self.bac - self.ev

    def as_dict(self) -> dict[str, object]:
        return {
            "bac": self.bac,
            "pv": self.pv,
            "ev": self.ev,
            "ac": self.ac,
            "sv": self.sv,
            "cv": self.cv,
            "spi": self.spi,
            "cpi": self.cpi,
            "eac": {
                "cpi": self.eac.cpi,
                "plan": self.eac.plan,
                "cpi_spi": self.eac.cpi_spi,
                "weighted": self.eac.weighted,
                "bottom_up": self.eac.bottom_up,
            },
            "etc": self.etc,
            "vac": self.vac,
            "tcpi_bac": self.tcpi_bac,
            "tcpi_bac_unattainable": self.tcpi_bac_unattainable,
            "tcpi_eac": self.tcpi_eac,
            "at": self.at,
            "pd": self.pd,
            "es": self.es,
            "sv_t": self.sv_t,
            "spi_t": self.spi_t,
            "tspi": self.tspi,
            "ieac_t": self.ieac_t,
            "ieac_t_pf1": self.ieac_t_pf1,
        }


def indicators(
    bac: float,
    pv: float,
    ev: float,
    ac: float,
    *,
    at: float | None = None,
    pv_cum: ArrayLike | None = None,
    etc_bottom_up: float | None = None,
) -> Indicators:
    """Every indicator of one status. Earned schedule needs the PV curve and the actual time
    ``at`` (periods since the start); without them those fields are ``None``."""
    spi, cpi = ratio(ev, pv), ratio(ev, ac)
    by_cpi = eac_cpi(bac, cpi)
    eac = Eac(
        cpi=by_cpi,
        plan=eac_plan(bac, ev, ac),
        cpi_spi=eac_cpi_spi(bac, ev, ac, cpi, spi),
        weighted=eac_weighted(bac, ev, ac, cpi, spi),
        bottom_up=None if etc_bottom_up is None else ac + etc_bottom_up,
    )
    pd = es = sv_t = spi_t = tspi = ieac_t = ieac_t_pf1 = None
    if pv_cum is not None and at is not None:
        curve = np.asarray(pv_cum, dtype=np.float64)
        pd = planned_duration(curve)
        es = earned_schedule(curve, ev)
        sv_t = es - at
        spi_t = ratio(es, at)
        tspi = ratio(pd - es, pd - at) if at < pd else None
        ieac_t = None if not spi_t else pd / spi_t
        ieac_t_pf1 = at + (pd - es)
    return Indicators(
        bac=bac,
        pv=pv,
        ev=ev,
        ac=ac,
        sv=ev - pv,
        cv=ev - ac,
        spi=spi,
        cpi=cpi,
        eac=eac,
        etc=None if by_cpi is None else by_cpi - ac,
        vac=None if by_cpi is None else bac - by_cpi,
        tcpi_bac=tcpi(bac, ev, ac),
        tcpi_eac=None if by_cpi is None else tcpi(bac, ev, ac, by_cpi),
        at=at,
        pd=pd,
        es=es,
        sv_t=sv_t,
        spi_t=spi_t,
        tspi=tspi,
        ieac_t=ieac_t,
        ieac_t_pf1=ieac_t_pf1,
    )


@dataclass(frozen=True, slots=True)
class SeriesResult:
    """A status series evaluated: the indicators at each reported period, and the latest."""

    periods: list[str]
    bac: float
    pv_cum: NDArray[np.float64]
    points: list[Indicators]
    """One per period with an earned value, in order; ``points[-1]`` is the current status."""

    @property
    def current(self) -> Indicators:
        return self.points[-1]


def evaluate_series(
    periods: Sequence[str],
    pv_cum: ArrayLike,
    ev_cum: Sequence[float | None],
    ac_cum: Sequence[float | None],
    *,
    bac: float | None = None,
) -> SeriesResult:
    """Indicators at every period that reports EV and AC. Periods are 1-based: the status at
    the end of period ``t`` has ``AT = t``; PV past the planned duration stays at BAC."""
    curve = np.asarray(pv_cum, dtype=np.float64)
    budget = float(curve[-1]) if bac is None else bac
    points = []
    for t, (ev, ac) in enumerate(zip(ev_cum, ac_cum, strict=True), start=1):
        if ev is None or ac is None:
            continue
        points.append(indicators(budget, float(curve[t - 1]), ev, ac, at=float(t), pv_cum=curve))
    if not points:
        raise CharterError(
            "the series reports no earned value yet",
            fix="give ev and ac for every period up to the status date",
        )
    return SeriesResult(list(periods), budget, curve, points)
