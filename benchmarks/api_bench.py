"""API figures on loopback, against a real `vaxroute serve` process and a fresh SQLite file.

    python benchmarks/api_bench.py [--clients 20] [--requests 25] [--time-limit 20]

Measures: import of a 5,000-row residents list (s); a plan request on the demo to done (s);
latency of the team map endpoint under N concurrent clients (p50 / p95 / max, ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.demo import demo_files
from tests.api.live import make_token, start_server
from tests.api.test_durability import big_list


def timed_import(url: str, headers: dict[str, str], kind: str, name: str, data: bytes) -> float:
    began = time.perf_counter()
    r = httpx.post(
        f"{url}/{kind}/imports",
        headers=headers,
        timeout=600,
        files={"file": (name, data, "text/csv")},
    )
    assert r.status_code == 201, r.text[:500]
    return time.perf_counter() - began


def plan_to_done(url: str, headers: dict[str, str], time_limit: float) -> tuple[float, int]:
    began = time.perf_counter()
    r = httpx.post(
        f"{url}/plans",
        headers=headers,
        timeout=60,
        json={"start_date": "2026-11-23", "days": 3, "time_limit_s": time_limit},
    )
    plan_id = r.json()["id"]
    while True:
        body = httpx.get(f"{url}/plans/{plan_id}", headers=headers, timeout=60).json()
        if body["status"] in ("done", "failed"):
            assert body["status"] == "done", body["error"]
            return time.perf_counter() - began, plan_id
        time.sleep(0.1)


def map_latency(
    url: str, headers: dict[str, str], path: str, clients: int, each: int
) -> list[float]:
    samples: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=120) as c:
            for _ in range(each):
                began = time.perf_counter()
                r = c.get(path)
                spent = time.perf_counter() - began
                assert r.status_code == 200
                with lock:
                    samples.append(spent)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=25, help="per client")
    ap.add_argument("--time-limit", type=float, default=20)
    args = ap.parse_args()
    files = demo_files()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = start_server(f"sqlite:///{folder / 'big.sqlite'}", folder / "big.log")
        headers = {"Authorization": f"Bearer {make_token(big.env, 'planner')}"}
        timed_import(big.url, headers, "teams", "teams.csv", files.teams.read_bytes())
        data = big_list(5000)
        first = timed_import(big.url, headers, "residents", "big.csv", data)
        again = timed_import(big.url, headers, "residents", "big.csv", data)
        big.stop()

        server = start_server(f"sqlite:///{folder / 'demo.sqlite'}", folder / "demo.log")
        headers = {"Authorization": f"Bearer {make_token(server.env, 'planner')}"}
        timed_import(server.url, headers, "teams", "teams.csv", files.teams.read_bytes())
        timed_import(server.url, headers, "residents", "ds.csv", files.residents.read_bytes())
        solve, plan_id = plan_to_done(server.url, headers, args.time_limit)
        leader = {"Authorization": f"Bearer {make_token(server.env, 'team_leader', 'DX')}"}
        path = f"/plans/{plan_id}/teams/DX/map?date=2026-11-23"
        map_latency(server.url, leader, path, 2, 2)  # warm up
        samples = sorted(map_latency(server.url, leader, path, args.clients, args.requests))
        server.stop()
    p95 = samples[int(0.95 * (len(samples) - 1))]
    print(
        f"import 5,000 rows (new file): {first:.2f} s; same file again (unchanged): {again:.2f} s"
    )
    print(f"plan request to done, demo 3 days, time limit {args.time_limit:g} s: {solve:.1f} s")
    print(
        f"team map, {args.clients} concurrent clients x {args.requests} requests: "
        f"p50 {1000 * statistics.median(samples):.0f} ms, p95 {1000 * p95:.0f} ms, "
        f"max {1000 * samples[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
