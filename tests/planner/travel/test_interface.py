"""The travel interface: the capabilities every back-end answers, and the choice of back-end."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from planner.errors import InputError
from planner.settings import RoadParams, Settings
from planner.travel import Leg, StraightLineTravel, make_travel
from planner.travel.osrm import OsrmTravel
from planner.travel.roads import RoadTravel
from tests.helpers import team
from tests.osm_builder import at, write_osm

HERE, THERE = (22.0, 105.0), (22.01, 105.0)


def test_a_model_without_roads_answers_none_and_no_issues() -> None:
    for model in (StraightLineTravel(), OsrmTravel("http://127.0.0.1:9")):  # never contacted
        assert model.offroad_m([22.0], [105.0], "motorbike") is None
        assert model.point_issues([22.0], [105.0], "motorbike") == {}


def test_default_legs_are_the_matrix_values_without_a_path() -> None:
    model = StraightLineTravel()
    m = model.matrix([HERE[0], THERE[0]], [HERE[1], THERE[1]], "foot")
    legs = model.legs([(HERE, THERE), (THERE, HERE), (HERE, HERE)], "foot")
    assert legs == [
        Leg(int(m.seconds[0, 1]), int(m.metres[0, 1])),
        Leg(int(m.seconds[1, 0]), int(m.metres[1, 0])),
        Leg(0, 0),
    ]


def test_a_road_network_answers_offroad_distances_and_issues(tmp_path: Path) -> None:
    osm = write_osm(tmp_path / "line.osm", [([(0, 0), (1000, 0)], {"highway": "residential"})])
    near, far = at(500, 100), at(500, 2000)  # 100 m and 2 km north of the only road
    lat, lon = [near[0], far[0]], [near[1], far[1]]
    params = RoadParams(cache_dir=str(tmp_path / "cache"))
    model = RoadTravel.from_extract(osm, params, lat, lon)
    off = model.offroad_m(lat, lon, "motorbike")
    assert off is not None and off[0] == pytest.approx(100, abs=2) and math.isinf(off[1])
    assert list(model.point_issues(lat, lon, "motorbike")) == [1]
    assert model.point_issues(lat, lon, "motorbike")[1][0] == "no_road_nearby"


def test_make_travel_chooses_by_the_options(tmp_path: Path) -> None:
    settings, teams = Settings(), [team()]
    assert make_travel(settings, teams, []).describe()["kind"] == "haversine"
    osrm = make_travel(settings, teams, [], osrm_url="http://127.0.0.1:9")
    assert osrm.describe() == {"kind": "osrm", "url": "http://127.0.0.1:9", "profile": "driving"}
    with pytest.raises(InputError, match="not both"):
        make_travel(settings, teams, [], roads=tmp_path / "x.osm", osrm_url="http://x")
