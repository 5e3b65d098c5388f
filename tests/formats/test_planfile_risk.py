"""The risk register and uncertainty in the plan file: read, written back, in the schema."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
import yaml

from charter.domain.risk import DistributionSpec
from charter.errors import PlanFileError
from charter.formats.planfile import dump_plan, parse_plan
from charter.formats.planfile.schema import plan_schema

TEXT = """\
charter: 1
project: {name: Register, start: 2027-01-04}
tasks:
  - {key: a, estimate: 2d/3d/6d, distribution: {type: pert, lambda: 3}}
  - {key: b, estimate: 1d/2d/4d, distribution: {type: discrete, weights: [0.25, 0.5, 0.25]}, after: [a]}
  - {key: c, estimate: 3d/5d/9d, distribution: lognormal, after: [a]}
correlation:
  - {tasks: [a, b, c], rho: 0.5}
risks:
  - key: vendor
    title: Vendor delivers late
    probability: 30%
    delay: {tasks: [b], amount: 2d/4d/8d}
    cost: 1000/2000/5000
    response: mitigate
    cause: One supplier
    event: Late delivery
    effect: Build waits
    proximity: 2027-02-01
    trigger: No shipping notice by week 3
    status: open
    mitigation: {action: Second supplier, cost: 1500, probability: 10%, delay: 1d, cost_impact: 500}
    history:
      - {date: 2027-01-04, note: Raised, status: open}
"""


def test_register_fields_and_distributions_round_trip() -> None:
    plan = parse_plan(TEXT)
    assert plan.tasks[0].distribution == DistributionSpec(type="pert", lam=3.0)
    assert plan.tasks[1].distribution == DistributionSpec(type="discrete", weights=(0.25, 0.5, 0.25))
    assert plan.tasks[2].distribution == "lognormal"
    assert plan.correlation[0].tasks == ["a", "b", "c"] and plan.correlation[0].rho == 0.5
    risk = plan.risks[0]
    assert risk.proximity == dt.date(2027, 2, 1) and risk.status == "open"
    assert risk.mitigation is not None and risk.mitigation.cost == 1500 and risk.mitigation.probability == 0.1
    assert risk.mitigation.delay is not None and str(risk.mitigation.delay.likely) == "1d"
    assert risk.history[0].note == "Raised"
    again = parse_plan(dump_plan(plan))
    assert again == plan
    assert dump_plan(again) == dump_plan(plan)


def test_schema_accepts_the_register_and_rejects_a_typo() -> None:
    schema = plan_schema()
    document = json.loads(json.dumps(yaml.safe_load(TEXT), default=str))
    jsonschema.validate(document, schema)
    bad = json.loads(json.dumps(document))
    bad["risks"][0]["mitigation"]["residual"] = 0.1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("weights: [0.25, 0.5, 0.25]", "weights: [0.5, 0.5, 0.5]", "add up to 1"),
        ("{type: pert, lambda: 3}", "{lambda: 3}", "has no type"),
        ("rho: 0.5", "rho: 1.5", "rho is 1.5"),
        ("status: open\n    mitigation", "status: maybe\n    mitigation", "'maybe' is not one of"),
        ("{action: Second supplier,", "{plan: Second supplier,", "plan"),
    ],
)
def test_mistakes_are_reported_with_where(old: str, new: str, message: str) -> None:
    with pytest.raises(PlanFileError) as caught:
        parse_plan(TEXT.replace(old, new, 1))
    assert message in str(caught.value)
    assert caught.value.where is not None and caught.value.where.line is not None


MATRIX_PLAN = """\
charter: 1
project: {name: M, start: 2027-01-04}
tasks:
  - {key: a, duration: 5d}
risks:
  - {key: r1, title: Late vendor, probability: 35%, delay: {tasks: [a], amount: 3d}}
risk_matrix:
  probability: [5%, 20%, 40%, 60%]
  delay: [1d, 3d, 1w, 2w]
  cost: [1000, 5000, 20000, 50000]
  ratings: {low: 1, medium: 4, high: 9, critical: 16}
"""


def test_an_organisations_own_risk_matrix_is_read_written_and_used() -> None:
    plan = parse_plan(MATRIX_PLAN)
    matrix = plan.risk_matrix
    assert matrix is not None
    assert (matrix.probability, matrix.delay_days) == ((0.05, 0.2, 0.4, 0.6), (1.0, 3.0, 5.0, 10.0))
    assert parse_plan(dump_plan(plan)) == plan
    jsonschema.validate(json.loads(json.dumps(yaml.safe_load(MATRIX_PLAN), default=str)), plan_schema())
    from charter.engine.montecarlo import ProbabilityImpactMatrix, score_risks

    [own] = score_risks(plan.risks, plan.project.work_units, ProbabilityImpactMatrix.of(matrix))
    [default] = score_risks(plan.risks, plan.project.work_units)
    # 35 % is band 3 of 5-20-40-60 (band 3 of the default 10-30-50-70 too); a 3-day delay is
    # band 3 of 1-3-1w-2w (thresholds are upper bounds: 3 days is past the second) but band 2
    # of the default 2-5-10-20.
    assert (own.probability_band, own.impact_band, own.score, own.rating) == (3, 3, 9, "high")
    assert (default.probability_band, default.impact_band, default.score, default.rating) == (
        3,
        2,
        6,
        "medium",
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("delay: [1d, 3d, 1w, 2w]", "delay: [1d, 3d, 2w]", "risk_matrix delay has 3 thresholds"),
        ("cost: [1000, 5000, 20000, 50000]", "cost: [1000, 500, 20000, 50000]", "thresholds do not rise"),
        (
            "ratings: {low: 1, medium: 4, high: 9, critical: 16}",
            "ratings: {low: 2, high: 9}",
            "lowest being 1",
        ),
        (
            "  probability: [5%, 20%, 40%, 60%]\n",
            "  probabilty: [5%, 20%, 40%, 60%]\n",
            "unknown key 'probabilty'",
        ),
    ],
)
def test_a_wrong_risk_matrix_is_reported_with_where(old: str, new: str, message: str) -> None:
    assert old in MATRIX_PLAN
    with pytest.raises(PlanFileError) as raised:
        parse_plan(MATRIX_PLAN.replace(old, new))
    assert message in raised.value.what and raised.value.where is not None and raised.value.where.line
