"""Schemathesis over the API's own OpenAPI document: every operation it lists, generated requests
sent in process (no network) by an owner, an admin and someone not signed in.

Each response must not be a 5xx and must match what the document promises: a documented status
code, a documented content type, a body that validates against the documented schema and the
documented headers. Generation is derandomized, so a run is the same on every machine; the
requests are counted, and a backend run must send at least :data:`TARGET` of them.

Generated path parameters hit nothing but 404 on their own, so some draws swap in names that
exist in the test world (projects, tasks, users), and some writes quote ``If-Match: *`` or leave
it out: the allowed and refused paths of each operation are both exercised.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.python.asgi import ASGIClient
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from charter.web import create_app
from tests.backends import Backend
from tests.services.conftest import FAST
from tests.store.conftest import SMALL
from tests.web.conftest import BASE_URL, WebWorld, settings_for

Operation = schemathesis.APIOperation[Any, Any, Any, Any]
Case = schemathesis.Case[Any]

TARGET = 2_000
"""Generated requests per backend run, at least (the issue's acceptance line)."""

FUZZERS = ("owner", "admin", "anonymous")
"""Who sends the requests: a project owner's and an admin's write tokens, and nobody."""

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

EXCLUDED: dict[str, tuple[CheckFunction, str]] = {}
"""Operation (``METHOD /path``) -> the one check it is spared and the bug that is the reason."""

KNOWN: dict[str, tuple[str, ...]] = {
    "key": ("own-private", "own-public", "others-private", "others-public"),
    "task_key": ("design", "arch", "review", "build", "golive", "notes"),
    "username": ("owner", "manager", "member", "viewer", "stakeholder", "admin", "outsider", "target2"),
    "item_key": (
        "standard",
        "night",
        "old-night",
        "alice",
        "bob",
        "carol",
        "vendor-late",
        "scope",
        "old-risk",
    ),
    "predecessor": ("arch", "build", "review", "design"),
    "resource": ("alice", "bob"),
}
"""Path parameter name -> values that exist in the test world (see tests/services/conftest.py)."""

BODIES: dict[str, tuple[str, ...]] = {"application/yaml": (SMALL,)}
"""Media type -> request bodies that are valid documents (a generated string rarely is one)."""

IF_MATCH_CHOICES = ("generated", "any", "absent", "first")


@dataclass
class Tally:
    """What one fuzzer's requests got: a count per operation and per status code."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    per_operation: Counter[str] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def apps(backend: Backend, web_world: WebWorld, tmp_path: Path) -> Iterator[dict[str, FastAPI]]:
    """One app per fuzzer, each on its own copy of the world: one's deletes do not blind another."""
    made: dict[str, FastAPI] = {}
    databases: list[str] = []
    try:
        for name in FUZZERS:
            data_dir = tmp_path / name / "data"
            url = backend.clone(web_world.url, data_dir)
            databases.append(url)
            made[name] = create_app(settings_for(backend, url, data_dir), hasher=FAST)
        yield made
    finally:
        for app in made.values():
            asyncio.run(shut_down(app))
        for url in databases:
            backend.drop(url)


async def shut_down(app: FastAPI) -> None:
    """The end of the app's lifespan closes its store."""
    async with app.router.lifespan_context(app):
        pass


def load_schema(app: FastAPI) -> schemathesis.BaseSchema:
    """The document the app serves at /openapi.json (fetched through the app itself)."""
    response = ASGIClient(cast(Any, app), base_url=BASE_URL).get("/openapi.json")
    assert response.status_code == 200, response.text
    return schemathesis.openapi.from_dict(response.json(), config=schemathesis.Config())


def operations(schema: schemathesis.BaseSchema) -> list[Operation]:
    """Every operation, reads first and deletes last, so a fuzzer's deletes come after the rest."""
    order = {"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}
    found: list[Operation] = []
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            raise AssertionError(
                f"the OpenAPI document has an operation Schemathesis cannot read: {result.err()}"
            )
        found.append(result.ok())
    return sorted(found, key=lambda op: (order.get(op.method.upper(), 5), op.path))


def strategy_for(operation: Operation) -> st.SearchStrategy[Case]:
    """Valid requests and, where the operation takes any input, invalid ones too."""
    positive = operation.as_strategy(schemathesis.GenerationMode.POSITIVE)
    if not operation.definition.raw.get("parameters") and "requestBody" not in operation.definition.raw:
        return positive
    return st.one_of(positive, operation.as_strategy(schemathesis.GenerationMode.NEGATIVE))


def steer(case: Case, data: st.DataObject, token: str | None) -> None:
    """Point some requests at things that exist, and send the fuzzer's credentials."""
    for name in list(case.path_parameters):
        if name in KNOWN:
            choice = data.draw(st.sampled_from((None, *KNOWN[name])), label=name)
            if choice is not None:
                case.path_parameters[name] = choice
    if case.media_type in BODIES and data.draw(st.booleans(), label="valid body"):
        case.body = data.draw(st.sampled_from(BODIES[case.media_type]), label="body")
    headers = case.headers
    if case.method.upper() in ("PUT", "PATCH", "DELETE"):
        choice = data.draw(st.sampled_from(IF_MATCH_CHOICES), label="If-Match")
        if choice == "any":
            headers["If-Match"] = "*"
        elif choice == "first":
            headers["If-Match"] = '"1"'
        elif choice == "absent":
            headers.pop("If-Match", None)
    if token is None:
        headers.pop("Authorization", None)
    else:
        headers["Authorization"] = f"Bearer {token}"


def fuzz(
    app: FastAPI,
    operation: Operation,
    token: str | None,
    examples: int,
    tally: Tally,
) -> None:
    client = ASGIClient(cast(Any, app), base_url=BASE_URL)
    label = f"{operation.method.upper()} {operation.path}"
    excluded = [EXCLUDED[label][0]] if label in EXCLUDED else []

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy_for(operation), data=st.data())
    def run(case: Case, data: st.DataObject) -> None:
        steer(case, data, token)
        tally.requests += 1
        tally.per_operation[label] += 1
        response = case.call(session=client, base_url=BASE_URL, app=app)
        tally.statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, excluded_checks=excluded)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # every failing operation is reported
        tally.failures[label] = f"{type(exc).__name__}: {exc}"


