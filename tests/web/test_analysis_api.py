"""Analyses over the API: the same documents as the commands print, with what the team logged on
the server counted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from charter.cli.app import main

Auth = Callable[[str], dict[str, str]]
EXAMPLE = Path(__file__).parents[2] / "examples" / "crm-upgrade.yaml"


def created_from(client: TestClient, auth: Auth, plan: Path) -> str:
    """The key of a new project made by 'owner' from a plan file."""
    created = client.post(
        "/api/v1/projects",
        content=plan.read_bytes(),
        headers={"Content-Type": "application/yaml", **auth("owner")},
    )
    assert created.status_code == 201, created.text
    key: str = created.json()["key"]
    return key


def unnamed(document: Any) -> Any:
    """The document with the names of the plans it speaks of (file or project key) left out."""
    if isinstance(document, dict):
        return {k: unnamed(v) for k, v in document.items() if k not in ("plan", "plans")}
    if isinstance(document, list):
        return [unnamed(v) for v in document]
    return document


def cli_json(capsys: Any, *args: str) -> Any:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_earned_value_is_the_commands_and_counts_time_logged_on_the_server(
    client: TestClient, auth: Auth, tmp_path: Path, capsys: Any
) -> None:
    evm = f"/api/v1/projects/{created_from(client, auth, EXAMPLE)}/evm"

    api = client.get(evm, headers=auth("owner")).json()
    assert api == cli_json(capsys, "evm", str(EXAMPLE), "--json")
    assert (api["status_date"], api["currency"]) == ("2027-04-16", "EUR")
    assert (round(api["spi"], 3), round(api["cpi"], 3)) == (0.799, 0.812)  # as the README shows

    logged = client.post(
        f"{evm.removesuffix('/evm')}/time-entries",
        json={"person": "dev1", "task": "migrate", "date": "2027-04-10", "hours": 6, "note": "weekend run"},
        headers=auth("owner"),
    )
    assert logged.status_code == 201, logged.text
    sheet = tmp_path / "server.csv"
    sheet.write_text("person,task,date,hours,note\ndev1,migrate,2027-04-10,6,weekend run\n")
    after = client.get(evm, headers=auth("owner")).json()
    assert after == cli_json(capsys, "evm", str(EXAMPLE), "--entries", str(sheet), "--json")
    assert after["ac"] > api["ac"] and after["ev"] == api["ev"] and after["bac"] == api["bac"]


def test_earned_value_by_month_from_a_stakeholders_view(client: TestClient, auth: Auth) -> None:
    key = created_from(client, auth, EXAMPLE)
    assert client.get(f"/api/v1/projects/{key}/evm", headers=auth("stakeholder")).status_code == 404
    assert client.put(
        f"/api/v1/projects/{key}/members/stakeholder",
        json={"role": "stakeholder"},
        headers={"If-None-Match": "*", **auth("owner")},
    ).status_code in (200, 201)
    monthly = client.get(
        f"/api/v1/projects/{key}/evm?period=month&status_date=2027-03-31", headers=auth("stakeholder")
    )
    assert monthly.status_code == 200, monthly.text
    document = monthly.json()
    assert document["period"] == "month" and document["status_date"] == "2027-03-31"
    march, april = document["periods"][:2]
    assert (march["period"], april["period"]) == ("2027-03-31", "2027-04-30")
    assert march["ev"] is not None and april["ev"] is None  # nothing earned after the status date
    bad = client.get(f"/api/v1/projects/{key}/evm?status_date=31.03.2027", headers=auth("owner"))
    assert bad.status_code == 422 and "status_date" in bad.json()["what"]


def test_the_risk_forecast_is_the_commands_for_the_same_seed(
    client: TestClient, auth: Auth, capsys: Any
) -> None:
    example = EXAMPLE.with_name("data-centre-exit.yaml")
    risk = f"/api/v1/projects/{created_from(client, auth, example)}/risk"
    api = client.get(f"{risk}?iterations=400&seed=7", headers=auth("owner")).json()
    assert api == cli_json(capsys, "risk", str(example), "--iterations", "400", "--seed", "7", "--json")
    finish = api["finish"]
    assert finish["p10"] <= finish["p50"] <= finish["p80"] <= finish["p90"]
    assert api["risks"] and all(0 <= v <= 1 for v in api["criticality"].values())
    too_many = client.get(f"{risk}?iterations=1000000", headers=auth("owner"))
    assert too_many.status_code == 422


def test_workload_and_levelling_proposal_are_the_commands(
    client: TestClient, auth: Auth, tmp_path: Path, capsys: Any
) -> None:
    example = EXAMPLE.with_name("analytics-platform.yaml")
    project = f"/api/v1/projects/{created_from(client, auth, example)}"
    load = client.get(f"{project}/workload?by=week", headers=auth("owner")).json()
    assert load == cli_json(capsys, "workload", str(example), "--by", "week", "--json")
    assert load["overallocated"] is True  # the example over-allocates its data engineer

    proposal = client.get(f"{project}/levelling", headers=auth("owner")).json()
    stored = tmp_path / "stored.yaml"
    stored.write_text(client.get(f"{project}/export", headers=auth("owner")).text)
    cli = cli_json(capsys, "level", str(stored), "--mode", "fast", "--json")
    assert unnamed(proposal) == unnamed(cli)
    assert (
        proposal["moves"] and proposal["unresolved"] == [] and proposal["finish"] >= proposal["finish_before"]
    )
    moved = [move for move in proposal["moves"] if move["shift_minutes"]]
    # every move says why: the resource it waited for and who had it, or the task that pushed it
    assert moved and all((m["waited_for"] and m["competed_with"]) or m["pushed_by"] for m in moved)
    refused = client.get(f"{project}/levelling?mode=optimal&time_limit=600", headers=auth("owner"))
    assert refused.status_code == 422
