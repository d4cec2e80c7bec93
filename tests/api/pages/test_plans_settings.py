"""A plan's own settings file (api/plan_settings.py) and migration 0004, which stores it with
the plan beside the best plan so far's figures."""

from __future__ import annotations

from dataclasses import replace

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select, text

from api.db import MIGRATIONS, Database, make_engine, migrate
from api.models import PlanRow
from api.plan_settings import SettingsProblem, apply_plan_settings, decode, key_line
from planner.settings import Settings, VisitParams

#: its migration test starts from an empty database (tests/api/conftest.py)
EMPTY_DATABASE = True

SERVER = replace(Settings(), visit=VisitParams(setup_minutes=7))


def test_a_file_goes_over_the_servers_settings_key_by_key() -> None:
    mine = apply_plan_settings(SERVER, "[visit]\nobservation_minutes = 15\n[solver]\nseed = 4\n")
    assert mine.visit.observation_minutes == 15 and mine.visit.setup_minutes == 7
    assert mine.solver.seed == 4 and mine.solver.workers == SERVER.solver.workers
    speeds = apply_plan_settings(SERVER, "[travel.speed_kmh]\nfoot = 3.5\n")
    assert speeds.travel.speed_kmh["foot"] == 3.5 and speeds.travel.speed_kmh["car"] == 30
    assert apply_plan_settings(SERVER, "# nothing\n") == SERVER


@pytest.mark.parametrize(
    ("content", "kind", "section", "key", "line"),
    [
        ("[solver]\nseed = 1\nworkers = 9\n", "server_only", "solver", "workers", 3),
        ("[solver]\ntime_limit_s = 9\n", "server_only", "solver", "time_limit_s", 2),
        ("\n[roads]\n", "server_only", "roads", "", 2),
        ("[visit]\nsetup = 1\n", "unknown_key", "visit", "setup", 2),
        ("[visits]\n", "unknown_section", "visits", "", 1),
        ("visit = 3\n", "not_a_table", "visit", "", 1),
        ("[priority]\nmedium_from = 9\n", "bad_value", "priority", "medium_from", 2),
        # each fine alone (defaults 3 and 6), not together: the section is named
        ("[priority]\nmedium_from = 5\nhigh_from = 4\n", "bad_value", "priority", "", 1),
        ("[vials]\nweight = -1\n", "bad_value", "vials", "weight", 2),
        ("[vials.products.x]\ndoses_per_vial = 99\n", "bad_value", "vials", "products", None),
        ("solver.seed = -2\n", "bad_value", "solver", "seed", 1),
        ("[solver]\nseed = 1\n[solver]\n", "syntax", "", "", 3),
        ("a = [1,\n", "syntax", "", "", 1),  # at the end: the last line
    ],
)
def test_each_problem_names_its_section_key_and_line(
    content: str, kind: str, section: str, key: str, line: int | None
) -> None:
    with pytest.raises(SettingsProblem) as caught:
        apply_plan_settings(SERVER, content)
    problem = caught.value
    assert (problem.kind, problem.section, problem.key, problem.line) == (kind, section, key, line)
    assert problem.code == "input" and "settings file" in str(problem)


def test_the_bytes_must_be_utf8_text_of_a_sensible_size() -> None:
    assert decode("\ufeff[visit]\n".encode()) == "[visit]\n"  # Excel's BOM is fine
    for data, kind in ((b"\xff\xfe\x00", "not_utf8"), (b"#" * 70_000, "too_large")):
        with pytest.raises(SettingsProblem) as caught:
            decode(data)
        assert caught.value.kind == kind


def test_key_line_finds_headers_keys_and_quoted_keys() -> None:
    content = '# c\n[solver]\n  "seed" = 1\n[vials.products.pfizer]\ndoses_per_vial = 6\n'
    assert key_line(content, "solver") == 2 and key_line(content, "solver", "seed") == 3
    assert key_line(content, "vials") == 4 and key_line(content, "vials", "doses_per_vial") == 5
    assert key_line(content, "visit") is None and key_line(content, "solver", "x") is None


def test_migration_0004_adds_the_columns_and_goes_back(database_url: str) -> None:
    """On SQLite and PostgreSQL: a plan made before 0004 keeps its values and gets empty
    figures; down to 0003 the columns go, and up again."""
    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        connection.execute(
            text(
                "INSERT INTO plans (version, status, progress, start_date, days, time_limit_s, "
                "created_at, attempts) VALUES (1, 'solving', 0.4, '2026-11-23', 2, 30, "
                "'2026-11-22 09:00:00', 1)"
            )
        )
    migrate(engine)
    db = Database(database_url)
    with db.session() as s:
        plan = s.scalars(select(PlanRow)).one()
        assert (plan.best_planned, plan.best_coverage, plan.settings_toml) == (None, None, None)
        assert plan.progress == 0.4 and plan.days == 2
        plan.best_planned, plan.best_coverage, plan.settings_toml = 12, 0.25, "[visit]\n"
        s.commit()
    with db.session() as s:
        plan = s.scalars(select(PlanRow)).one()
        assert (plan.best_planned, plan.best_coverage, plan.settings_toml) == (
            12,
            0.25,
            "[visit]\n",
        )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    columns = {c["name"] for c in inspect(engine).get_columns("plans")}
    assert not columns & {"best_planned", "best_coverage", "settings_toml"}
    assert "requested_by" in columns
    migrate(engine)  # and up again
    assert {"best_planned", "best_coverage", "settings_toml"} <= {
        c["name"] for c in inspect(engine).get_columns("plans")
    }
    db.engine.dispose()
    engine.dispose()
