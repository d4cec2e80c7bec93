"""Migration 0005 (devices, device_enrolments) on SQLite and PostgreSQL: up from 0004 with the
tables empty, a device and a code stored and read back, down to 0004 (the tables go), up again.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select

from api.db import MIGRATIONS, Database, make_engine, migrate
from api.devices import create_code, redeem
from api.models import DeviceRow, EnrolmentRow, TeamRow

#: its migration test starts from an empty database (tests/api/conftest.py)
EMPTY_DATABASE = True


def test_migration_0005_adds_the_device_tables_and_goes_back(database_url: str) -> None:
    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    assert not {"devices", "device_enrolments"} & set(inspect(engine).get_table_names())
    migrate(engine)
    db = Database(database_url)
    with db.session() as s:
        s.add(TeamRow(team_id="DX", data={}, content_hash="x"))
        s.commit()
        _, code = create_code(s, "DX", "Trần Văn Minh", "máy 1")
        done = redeem(s, code)
        assert not isinstance(done, str)
    with db.session() as s:
        device = s.scalars(select(DeviceRow)).one()
        enrolment = s.scalars(select(EnrolmentRow)).one()
        assert (device.team_id, device.label, device.revoked_at) == ("DX", "máy 1", None)
        assert enrolment.device_id == device.id and enrolment.used_at is not None
        assert len(device.secret_hash) == 64 and code not in enrolment.code_hash
    db.engine.dispose()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert not {"devices", "device_enrolments"} & set(inspect(engine).get_table_names())
    migrate(engine)  # and up again
    assert {"devices", "device_enrolments"} <= set(inspect(engine).get_table_names())
    engine.dispose()
