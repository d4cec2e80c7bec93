"""Everything a plan writes, for fixed routes, and a byte-for-byte comparison of two checkouts.

    python benchmarks/compare_outputs.py base BASE            # solve each scenario once
    python benchmarks/compare_outputs.py write BASE OUT       # fixed routes -> every output
    python benchmarks/compare_outputs.py compare OUT_A OUT_B  # exit 1 on any difference

``base`` plans each scenario of benchmarks/compare_scenarios.py with the real solver at a fixed
seed and keeps its lists and plan.json. ``write`` feeds those routes back in as fixed routes:
the pipeline (``plan_from_inputs``) runs with a solve that returns the saved routes (so no
search decides anything), then writes plan.json, routes.geojson, unassigned.csv, the route
sheets (CSV, HTML), GPX, maps, the terminal summary, the checker's report (also on tampered
copies), and what the API serves from the stored document: the export (CSV, XLSX), a team's
sheet CSV, a team leader's view. The re-plans run the real search with a deterministic clock
(benchmarks/solve_digest.py's ``fake_clock``, made stricter: one worker, OR-Tools stopped by
solution count or at its local optimum, its LNS sub-searches not by the clock), so they too
are the same every run. The plan id and creation time (a random id and the clock), and
folium's random element ids, are replaced by fixed text in every file. Run ``write`` in each
checkout with the same BASE (it refuses to mix in modules of another checkout):

    PYTHONPATH=/tmp/before python benchmarks/compare_outputs.py write BASE /tmp/out-before

Checkouts from before the typed plan take plan.json's dicts, later ones the types: the script
hands each function the form its signature asks for. ``compare`` diffs two such folders byte
for byte; when bytes differ, XLSX cell by cell (the workbook's own timestamps differ), GPX by
content (positions as numbers, names, descriptions), JSON as values, to tell a key-order
difference from a value difference (still a difference for the exit status).
"""

from __future__ import annotations

import argparse
import inspect
import io
import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

if "planner" not in sys.modules and not any(Path(p, "planner").is_dir() for p in sys.path[1:]):
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # PYTHONPATH wins when given
sys.path.append(str(Path(__file__).resolve().parent))

from compare_scenarios import (
    Scenario,
    fake_clock,
    fixed_solve,
    replan_case,
    scenarios,
)

FIXED_ID, FIXED_TIME = "plan-FIXED", "2026-11-20T12:00:00+07:00"


def typed() -> Any:
    """The typed plan class when the checkout has one (issue #20), else None."""
    import planner

    if not Path(planner.__path__[0], "plan_document.py").exists():  # not another checkout's
        return None
    from planner.plan_document import Plan

    return Plan


def as_doc(plan: Any) -> dict[str, Any]:
    return plan.to_json() if hasattr(plan, "to_json") else plan


def as_plan(doc: dict[str, Any]) -> Any:
    plan = typed()
    return plan.from_json(doc) if plan else doc


def arg_for(fn: Any, doc: dict[str, Any]) -> Any:
    """The plan as ``fn`` takes it: typed when its first parameter is annotated so."""
    first = next(iter(inspect.signature(fn).parameters.values()))
    return as_plan(doc) if "Plan" in str(first.annotation) else doc


def routes_of(plan: Any) -> list[Any]:
    return list(plan.routes) if hasattr(plan, "routes") else plan["routes"]


def field(obj: Any, name: str) -> Any:
    return getattr(obj, name) if hasattr(obj, name) else obj[name]


# -- base ---------------------------------------------------------------------------------------
def read(sc: Scenario, residents: Path, teams: Path) -> Any:
    from compare_scenarios import START

    from planner.pipeline import read_inputs

    return read_inputs(residents, teams, START, sc.settings)


