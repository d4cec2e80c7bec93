"""The ``vaxroute`` command: plan, demo, check, serve, backup, and the token and user groups."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from planner.constants import VN_TZ
from planner.errors import InputError, VaxRouteError
from planner.files import private_files
from planner.settings import Settings, load_settings
from vaxroute.token_cli import token_app
from vaxroute.user_cli import user_app


class Lang(StrEnum):
    vi = "vi"
    en = "en"


TilesOption = Annotated[
    str | None,
    typer.Option(
        help="Background tiles URL template ({z}/{x}/{y}); 'none' for no tiles. "
        "Default: OpenStreetMap"
    ),
]
AttributionOption = Annotated[str | None, typer.Option(help="Attribution for --tiles")]
RoadsOption = Annotated[
    Path | None,
    typer.Option(
        help="OpenStreetMap extract (.osm.pbf or .osm) of the area: travel times on its roads "
        "instead of straight lines ([roads] in settings.toml tunes speeds and access)"
    ),
]
ClusterOption = Annotated[
    str | None,
    typer.Option(
        help="Where the areas of a large horizon are solved: local[:N] (a Dask LocalCluster of "
        "N worker processes; the default when the horizon splits), tcp://HOST:8786 (a running "
        "Dask scheduler) or none (one after another here). Default: [compute] cluster"
    ),
]
OsrmOption = Annotated[
    str | None,
    typer.Option(
        help="Base URL of an OSRM routing server (e.g. http://localhost:5000): travel times from "
        "its table service"
    ),
]

app = typer.Typer(
    help="Plan home-visit vaccination rounds from ward lists.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)


@app.callback()
def _private_outputs() -> None:
    """Plans, sheets, maps and the database hold health data: every file made is owner-only."""
    private_files()


def _tomorrow() -> dt.date:
    return (dt.datetime.now(VN_TZ) + dt.timedelta(days=1)).date()


def _fail(exc: VaxRouteError) -> None:
    err.print(Text(f"error ({exc.code}): ", style="bold red") + Text(str(exc)), soft_wrap=True)
    raise typer.Exit(exc.exit_code)


def _settings(path: Path | None, time_limit: float | None, seed: int | None) -> Settings:
    settings = load_settings(path)
    changes = {}
    if time_limit is not None:
        changes["time_limit_s"] = time_limit
    if seed is not None:
        changes["seed"] = seed
    return settings.with_solver(**changes) if changes else settings


@dataclass(frozen=True)
class MapOptions:
    lang: str = "vi"
    tiles: str | None = None
    tiles_attribution: str | None = None
    wards_approximate: bool = False
    roads: Path | None = None
    osrm_url: str | None = None
    cluster: str | None = None

    def tile_spec(self) -> Any:
        from maps.style import DEFAULT_TILES, TileSpec

        if self.tiles is None:
            return DEFAULT_TILES
        if self.tiles.lower() == "none":
            return None
        return TileSpec(self.tiles, self.tiles_attribution or "", "tiles")


def _run_plan(
    residents: Path,
    teams: Path,
    start: dt.date,
    days: int,
    out: Path,
    settings: Settings,
    boundaries: Path | None,
    sheet: str | None,
    maps: MapOptions,
) -> None:
    from maps.render import write_maps
    from maps.streets import load_streets
    from planner.io.boundaries import load_boundaries
    from planner.output import write_outputs
    from planner.pipeline import plan_from_inputs, read_inputs
    from planner.report import describe_travel, print_problems, print_summary
    from planner.solver.cluster import cluster_session

    began = time.monotonic()
    wards = load_boundaries(boundaries) if boundaries else None
    inputs = read_inputs(residents, teams, start, settings, wards, sheet)
    print_problems(inputs.problems, console)
    cluster = cluster_session(
        maps.cluster or settings.compute.cluster,
        settings.compute.connect_timeout_s,
        maps.roads,
        announce=lambda text: console.print(text, soft_wrap=True, highlight=False),
    )
    with (
        cluster,
        Progress(
            TextColumn("solving"),
            BarColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[info]}"),
            console=console,
            transient=not console.is_terminal,
        ) as bar,
    ):
        task = bar.add_task("solve", total=settings.solver.time_limit_s, info="")
        run = plan_from_inputs(
            inputs,
            start,
            days,
            settings,
            progress=lambda p: bar.update(
                task,
                completed=min(p.elapsed_s, p.time_limit_s),
                info=_progress_info(p),
            ),
            roads=maps.roads,
            osrm_url=maps.osrm_url,
        )
        bar.update(task, completed=settings.solver.time_limit_s)
    written = write_outputs(run, out)
    people = {r.resident_id: r for r in inputs.residents.residents}
    streets = load_streets(maps.roads, run.plan) if maps.roads else None
    write_maps(
        run.plan,
        out,
        residents=people,
        teams=run.data.teams,
        wards=wards,
        wards_approximate=maps.wards_approximate,
        lang=maps.lang,
        tiles=maps.tile_spec(),
        streets=streets,
    )
    print_summary(run.plan, console)
    console.print(f"travel model: {describe_travel(run.plan.travel_model)}", soft_wrap=True)
    console.print(
        f"independent check: [green]passed[/green] · wrote {written['plan']}, "
        f"{len(run.plan.routes)} team maps, sheets and GPX files, "
        f"{out / 'maps' / 'overview.html'} · total "
        f"{time.monotonic() - began:.1f} s",
        soft_wrap=True,
    )


def _progress_info(p: Any) -> str:
    """The progress bar's words: solutions and cost; areas done and coverage on a cluster."""
    if p.areas_total:
        return (
            f"areas {p.areas_done}/{p.areas_total}, coverage so far {p.coverage:.1%}, "
            f"{p.planned:,} residents"
        )
    return f"{p.solutions} solutions, cost {p.objective:,}"


