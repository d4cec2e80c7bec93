"""Random bodies and lists through the API on SQLite and PostgreSQL side by side (issue #19 8).

Every input goes to both engines in turn: neither may answer 5xx, and both must answer with
the same status, so that what one database accepts the other accepts too. The inputs mix the
values that broke the API before: NUL and other control characters, lone surrogates, strings
longer than the columns, ``1e999``/``NaN``/``Infinity`` (Python's json reads them), integers
past 64 bits, unicode. Bounded (``max_examples``) so that the module runs in about a minute.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from api.main import create_app
from api.security import create_token
from api.settings import Settings
from api.store import VN
from tests.api.conftest import _postgres_database, upload, wait_done

Engines = dict[str, tuple[TestClient, dict[str, str]]]
DEPOT = (22.1432, 105.843)
TEAMS = (
    "team_id,name,depot_lat,depot_lon,shift_start,shift_end,break_start,break_minutes,"
    "travel_mode,has_doctor,max_doses\n"
    f"T1,Trạm Y tế,{DEPOT[0]},{DEPOT[1]},07:00,17:00,11:30,60,motorbike,true,200\n"
)
RESIDENT_COLUMNS = ["resident_id", "full_name", "lat", "lon", "address", "ward", "phone", "notes"]
OUTCOMES = ["vaccinated", "refused", "not_at_home", "contraindicated", "postponed"]
SUITE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)


@dataclass(frozen=True)
class Raw:
    """JSON text sent as it is: what ``json.dumps`` would not write (1e999, 5,000 digits)."""

    text: str


def dumps(value: Any) -> str:
    """JSON with ``Raw`` pieces; strings escaped by json (lone surrogates as \\udXXX)."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value)


# --- strategies -----------------------------------------------------------------------------

#: any code point: NUL, C0/C1 controls, lone surrogates, every script
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=30)
#: what a file or a URL can carry (a lone surrogate cannot be encoded)
FILE_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
LONG_TEXT = st.text(st.sampled_from("aĐ\x00 9-"), min_size=95, max_size=400)
RAW_NUMBERS = st.sampled_from(
    [
        Raw("1e999"),
        Raw("-1e999"),
        Raw("NaN"),
        Raw("Infinity"),
        Raw("-Infinity"),
        Raw("1e400"),
        Raw("9" * 5000),
        Raw("-" + "9" * 30),
    ]
)
NUMBERS = st.one_of(st.integers(-(2**70), 2**70), st.floats(), RAW_NUMBERS)
WILD = st.one_of(
    ANY_TEXT, LONG_TEXT, NUMBERS, st.booleans(), st.none(), st.lists(st.integers(), max_size=2)
)
KEYS = st.from_regex(r"[A-Za-z0-9_.:-]{8,24}", fullmatch=True)


@st.composite
def recent_at(draw: st.DrawFn) -> str:
    """An instant from 90 days back to 30 minutes ahead, in whole minutes, any offset."""
    minutes = draw(st.integers(-90 * 24 * 60, 30))
    zone = draw(st.sampled_from([VN, dt.UTC, dt.timezone(dt.timedelta(hours=-11)), None]))
    at = dt.datetime.now(VN) + dt.timedelta(minutes=minutes)
    return (
        at.astimezone(zone).replace(tzinfo=None).isoformat()
        if zone is None
        else at.astimezone(zone).isoformat()
    )


def visit_bodies(planned: list[str], plan_id: int) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "resident_id": st.one_of(st.sampled_from(planned), WILD),
            "plan_id": st.one_of(st.just(plan_id), WILD),
            "outcome": st.one_of(st.sampled_from(OUTCOMES), WILD),
            "at": st.one_of(recent_at(), WILD),
            "idempotency_key": st.one_of(KEYS, WILD),
        },
        optional={
            "lat": st.one_of(st.floats(-90, 90), WILD),
            "lon": st.one_of(st.floats(-180, 180), WILD),
            "postponed_to": st.one_of(st.dates().map(dt.date.isoformat), WILD),
            "extra": WILD,
        },
    )


COORDINATE_TEXT = st.one_of(
    FILE_TEXT, st.sampled_from(["inf", "-inf", "nan", "1e999", "9" * 400, "22,15", " 22.15 "])
)
RESIDENT_ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "resident_id": st.one_of(FILE_TEXT, LONG_TEXT, KEYS),
            "full_name": st.one_of(FILE_TEXT, LONG_TEXT),
            "lat": st.one_of(st.floats(22.13, 22.16).map(str), COORDINATE_TEXT),
            "lon": st.one_of(st.floats(105.83, 105.86).map(str), COORDINATE_TEXT),
            "address": FILE_TEXT,
            "ward": st.one_of(FILE_TEXT, LONG_TEXT),
            "phone": FILE_TEXT,
            "notes": FILE_TEXT,
        }
    ),
    min_size=1,
    max_size=3,
)


# --- two engines ----------------------------------------------------------------------------


