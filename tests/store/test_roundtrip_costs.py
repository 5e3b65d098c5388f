"""Money and progress survive the database: plans with costs stored and read back are equal."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from charter.domain import Plan
from charter.store import Store
from tests.strategies import costed_plans


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=costed_plans())
def test_costed_plans_round_trip(store: Store, plan: Plan) -> None:
    again = store.export_plan(store.import_plan(plan))
    assert again == plan
    assert (
        again.time_entries == plan.time_entries
        and again.resources["dev"].rates == plan.resources["dev"].rates
    )