@app.command()
def plan(
    residents: Annotated[Path, typer.Option(help="Residents list: CSV, XLSX, GeoJSON, GPKG, SHP")],
    teams: Annotated[Path, typer.Option(help="Teams list: CSV or XLSX")],
    start_date: Annotated[
        str | None, typer.Option(help="First day, YYYY-MM-DD (default: tomorrow)")
    ] = None,
    days: Annotated[int, typer.Option(min=1, max=31, help="Number of days to plan")] = 1,
    out: Annotated[Path, typer.Option(help="Output folder")] = Path("plan"),
    settings: Annotated[Path | None, typer.Option(help="settings.toml")] = None,
    boundaries: Annotated[
        Path | None, typer.Option(help="Ward polygons (GeoJSON/GPKG/SHP)")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet name")] = None,
    time_limit: Annotated[float | None, typer.Option(help="Solver time limit, seconds")] = None,
    seed: Annotated[int | None, typer.Option(help="Solver seed")] = None,
    lang: Lang = Lang.vi,
    tiles: TilesOption = None,
    tiles_attribution: AttributionOption = None,
    roads: RoadsOption = None,
    osrm_url: OsrmOption = None,
    cluster: ClusterOption = None,
) -> None:
    """Plan rounds; write plan.json, routes.geojson, maps, route sheets and GPX files."""
    try:
        start = _parse_date(start_date) if start_date else _tomorrow()
        cfg = _settings(settings, time_limit, seed)
        _run_plan(
            residents,
            teams,
            start,
            days,
            out,
            cfg,
            boundaries,
            sheet,
            MapOptions(
                lang.value,
                tiles,
                tiles_attribution,
                roads=roads,
                osrm_url=osrm_url,
                cluster=cluster,
            ),
        )
    except VaxRouteError as exc:
        _fail(exc)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Output folder")] = Path("demo"),
    days: Annotated[int, typer.Option(min=1, max=31)] = 3,
    time_limit: Annotated[float, typer.Option(help="Solver time limit, seconds")] = 20,
    lang: Lang = Lang.vi,
    tiles: TilesOption = None,
    tiles_attribution: AttributionOption = None,
    roads: RoadsOption = None,
) -> None:
    """Plan the built-in Bắc Kạn scenario (generated residents; see planner/demo/)."""
    from planner.demo import DEMO_START, demo_files

    files = demo_files()
    console.print(
        f"Demo: Bắc Kạn city, {DEMO_START.isoformat()}, {days} day(s); inputs in "
        f"{files.residents.parent}",
        soft_wrap=True,
    )
    try:
        cfg = _settings(None, time_limit, None)
        _run_plan(
            files.residents,
            files.teams,
            DEMO_START,
            days,
            out,
            cfg,
            files.wards,
            None,
            MapOptions(lang.value, tiles, tiles_attribution, wards_approximate=True, roads=roads),
        )
    except VaxRouteError as exc:
        _fail(exc)


