"""The API tests' module setup, the old way and the new way, side by side in one process.

Old: a fresh SQLite file migrated by the app, the demo lists imported, the 2-day demo plan
solved for real (what each module's ``loaded`` fixture did). New: the file copied from a
migrated template, the lists imported, the session's solve copied (tests/api/conftest.py,
tests/api/solved.py). Rounds alternate, so both meet the same machine load; the ratio of the
sums is the figure to quote on a shared machine.

    python benchmarks/fixture_setup_bench.py [rounds]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient

from api.db import Database, migrate
from api.main import create_app
from api.security import create_token
from api.settings import Settings
from tests.api.conftest import _copy_sqlite, import_demo
from tests.api.solved import solved_plan


def setup(folder: Path, template: Path | None, real: bool) -> float:
    """Seconds from nothing to a module's ``client`` with the demo lists and a done plan."""
    start = time.perf_counter()
    path = folder / "vaxroute.sqlite"
    if template is not None:
        _copy_sqlite(template, path)
    settings = Settings(
        database_url=f"sqlite:///{path}",
        default_time_limit_s=2,
        max_upload_mb=2,
        visit_max_age_days=3650,
    )
    app = create_app(settings)
    with TestClient(app) as client:
        with app.state.db.session() as s:
            headers = {"Authorization": f"Bearer {create_token(s, 'planner', None)}"}
        import_demo(client, headers)
        solved_plan(client, headers, "2026-11-23", 2, 3, real=real)
        return time.perf_counter() - start


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    root = Path(tempfile.mkdtemp())
    template = root / "template.sqlite"
    database = Database(f"sqlite:///{template}")
    migrate(database.engine)
    database.engine.dispose()
    old, new = [], []
    for k in range(rounds):
        for name, times, copy_from, real in (
            ("old", old, None, True),
            ("new", new, template, False),
        ):
            folder = root / f"{name}{k}"
            folder.mkdir()
            times.append(setup(folder, copy_from, real))
    print("old (migrate + real solve) s:", [round(t, 1) for t in old])
    print("new (template + copied plan) s:", [round(t, 1) for t in new])
    print(f"ratio of sums new/old: {sum(new) / sum(old):.3f}")


if __name__ == "__main__":
    main()