def cmd_base(base: Path) -> None:
    from compare_scenarios import START

    from planner.pipeline import plan_from_inputs

    for name, sc in scenarios(base / "cache").items():
        (base / name).mkdir(parents=True, exist_ok=True)
        residents, teams = sc.lists(base / name)
        run = plan_from_inputs(
            read(sc, residents, teams), START, sc.days, sc.settings, roads=sc.roads
        )
        doc = as_doc(run.plan)
        (base / name / "base.json").write_text(
            json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        (base / name / "lists.json").write_text(
            json.dumps({"residents": str(residents), "teams": str(teams)}), encoding="utf-8"
        )
        print(
            f"{name}: {doc['summary']['planned']} planned, "
            f"{doc['summary']['unassigned']} unassigned",
            flush=True,
        )


# -- fixed routes -------------------------------------------------------------------------------
def cmd_write(base: Path, out: Path) -> None:
    import planner

    print(f"planner from {Path(planner.__file__).parent}", flush=True)
    if out.exists():
        shutil.rmtree(out)
    for name, sc in scenarios(base / "cache").items():
        doc = json.loads((base / name / "base.json").read_text(encoding="utf-8"))
        lists = json.loads((base / name / "lists.json").read_text(encoding="utf-8"))
        inputs = read(sc, Path(lists["residents"]), Path(lists["teams"]))
        write_plan(name, sc, doc, inputs, out / name)
        for case in sc.replans:
            write_replan(sc, doc, inputs, case, out / f"{name}+replan-{case}")
        print(f"{name}: written", flush=True)
    stamp(out)
    one_checkout()


def one_checkout() -> None:
    """Every module of the product came from the checkout under test (an editable install
    would hand over a module the checkout lacks from another one)."""
    import planner

    root = Path(planner.__file__).resolve().parents[1]
    for name, module in list(sys.modules.items()):
        where = getattr(module, "__file__", None) or ""
        ours = name.split(".")[0] in ("planner", "maps", "api", "vaxroute")
        if ours and where and not Path(where).resolve().is_relative_to(root):
            raise SystemExit(f"{name} came from {where}, not from {root}")


def write_plan(name: str, sc: Scenario, base: dict[str, Any], inputs: Any, out: Path) -> None:
    from compare_scenarios import START

    from maps.render import write_maps
    from planner.output import write_outputs
    from planner.pipeline import plan_from_inputs

    with fixed_solve(base):
        run = plan_from_inputs(inputs, START, sc.days, sc.settings, roads=sc.roads)
    write_outputs(run, out)
    people = {r.resident_id: r for r in inputs.residents.residents}
    write_maps(run.plan, out, residents=people, teams=run.data.teams, tiles=None)
    doc = as_doc(run.plan)
    rejected = [r.resident_id for r in inputs.residents.rejected]
    write_common(doc, run.plan, inputs.residents.residents, inputs.teams.teams, rejected, out)
    same = {k: v for k, v in doc.items() if k not in ("plan_id", "created_at")} == {
        k: v for k, v in base.items() if k not in ("plan_id", "created_at")
    }
    (out / "same_as_base.txt").write_text(f"{same}\n", encoding="utf-8")


def write_replan(sc: Scenario, base: dict[str, Any], inputs: Any, case: str, out: Path) -> None:
    from maps.render import write_maps
    from planner.output import sheet_name, write_json_atomic, write_route_sheet_csv
    from planner.replan import replan

    outcomes, as_of, days, deleted = replan_case(case, base)
    residents = [r for r in inputs.residents.residents if r.resident_id not in deleted]
    teams = inputs.teams.teams
    settings = sc.settings.with_solver(workers=1, guard_grace_s=3600, time_limit_s=60)
    with fake_clock(2.0, 20):
        result = replan(
            as_plan(base), residents, teams, outcomes, as_of, days, settings, roads=sc.roads
        )
    out.mkdir(parents=True)
    (out / "sheets").mkdir()
    write_json_atomic(out / "plan.json", as_doc(result.plan))
    people = {r.resident_id: r for r in residents}
    for route in routes_of(result.plan):
        stem = sheet_name(field(route, "team_id"), field(route, "date"))
        write_route_sheet_csv(route, people, out / "sheets" / f"{stem}.csv")
    write_maps(result.plan, out, residents=people, teams=teams, tiles=None)
    (out / "replan.json").write_text(
        json.dumps(
            {"changed": result.changed, "kept": result.kept, "fixed_stops": result.fixed_stops}
        ),
        encoding="utf-8",
    )
    write_common(as_doc(result.plan), result.plan, residents, teams, [], out)


def write_common(
    doc: dict[str, Any], plan: Any, residents: Any, teams: Any, rejected: list[str], out: Path
) -> None:
    """The checker's report (also on tampered copies), the terminal summary, the API's files."""
    from rich.console import Console

    from planner.checker import check_plan
    from planner.report import print_summary

    report = {"plan": check_plan(doc, residents, teams, rejected).violations}
    for what, tamper in TAMPERINGS.items():
        copy = json.loads(json.dumps(doc))
        if copy["routes"] and copy["routes"][0]["stops"]:
            tamper(copy)
            report[what] = check_plan(copy, residents, teams, rejected).violations
    (out / "check.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    console = Console(file=io.StringIO(), width=120, force_terminal=False, color_system=None)
    with redirect_stdout(io.StringIO()):
        print_summary(plan, console)
    (out / "summary.txt").write_text(console.file.getvalue(), encoding="utf-8")
    write_api(doc, {r.resident_id: r for r in residents}, out / "api")


def _drop_stop(plan: dict[str, Any]) -> None:
    plan["routes"][0]["stops"].pop()


def _early_visit(plan: dict[str, Any]) -> None:
    stop = plan["routes"][0]["stops"][0]
    stop["service_start"] = stop["service_start"][:11] + "05:00:00" + stop["service_start"][19:]


def _summary(plan: dict[str, Any]) -> None:
    plan["summary"]["planned"] += 1
    plan["routes"][0]["distance_m"] += 5000


TAMPERINGS = {"dropped_stop": _drop_stop, "early_visit": _early_visit, "summary": _summary}


def write_api(doc: dict[str, Any], people: dict[str, Any], out: Path) -> None:
    """What the API serves from a stored plan: the export (CSV, XLSX), each team's sheet CSV,
    a team leader's view of the plan."""
    from api.deps import view_for
    from api.routes.plan_files import EXPORT_COLUMNS, export_rows
    from api.security import Principal
    from planner.cells import csv_bytes, xlsx_bytes
    from planner.output import SHEET_COLUMNS, sheet_rows

    out.mkdir(parents=True)
    rows = [[row[c] for c in EXPORT_COLUMNS] for row in export_rows(arg_for(export_rows, doc))]
    (out / "export.csv").write_bytes(csv_bytes(EXPORT_COLUMNS, rows, lineterminator="\n"))
    (out / "export.xlsx").write_bytes(xlsx_bytes({"plan": (EXPORT_COLUMNS, rows)}))
    plan = arg_for(sheet_rows, doc)
    for team in sorted({field(r, "team_id") for r in routes_of(plan)}):
        routes = [r for r in routes_of(plan) if field(r, "team_id") == team]
        sheet = [[field(r, "date"), *row] for r in routes for row in sheet_rows(r, people)]
        (out / f"team-{team}.csv").write_bytes(csv_bytes(["date", *SHEET_COLUMNS], sheet))
        view = view_for(arg_for(view_for, doc), Principal(1, "team_leader", team))
        (out / f"leader-{team}.json").write_text(
            json.dumps(as_doc(view), ensure_ascii=False, indent=1), encoding="utf-8"
        )


def stamp(out: Path) -> None:
    """Replace each plan's random id and creation time, and folium's random element ids."""
    ids, times = set(), set()
    for plan in out.rglob("plan.json"):
        doc = json.loads(plan.read_text(encoding="utf-8"))
        ids.add(doc["plan_id"])
        times.add(doc["created_at"])
    for path in out.rglob("*"):
        if not path.is_file() or path.suffix == ".xlsx":
            continue
        text = path.read_text(encoding="utf-8")
        for value in ids:
            text = text.replace(value, FIXED_ID)
        for value in times:
            text = text.replace(value, FIXED_TIME)
        if path.suffix == ".html":
            text = re.sub(r"[0-9a-f]{32}", "ID", text)
        path.write_text(text, encoding="utf-8")


# -- compare ------------------------------------------------------------------------------------
def cmd_compare(a: Path, b: Path) -> int:
    names = sorted(
        {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
        | {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    )
    counts = {"identical": 0, "equal when parsed": 0, "different": 0, "missing": 0}
    for rel in names:
        pa, pb = a / rel, b / rel
        if not pa.exists() or not pb.exists():
            verdict = "missing"
        elif pa.read_bytes() == pb.read_bytes():
            verdict = "identical"
        else:
            verdict = "equal when parsed" if parsed_equal(pa, pb) else "different"
        counts[verdict] += 1
        if verdict != "identical":
            print(f"{verdict:18} {rel}")
    print(f"{len(names)} files: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    bad = counts["different"] + counts["missing"]
    json_parsed = [
        r
        for r in names
        if r.suffix == ".json"
        and (a / r).exists()
        and (b / r).exists()
        and (a / r).read_bytes() != (b / r).read_bytes()
    ]
    return 1 if bad or json_parsed else 0


def parsed_equal(a: Path, b: Path) -> bool:
    """XLSX: the same cell values; GPX: the same elements, attributes and text; JSON: the same
    values (key order aside; still reported, and counted as a difference for plan files)."""
    if a.suffix == ".xlsx":
        return xlsx_cells(a) == xlsx_cells(b)
    if a.suffix == ".gpx":
        return gpx_points(a) == gpx_points(b)
    if a.suffix in (".json", ".geojson"):
        return bool(json.loads(a.read_bytes()) == json.loads(b.read_bytes()))
    return False


def xlsx_cells(path: Path) -> list[Any]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return [
        (s.title, [[(c.value, c.data_type) for c in row] for row in s.iter_rows()])
        for s in book.worksheets
    ]


def gpx_points(path: Path) -> Any:
    """A GPX file's content: its name and creator, each waypoint's and route point's position
    (as numbers: 22.1551650 and 22.155165 are one latitude), name and description."""
    ns = "{http://www.topografix.com/GPX/1/1}"
    root = ET.parse(path).getroot()

    def text(el: ET.Element, tag: str) -> str:
        return (el.findtext(f"{ns}{tag}") or "").strip()

    def point(el: ET.Element) -> Any:
        return (
            float(el.get("lat", "nan")),
            float(el.get("lon", "nan")),
            text(el, "name"),
            text(el, "desc"),
        )

    meta = root.find(f"{ns}metadata")
    return (
        root.get("version"),
        root.get("creator"),
        text(meta, "name") if meta is not None else "",
        [point(w) for w in root.iter(f"{ns}wpt")],
        [
            (text(r, "name"), [point(p) for p in r.iter(f"{ns}rtept")])
            for r in root.iter(f"{ns}rte")
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("base").add_argument("base", type=Path)
    w = sub.add_parser("write")
    w.add_argument("base", type=Path)
    w.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.cmd == "base":
        cmd_base(args.base)
    elif args.cmd == "write":
        cmd_write(args.base, args.out)
    else:
        sys.exit(cmd_compare(args.a, args.b))


if __name__ == "__main__":
    main()