@app.command()
def check(
    residents: Annotated[Path, typer.Option(help="The residents list the plan was made from")],
    teams: Annotated[Path, typer.Option(help="The teams list the plan was made from")],
    plan: Annotated[Path, typer.Option(help="plan.json")],
    settings: Annotated[Path | None, typer.Option(help="settings.toml used for the plan")] = None,
) -> None:
    """Verify a plan against its inputs with the independent checker (exit 1 on violations)."""
    from planner.checker import check_plan
    from planner.pipeline import read_inputs

    try:
        document = json.loads(plan.read_text(encoding="utf-8"))
        start = _parse_date(document["start_date"])
        inputs = read_inputs(residents, teams, start, load_settings(settings))
    except VaxRouteError as exc:
        _fail(exc)
    except (OSError, ValueError, KeyError) as exc:
        err.print(Text(f"error (input): {plan}: not a readable plan ({exc})"), soft_wrap=True)
        raise typer.Exit(2) from None
    report = check_plan(
        document,
        inputs.residents.residents,
        inputs.teams.teams,
        [r.resident_id for r in inputs.residents.rejected],
    )
    if report.ok:
        console.print(f"[green]ok[/green]: {plan} satisfies every constraint")
        return
    for v in report.violations:
        console.print(Text("violation: ", style="red") + Text(v), soft_wrap=True)
    console.print(f"{len(report.violations)} violation(s)")
    raise typer.Exit(1)


app.add_typer(token_app, name="token")  # vaxroute/token_cli.py: create, list, revoke
app.add_typer(user_app, name="user")  # vaxroute/user_cli.py: add, list, disable


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    ssl_certfile: Annotated[
        Path | None,
        typer.Option(help="TLS certificate (PEM): serve HTTPS directly, without a reverse proxy"),
    ] = None,
    ssl_keyfile: Annotated[Path | None, typer.Option(help="TLS private key (PEM)")] = None,
) -> None:
    """Run the HTTP API (database from DATABASE_URL; default vaxroute.sqlite here)."""
    import uvicorn

    from api.main import create_app
    from planner.logs import configure_logging

    configure_logging()
    # access_log=False: api.access_log logs route templates, never paths that carry ids
    if (ssl_certfile is None) != (ssl_keyfile is None):
        _fail(InputError("--ssl-certfile and --ssl-keyfile go together"))
    uvicorn.run(
        create_app(),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )


@app.command()
def backup(
    destination: Annotated[Path, typer.Argument(help="The new file to write the copy to")],
) -> None:
    """Copy the SQLite database (DATABASE_URL) while the server runs; owner-only."""
    from api.backup import backup_database
    from api.settings import get_settings

    try:
        size = backup_database(get_settings().database_url, destination)
    except VaxRouteError as exc:
        _fail(exc)
    console.print(f"wrote {destination} ({size / 2**20:.1f} MB)", highlight=False)


def _parse_date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InputError(f"cannot read the date {text!r} (use YYYY-MM-DD)")


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())
