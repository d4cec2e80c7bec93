"""Cut the road network out of an OpenStreetMap extract, for the test data in tests/data/osm.

The tests read roads only (``planner/travel/roads``: ways with a ``highway`` tag and the
positions of their nodes), so the cut keeps exactly those: every ``highway`` way with its tags
and every node it uses, with the node's position and no tags; buildings, other ways,
relations and the editing metadata (users, versions, timestamps) are dropped. The road graph
read from the cut equals the one read from the original; the file is a fraction of its size.
The data stay © OpenStreetMap contributors under the ODbL (see tests/data/README.md).

    python scripts/cut_test_osm.py ../shared/data/osm/vn_hanoi_dong_da_small.osm \
        tests/data/osm/hanoi_dong_da_roads.osm
    python scripts/cut_test_osm.py ../shared/data/osm/vn_hcmc_district5_small.osm \
        tests/data/osm/hcmc_district5_roads.osm.pbf
"""

from __future__ import annotations

import argparse
from pathlib import Path

import osmium


def road_node_ids(source: Path) -> set[int]:
    """The ids of the nodes that the extract's ``highway`` ways pass through."""
    ids: set[int] = set()
    ways = osmium.FileProcessor(str(source), osmium.osm.WAY)
    for way in ways.with_filter(osmium.filter.KeyFilter("highway")):
        if isinstance(way, osmium.osm.Way):
            ids.update(n.ref for n in way.nodes)
    return ids


def cut(source: Path, target: Path) -> tuple[int, int]:
    """Write the roads of ``source`` to ``target`` (PBF if it ends in .pbf, else OSM XML);
    return (nodes, ways) written."""
    keep = road_node_ids(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    nodes = ways = 0
    kind = "pbf" if target.name.endswith(".pbf") else "osm"
    out = osmium.io.File(str(target), f"{kind},add_metadata=false")
    writer = osmium.SimpleWriter(out)
    try:
        for obj in osmium.FileProcessor(str(source), osmium.osm.NODE | osmium.osm.WAY):
            if isinstance(obj, osmium.osm.Node) and obj.id in keep:
                writer.add_node(osmium.osm.mutable.Node(id=obj.id, location=obj.location))
                nodes += 1
            elif isinstance(obj, osmium.osm.Way) and "highway" in obj.tags:
                writer.add_way(
                    osmium.osm.mutable.Way(
                        id=obj.id,
                        nodes=[n.ref for n in obj.nodes],
                        tags={t.k: t.v for t in obj.tags},
                    )
                )
                ways += 1
    finally:
        writer.close()
    return nodes, ways


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="an .osm or .osm.pbf extract")
    parser.add_argument("target", type=Path, help="the .osm or .osm.pbf file to write")
    args = parser.parse_args()
    nodes, ways = cut(args.source, args.target)
    size = args.target.stat().st_size
    print(f"{args.target}: {nodes} nodes, {ways} ways, {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
