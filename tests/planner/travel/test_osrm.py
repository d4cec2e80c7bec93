"""The OSRM client against a local HTTP server speaking OSRM's ``table`` protocol.

No OSRM build exists for this machine (no Debian package, no Docker), so the server here is a
small stand-in that answers like ``osrm-routed`` (same URL shape, same JSON); what is under
test is the client: the requests it makes, blocks, rounding, missing routes, and its errors.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from planner.constants import UNREACHABLE_S
from planner.errors import InputError
from planner.geo import haversine_m
from planner.travel.osrm import OsrmTravel
from tests.helpers import plan_and_check, resident, served, team

CUT_OFF = (22.2, 105.9)  # a place the stand-in has no route to


class Table(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []
    delay_s = 0.0

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        Table.requests.append(self.path)
        time.sleep(Table.delay_s)
        url = urlsplit(self.path)
        parts = url.path.split("/")
        if parts[1:4] != ["table", "v1", "driving"]:
            return self._send(400, {"code": "InvalidUrl", "message": "bad url"})
        coords = [tuple(map(float, c.split(","))) for c in parts[4].split(";")]
        q = parse_qs(url.query)
        src = [int(x) for x in q["sources"][0].split(";")]
        dst = [int(x) for x in q["destinations"][0].split(";")]
        if len(coords) > 100:
            return self._send(400, {"code": "TooBig", "message": "max-table-size"})
        dur, dist = [], []
        for i in src:
            dur.append([]), dist.append([])
            for j in dst:
                (lo1, la1), (lo2, la2) = coords[i], coords[j]
                cut = {(round(la1, 1), round(lo1, 1)), (round(la2, 1), round(lo2, 1))}
                if CUT_OFF in cut and i != j:
                    dur[-1].append(None), dist[-1].append(None)
                    continue
                m = float(haversine_m(la1, lo1, la2, lo2)) * 1.4
                dist[-1].append(round(m, 1)), dur[-1].append(round(m / 7.0, 1))
        self._send(200, {"code": "Ok", "durations": dur, "distances": dist})

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Table)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Table.requests, Table.delay_s = [], 0.0
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_matrix_in_blocks_rounded_up(server: str) -> None:
    rng = np.random.default_rng(1)
    # six decimals: what goes into the URL, so the expected values match to the metre
    lat = np.round(rng.uniform(22.10, 22.15, 130), 6)
    lon = np.round(rng.uniform(105.80, 105.85, 130), 6)
    m = OsrmTravel(server).matrix(lat, lon, "motorbike")
    assert len(Table.requests) == 9  # 130 points in blocks of 50: 3 x 3 requests
    assert "annotations=duration,distance" in Table.requests[0]
    expect = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * 1.4
    assert (m.metres >= np.round(expect, 1) - 1e-6).all()
    assert (m.metres <= expect + 1.1).all()
    assert (m.seconds == np.ceil(np.round(np.round(expect, 1) / 7.0, 1) - 1e-9)).all()


def test_no_route_is_unreachable_and_reported(server: str) -> None:
    station = (22.147, 105.834)
    people = [resident("A", (22.148, 105.835)), resident("CUT", CUT_OFF)]
    plan, _ = plan_and_check(people, [team("T1", station)], travel=OsrmTravel(server))
    assert set(served(plan)) == {"A"}
    assert plan["travel_model"] == {"kind": "osrm", "url": server, "profile": "driving"}
    assert {u["resident_id"]: u["reason_code"] for u in plan["unassigned"]} == {
        "CUT": "road_unreachable"
    }
    m = OsrmTravel(server).matrix([22.147, CUT_OFF[0]], [105.834, CUT_OFF[1]], "car")
    assert m.seconds[0, 1] == UNREACHABLE_S


def test_unreachable_server_is_a_clear_error_not_a_hang() -> None:
    began = time.monotonic()
    with pytest.raises(InputError, match=r"routing server http://127.0.0.1:9 unreachable"):
        OsrmTravel("http://127.0.0.1:9", timeout_s=2).matrix([22.1, 22.2], [105.8, 105.9], "car")
    assert time.monotonic() - began < 5


def test_slow_server_times_out(server: str) -> None:
    Table.delay_s = 2.0
    with pytest.raises(InputError, match="timeout 0.5 s"):
        OsrmTravel(server, timeout_s=0.5).matrix([22.1, 22.2], [105.8, 105.9], "car")


def test_refused_request_names_the_server_and_reason(server: str) -> None:
    with pytest.raises(InputError, match="refused the request: InvalidUrl"):
        OsrmTravel(server, profile="boat").matrix([22.1, 22.2], [105.8, 105.9], "car")
