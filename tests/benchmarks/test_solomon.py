"""Solomon reader, the independent VRPTW checker, and the engine on instances with known answers."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import solve_solomon
from benchmarks.engine import solve_instance
from benchmarks.solomon import check_routes, read_solomon
from planner.errors import InputError
from tests.data import SOLOMON

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


def test_script_names_a_file_that_is_not_an_instance(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hello\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, solve_solomon.__file__, str(tmp_path / "x.txt")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and run.stdout == ""
    assert "error (input)" in run.stderr and "not a Solomon-format instance" in run.stderr


def best_known(name: str) -> tuple[int, float]:
    """(vehicles, distance) of the instance's best-known row in tests/data/solomon/bks.csv."""
    with (SOLOMON / "bks.csv").open(encoding="utf-8", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["instance"] == name)
    return int(row["vehicles"]), float(row["distance"])


#: per shipped instance: the depot's closing time, customer 1 and customer 100 as
#: (x, y, demand, ready, due, service), read off the files by eye
ROWS = {
    "C101": (1236, (45, 68, 10, 912, 967, 90), (55, 85, 20, 647, 726, 90)),
    "R101": (230, (41, 49, 10, 161, 171, 10), (18, 18, 17, 185, 195, 10)),
    "RC101": (240, (25, 85, 20, 145, 175, 10), (31, 67, 3, 180, 210, 10)),
}


@pytest.mark.parametrize("name", sorted(ROWS))
def test_reader_on_the_shipped_instances(name: str) -> None:
    """The three classes as published (CRLF; R101's columns are narrower than the others'):
    100 customers, 25 vehicles of 200, and more vehicles than the best-known solution needs."""
    inst = read_solomon(SOLOMON / f"{name}.txt")
    assert (inst.name, inst.customers, inst.vehicles, inst.capacity) == (name, 100, 25, 200)
    depot_due, first, last = ROWS[name]
    assert inst.due[0] == depot_due and best_known(name)[0] <= inst.vehicles
    for k, row in ((1, first), (100, last)):
        got = (inst.x[k], inst.y[k], inst.demand[k], inst.ready[k], inst.due[k], inst.service[k])
        assert tuple(float(v) for v in got) == row, (name, k)


def test_script_on_c101_near_the_best_known(tmp_path: Path) -> None:
    vehicles, distance = best_known("C101")  # 10, 828.94 (reached here in 5 s)
    run = subprocess.run(
        [
            sys.executable,
            solve_solomon.__file__,
            str(SOLOMON / "C101.txt"),
            "--time-limit",
            "5",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    line = json.loads(run.stdout.strip().splitlines()[-1])
    assert line["instance"] == "C101" and line["vehicles"] == vehicles
    assert distance - 0.01 <= line["distance"] <= distance * 1.02
    assert sorted(c for r in line["routes"] for c in r) == list(range(1, 101))