def _residents_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, RESIDENT_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _base_residents() -> bytes:
    return _residents_csv(
        [
            {
                "resident_id": f"P-{k:02d}",
                "full_name": f"Người {k}",
                "lat": str(DEPOT[0] + 0.002 * k),
                "lon": str(DEPOT[1] + 0.001 * k),
                "address": f"Tổ {k}",
                "ward": "Đức Xuân",
                "phone": "",
                "notes": "",
            }
            for k in range(1, 9)
        ]
    )


def _plan(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    created = client.post(
        "/plans",
        headers=headers,
        json={"start_date": dt.datetime.now(VN).date().isoformat(), "days": 1, "time_limit_s": 1},
    )
    assert created.status_code == 202, created.text
    return wait_done(client, headers, created.json()["id"])


def _engine(url: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    app = create_app(Settings(database_url=url, default_time_limit_s=1, max_upload_mb=2))
    with TestClient(app, raise_server_exceptions=False) as client:  # a 5xx is a status here
        with app.state.db.session() as s:
            headers = {"Authorization": f"Bearer {create_token(s, 'planner', None)}"}
        assert upload(client, headers, "teams", content=TEAMS.encode()).status_code == 201
        assert upload(client, headers, "residents", content=_base_residents()).status_code == 201
        yield client, headers


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engines]:
    postgres = _postgres_database()
    sqlite = _engine(f"sqlite:///{Path(tmp_path_factory.mktemp('prop')) / 'prop.sqlite'}")
    pg = _engine(next(postgres))
    try:
        yield {"sqlite": next(sqlite), "postgresql": next(pg)}
    finally:
        for gen in (sqlite, pg, postgres):
            gen.close()


@pytest.fixture(scope="module")
def planned(engines: Engines) -> tuple[int, list[str]]:
    """One plan on each engine; the residents both planned (all on team T1)."""
    plans = {name: _plan(client, headers) for name, (client, headers) in engines.items()}
    assert [p["status"] for p in plans.values()] == ["done", "done"], plans
    assert len({p["id"] for p in plans.values()}) == 1  # the same id: same bodies fit both
    ids = [
        {rid for r in p["plan"]["routes"] for s in r["stops"] for rid in s["resident_ids"]}
        for p in plans.values()
    ]
    both = sorted(ids[0] & ids[1])
    assert both, plans
    return plans["sqlite"]["id"], both


def same_status(engines: Engines, method: str, path: str, **kwargs: Any) -> int:
    """The request on each engine: no 5xx, the same status; that status."""
    statuses = {}
    extra = kwargs.pop("extra", {})
    for name, (client, headers) in engines.items():
        r = client.request(method, path, headers={**headers, **extra}, **kwargs)
        assert r.status_code < 500, (name, method, path, r.status_code, r.text[:500])
        statuses[name] = r.status_code
    assert len(set(statuses.values())) == 1, (method, path, statuses)
    return statuses["sqlite"]


# --- properties -----------------------------------------------------------------------------


@given(data=st.data())
@SUITE
def test_visits_are_judged_alike_on_both_engines(engines: Engines, planned, data) -> None:
    plan_id, residents = planned
    body = data.draw(visit_bodies(residents, plan_id))
    note(f"body={body!r}")
    content = dumps(body).encode("utf-8", "surrogatepass")
    same_status(
        engines, "POST", "/visits", content=content, extra={"content-type": "application/json"}
    )
    params = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "team_id": FILE_TEXT,
                "plan_id": st.one_of(FILE_TEXT, st.integers().map(str)),
                "limit": st.integers().map(str),
            },
        )
    )
    same_status(engines, "GET", "/visits", params=params)


def test_lists_import_plan_and_export_alike(engines: Engines, planned) -> None:
    """Random lists imported on both engines alike (each solve spawns the solver's workers, so
    one plan is made afterwards, over every random resident that was stored), then the plan,
    its CSV and XLSX export and the team's sheets read alike."""

    @given(rows=RESIDENT_ROWS, allow_rejects=st.booleans())
    @settings(SUITE, max_examples=25)
    def imports_alike(rows: list[dict[str, str]], allow_rejects: bool) -> None:
        note(f"rows={rows!r} allow_rejects={allow_rejects}")
        status = same_status(
            engines,
            "POST",
            "/residents/imports",
            params={"allow_rejects": str(allow_rejects).lower()},
            files={"file": ("list.csv", _residents_csv(rows), "text/csv")},
        )
        if status == 201:
            same_status(engines, "GET", "/residents", params={"limit": 10_000})

    imports_alike()
    stored = [
        len(client.get("/residents", headers=headers, params={"limit": 10_000}).json())
        for client, headers in engines.values()
    ]
    assert stored[0] == stored[1] > 8, stored  # random residents came through, on both
    plans = {name: _plan(client, headers) for name, (client, headers) in engines.items()}
    assert {p["status"] for p in plans.values()} == {"done"}, plans
    plan_id = plans["sqlite"]["id"]
    assert plans["postgresql"]["id"] == plan_id
    for path in (
        f"/plans/{plan_id}",
        f"/plans/{plan_id}/export?format=csv",
        f"/plans/{plan_id}/export?format=xlsx",
        f"/plans/{plan_id}/teams/T1/sheet",
        f"/plans/{plan_id}/teams/T1/sheet?format=csv",
    ):
        assert same_status(engines, "GET", path) == 200, path
