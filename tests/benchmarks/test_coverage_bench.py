"""The prize-collecting benchmark (benchmarks/coverage_bench.py): its instances, its independent
checker (which must reject tampered solutions) and a real 1-second run of both solvers."""

from __future__ import annotations

import csv
from pathlib import Path

from benchmarks import coverage_bench as cb
from benchmarks.solomon import read_solomon
from tests.data import SOLOMON


def test_prizes_fleet_and_classes() -> None:
    assert [cb.prize_of(i) for i in range(1, 11)] == [8, 5, 2, 9, 6, 3, 10, 7, 4, 1]
    assert [cb.class_of(n) for n in ("C101", "C208", "R112", "RC105", "RC208")] == [
        "C1",
        "C2",
        "R1",
        "RC1",
        "RC2",
    ]
    inst = cb.coverage_instance(read_solomon(SOLOMON / "R101.txt"), 19)
    assert inst.vehicles == 10  # ceil(19 / 2)


def test_checker_recomputes_and_rejects_tampered_solutions() -> None:
    inst = cb.coverage_instance(read_solomon(SOLOMON / "C101.txt"), 10)
    # C101's customers 20, 24, 25, 27 form a short on-time route from the depot
    good = cb.check_prize(inst, [[20, 24, 25, 27]])
    assert good.feasible, good.violations
    assert good.prize == sum(cb.prize_of(c) for c in (20, 24, 25, 27))
    assert good.vehicles == 1 and good.distance > 0
    assert not cb.check_prize(inst, [[20, 24], [24, 25]]).feasible  # served twice
    assert not cb.check_prize(inst, [[20, 24, 25, 27, 101]]).feasible  # unknown customer
    # C101's windows are tight: customers 1 and 100 in the wrong order are late
    late = cb.check_prize(inst, [[1, 100]])
    assert not late.feasible and any("arrives at" in v for v in late.violations)
    over = cb.check_prize(inst, [[c] for c in range(1, inst.vehicles + 2)])
    assert not over.feasible and any("the fleet has" in v for v in over.violations)


def test_a_one_second_run_of_both_solvers(tmp_path: Path) -> None:
    """A real run on C101 with its fleet halved: both solvers checked feasible, each ratio in
    (0, 1] with 1 reached by someone, CSV and tables written."""
    out = tmp_path / "rows.csv"
    code = cb.main(
        [
            "--dir",
            str(SOLOMON),
            "--instances",
            "C101",
            "--time-limits",
            "1",
            "--cores",
            "1",
            "--csv",
            str(out),
        ]
    )
    assert code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["solver"] for r in rows} == {"vaxroute", "pyvrp"}
    ratios = [float(r["ratio"]) for r in rows]
    assert all(0 < x <= 1 for x in ratios) and max(ratios) == 1
    # half of C101's fleet cannot serve all 100 customers' prize (550): some are left out
    assert all(0 < int(r["prize"]) < 550 for r in rows)
    assert all(r["feasible"] == "True" for r in rows)
