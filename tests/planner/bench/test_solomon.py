"""Solomon reader, the independent VRPTW checker, and the engine on instances with known answers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.bench.engine import solve_instance
from planner.bench.solomon import check_routes, read_solomon
from planner.errors import InputError

SHARED = Path(__file__).resolve().parents[4] / "shared" / "benchmarks" / "solomon"

TINY = """TINY

VEHICLE
NUMBER     CAPACITY
  3         10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0       0          0          0          0        100          0
    1       3          0          4          0        100          1
    2       6          0          4          0        100          1
    3       0          4          4          0         10          1
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.txt"
    path.write_text(TINY, encoding="utf-8")
    return path


def test_reader(tiny: Path) -> None:
    inst = read_solomon(tiny)
    assert (inst.name, inst.vehicles, inst.capacity, inst.customers) == ("TINY", 3, 10, 3)
    assert inst.due[3] == 10 and inst.service[1] == 1 and inst.distance(0, 3) == 4.0


def test_known_optimum_of_a_tiny_instance(tiny: Path) -> None:
    # capacity 10 fits two customers: 1 and 2 share a route along the x axis (0-3-6-0 = 12),
    # 3 goes alone (0-4-0 = 8): 2 vehicles, distance 20, and no cheaper way exists.
    result = solve_instance(read_solomon(tiny), time_limit_s=1)
    assert result.check.feasible and result.check.vehicles == 2
    assert result.check.distance == pytest.approx(20.0)
    assert sorted(map(sorted, result.routes)) == [[1, 2], [3]]


def test_checker_rejects_broken_routes(tiny: Path) -> None:
    inst = read_solomon(tiny)
    assert check_routes(inst, [[1, 2], [3]]).feasible
    late = check_routes(inst, [[1, 2, 3]])  # over capacity, and customer 3 after its due time
    assert not late.feasible
    assert any("capacity" in v for v in late.violations)
    assert any("arrives at 3" in v for v in late.violations)
    assert "customers not served" in " ".join(check_routes(inst, [[1, 2]]).violations)
    assert "twice" in " ".join(check_routes(inst, [[1, 2], [3, 1]]).violations)


def test_not_a_solomon_file(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hello\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a Solomon-format instance"):
        read_solomon(tmp_path / "x.txt")


@pytest.mark.skipif(not SHARED.exists(), reason="SKIPPED LOUDLY: ../shared/benchmarks missing")
def test_cli_on_c101_near_the_best_known(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "planner", "bench", "solomon",
                          str(SHARED / "C101.txt"), "--time-limit", "5", "--json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    line = json.loads(run.stdout.strip().splitlines()[-1])
    assert line["instance"] == "C101" and line["vehicles"] == 10
    assert 828.93 <= line["distance"] <= 828.94 * 1.02  # BKS 828.94 (reached here in 5 s)
    assert sorted(c for r in line["routes"] for c in r) == list(range(1, 101))
