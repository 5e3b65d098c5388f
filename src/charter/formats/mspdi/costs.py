"""Money in MSPDI: rates, per-use and fixed costs, accruals.

MSPDI keeps a rate as an amount per working hour whatever unit Project shows it in
(``StandardRateFormat`` only says which: 3 per day, 4 per week, 5 per month), and every other
money value — cost per use, fixed cost, an assignment's cost — in hundredths of the currency.
A material resource's rate is per unit of material (format 8); Charter keeps it as it is.
"""

from __future__ import annotations

from charter.domain import Rate
from charter.domain.cost import Accrual
from charter.domain.resource import RatePer
from charter.domain.values import DurationUnit, WorkUnits
from charter.formats.mspdi.values import number_text

ACCRUALS: dict[str, Accrual] = {"1": "start", "2": "end", "3": "prorated"}
ACCRUAL_CODES: dict[Accrual, str] = {accrual: code for code, accrual in ACCRUALS.items()}
_PER_BY_FORMAT: dict[str, RatePer] = {"3": "d", "4": "w", "5": "mo"}
_FORMAT_BY_PER = {"h": "2", "d": "3", "w": "4", "mo": "5"}
_UNIT_BY_PER: dict[str, DurationUnit] = {"h": "h", "d": "d", "w": "w", "mo": "mo"}
MATERIAL_FORMAT = "8"


def rate_from(
    per_hour: float | None, format_code: str | None, units: WorkUnits, *, zero: bool = False
) -> Rate | None:
    """The rate an MSPDI amount per hour stands for, in the unit Project shows (None for none,
    and for 0 unless ``zero``). A rate per day, week or month is money: kept to the cent."""
    if per_hour is None or (per_hour == 0 and not zero):
        return None
    per: RatePer = _PER_BY_FORMAT.get(format_code or "", "h")
    amount = per_hour * units.minutes_per(_UNIT_BY_PER[per]) / 60
    return Rate(amount=round(amount, 6 if per == "h" else 2), per=per)


def rate_fields(rate: Rate | None, units: WorkUnits, *, material: bool = False) -> tuple[str, str] | None:
    """The MSPDI amount per hour (per unit for ``material``) and format code of ``rate`` (None
    for none or a ``/use`` rate)."""
    if rate is None or rate.per not in _UNIT_BY_PER:
        return None
    if material:
        return number_text(rate.amount), MATERIAL_FORMAT
    return number_text(
        round(rate.amount * 60 / units.minutes_per(_UNIT_BY_PER[rate.per]), 6)
    ), _FORMAT_BY_PER[rate.per]


def money_from(hundredths: float | None, *, zero: bool = False) -> float | None:
    """A money value stored in hundredths (None for none, and for 0 unless ``zero``)."""
    if hundredths is None or (hundredths == 0 and not zero):
        return None
    return hundredths / 100


def hundredths_text(amount: float) -> str:
    return number_text(round(amount * 100, 6))
