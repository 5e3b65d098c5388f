"""Every vector of ``tests/data/evm/vectors.json`` reproduced (sources and licences: its README).

EAC conventions by vector (the engine's names; see ``charter.engine.evm``):
- ``evm-pra-eac-etc-tcpi``: ``eac.cpi`` = BAC/CPI (PRA "typical"), ``eac.plan`` = AC + (BAC - EV)
  (PRA "atypical"); CPI is *given* (0.83), not EV/AC, so the formula functions take it.
- ``evm-pmcontrols-hand-001``: ``eac.cpi`` (pmcontrols ``eac_cpi``) and ``eac.plan`` (pmcontrols
  calls it ``eac_typical``); ETC and VAC from ``eac.cpi``.
- ``evm-es-derived-late-finish``: ``eac.cpi``, ``eac.plan``, ``eac.cpi_spi`` = AC + (BAC - EV)/(CPI·SPI)
  and ``eac.weighted`` = AC + (BAC - EV)/(0.8·CPI + 0.2·SPI); TCPI(EAC) with ``eac.cpi``.
- ``evm-es-derived-pra-extended``: ``eac.cpi``, ``eac.plan``, ``eac.cpi_spi``.
- ``evm-pra-spi-cpi``, ``es-prepcast-linear``, ``es-pmcontrols-interp-003``,
  ``es-derived-flat-segment``: no EAC (SPI/CPI, and earned schedule after Lipke).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from charter.engine import evm
from charter.engine.evm import Indicators, earned_schedule, indicators
from charter.errors import CharterError

VECTORS = {
    v["id"]: v
    for v in json.loads((Path(__file__).parents[1] / "data" / "evm" / "vectors.json").read_text())["vectors"]
}


def value_of(result: Indicators, name: str) -> float | None:
    fields: dict[str, float | None] = {
        "PV": result.pv,
        "SV": result.sv,
        "CV": result.cv,
        "SPI": result.spi,
        "CPI": result.cpi,
        "EAC_cpi": result.eac.cpi,
        "EAC_budget_rate": result.eac.plan,
        "EAC_cpi_spi": result.eac.cpi_spi,
        "EAC_weighted_0.8cpi_0.2spi": result.eac.weighted,
        "ETC_cpi": result.etc,
        "VAC_cpi": result.vac,
        "TCPI_bac": result.tcpi_bac,
        "TCPI_eac_cpi": result.tcpi_eac,
        "ES": result.es,
        "SV_t": result.sv_t,
        "SPI_t": result.spi_t,
        "TSPI_pd": result.tspi,
        "IEAC_t": result.ieac_t,
        "IEAC_t_pf1": result.ieac_t_pf1,
    }
    return fields[name]


def close(actual: float | None, expected: float | None, *, rel: float = 0.0, abs_: float = 0.0) -> bool:
    if expected is None or actual is None:
        return actual is expected
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_)


def check_all(result: Indicators, expected: dict[str, Any], tolerance: dict[str, Any]) -> None:
    rel = float(tolerance.get("rel", 0.0))
    abs_ = tolerance.get("abs", 0.0)
    for name, want in expected.items():
        got = value_of(result, name)
        assert close(got, want, rel=rel, abs_=float(abs_)), (name, got, want)


def test_pra_spi_cpi() -> None:
    v = VECTORS["evm-pra-spi-cpi"]
    i = v["inputs"]
    at = i["at"]
    result = indicators(
        i["BAC"], i["pv_cum"][at - 1], i["ev"], i["ac_cum"][at - 1], at=at, pv_cum=i["pv_cum"]
    )
    check_all(result, v["expected"], v["tolerance"])
    check_all(result, v["derived_outputs"], {"rel": 1e-12})
    assert result.cpi == pytest.approx(0.9722222, abs=5e-8)


def test_pra_eac_etc_tcpi_with_the_given_cpi() -> None:
    v = VECTORS["evm-pra-eac-etc-tcpi"]
    i, e, tol = v["inputs"], v["expected"], v["tolerance"]["abs"]
    bac, ev, ac, cpi = i["BAC"], i["ev"], i["ac"], i["cpi_given"]
    eac_cpi = evm.eac_cpi(bac, cpi)
    etc_cpi = evm.etc_cpi(bac, ev, cpi)
    assert eac_cpi is not None and etc_cpi is not None
    assert abs(eac_cpi - e["EAC_cpi"]) <= tol["EAC_cpi"]
    assert evm.eac_plan(bac, ev, ac) == e["EAC_budget_rate"]
    assert bac - ev == e["ETC_budget_rate"]
    assert evm.eac_plan(bac, ev, ac) - ac == e["ETC_budget_rate"]
    assert abs(etc_cpi - e["ETC_cpi"]) <= tol["ETC_cpi"]
    tcpi_bac = evm.tcpi(bac, ev, ac)
    tcpi_eac = evm.tcpi(bac, ev, ac, i["eac_given_for_tcpi"])
    assert tcpi_bac is not None and abs(tcpi_bac - e["TCPI_bac"]) <= tol["TCPI_bac"]
    assert tcpi_eac is not None and abs(tcpi_eac - e["TCPI_eac"]) <= tol["TCPI_eac"]
    combined = evm.eac_cpi_spi(bac, ev, ac, cpi, 0.875)  # the caveat's derived value
    assert combined == pytest.approx(152500.86, abs=0.005)


def test_prepcast_linear_earned_schedule() -> None:
    v = VECTORS["es-prepcast-linear"]
    i, e, tol = v["inputs"], v["expected"], v["tolerance"]
    result = indicators(i["BAC"], i["pv_cum"][i["at"] - 1], i["ev"], i["ev"], at=i["at"], pv_cum=i["pv_cum"])
    assert result.pd == i["PD"]
    for name in ("ES", "SV_t", "SPI_t"):
        assert close(value_of(result, name), e[name], abs_=tol[name]), name


def test_pmcontrols_hand_001() -> None:
    v = VECTORS["evm-pmcontrols-hand-001"]
    i = v["inputs"]
    result = indicators(i["BAC"], i["pv_cum"][i["at"] - 1], i["ev"], i["ac"], at=i["at"], pv_cum=i["pv_cum"])
    check_all(result, v["expected"], v["tolerance"])


def test_pmcontrols_es_interpolation() -> None:
    v = VECTORS["es-pmcontrols-interp-003"]
    for inputs, expected in zip(v["inputs"], v["expected"], strict=True):
        es = earned_schedule(inputs["pv_cum"], inputs["ev"])
        assert abs(es - expected["ES"]) <= v["tolerance"]["abs"]


@pytest.mark.parametrize("at", [4, 7, 10, 13])
def test_derived_late_finish(at: int) -> None:
    v = VECTORS["evm-es-derived-late-finish"]
    i = v["inputs"]
    result = evm.evaluate_series(
        [str(t) for t in range(1, 14)],
        i["pv_cum"] + [i["BAC"]] * 3,  # PV past the planned duration stays at BAC
        i["ev_cum"],
        i["ac_cum"],
        bac=i["BAC"],
    ).points[at - 1]
    assert result.at == at and result.pd == i["PD"]
    check_all(result, v["expected"][str(at)], v["tolerance"])
    if at == 10:
        assert result.tcpi_bac is not None and result.tcpi_bac < 0 and result.tcpi_bac_unattainable
    if at == 4:
        assert not result.tcpi_bac_unattainable


def test_derived_flat_segment_takes_the_largest_c() -> None:
    v = VECTORS["es-derived-flat-segment"]
    pv_cum = v["inputs"]["pv_cum"]
    for case in v["expected"]:
        at = case["at"]
        result = indicators(pv_cum[-1], pv_cum[at - 1], case["ev"], case["ac"], at=at, pv_cum=pv_cum)
        check_all(result, {k: case[k] for k in ("ES", "SV_t", "SPI_t", "SPI", "IEAC_t")}, v["tolerance"])
    assert earned_schedule(pv_cum, 200) == 3.0  # not 2: the end of the period without planned work


def test_derived_pra_extended() -> None:
    v = VECTORS["evm-es-derived-pra-extended"]
    i = v["inputs"]
    result = indicators(i["BAC"], i["pv_cum"][i["at"] - 1], i["ev"], i["ac"], at=i["at"], pv_cum=i["pv_cum"])
    check_all(result, v["expected"], v["tolerance"])


def test_every_vector_has_a_test() -> None:
    assert set(VECTORS) == {
        "evm-pra-spi-cpi",
        "evm-pra-eac-etc-tcpi",
        "es-prepcast-linear",
        "evm-pmcontrols-hand-001",
        "es-pmcontrols-interp-003",
        "evm-es-derived-late-finish",
        "es-derived-flat-segment",
        "evm-es-derived-pra-extended",
    }


def test_a_series_without_earned_value_is_refused() -> None:
    with pytest.raises(CharterError, match="no earned value") as caught:
        evm.evaluate_series(["1", "2"], [10, 20], [None, None], [None, None])
    assert caught.value.fix is not None


def test_undefined_values_are_none_not_errors() -> None:
    nothing = indicators(0.0, 0.0, 0.0, 0.0, at=0.0, pv_cum=[0.0])
    assert (nothing.spi, nothing.cpi, nothing.eac.cpi, nothing.etc, nothing.vac, nothing.spi_t) == (None,) * 6
    assert nothing.tcpi_bac is None and nothing.ieac_t is None
    assert nothing.es == nothing.pd == 1  # an empty budget is all earned: ES is the planned duration
