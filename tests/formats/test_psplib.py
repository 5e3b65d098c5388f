"""Reading PSPLIB single-mode (.sm) files, and the errors for broken ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.engine.levelling.network import critical_path_bound
from charter.errors import CharterError
from charter.formats.psplib import PsplibError, parse_psplib, read_psplib
from tests.conftest import DATA

PSPLIB = DATA / "psplib"


def test_reads_j301_1() -> None:
    instance = read_psplib(PSPLIB / "j301_1.sm")
    problem = instance.problem
    assert instance.name == "j301_1"
    assert problem.n == 32 and problem.n_resources == 4
    assert problem.capacity.tolist() == [12, 13, 4, 12]
    assert instance.horizon == 158 and instance.mpm_time == 38
    # job 2: duration 8, requests 4 0 0 0; successors 6 11 15
    assert problem.duration[1] == 8 and problem.demand[1].tolist() == [4, 0, 0, 0]
    succ_of_2 = sorted(int(s) + 1 for p, s in zip(problem.arc_pred, problem.arc_succ, strict=True) if p == 1)
    assert succ_of_2 == [6, 11, 15]
    # finish-to-start: the lag is the predecessor's duration
    assert all(problem.arc_lag == problem.duration[problem.arc_pred])
    assert problem.duration[0] == 0 and problem.duration[-1] == 0
    assert problem.label(0) == "1" and problem.label(31) == "32"


@pytest.mark.parametrize("name", ["j301_1", "j305_1", "j3030_1", "j3043_1", "j1201_1"])
def test_the_critical_path_is_the_mpm_time(name: str) -> None:
    instance = read_psplib(PSPLIB / f"{name}.sm")
    assert critical_path_bound(instance.problem) == instance.mpm_time


def _broken(old: str, new: str) -> str:
    text = (PSPLIB / "j301_1.sm").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def test_a_bad_number_names_file_and_line() -> None:
    text = _broken(
        "   2        1          3           6  11  15", "   2        1          3           6  x1  15"
    )
    with pytest.raises(PsplibError) as caught:
        parse_psplib(text, file="bad.sm")
    assert str(caught.value.where) == "bad.sm:20"
    assert "x1" in caught.value.what


def test_a_wrong_successor_count_is_reported() -> None:
    text = _broken(
        "   2        1          3           6  11  15", "   2        1          4           6  11  15"
    )
    with pytest.raises(PsplibError) as caught:
        parse_psplib(text, file="bad.sm")
    assert caught.value.where is not None and caught.value.where.line == 20
    assert caught.value.fix is not None and "#successors" in caught.value.fix


def test_a_successor_out_of_range_is_reported() -> None:
    text = _broken(
        "   2        1          3           6  11  15", "   2        1          3           6  11  99"
    )
    with pytest.raises(PsplibError, match="successor 99"):
        parse_psplib(text, file="bad.sm")


def test_missing_section_and_multi_mode_are_reported() -> None:
    with pytest.raises(PsplibError, match="no 'jobs"):
        parse_psplib("nothing here\n", file="empty.sm")
    text = _broken(
        "   2        1          3           6  11  15", "   2        2          3           6  11  15"
    )
    with pytest.raises(PsplibError, match="2 modes"):
        parse_psplib(text, file="mm.sm")


def test_a_demand_above_capacity_has_no_schedule() -> None:
    text = _broken("  12   13    4   12", "  12   13    4   1")
    with pytest.raises(PsplibError, match="needs more than a resource's capacity"):
        parse_psplib(text, file="tight.sm")


def test_a_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(CharterError, match="cannot read"):
        read_psplib(tmp_path / "absent.sm")
