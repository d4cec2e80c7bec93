"""Residents, teams and a team's routes through their response models: the OpenAPI document
describes them, a planner gets every field, a team leader never a name or a condition, and a
route keeps every field of plan.json."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.schemas import ResidentForTeam

FOR_TEAM = set(ResidentForTeam.model_fields)


def _schema_of(openapi: dict, path: str) -> dict:
    return openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]


def test_the_openapi_document_names_the_models(client: TestClient) -> None:
    openapi = client.get("/openapi.json").json()
    listed = _schema_of(openapi, "/residents")["items"]["anyOf"]
    one = _schema_of(openapi, "/residents/{resident_id}")["anyOf"]
    refs = {"#/components/schemas/ResidentForTeam", "#/components/schemas/ResidentPublic"}
    assert {s["$ref"] for s in listed} == {s["$ref"] for s in one} == refs
    teams = _schema_of(openapi, "/teams")["items"]["$ref"]
    route = _schema_of(openapi, "/plans/{plan_id}/teams/{team_id}/route")["items"]["$ref"]
    assert (teams, route) == ("#/components/schemas/TeamPublic", "#/components/schemas/RoutePublic")
    public = openapi["components"]["schemas"]["ResidentPublic"]["properties"]
    assert {"full_name", "conditions", "notes"} <= set(public)
    assert not {"full_name", "conditions", "notes"} & set(
        openapi["components"]["schemas"]["ResidentForTeam"]["properties"]
    )


def test_a_planner_gets_every_field_a_leader_the_minimum(
    client: TestClient, tokens, loaded
) -> None:
    planner, leader = tokens["planner"], tokens["DX"]
    everyone = client.get("/residents", headers=planner, params={"limit": 10_000}).json()
    assert len(everyone) == 386 and all("full_name" in r and "conditions" in r for r in everyone)
    assert any(r["full_name"] for r in everyone) and any(r["conditions"] for r in everyone)
    own = client.get("/residents", headers=leader).json()
    assert own and all(set(r) == FOR_TEAM for r in own)
    by_id = {r["resident_id"]: r for r in everyone}
    rid = own[0]["resident_id"]
    full = client.get(f"/residents/{rid}", headers=planner).json()
    assert full == by_id[rid] and full["full_name"]
    minimal = client.get(f"/residents/{rid}", headers=leader).json()
    assert set(minimal) == FOR_TEAM and minimal["initials"]
    assert full["full_name"] not in str(minimal)


def test_teams_and_a_route_keep_their_fields(client: TestClient, tokens, loaded) -> None:
    planner, leader = tokens["planner"], tokens["DX"]
    teams = client.get("/teams", headers=planner).json()
    assert len(teams) == 7 and all({"team_id", "depot_lat", "max_doses"} <= set(t) for t in teams)
    assert [t["team_id"] for t in client.get("/teams", headers=leader).json()] == ["DX"]
    plan = client.get(f"/plans/{loaded['id']}", headers=planner).json()["plan"]
    routes = client.get(f"/plans/{loaded['id']}/teams/DX/route", headers=leader).json()
    assert routes == [r for r in plan["routes"] if r["team_id"] == "DX"]
    assert {"vials", "return_travel_s", "team_name"} <= set(routes[0])  # beyond the model
    assert "travel_s_from_previous" in routes[0]["stops"][0]