def summary(tallies: dict[str, Tally]) -> str:
    lines = [f"{sum(t.requests for t in tallies.values())} generated requests"]
    for name, tally in tallies.items():
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(tally.statuses.items()))
        lines.append(f"  {name}: {tally.requests} ({statuses})")
    return "\n".join(lines)


def test_generated_requests_get_documented_answers(apps: dict[str, FastAPI], tokens: dict[str, str]) -> None:
    schema = load_schema(apps["owner"])
    todo = operations(schema)
    assert len(todo) >= 10, "the OpenAPI document lists fewer operations than the API has"
    examples = math.ceil(TARGET * 1.15 / (len(FUZZERS) * len(todo)))
    tallies: dict[str, Tally] = {}
    for name in FUZZERS:
        tallies[name] = tally = Tally()
        token = None if name == "anonymous" else tokens[name]
        for operation in todo:
            fuzz(apps[name], operation, token, examples, tally)

    failures = [
        f"{name}: {label}\n{message}"
        for name, tally in tallies.items()
        for label, message in tally.failures.items()
    ]
    print(summary(tallies))
    assert not failures, "\n\n".join(failures)
    total = sum(t.requests for t in tallies.values())
    assert total >= TARGET, f"only {total} generated requests ({examples} examples per operation)"
    for name, tally in tallies.items():
        missed = [f"{op.method.upper()} {op.path}" for op in todo]
        missed = [label for label in missed if tally.per_operation[label] == 0]
        assert not missed, f"{name} sent nothing to {missed}"
    owner, anonymous = tallies["owner"].statuses, tallies["anonymous"].statuses
    assert sum(n for status, n in owner.items() if 200 <= status < 300) >= 100 and owner[201] >= 1, owner
    assert owner[403] + owner[404] + owner[412] + owner[422] + owner[428] >= 50, owner
    assert anonymous[401] >= 20 and sum(n for s, n in anonymous.items() if s < 300) >= 20, anonymous
